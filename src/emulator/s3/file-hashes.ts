/**
 * The ETag a file's content gets when it has none recorded: its MD5 (read at once when small,
 * streamed when bigger), or for a big file dropped in by the user one built from its size, times and
 * inode (statEtag).
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, type Stats } from 'node:fs';

/** Files up to this size are hashed with one blocking read; bigger ones are streamed. */
export const SMALL_FILE = 1024 * 1024;

/** MD5 (hex) of a small file's bytes (at most SMALL_FILE), read at once. */
export function md5SmallFile(path: string, size: number): string {
  const h = createHash('md5');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(size, SMALL_FILE) + 1);
    let got = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      got += n;
      // the size stat'ed, in a read shorter than the buffer: the end (a read of 0 would tell no more)
      if (got === size && n < buf.length) break;
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/**
 * Files dropped in at least this big get an ETag from their size, times and inode (statEtag), not
 * from their bytes: the AWS CLI uploads a file this big in parts, so on S3 its ETag is a multipart
 * one, no MD5 of the content either; and a listing (or a GET) of a folder of big files answers at
 * once instead of reading them all first (2-3 s per GiB here: a folder of 30 GiB outlasted the CLI's
 * 60 s read timeout).
 */
export const STAT_ETAG_BYTES = 8 * 1024 * 1024;

/**
 * A dropped-in big file's ETag, in the multipart form `"<32 hex>-<parts>"` (parts: as many as the
 * AWS CLI would upload it in, 8 MiB each, doubled while over 10,000), so that clients see it is no
 * MD5 of the content. It changes when the file's size, inode, mtime or ctime does: the ctime too,
 * which no one can set, since a copy over the file that keeps its times (`cp -p`, `rsync -t
 * --inplace`, `touch -r`) changes the bytes with the size, inode and mtime as they were. (Not the
 * device number: it can change between mounts with nothing in the file changed.)
 */
export function statEtag(st: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>): string {
  let part = STAT_ETAG_BYTES;
  while (Math.ceil(st.size / part) > 10_000) part *= 2;
  const hex = createHash('md5').update(`localbatch dropped-in file\0${st.ino}\0${st.size}\0${st.mtimeMs}\0${st.ctimeMs}`).digest('hex');
  return `"${hex}-${Math.ceil(st.size / part)}"`;
}

/** MD5 (hex) of a file of any size, streamed. */
export async function md5Stream(path: string): Promise<string> {
  const h = createHash('md5');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest('hex');
}
