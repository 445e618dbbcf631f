/**
 * Objects on disk: each object is the file at its key inside the bucket's folder; its metadata
 * (content type, user metadata, ETag, checksums) is a JSON file under `<state>/s3/meta/<bucket>/`,
 * named by the key's SHA-256, holding the file's size and mtime when written. A file whose size or
 * mtime no longer match (the user replaced it), or that has no metadata (the user dropped it in),
 * is an object with no other metadata and an ETag from its content (the MD5), or from its size,
 * times and inode when it is 8 MiB or more (file-hashes.ts, statEtag).
 *
 * Writes land in `<state>/s3/tmp/` first; the metadata is written (temp file, rename) before the
 * object's file is renamed into the folder, and then one fsync of the object's file makes both
 * durable before the request is answered: on ext4 (data=ordered), XFS and btrfs, fsync of a file
 * commits the file system's journal with the renames and the metadata file before it. So an
 * acknowledged write survives a SIGKILL (the kernel has it all) and a power cut. Listing reads
 * through caches (list-index.ts, and the metadata kept in memory), so a page of a big folder costs
 * one stat per key.
 */
import { createHash } from 'node:crypto';
import { close, createReadStream, existsSync, fstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { copyFile, open, rename } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Bucket } from './buckets';
import type { ChecksumAlgorithm, ChecksumType } from './checksums';
import { fsyncDirAsync, fsyncFile, openQuietly, tempName, type OpenFile } from '../store/durable-files';
import { linkOutOfBucket, S3Error, unstorableKey } from './errors';
import type { Pace } from './list-ahead';
import { md5SmallFile, md5Stream, SMALL_FILE, STAT_ETAG_BYTES, statEtag } from './file-hashes';
import type { WriteCondition } from './conditional-writes';
import { ListIndex, type Walk } from './list-index';
import { keySegments, TEMP_PREFIX, UnstorableKeyError } from './names';
import { walkKeys } from './walk';

export interface ObjectMeta {
  readonly key: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** Quoted, as in the ETag header. */
  readonly etag: string;
  readonly contentType?: string;
  /** Content-Disposition, Cache-Control and the like, lower-case names. */
  readonly headers?: Readonly<Record<string, string>>;
  /** x-amz-meta-* without the prefix, lower-case names. */
  readonly userMeta?: Readonly<Record<string, string>>;
  readonly checksum?: { readonly algorithm: ChecksumAlgorithm; readonly value: string; readonly type: ChecksumType };
  readonly parts?: number;
  /** A multipart object's part sizes, in order (GetObject / HeadObject by partNumber). */
  readonly partSizes?: readonly number[];
}

export interface ObjectInfo extends ObjectMeta {
  readonly path: string;
  readonly lastModified: Date;
}

export type NewMeta = Omit<ObjectMeta, 'key' | 'size' | 'mtimeMs'>;

export class ObjectStore {
  readonly tmpDir: string;
  private readonly index: ListIndex;
  /**
   * How many writes and deletes through the API have changed any bucket (pages read ahead before
   * one are stale). One count for all: a declared bucket's folder may hold another bucket's folder.
   */
  private writes = 0;
  /** Metadata files as last read or written (this server is their only writer); null: none. */
  private readonly metas = new Map<string, ObjectMeta | null>();
  /** Per key (`bucket\0key`): the write or delete under way, which the next one waits for. */
  private readonly writing = new Map<string, Promise<void>>();
  private readonly metaNamesOf = new Map<string, Set<string>>();

  constructor(
    readonly s3Dir: string,
    /** Never listed even when inside a bucket's folder. */
    private readonly stateDir: string,
  ) {
    this.tmpDir = join(s3Dir, 'tmp');
    rmSync(this.tmpDir, { recursive: true, force: true });
    mkdirSync(this.tmpDir, { recursive: true });
    this.index = new ListIndex(join(s3Dir, 'index'));
  }

