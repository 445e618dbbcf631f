/**
 * The engine's state on disk, durable: every journal entry is appended to `journal.<n>.jsonl` and
 * fsync'd before `committed()` resolves; entries appended while a write is in flight go together in
 * the next one (group commit), so one fsync covers many requests. When the journal grows past
 * `compactBytes`, a new journal file is started, a snapshot of the whole state is written to
 * `state.json` (temp file, fsync, rename), and the journals it covers are deleted. Entries hold
 * the new state of one thing, so replaying a journal over a snapshot that already has some of its
 * entries gives the same state. No native modules: node:fs only.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { open, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SnapshotBuilder, type JournalEntry, type JournalSink } from '../batch/core/journal';
import type { EngineSnapshot } from '../batch/core/snapshot';
import { journalFileName, journalSeqs, readJournal, readSnapshot, SNAPSHOT_FORMAT, STATE_FILE_NAME, syncDir, type SnapshotFile } from './journal-files';

export { STATE_FILE_NAME };

export interface LoadedState {
  /** The state to restore (undefined: nothing saved yet). */
  readonly snapshot?: EngineSnapshot;
  /** Damaged files set aside, torn tails ignored: one line each, for the log. */
  readonly problems: string[];
  readonly entriesReplayed: number;
}

export interface DurableStoreOptions {
  /** Start a new journal and write a snapshot once the journal holds this many bytes (default 16 MiB). */
  readonly compactBytes?: number;
}

/**
 * The saved state of `dir` (snapshot + the journals after it), without writing anything unless
 * `setAside` (damaged files are then renamed aside). `nextSeq` is the journal number to write next.
 */
export function loadState(dir: string, setAside = false): { loaded: LoadedState; nextSeq: number } {
  const problems: string[] = [];
  const read = readSnapshot(dir, setAside);
  if (read.problem) problems.push(read.problem);
  const from = read.snapshot?.journal ?? 0;
  const builder = new SnapshotBuilder(read.snapshot?.engine);
  let replayed = 0;
  const seqs = journalSeqs(dir);
  for (const seq of seqs) {
    if (seq < from) continue; // covered by the snapshot; removed at the next compaction
    const file = join(dir, journalFileName(seq));
    const j = readJournal(file, setAside);
    if (j.problem) problems.push(j.problem);
    if (j.tornTail) problems.push(`${file}: ignored a partial last entry (written when the server was killed)`);
    for (const e of j.entries) builder.apply(e);
    replayed += j.entries.length;
  }
  if (builder.orphans > 0) problems.push(`${builder.orphans} journal entries named jobs that are not known; skipped`);
  const snapshot = read.snapshot || replayed > 0 ? builder.build() : undefined;
  return { loaded: { snapshot, problems, entriesReplayed: replayed }, nextSeq: Math.max(from, (seqs.at(-1) ?? -1) + 1) };
}

export class DurableStore implements JournalSink {
  private handle: FileHandle | undefined;
  private seq: number;
  private buffer: string[] = [];
  private appended = 0;
  private durableCount = 0;
  private bytes = 0;
  private writing: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;
  private failure: Error | undefined;
  private snapshotOf: (() => EngineSnapshot) | undefined;
  private readonly waiters: Array<{ upto: number; resolve: () => void; reject: (e: Error) => void }> = [];
  private readonly compactBytes: number;

  private constructor(
    readonly dir: string,
    firstSeq: number,
    options: DurableStoreOptions,
  ) {
    this.seq = firstSeq;
    this.compactBytes = options.compactBytes ?? 16 * 1024 * 1024;
  }

  /** Reads the saved state (snapshot + journals) and opens a fresh journal file after them. */
  static async open(dir: string, options: DurableStoreOptions = {}): Promise<{ store: DurableStore; loaded: LoadedState }> {
    mkdirSync(dir, { recursive: true });
    const { loaded, nextSeq } = loadState(dir, true);
    const store = new DurableStore(dir, nextSeq, options);
    await store.openJournal();
    return { store, loaded };
  }

