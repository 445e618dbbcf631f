/**
 * Files put into (or removed from) a bucket's folder by hand, as S3 events: for each bucket with
 * EventBridge notifications on, its folder is watched (fs.watch, recursive) and a file that
 * appears or changes becomes an "Object Created" change, one that goes away an "Object Deleted",
 * as if uploaded or deleted through the API. A path is looked at once it has been quiet for half a
 * second (a file being copied in is reported once, when the copy is done); a folder that appears is
 * walked (its files may predate the watch on it). What the API itself wrote or deleted is not
 * reported again: the API tells the watch (`apiChanged`) before the folder's events come. Temp
 * files and the state directory (when inside a bucket's folder) are left out. Node I/O only.
 */
import { watch, type FSWatcher, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Bucket } from './buckets';
import { TEMP_PREFIX } from './names';

export interface FolderChange {
  readonly kind: 'created' | 'deleted';
  readonly bucket: string;
  readonly key: string;
}

export interface FolderWatchOptions {
  /** The buckets as they are now (their folders, and whether EventBridge is on). */
  readonly buckets: () => readonly Bucket[];
  /** A folder never looked into: the state directory, when a bucket's folder holds it. */
  readonly skip: string;
  readonly emit: (change: FolderChange) => void;
  readonly log: (line: string) => void;
  /** How long a path stays quiet before it is looked at. */
  readonly quietMs?: number;
}

/** What the API last did to a key, until the folder's event for it has been seen. */
const API = 'api';

interface Watched {
  readonly bucket: Bucket;
  readonly watcher: FSWatcher;
  /** key -> size:mtime:inode of the file as last seen (or API). */
  readonly seen: Map<string, string>;
  readonly pending: Map<string, ReturnType<typeof setTimeout>>;
  ready: Promise<void>;
}

const signature = (st: Stats) => `${st.size}:${st.mtimeMs}:${st.ino}`;

export class FolderWatch {
  private readonly watched = new Map<string, Watched>();
  private closed = false;

  constructor(private readonly o: FolderWatchOptions) {}

  /** Watches the folders of the buckets with EventBridge on, and stops watching the others. */
  update(): void {
    if (this.closed) return;
    const wanted = new Map(this.o.buckets().filter((b) => b.eventBridge).map((b) => [b.name, b]));
    for (const [name, w] of this.watched) {
      if (wanted.get(name)?.dir === w.bucket.dir) continue;
      this.stop(w);
      this.watched.delete(name);
    }
    for (const [name, bucket] of wanted) if (!this.watched.has(name)) this.start(bucket);
  }

  /** The API wrote (or deleted) this key: its folder event is not a change by hand. */
  apiChanged(bucket: string, key: string, kind: 'created' | 'deleted'): void {
    const w = this.watched.get(bucket);
    if (!w) return;
    if (kind === 'created') w.seen.set(key, API);
    else w.seen.delete(key);
  }

  /** Resolves once every watched folder's first walk is done (what is there then is not new). */
  async ready(): Promise<void> {
    await Promise.all([...this.watched.values()].map((w) => w.ready));
  }

  close(): void {
    this.closed = true;
    for (const w of this.watched.values()) this.stop(w);
    this.watched.clear();
  }

  private start(bucket: Bucket): void {
    let watcher: FSWatcher;
    try {
      watcher = watch(bucket.dir, { recursive: true, persistent: false });
    } catch (err) {
      this.o.log(`localbatch s3: cannot watch ${bucket.dir} for files put in by hand (bucket ${bucket.name}): ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const w: Watched = { bucket, watcher, seen: new Map(), pending: new Map(), ready: Promise.resolve() };
    // The state directory's own writes (journals, logs) when the bucket's folder holds it: dropped at once.
    const stateKey = within(bucket.dir, this.o.skip) ? relative(bucket.dir, this.o.skip).split(sep).join('/') : undefined;
    watcher.on('error', (err) => this.o.log(`localbatch s3: stopped watching ${bucket.dir} (bucket ${bucket.name}): ${err.message}`));
    watcher.on('change', (_type, name) => {
      if (typeof name !== 'string') return;
      const key = name.split(sep).join('/');
      if (key.split('/').some((s) => s.startsWith(TEMP_PREFIX))) return;
      if (stateKey !== undefined && (stateKey === '' || key === stateKey || key.startsWith(`${stateKey}/`))) return;
      clearTimeout(w.pending.get(key));
      w.pending.set(
        key,
        setTimeout(() => {
          w.pending.delete(key);
          w.ready = w.ready.then(() => this.look(w, key)).catch(() => undefined);
        }, this.o.quietMs ?? 500),
      );
    });
    w.ready = this.walk(w, bucket.dir, (key, st) => w.seen.set(key, signature(st)));
    this.watched.set(bucket.name, w);
  }

  private stop(w: Watched): void {
    w.watcher.close();
    for (const t of w.pending.values()) clearTimeout(t);
    w.pending.clear();
  }

  /** Compares a path with what was seen there; reports what changed. */
  private async look(w: Watched, key: string): Promise<void> {
    if (this.closed || this.watched.get(w.bucket.name) !== w) return;
    const path = join(w.bucket.dir, ...key.split('/'));
    if (this.skipped(w, path)) return;
    const st = await stat(path).catch(() => undefined);
    if (st?.isDirectory()) {
      await this.walk(w, path, (k, s) => this.file(w, k, s));
      return;
    }
    if (st?.isFile()) {
      this.file(w, key, st);
      return;
    }
    // Gone: the file, or a folder with everything seen under it.
    for (const k of [...w.seen.keys()]) {
      if (k !== key && !k.startsWith(`${key}/`)) continue;
      w.seen.delete(k);
      this.o.emit({ kind: 'deleted', bucket: w.bucket.name, key: k });
    }
  }

  private file(w: Watched, key: string, st: Stats): void {
    const sig = signature(st);
    const was = w.seen.get(key);
    if (was === sig) return;
    w.seen.set(key, sig);
    if (was !== API) this.o.emit({ kind: 'created', bucket: w.bucket.name, key });
  }

  /** Whether `path` is in the state directory, which is left out when the bucket's folder holds it. */
  private skipped(w: Watched, path: string): boolean {
    return within(w.bucket.dir, this.o.skip) && within(this.o.skip, path);
  }

  /** Every file under `dir` (not temp files, not the skipped folder), as keys of the bucket. */
  private async walk(w: Watched, dir: string, each: (key: string, st: Stats) => void): Promise<void> {
    if (this.skipped(w, dir)) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith(TEMP_PREFIX)) continue;
      const full = join(dir, e.name);
      if (e.isDirectory()) await this.walk(w, full, each);
      else if (e.isFile()) {
        const st = await stat(full).catch(() => undefined);
        if (st?.isFile()) each(relative(w.bucket.dir, full).split(sep).join('/'), st);
      }
    }
  }
}

/** Whether `path` is `dir` or inside it. */
function within(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