  /** Writes the listing caches now (they are written a second after a change anyway). */
  flush(): void {
    this.index.flush();
  }

  /** A fresh temp file path on the state directory's file system. */
  tempPath(): string {
    return join(this.tmpDir, tempName());
  }

  pathOf(bucket: Bucket, key: string): string {
    return join(bucket.dir, ...keySegments(key));
  }

  /** The key's file, or undefined for a key no file can hold (so no object has it). */
  private storedPath(bucket: Bucket, key: string): string | undefined {
    try {
      return this.pathOf(bucket, key);
    } catch (err) {
      if (err instanceof UnstorableKeyError) return undefined;
      throw err;
    }
  }

  private metaPath(bucket: Bucket, key: string): string {
    return this.metaFile(bucket, createHash('sha256').update(key).digest('hex'));
  }

  private metaFile(bucket: Bucket, hash: string): string {
    return join(this.s3Dir, 'meta', bucket.name, hash.slice(0, 2), `${hash}.json`);
  }

  /** The names (key hashes) of the bucket's metadata files, read once: most dropped files have none, and a miss costs no open. */
  private metaNames(bucket: Bucket): Set<string> {
    let names = this.metaNamesOf.get(bucket.name);
    if (names) return names;
    names = new Set();
    const root = join(this.s3Dir, 'meta', bucket.name);
    let subs: string[] = [];
    try {
      subs = readdirSync(root);
    } catch {
      // no metadata yet
    }
    for (const sub of subs) {
      try {
        for (const f of readdirSync(join(root, sub))) if (f.endsWith('.json')) names.add(f.slice(0, -5));
      } catch {
        // not a folder
      }
    }
    this.metaNamesOf.set(bucket.name, names);
    return names;
  }

  /** The object at `key`, or undefined. */
  async head(bucket: Bucket, key: string): Promise<ObjectInfo | undefined> {
    const found = this.look(bucket, key);
    if (!found || !('unhashed' in found)) return found;
    const { st, path } = found.unhashed;
    const readAt = Date.now();
    const etag = `"${await md5Stream(path)}"`;
    this.index.rememberEtag(bucket.name, key, st, etag, readAt);
    return { key, size: st.size, mtimeMs: st.mtimeMs, etag, path, lastModified: st.mtime };
  }

  /**
   * The object at `key` as far as blocking calls tell: a file with neither metadata nor a known
   * ETag up to SMALL_FILE is hashed here; one up to STAT_ETAG_BYTES is returned as `unhashed`.
   */
  private look(bucket: Bucket, key: string): ObjectInfo | undefined | { unhashed: { st: Stats; path: string } } {
    const path = this.storedPath(bucket, key);
    if (path === undefined) return undefined;
    let st: Stats;
    try {
      st = statSync(path);
    } catch {
      // absent, or a file where a folder of the key's path should be (ENOTDIR), or unreadable
      return undefined;
    }
    const marker = key.endsWith('/');
    if (st.isDirectory() !== marker || (!st.isFile() && !st.isDirectory())) return undefined;
    const meta = this.readMeta(bucket, key);
    if (marker) return meta ? { ...meta, size: 0, path, lastModified: new Date(meta.mtimeMs) } : undefined;
    if (meta && meta.size === st.size && meta.mtimeMs === st.mtimeMs) return { ...meta, path, lastModified: st.mtime };
    // (an MD5 computed before files this big got a statEtag stays while the file is unchanged)
    let etag = this.index.knownEtag(bucket.name, key, st) ?? (st.size >= STAT_ETAG_BYTES ? statEtag(st) : undefined);
    if (!etag) {
      if (st.size > SMALL_FILE) return { unhashed: { st, path } };
      const readAt = Date.now();
      etag = `"${md5SmallFile(path, st.size)}"`;
      this.index.rememberEtag(bucket.name, key, st, etag, readAt);
    }
    return { key, size: st.size, mtimeMs: st.mtimeMs, etag, path, lastModified: st.mtime };
  }

