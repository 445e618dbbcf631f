/**
 * What makes listing a big folder cheap, page after page: each folder's entries are kept as read
 * last, reused while the folder's mtime is unchanged (a file dropped in, removed or renamed changes
 * it); the sorted keys of a walk are kept while none of the folders walked has changed; and the
 * ETags computed for files that came without metadata (dropped in by the user) are kept per bucket
 * in `<state>/s3/index/<bucket>.json`, each valid while the file's size, mtime and inode are
 * unchanged, so a restart does not hash them again. All of it is a cache: losing it costs time only.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { tempName } from '../store/durable-files';

export interface DirEntry {
  readonly name: string;
  readonly isDir: boolean;
  readonly isFile: boolean;
}

/** The sorted keys under a prefix, and the folders they were read from with their mtimes then. */
export interface Walk {
  readonly keys: string[];
  readonly dirs: ReadonlyArray<readonly [string, number]>;
  /** false when a folder had changed within SETTLED_MS of the walk (it may change again unseen) */
  readonly settled: boolean;
  /** when the folders were read (performance.now()) */
  readonly at: number;
}

interface KnownEtag {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly etag: string;
}

const MAX_DIRS = 20_000;
const FLUSH_AFTER_MS = 1000;
/**
 * File systems stamp times from a coarse clock (a few ms), so a change in the same tick as the last
 * one may leave the mtime as it was: only what was last changed longer ago than this is cached.
 */
const SETTLED_MS = 50;

const settled = (mtimeMs: number) => Date.now() - mtimeMs > SETTLED_MS;
const MAX_WALKS = 64;

export class ListIndex {
  private readonly dirs = new Map<string, { mtimeMs: number; entries: DirEntry[] }>();
  private readonly walks = new Map<string, Walk & { readonly bucket: string }>();
  private readonly etags = new Map<string, Map<string, KnownEtag>>();
  private readonly dirty = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private lastChange = 0;

  constructor(private readonly indexDir: string) {}

  /** The folder's entries (symbolic links resolved) and its mtime, or undefined when it is not a readable folder. */
  entries(dir: string): { mtimeMs: number; entries: DirEntry[]; settled: boolean } | undefined {
    let st: Stats;
    try {
      st = statSync(dir);
    } catch {
      return undefined;
    }
    const hit = this.dirs.get(dir);
    if (hit && hit.mtimeMs === st.mtimeMs) return { ...hit, settled: true };
    let read;
    try {
      read = readdirSync(dir, { withFileTypes: true });
    } catch {
      return undefined;
    }
    const entries: DirEntry[] = [];
    for (const e of read) {
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const t = statSync(join(dir, e.name));
          isDir = t.isDirectory();
          isFile = t.isFile();
        } catch {
          continue;
        }
      }
      entries.push({ name: e.name, isDir, isFile });
    }
    const fresh = { mtimeMs: st.mtimeMs, entries };
    if (!settled(st.mtimeMs)) return { ...fresh, settled: false };
    if (this.dirs.size >= MAX_DIRS) this.dirs.clear();
    this.dirs.set(dir, fresh);
    return { ...fresh, settled: true };
  }

  /** The sorted keys of an earlier walk, while every folder it read is unchanged. */
  walked(bucket: string, id: string): Walk | undefined {
    const w = this.walks.get(`${bucket}\0${id}`);
    return w && foldersUnchanged(w.dirs) ? w : undefined;
  }

  remember(bucket: string, id: string, walk: Walk): void {
    if (this.walks.size >= MAX_WALKS) this.walks.delete(this.walks.keys().next().value!);
    this.walks.set(`${bucket}\0${id}`, { ...walk, bucket });
  }

  /** Our own write or delete in the bucket: its walks may now miss a folder marker. */
  changed(bucket: string): void {
    for (const [id, w] of this.walks) if (w.bucket === bucket) this.walks.delete(id);
  }

  /** The quoted MD5 ETag known for a file that has no metadata, if it is unchanged since. */
  knownEtag(bucket: string, key: string, st: Stats): string | undefined {
    const hit = this.bucketEtags(bucket).get(key);
    return hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.ino === st.ino ? hit.etag : undefined;
  }

  /** Whether an ETag is known for the key at all (valid or not: a stat tells). */
  hasEtag(bucket: string, key: string): boolean {
    return this.bucketEtags(bucket).has(key);
  }

  /** `readAt`: a time before the file's bytes were read (default: now, for a file read just now). */
  rememberEtag(bucket: string, key: string, st: Pick<Stats, 'size' | 'mtimeMs' | 'ino'>, etag: string, readAt = Date.now()): void {
    if (readAt - st.mtimeMs <= SETTLED_MS) return;
    this.bucketEtags(bucket).set(key, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, etag });
    this.markDirty(bucket);
  }

  forget(bucket: string, key: string): void {
    if (this.etags.get(bucket)?.delete(key)) this.markDirty(bucket);
  }

  /** Writes the changed buckets' ETag indexes now (also done a second after a change). */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const bucket of this.dirty) {
      const known = this.etags.get(bucket);
      if (!known) continue;
      try {
        mkdirSync(this.indexDir, { recursive: true });
        const file = join(this.indexDir, `${bucket}.json`);
        const tmp = `${file}.${tempName()}.tmp`;
        writeFileSync(tmp, JSON.stringify(Object.fromEntries(known)), { mode: 0o600 });
        renameSync(tmp, file);
      } catch {
        // a cache: the ETags are computed again when needed
      }
    }
    this.dirty.clear();
  }

  private bucketEtags(bucket: string): Map<string, KnownEtag> {
    let known = this.etags.get(bucket);
    if (known) return known;
    known = new Map();
    try {
      const saved = JSON.parse(readFileSync(join(this.indexDir, `${bucket}.json`), 'utf8')) as Record<string, KnownEtag>;
      for (const [k, v] of Object.entries(saved)) if (typeof v?.etag === 'string') known.set(k, v);
    } catch {
      // none yet, or unreadable: start over
    }
    this.etags.set(bucket, known);
    return known;
  }

  /** Written once changes have stopped for a second (a first listing of a big folder writes once, not per page). */
  private markDirty(bucket: string): void {
    this.dirty.add(bucket);
    this.lastChange = Date.now();
    const later = () => {
      const quiet = Date.now() - this.lastChange;
      this.flushTimer = quiet >= FLUSH_AFTER_MS ? (this.flush(), undefined) : setTimeout(later, FLUSH_AFTER_MS - quiet).unref();
    };
    this.flushTimer ??= setTimeout(later, FLUSH_AFTER_MS).unref();
  }
}

/** Whether each folder still has the mtime recorded (false when one is gone or unreadable). */
export function foldersUnchanged(dirs: ReadonlyArray<readonly [string, number]>): boolean {
  for (const [dir, mtimeMs] of dirs) {
    try {
      if (statSync(dir).mtimeMs !== mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}
