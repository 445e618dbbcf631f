/**
 * A small durable key/value journal for the pipeline services' definitions (rules, schedules,
 * topics, subscriptions): one `<name>.jsonl` file of `{"k": key, "v": value}` lines (a missing `v`
 * deletes the key), appended and fsync'd before `committed()` resolves; writes made in the same
 * turn of the event loop share one fsync. When the file holds many more lines than live keys it is
 * rewritten (temp file, fsync, rename), also when it is opened (so payloads of keys deleted long
 * ago do not linger). A torn last line (the server killed mid-write) is ignored. The folder is
 * private (0700) and the file 0600: what it holds (an event's payload) can carry secrets.
 * node:fs only.
 */
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDir } from './journal-files';

export class RecordJournal<V> {
  private handle: FileHandle | undefined;
  private buffer: string[] = [];
  private lines: number;
  private writing: Promise<void> | undefined;
  private scheduled = false;
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    readonly file: string,
    readonly records: Map<string, V>,
    lines: number,
    /** Problems met while reading (a torn or damaged line), for the log. */
    readonly problems: readonly string[],
  ) {
    this.lines = lines;
  }

  /** Reads `<dir>/<name>.jsonl` (creating the folder) and opens it for appending. */
  static async open<V>(dir: string, name: string): Promise<RecordJournal<V>> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const file = join(dir, `${name}.jsonl`);
    const records = new Map<string, V>();
    const problems: string[] = [];
    let lines = 0;
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      const all = text.split('\n');
      all.forEach((line, i) => {
        if (line === '') return;
        try {
          const e = JSON.parse(line) as { k: string; v?: V };
          if (typeof e.k !== 'string') throw new Error('no key');
          if (e.v === undefined) records.delete(e.k);
          else records.set(e.k, e.v);
          lines++;
        } catch {
          problems.push(i === all.length - 1 ? `${file}: ignored a partial last entry (written when the server was killed)` : `${file}: line ${i + 1} is damaged; skipped`);
        }
      });
      // A torn tail would glue onto the next append: end the file with a newline first.
      if (text.length > 0 && !text.endsWith('\n')) {
        const fd = openSync(file, 'a');
        writeSync(fd, '\n');
        fsyncSync(fd);
        closeSync(fd);
      }
    }
    const journal = new RecordJournal<V>(file, records, lines, problems);
    if (existsSync(file)) chmodSync(file, 0o600);
    journal.handle = await open(file, 'a', 0o600);
    if (lines > records.size) await journal.compact();
    return journal;
  }

  get(key: string): V | undefined {
    return this.records.get(key);
  }

  values(): IterableIterator<V> {
    return this.records.values();
  }

  put(key: string, value: V): void {
    this.records.set(key, value);
    this.append(JSON.stringify({ k: key, v: value }));
  }

  delete(key: string): void {
    if (!this.records.delete(key)) return;
    this.append(JSON.stringify({ k: key }));
  }

  /** Resolves once every change made so far is on disk. */
  async committed(): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.buffer.length > 0 || this.writing || this.scheduled) {
      await (this.writing ?? this.flush());
      if (this.failure) throw this.failure;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.committed().catch(() => undefined);
    this.closed = true;
    await this.handle?.close();
    this.handle = undefined;
  }

  private append(line: string): void {
    if (this.closed) return;
    this.buffer.push(line + '\n');
    this.lines++;
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private flush(): Promise<void> {
    this.scheduled = false;
    this.writing ??= this.write().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  private async write(): Promise<void> {
    while (this.buffer.length > 0 && this.handle && !this.failure) {
      const chunk = this.buffer.join('');
      this.buffer = [];
      try {
        await this.handle.write(chunk);
        await this.handle.sync();
        if (this.lines > 1000 && this.lines > 4 * this.records.size) await this.compact();
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
      }
    }
  }

  /** Rewrites the file with one line per live key. */
  private async compact(): Promise<void> {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    for (const [k, v] of this.records) writeSync(fd, JSON.stringify({ k, v }) + '\n');
    fsyncSync(fd);
    closeSync(fd);
    await this.handle?.close();
    renameSync(tmp, this.file);
    syncDir(dirname(this.file));
    this.handle = await open(this.file, 'a', 0o600);
    this.lines = this.records.size;
  }
}