  /**
   * The objects at `keys` (a listing page; undefined where one is gone). `ahead`: the page is read
   * ahead of its request, paced by it, and given up (undefined) when a dropped-in file over
   * SMALL_FILE (and under STAT_ETAG_BYTES) would have to be hashed: that is left to the request, if
   * it comes.
   */
  async heads(bucket: Bucket, keys: readonly string[], ahead?: Pace): Promise<Array<ObjectInfo | undefined> | undefined> {
    const out: Array<ObjectInfo | undefined> = [];
    for (const key of keys) {
      if (!ahead) {
        out.push(await this.head(bucket, key));
        continue;
      }
      await ahead.turn();
      const found = this.look(bucket, key);
      if (found && 'unhashed' in found) return undefined;
      out.push(found);
    }
    return out;
  }

  /** How many writes and deletes through the API have changed a bucket since the server started. */
  generation(): number {
    return this.writes;
  }

  /** Our own write or delete in the bucket, now in place: walks and pages read ahead may miss it. */
  private changed(bucket: Bucket): void {
    this.index.changed(bucket.name);
    this.writes++;
  }

  /** Whether the file at `key` (its size and mtime as `st` says) is the one the API last wrote there. */
  writtenByApi(bucket: Bucket, key: string, st: { size: number; mtimeMs: number }): boolean {
    const meta = this.readMeta(bucket, key);
    return meta !== undefined && meta.size === st.size && meta.mtimeMs === st.mtimeMs;
  }

  private readMeta(bucket: Bucket, key: string): ObjectMeta | undefined {
    const id = `${bucket.name}\0${key}`;
    const hit = this.metas.get(id);
    if (hit !== undefined) return hit ?? undefined;
    let meta: ObjectMeta | null = null;
    const names = this.metaNames(bucket);
    // a bucket of dropped-in files only has no metadata to look for (and no key to hash)
    const hash = names.size ? createHash('sha256').update(key).digest('hex') : '';
    try {
      const m = names.has(hash) ? (JSON.parse(readFileSync(this.metaFile(bucket, hash), 'utf8')) as ObjectMeta) : null;
      if (m?.key === key) meta = m;
    } catch {
      // none (a file the user dropped in), or torn: the file alone is the object
    }
    this.cacheMeta(id, meta);
    return meta ?? undefined;
  }

  private cacheMeta(id: string, meta: ObjectMeta | null): void {
    if (this.metas.size >= 500_000) this.metas.clear();
    this.metas.set(id, meta);
  }

  /**
   * Runs `write` after every earlier write or delete of the same key has finished: the metadata file
   * and the object's file are replaced in separate steps, so two writes of one key must not
   * interleave (the object of one with the metadata of the other). `condition` is checked first,
   * inside that turn: a conditional write's check and its write are one step.
   */
  private async exclusive<T>(bucket: Bucket, key: string, write: () => Promise<T>, condition?: WriteCondition): Promise<T> {
    const fn = async () => {
      condition?.(await this.head(bucket, key));
      return write();
    };
    const id = `${bucket.name}\0${key}`;
    const mine = (this.writing.get(id) ?? Promise.resolve()).then(fn, fn);
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.writing.set(id, settled);
    try {
      return await mine;
    } finally {
      if (this.writing.get(id) === settled) this.writing.delete(id);
    }
  }

  /**
   * Moves the temp file `tmp` to `key` with its metadata; durable once this resolves. `handle`: the
   * temp file still open (ingest's keepOpen), synced through it and closed here, whatever happens.
   */
  async commit(bucket: Bucket, key: string, tmp: string, meta: NewMeta, handle?: OpenFile, condition?: WriteCondition): Promise<ObjectInfo> {
    try {
      return await this.exclusive(bucket, key, () => this.commitNow(bucket, key, tmp, meta, handle), condition);
    } finally {
      // Closed after the sync (or the failure): nothing waits for it.
      if (handle) void handle.close().catch(() => undefined);
    }
  }

