/**
 * Objects on disk: each object is the file at its key inside the bucket's folder; its metadata
 * (content type, user metadata, ETag, checksums) is a JSON file under `<state>/s3/meta/<bucket>/`,
 * named by the key's SHA-256, holding the file's size and mtime when written. A file whose size or
 * mtime no longer match (the user replaced it), or that has no metadata (the user dropped it in),
 * is an object with an ETag computed from its content and no other metadata.
 *
 * Writes land in `<state>/s3/tmp/` first, are fsync'd, then renamed into the folder; the metadata
 * is written durably before that, so an acknowledged write survives a SIGKILL.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmdirSync, rmSync, statSync, unlinkSync, type Dirent, type Stats } from 'node:fs';
import { copyFile, rename, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Bucket } from './buckets';
import type { ChecksumAlgorithm, ChecksumType } from './checksums';
import { fsyncDirAsync, tempName, writeDurable } from './durable';
import { S3Error } from './errors';
import { keySegments, TEMP_PREFIX } from './names';

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
}

export interface ObjectInfo extends ObjectMeta {
  readonly path: string;
  readonly lastModified: Date;
}

export type NewMeta = Omit<ObjectMeta, 'key' | 'size' | 'mtimeMs'>;

const localConflict = (key: string, why: string) =>
  new S3Error('InvalidArgument', 400, `localbatch stores each object as a file in the bucket's folder, so the key ${key} cannot be stored: ${why}. S3 itself allows it; this is a local limit (see the README, S3).`, {
    ArgumentName: 'key',
    ArgumentValue: key.slice(0, 200),
  });

export class ObjectStore {
  readonly tmpDir: string;
  private readonly etagCache = new Map<string, { size: number; mtimeMs: number; etag: string }>();

  constructor(
    readonly s3Dir: string,
    /** Never listed even when inside a bucket's folder. */
    private readonly stateDir: string,
  ) {
    this.tmpDir = join(s3Dir, 'tmp');
    rmSync(this.tmpDir, { recursive: true, force: true });
    mkdirSync(this.tmpDir, { recursive: true });
  }

  /** A fresh temp file path on the state directory's file system. */
  tempPath(): string {
    return join(this.tmpDir, tempName());
  }

  pathOf(bucket: Bucket, key: string): string {
    return join(bucket.dir, ...keySegments(key));
  }

  private metaPath(bucket: Bucket, key: string): string {
    const h = createHash('sha256').update(key).digest('hex');
    return join(this.s3Dir, 'meta', bucket.name, h.slice(0, 2), `${h}.json`);
  }

  /** The object at `key`, or undefined. */
  async head(bucket: Bucket, key: string): Promise<ObjectInfo | undefined> {
    const path = this.pathOf(bucket, key);
    let st: Stats;
    try {
      st = await stat(path);
    } catch {
      return undefined;
    }
    const marker = key.endsWith('/');
    if (st.isDirectory() !== marker || (!st.isFile() && !st.isDirectory())) return undefined;
    const meta = this.readMeta(bucket, key);
    if (marker) return meta ? { ...meta, size: 0, path, lastModified: new Date(meta.mtimeMs) } : undefined;
    if (meta && meta.size === st.size && meta.mtimeMs === st.mtimeMs) return { ...meta, path, lastModified: st.mtime };
    return { key, size: st.size, mtimeMs: st.mtimeMs, etag: await this.computedEtag(path, st), path, lastModified: st.mtime };
  }

  private readMeta(bucket: Bucket, key: string): ObjectMeta | undefined {
    try {
      const m = JSON.parse(readFileSync(this.metaPath(bucket, key), 'utf8')) as ObjectMeta;
      return m.key === key ? m : undefined;
    } catch {
      return undefined;
    }
  }

  private async computedEtag(path: string, st: Stats): Promise<string> {
    const hit = this.etagCache.get(path);
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.etag;
    const h = createHash('md5');
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
    const etag = `"${h.digest('hex')}"`;
    if (this.etagCache.size > 100_000) this.etagCache.clear();
    this.etagCache.set(path, { size: st.size, mtimeMs: st.mtimeMs, etag });
    return etag;
  }

  /** Moves the fsync'd temp file `tmp` to `key` with its metadata; durable once this resolves. */
  async commit(bucket: Bucket, key: string, tmp: string, meta: NewMeta): Promise<ObjectInfo> {
    const path = this.pathOf(bucket, key);
    const marker = key.endsWith('/');
    await this.prepareFolder(bucket, key, marker ? path : dirname(path));
    if (!marker) {
      try {
        if ((await stat(path)).isDirectory()) throw localConflict(key, 'a folder of that name holds other objects');
      } catch (err) {
        if (err instanceof S3Error) throw err;
      }
    }
    const st = marker ? await stat(path) : await stat(tmp);
    const full: ObjectMeta = { ...meta, key, size: marker ? 0 : st.size, mtimeMs: st.mtimeMs };
    await writeDurable(this.metaPath(bucket, key), JSON.stringify(full), this.tmpDir);
    if (!marker) {
      try {
        await rename(tmp, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        // Another file system: copy beside the target under a name listings skip, then rename.
        const near = join(dirname(path), `${TEMP_PREFIX}${tempName()}`);
        await copyFile(tmp, near);
        const { open } = await import('node:fs/promises');
        const fh = await open(near, 'r+');
        await fh.sync();
        await fh.close();
        await rename(near, path);
        unlinkSync(tmp);
      }
      await fsyncDirAsync(dirname(path));
    }
    return { ...full, path, lastModified: st.mtime };
  }

  /** Creates the folders a key needs, refusing keys that would pass through a file or leave the bucket. */
  private async prepareFolder(bucket: Bucket, key: string, folder: string): Promise<void> {
    let probe = folder;
    while (probe.length > bucket.dir.length) {
      if (existsSync(probe)) {
        if (!statSync(probe).isDirectory()) throw localConflict(key, `${relative(bucket.dir, probe)} is an object, not a folder`);
        break;
      }
      probe = dirname(probe);
    }
    const first = mkdirSync(folder, { recursive: true });
    const real = realpathSync(folder);
    const root = realpathSync(bucket.dir);
    if (real !== root && !real.startsWith(root + sep)) throw localConflict(key, 'a folder on its path is a link leading out of the bucket');
    if (first) {
      // fsync each new folder's parent so the new entries survive a crash
      for (let d = folder; d.length >= first.length; d = dirname(d)) await fsyncDirAsync(dirname(d));
    }
  }

  /** Removes the object (a no-op when absent) and the folders it leaves empty. */
  async delete(bucket: Bucket, key: string): Promise<boolean> {
    const path = this.pathOf(bucket, key);
    let existed = false;
    try {
      if (key.endsWith('/')) {
        if (this.readMeta(bucket, key)) existed = true;
      } else if (statSync(path).isFile()) {
        unlinkSync(path);
        existed = true;
      }
    } catch {
      // absent
    }
    rmSync(this.metaPath(bucket, key), { force: true });
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

  /** Every key under `prefix`, sorted (reads folders only; no per-file stat). */
  keys(bucket: Bucket, prefix: string): string[] {
    const out: string[] = [];
    const cut = prefix.lastIndexOf('/');
    const folderKey = cut < 0 ? '' : prefix.slice(0, cut + 1);
    let start: string;
    try {
      start = folderKey ? join(bucket.dir, ...keySegments(folderKey)) : bucket.dir;
    } catch {
      return [];
    }
    this.walk(bucket, start, folderKey, prefix, out);
    return out.sort(compareKeys);
  }

  private walk(bucket: Bucket, dir: string, keyPrefix: string, filter: string, out: string[]): void {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (keyPrefix && keyPrefix.startsWith(filter) && this.readMeta(bucket, keyPrefix)) out.push(keyPrefix);
    for (const e of entries) {
      if (e.name.startsWith(TEMP_PREFIX)) continue;
      const key = keyPrefix + e.name;
      if (!(key.startsWith(filter) || filter.startsWith(key + '/'))) continue;
      const full = join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const st = statSync(full);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue;
        }
      }
      if (isDir) {
        if (full === this.stateDir) continue;
        this.walk(bucket, full, key + '/', filter, out);
      } else if (isFile && key.startsWith(filter)) out.push(key);
    }
  }

  /** Streams the file's bytes [start, end]. */
  read(info: ObjectInfo, start?: number, end?: number): NodeJS.ReadableStream {
    return createReadStream(info.path, { start, end, highWaterMark: 1024 * 1024 });
  }
}

/** Keys in S3's order: UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Below the surrogates, UTF-16 order is code point order, which is UTF-8 byte order.
    if (x < 0xd800 && y < 0xd800) return x - y;
    return Buffer.compare(Buffer.from(a.slice(i)), Buffer.from(b.slice(i)));
  }
  return a.length - b.length;
}
