/**
 * ETags of files dropped into a bucket's folder (no metadata), computed ahead of the listing page
 * that needs them: once a page is answered, the next page's files are hashed while the client is
 * still reading this one, a few milliseconds of work per turn of the event loop so that requests
 * arriving meanwhile wait at most that long. Each file costs open, fstat, one read and close, with
 * blocking calls. Measured on a loaded 2-core machine, the other ways cost more than they won:
 * libuv's thread pool (a thread handoff per call: about 2.5x the CPU of the calls themselves) and
 * a worker thread fed batches of paths (more CPU, and no spare core to run on).
 *
 * A result goes only to the ListIndex, keyed by the file's size, mtime and inode as fstat'ed on the
 * open file; a page is answered from a fresh stat of each file, so a file changed after it was
 * hashed is hashed again and never served with its old ETag.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ListIndex } from './list-index';
import { SMALL_FILE } from './list-index';

export interface ToHash {
  readonly key: string;
  readonly path: string;
}

/** Longest stretch of hashing before the event loop gets a turn. */
const SLICE_MS = 4;

export class EtagPrefetch {
  private queue: Array<ToHash & { readonly bucket: string }> = [];
  private next = 0;
  private scheduled = false;

  constructor(private readonly index: ListIndex) {}

  /** Hashes these files in the background (those not known by then), after the current request. */
  later(bucket: string, files: readonly ToHash[]): void {
    for (const f of files) this.queue.push({ ...f, bucket });
    if (!this.scheduled && this.queue.length) {
      this.scheduled = true;
      setImmediate(this.slice);
    }
  }

  private readonly slice = (): void => {
    const stop = performance.now() + SLICE_MS;
    while (this.next < this.queue.length && performance.now() < stop) {
      const job = this.queue[this.next++];
      // known already, or hashed meanwhile by the request for its page
      if (!this.index.hasEtag(job.bucket, job.key)) hashInto(this.index, job.bucket, job.key, job.path);
    }
    if (this.next < this.queue.length) {
      setImmediate(this.slice);
      return;
    }
    this.queue = [];
    this.next = 0;
    this.scheduled = false;
  };
}

/** Hashes one small file into the index; any failure only leaves it to be hashed when its page is answered. */
function hashInto(index: ListIndex, bucket: string, key: string, path: string): void {
  const readAt = Date.now();
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > SMALL_FILE) return;
    const buf = Buffer.allocUnsafe(st.size + 1);
    let got = 0;
    for (;;) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      got += n;
      if (n === 0 || got >= st.size) break;
    }
    // All st.size bytes read, and no more: they are the file as fstat saw it. Had it changed since,
    // its mtime would differ from the one recorded with this ETag (only mtimes settled before
    // `readAt` are recorded), so the ETag could never be matched to the changed file.
    if (got === st.size) index.rememberEtag(bucket, key, st, `"${createHash('md5').update(buf.subarray(0, got)).digest('hex')}"`, readAt);
  } catch {
    // unreadable: hashed (or refused) when its page is answered
  } finally {
    closeSync(fd);
  }
}