  /** Lets the store take snapshots for compaction. */
  setSnapshotSource(take: () => EngineSnapshot): void {
    this.snapshotOf = take;
  }

  append(entry: JournalEntry): void {
    if (this.closed) return;
    const line = JSON.stringify(entry) + '\n';
    this.buffer.push(line);
    this.appended++;
    this.schedule();
  }

  /** Resolves once every entry appended so far is on disk; rejects if writing failed. */
  committed(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const upto = this.appended;
    if (this.durableCount >= upto) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ upto, resolve, reject });
      this.schedule();
    });
  }

  /** Writes a snapshot now (the current journal is closed and a new one started first). */
  async compact(): Promise<void> {
    while (this.writing) await this.writing.catch(() => undefined);
    const take = this.snapshotOf;
    if (!take || !this.handle || this.failure) return;
    this.writing = this.rotateAndSnapshot(take).finally(() => {
      this.writing = undefined;
      if (this.buffer.length > 0 && !this.failure) this.schedule();
    });
    await this.writing;
  }

  /** Flushes, writes a final snapshot and closes. Entries appended afterwards are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    await this.compact().catch(() => undefined);
    this.closed = true;
    await this.handle?.close();
    this.handle = undefined;
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    // One turn of the event loop: every request parsed in it shares the write.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    this.writing ??= this.writeLoop().finally(() => {
      this.writing = undefined;
      if (this.buffer.length > 0 && !this.failure) this.schedule();
    });
    return this.writing;
  }

  private async writeLoop(): Promise<void> {
    while (this.buffer.length > 0 && this.handle && !this.failure) {
      const chunk = this.buffer.join('');
      this.buffer = [];
      const upto = this.appended;
      try {
        await this.handle.write(chunk);
        await this.handle.datasync();
      } catch (err) {
        this.fail(err);
        return;
      }
      this.bytes += Buffer.byteLength(chunk);
      this.durableCount = upto;
      this.release();
      if (this.bytes >= this.compactBytes && this.snapshotOf) await this.rotateAndSnapshot(this.snapshotOf).catch((err: unknown) => this.fail(err));
    }
  }

  private release(): void {
    let keep = 0;
    for (const w of this.waiters) {
      if (w.upto <= this.durableCount) w.resolve();
      else this.waiters[keep++] = w;
    }
    this.waiters.length = keep;
  }

  private fail(err: unknown): void {
    this.failure = new Error(`localbatch could not save its state in ${this.dir}: ${err instanceof Error ? err.message : String(err)}`);
    for (const w of this.waiters.splice(0)) w.reject(this.failure);
  }

  private async openJournal(): Promise<void> {
    this.handle = await open(join(this.dir, journalFileName(this.seq)), 'a', 0o600);
    this.bytes = 0;
    syncDir(this.dir);
  }

  /**
   * Starts journal seq+1, then saves the state as of now as a snapshot that names it as the first
   * journal to replay, then deletes the older journals. Entries still buffered go to the new
   * journal; the snapshot may already hold them, which replays to the same state.
   */
  private async rotateAndSnapshot(take: () => EngineSnapshot): Promise<void> {
    const old = this.handle!;
    this.seq++;
    await this.openJournal();
    await old.close();
    const body: SnapshotFile = { version: SNAPSHOT_FORMAT, savedAt: Date.now(), journal: this.seq, engine: take() };
    const file = join(this.dir, STATE_FILE_NAME);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(body), { mode: 0o600 });
    const fh = await open(tmp, 'r+');
    await fh.sync();
    await fh.close();
    await rename(tmp, file);
    syncDir(this.dir);
    for (const seq of journalSeqs(this.dir)) if (seq < this.seq) rmSync(join(this.dir, journalFileName(seq)), { force: true });
  }
}
