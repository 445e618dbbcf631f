/**
 * Files put into (or removed from) a bucket's folder by hand, as S3 events: for each bucket with
 * EventBridge notifications on (or a notification to an SNS topic), its folders are watched and a
 * file that appears or changes becomes an "Object Created" change, one that goes away an "Object
 * Deleted", as if uploaded or deleted through the API.
 *
 * Each folder has a watch of its own (fs.watch, not recursive: inotify on Linux reports every
 * entry of a watched folder by name, also a file replaced by a rename). Node's recursive fs.watch
 * is not used: on Linux it watches file by file, walks the tree synchronously, and loses the
 * changes to a file replaced by a rename and to folders whose name starts like a removed one's.
 * A path is looked at once it has been quiet for half a second (a file being copied in is
 * reported once, when the copy is done). A folder that appears, is replaced or reports its own
 * removal is synced again: watched anew (a folder made again under the same name can even get
 * the same inode, and a watch of the old one sees nothing more), its files compared with what was
 * seen there. What the API itself wrote or deleted is not reported again: the API tells the watch
 * (`apiChanged`) before the folder's events come. Temp files and the state directory (when inside
 * a bucket's folder) are left out.
 *
 * The kernel's queue of folder events holds about 16,000 (Linux's fs.inotify.max_queued_events):
 * a bigger burst (a folder of 20,000 files removed at once) loses some, silently. So the watched
 * folders' names are also compared with what was seen every 10 seconds (less often where that
 * takes long: at most 5% of the time), which finds the files added or removed meanwhile. Node I/O
 * only.
 */
import { watch, type FSWatcher, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative } from 'node:path';
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
  /**
   * Whether the file is the one the API last wrote at that key (its metadata says so): a slow
   * write's folder event can be looked at before the API has told the watch.
   */
  readonly writtenByApi?: (bucket: Bucket, key: string, st: Stats) => boolean;
  readonly log: (line: string) => void;
  /** How long a path stays quiet before it is looked at. */
  readonly quietMs?: number;
}

/** What the API last did to a key, until the folder's event for it has been seen. */
const API = 'api';
const CHECK_MS = 10_000;
/** The check's share of the time at most. */
const CHECK_SHARE = 0.05;

interface Watched {
  readonly bucket: Bucket;
  /** Folder key ('' for the bucket's folder, else `a/b`) -> its watch. */
  readonly folders: Map<string, FSWatcher>;
  /** Folder key -> file key -> size:mtime:inode as last seen (or API). */
  readonly seen: Map<string, Map<string, string>>;
  readonly pending: Map<string, ReturnType<typeof setTimeout>>;
  ready: Promise<void>;
}

const signature = (st: Stats) => `${st.size}:${st.mtimeMs}:${st.ino}`;
const parentOf = (key: string) => key.slice(0, Math.max(0, key.lastIndexOf('/')));
const childKey = (folder: string, name: string) => (folder === '' ? name : `${folder}/${name}`);