  private async commitNow(bucket: Bucket, key: string, tmp: string, meta: NewMeta, handle?: OpenFile): Promise<ObjectInfo> {
    const path = this.pathOf(bucket, key);
    const marker = key.endsWith('/');
    await this.prepareFolder(bucket, key, marker ? path : dirname(path));
    let replaced: Stats | undefined;
    if (!marker) {
      try {
        replaced = statSync(path);
      } catch {
        // nothing there yet
      }
      if (replaced?.isDirectory()) throw unstorableKey(key, 'a folder of that name holds other objects');
    }
    // A big file being replaced is held open across the rename and closed after the answer: freeing
    // its blocks (about 40 ms per 100 MiB on ext4 here) then happens in that close, in the thread
    // pool, instead of in the rename the request waits for.
    const held = replaced?.isFile() && replaced.size >= FREE_LATER_BYTES ? await open(path, 'r').catch(() => undefined) : undefined;
    try {
      return await this.replace(bucket, key, tmp, meta, path, handle);
    } finally {
      if (held) void held.close().catch(() => undefined);
    }
  }

  /**
   * The metadata file, then the object's file, renamed into place, then synced. The renames go
   * through the thread pool, not the event loop: a rename that replaces a file waits for the file
   * system's journal, which other requests' fsyncs hold. The metadata's temp file (new, small,
   * replacing nothing) is written with one blocking call.
   */
  private async replace(bucket: Bucket, key: string, tmp: string, meta: NewMeta, path: string, handle?: OpenFile): Promise<ObjectInfo> {
    const marker = key.endsWith('/');
    const st = marker ? statSync(path) : handle ? fstatSync(handle.fd) : statSync(tmp);
    let full: ObjectMeta = { ...meta, key, size: marker ? 0 : st.size, mtimeMs: st.mtimeMs };
    let lastModified = st.mtime;
    const hash = createHash('sha256').update(key).digest('hex');
    const metaFile = this.metaFile(bucket, hash);
    mkdirSync(dirname(metaFile), { recursive: true });
    const writeMeta = async () => {
      const metaTmp = join(this.tmpDir, `${tempName()}.json`);
      writeFileSync(metaTmp, JSON.stringify(full), { mode: 0o600 });
      await rename(metaTmp, metaFile);
      this.metaNames(bucket).add(hash);
      this.cacheMeta(`${bucket.name}\0${key}`, full);
    };
    await writeMeta();
    this.changed(bucket);
    let copied = false;
    if (!marker) {
      try {
        await rename(tmp, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        copied = true;
        // Another file system: copy beside the target under a name listings skip, then rename.
        const near = join(dirname(path), `${TEMP_PREFIX}${tempName()}`);
        await copyFile(tmp, near);
        // The copy has an mtime of its own: the metadata must name it, or the object would read
        // as a file changed by hand (no content type, user metadata or stored ETag).
        const copy = statSync(near);
        if (copy.mtimeMs !== full.mtimeMs) {
          full = { ...full, mtimeMs: copy.mtimeMs };
          lastModified = copy.mtime;
          await writeMeta();
        }
        await fsyncFile(near);
        await rename(near, path);
        unlinkSync(tmp);
        await fsyncDirAsync(dirname(path));
      }
      // the file in place: a page read ahead since the metadata was written may hold the old one
      this.changed(bucket);
    }
    // The one fsync: the object's bytes, and (through the file system's journal) the renames and
    // the metadata file written before it. A folder marker has no file of its own: sync the metadata.
    // (through the temp file's handle when it is still open: the same file, now at `path`)
    if (handle && !marker && !copied) await handle.sync();
    else await fsyncFile(marker ? metaFile : path);
    return { ...full, path, lastModified };
  }

  /** Whether `folder` (an existing folder) is the bucket's folder or inside it, links followed. */
  private insideBucket(bucket: Bucket, folder: string): boolean {
    const real = realpathSync.native(folder);
    const root = realpathSync.native(bucket.dir);
    return real === root || real.startsWith(root + sep);
  }

  /** Creates the folders a key needs, refusing keys that would pass through a file or leave the bucket. */
  private async prepareFolder(bucket: Bucket, key: string, folder: string): Promise<void> {
    let probe = folder;
    while (probe.length > bucket.dir.length) {
      if (existsSync(probe)) {
        if (!statSync(probe).isDirectory()) throw unstorableKey(key, `${relative(bucket.dir, probe)} is an object, not a folder`);
        break;
      }
      probe = dirname(probe);
    }
    const first = mkdirSync(folder, { recursive: true });
    // realpath(3) in one call (the JS realpathSync lstat()s every component of the path)
    if (!this.insideBucket(bucket, folder)) throw unstorableKey(key, 'a folder on its path is a link leading out of the bucket');
    if (first) {
      // fsync each new folder's parent so the new entries survive a crash
      for (let d = folder; d.length >= first.length; d = dirname(d)) await fsyncDirAsync(dirname(d));
    }
  }

  /** Removes the object (a no-op when absent) and the folders it leaves empty. */
  delete(bucket: Bucket, key: string, condition?: WriteCondition): Promise<boolean> {
    return this.exclusive(bucket, key, () => this.deleteNow(bucket, key), condition);
  }

  private async deleteNow(bucket: Bucket, key: string): Promise<boolean> {
    const path = this.storedPath(bucket, key);
    if (path === undefined) return false;
    let existed = false;
    try {
      if (key.endsWith('/')) {
        if (this.readMeta(bucket, key)) existed = true;
      } else {
        const st = statSync(path);
        if (st.isFile()) {
          // A folder on the key's path may be a link the user made: never delete through one out of the bucket.
          if (!this.insideBucket(bucket, dirname(path))) throw linkOutOfBucket(key);
          // (a big file's blocks are freed by the close, in the thread pool: see commitNow)
          const held = st.size >= FREE_LATER_BYTES ? openQuietly(path) : undefined;
          try {
            unlinkSync(path);
          } finally {
            if (held !== undefined) close(held, () => undefined);
          }
          existed = true;
        }
      }
    } catch (err) {
      if (err instanceof S3Error) throw err;
      // absent
    }
    const hash = createHash('sha256').update(key).digest('hex');
    rmSync(this.metaFile(bucket, hash), { force: true });
    this.metaNames(bucket).delete(hash);
    this.cacheMeta(`${bucket.name}\0${key}`, null);
    this.changed(bucket);
    let d = key.endsWith('/') ? path : dirname(path);
    while (d.length > bucket.dir.length && d.startsWith(bucket.dir)) {
      try {
        if (readdirSync(d).length > 0) break;
        rmdirSync(d);
        if (key.endsWith('/') && d === path) rmSync(this.metaPath(bucket, key), { force: true });
      } catch {
        break;
      }
      d = dirname(d);
    }
    if (existed) await fsyncDirAsync(key.endsWith('/') ? dirname(path) : dirname(path));
    return existed;
  }

  /**
   * Every key under `prefix`, sorted, and the folders they were read from with their mtimes then
   * (reads folders only, through the listing caches; no per-file stat).
   */
  walkKeys(bucket: Bucket, prefix: string): Walk {
    return walkKeys(this.index, bucket, prefix, this.stateDir, (marker) => this.readMeta(bucket, marker) !== undefined);
  }

  /** Streams the file's bytes [start, end]. */
  read(info: ObjectInfo, start?: number, end?: number): NodeJS.ReadableStream {
    return createReadStream(info.path, { start, end, highWaterMark: 1024 * 1024 });
  }
}

/** Files at least this big are freed after the answer when replaced or deleted. */
const FREE_LATER_BYTES = 8 * 1024 * 1024;

