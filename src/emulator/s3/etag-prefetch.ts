/**
 * ETags of files dropped into a bucket's folder (no metadata), computed ahead of the listing page
 * that needs them: a few files at a time in libuv's thread pool (open, fstat, one read, close), so
 * the event loop is free to answer while the kernel and the MD5 work run beside it, and the next
 * page's files are hashed while the client is still reading the current page. A result goes only
 * to the ListIndex, keyed by the file's size, mtime and inode as fstat'ed on the open file; a page
 * is answered from a fresh stat of each file, so a file changed after it was hashed is hashed again
 * and never served with its old ETag.
 */
import { createHash } from 'node:crypto';
import { close, fstat, open, read } from 'node:fs';
import type { ListIndex } from './list-index';
import { SMALL_FILE } from './list-index';

export interface ToHash {
  readonly key: string;
  readonly path: string;
}

interface Job extends ToHash {
  readonly bucket: string;
  readonly id: string;
  readonly done: () => void;
}

/** Files hashed at once: libuv's pool has 4 threads by default; a few more keep it busy between callbacks. */
const WIDTH = 6;

export class EtagPrefetch {
  private readonly pending = new Map<string, Promise<void>>();
  private readonly queue: Job[] = [];
  private head = 0;
  private running = 0;

  constructor(private readonly index: ListIndex) {}

  /** Queues the files not already queued (in order); resolves once all of them are hashed or given up on. */
  ensure(bucket: string, files: readonly ToHash[]): Promise<void> {
    const waits: Array<Promise<void>> = [];
    for (const f of files) {
      const id = `${bucket}\0${f.key}`;
      let p = this.pending.get(id);
      if (!p) {
        let done!: () => void;
        p = new Promise<void>((resolve) => (done = resolve));
        this.pending.set(id, p);
        this.queue.push({ ...f, bucket, id, done });
      }
      waits.push(p);
    }
    this.pump();
    return waits.length ? Promise.all(waits).then(() => undefined) : Promise.resolve();
  }

  private pump(): void {
    while (this.running < WIDTH && this.head < this.queue.length) {
      const job = this.queue[this.head++];
      this.running++;
      this.hash(job, () => {
        this.running--;
        this.pending.delete(job.id);
        job.done();
        this.pump();
      });
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
  }

  /** Hashes one file into the index; any failure only leaves it to be hashed when its page is answered. */
  private hash(job: Job, finished: () => void): void {
    open(job.path, 'r', (err, fd) => {
      if (err) return finished();
      const end = () => close(fd, () => finished());
      fstat(fd, (err2, st) => {
        if (err2 || !st.isFile() || st.size > SMALL_FILE || this.index.knownEtag(job.bucket, job.key, st)) return end();
        const buf = Buffer.allocUnsafe(st.size + 1);
        let got = 0;
        const more = () =>
          read(fd, buf, got, buf.length - got, got, (err3, n) => {
            if (err3) return end();
            got += n;
            // All st.size bytes read: they are the file as fstat saw it. Had it changed since, its mtime
            // would differ from the one recorded with this ETag (only settled mtimes are recorded), so
            // the ETag could never be matched to the changed file.
            if (n > 0 && got < st.size) return more();
            if (got === st.size) this.index.rememberEtag(job.bucket, job.key, st, `"${createHash('md5').update(buf.subarray(0, got)).digest('hex')}"`);
            end();
          });
        more();
      });
    });
  }
}