export class FolderWatch {
  private readonly watched = new Map<string, Watched>();
  private closed = false;
  private warnedLimit = false;
  private checkTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: FolderWatchOptions) {}

  /** Watches the folders of the buckets with EventBridge (or a topic notification) on, and stops watching the others. */
  update(): void {
    if (this.closed) return;
    const wanted = new Map(this.o.buckets().filter((b) => b.eventBridge || b.notifiesTopics).map((b) => [b.name, b]));
    for (const [name, w] of this.watched) {
      if (wanted.get(name)?.dir === w.bucket.dir) continue;
      this.stop(w);
      this.watched.delete(name);
    }
    for (const [name, bucket] of wanted) {
      if (this.watched.has(name)) continue;
      const w: Watched = { bucket, folders: new Map(), seen: new Map(), pending: new Map(), ready: Promise.resolve() };
      this.watched.set(name, w);
      // What is there when the watch begins is not new.
      w.ready = this.resync(w, '', { deep: true, report: false });
    }
    if (this.watched.size > 0 && !this.checkTimer) this.scheduleCheck(CHECK_MS);
  }

  /** The API wrote (or deleted) this key: its folder event is not a change by hand. */
  apiChanged(bucket: string, key: string, kind: 'created' | 'deleted'): void {
    const w = this.watched.get(bucket);
    if (!w) return;
    if (kind === 'created') this.remember(w, key, API);
    else w.seen.get(parentOf(key))?.delete(key);
  }

  /** Resolves once every watched folder's first walk (and what was looked at since) is done. */
  async ready(): Promise<void> {
    await Promise.all([...this.watched.values()].map((w) => w.ready));
  }

  /** Compares every watched folder's names with what was seen (the periodic check). */
  async check(): Promise<void> {
    for (const w of [...this.watched.values()]) await this.queue(w, () => this.checkBucket(w));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.checkTimer);
    for (const w of this.watched.values()) this.stop(w);
    this.watched.clear();
  }

  /** Runs `fn` after what is queued for the bucket (one look at a time). */
  private queue(w: Watched, fn: () => Promise<void>): Promise<void> {
    w.ready = w.ready.then(() => (this.closed || this.watched.get(w.bucket.name) !== w ? undefined : fn())).catch(() => undefined);
    return w.ready;
  }

  private scheduleCheck(delay: number): void {
    this.checkTimer = setTimeout(() => {
      const started = Date.now();
      void this.check().finally(() => {
        this.checkTimer = undefined;
        if (!this.closed && this.watched.size > 0) this.scheduleCheck(Math.max(CHECK_MS, (Date.now() - started) / CHECK_SHARE));
      });
    }, delay);
    this.checkTimer.unref();
  }

  /** Syncs each watched folder whose names differ from what was seen in it (and the bucket's folder if unwatched). */
  private async checkBucket(w: Watched): Promise<void> {
    if (!w.folders.has('')) return this.resync(w, '', { deep: true, report: true });
    for (const folder of [...w.folders.keys()]) {
      if (!w.folders.has(folder)) continue;
      const entries = await readdir(this.pathOf(w, folder), { withFileTypes: true }).catch(() => undefined);
      const files = w.seen.get(folder) ?? new Map<string, string>();
      const names = (entries ?? []).filter((e) => !e.name.startsWith(TEMP_PREFIX));
      const fileCount = names.filter((e) => e.isFile()).length;
      const differs = !entries || fileCount !== files.size || names.some((e) => (e.isDirectory() ? !w.folders.has(childKey(folder, e.name)) : e.isFile() && !files.has(childKey(folder, e.name))));
      const subfolders = [...w.folders.keys()].filter((f) => f !== '' && f !== folder && parentOf(f) === folder);
      if (differs || subfolders.some((f) => !names.some((e) => childKey(folder, e.name) === f))) await this.resync(w, folder, { deep: false, report: true });
    }
  }

  private stop(w: Watched): void {
    for (const f of w.folders.values()) f.close();
    w.folders.clear();
    for (const t of w.pending.values()) clearTimeout(t);
    w.pending.clear();
  }

  private pathOf(w: Watched, key: string): string {
    return key === '' ? w.bucket.dir : join(w.bucket.dir, ...key.split('/'));
  }

  /** Watches one folder (anew); its entries' changes are looked at once quiet. */
  private watchFolder(w: Watched, folder: string): void {
    w.folders.get(folder)?.close();
    w.folders.delete(folder);
    if (this.closed) return;
    const path = this.pathOf(w, folder);
    let watcher: FSWatcher;
    try {
      watcher = watch(path, { persistent: false });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || this.warnedLimit) return;
      this.warnedLimit = true;
      const why = code === 'ENOSPC' ? 'the system\'s limit on watched folders is reached (fs.inotify.max_user_watches)' : err instanceof Error ? err.message : String(err);
      this.o.log(`localbatch s3: cannot watch more folders of bucket ${w.bucket.name} (${why}): files put into them by hand are not reported`);
      return;
    }
    const own = basename(path);
    watcher.on('error', () => {
      watcher.close();
      if (w.folders.get(folder) === watcher) w.folders.delete(folder);
    });
    watcher.on('change', (_type, name) => {
      if (typeof name !== 'string' || name.startsWith(TEMP_PREFIX)) return;
      this.later(w, childKey(folder, name), () => this.look(w, childKey(folder, name)));
      // A watch reports its own folder's removal under the folder's name: sync the folder again.
      if (name === own) this.later(w, `${folder}\0self`, () => this.resync(w, folder, { deep: true, report: true }));
    });
    w.folders.set(folder, watcher);
  }

  /** Runs `fn` once `key` has been quiet for half a second. */
  private later(w: Watched, key: string, fn: () => Promise<void>): void {
    clearTimeout(w.pending.get(key));
    w.pending.set(
      key,
      setTimeout(() => {
        w.pending.delete(key);
        void this.queue(w, fn);
      }, this.o.quietMs ?? 500),
    );
  }

  private remember(w: Watched, key: string, sig: string): string | undefined {
    const folder = parentOf(key);
    let files = w.seen.get(folder);
    if (!files) w.seen.set(folder, (files = new Map()));
    const was = files.get(key);
    files.set(key, sig);
    return was;
  }

  /** Compares a path with what was seen there; reports what changed. */
  private async look(w: Watched, key: string): Promise<void> {
    const path = this.pathOf(w, key);
    if (this.skipped(w, path)) return;
    const st = await stat(path).catch(() => undefined);
    if (st?.isDirectory()) return this.resync(w, key, { deep: true, report: true });
    if (st?.isFile()) return this.file(w, key, st, true);
    this.forget(w, key);
  }

  private file(w: Watched, key: string, st: Stats, report: boolean): void {
    const sig = signature(st);
    const was = this.remember(w, key, sig);
    if (report && was !== sig && was !== API && !this.o.writtenByApi?.(w.bucket, key, st)) this.o.emit({ kind: 'created', bucket: w.bucket.name, key });
  }

  /** A file or folder that is gone: reports every file seen there, and ends its folders' watches. */
  private forget(w: Watched, key: string): void {
    if (w.seen.get(parentOf(key))?.delete(key)) {
      this.o.emit({ kind: 'deleted', bucket: w.bucket.name, key });
      return;
    }
    const under = (folder: string) => key === '' || folder === key || folder.startsWith(`${key}/`);
    for (const folder of [...w.seen.keys()]) {
      if (!under(folder)) continue;
      for (const k of w.seen.get(folder)!.keys()) this.o.emit({ kind: 'deleted', bucket: w.bucket.name, key: k });
      w.seen.delete(folder);
    }
    for (const [folder, watcher] of [...w.folders]) {
      if (!under(folder)) continue;
      watcher.close();
      w.folders.delete(folder);
    }
  }

  /**
   * Watches `folder` anew and compares its entries with what was seen there: new or changed files
   * are created, missing ones and missing folders deleted. `deep`: every folder under it too
   * (else only folders not watched yet).
   */
  private async resync(w: Watched, folder: string, o: { deep: boolean; report: boolean }): Promise<void> {
    const dir = this.pathOf(w, folder);
    if (this.skipped(w, dir) || this.closed) return;
    const st = await stat(dir).catch(() => undefined);
    if (!st?.isDirectory()) return this.forget(w, folder);
    this.watchFolder(w, folder);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const here = new Set<string>();
    for (const e of entries) {
      if (e.name.startsWith(TEMP_PREFIX)) continue;
      const key = childKey(folder, e.name);
      here.add(key);
      if (e.isDirectory()) {
        if (o.deep || !w.folders.has(key)) await this.resync(w, key, o);
      } else if (e.isFile()) {
        const fst = await stat(join(dir, e.name)).catch(() => undefined);
        if (fst?.isFile()) this.file(w, key, fst, o.report);
      }
    }
    for (const key of [...(w.seen.get(folder)?.keys() ?? [])]) if (!here.has(key)) this.forget(w, key);
    for (const sub of new Set([...w.seen.keys(), ...w.folders.keys()])) if (sub !== folder && sub !== '' && parentOf(sub) === folder && !here.has(sub)) this.forget(w, sub);
  }

  /** Whether `path` is in the state directory, which is left out when the bucket's folder holds it. */
  private skipped(w: Watched, path: string): boolean {
    return within(w.bucket.dir, this.o.skip) && within(this.o.skip, path);
  }
}

/** Whether `path` is `dir` or inside it. */
function within(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
