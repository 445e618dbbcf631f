/**
 * The MD5 of a big upload (its ETag) and the SHA-256 of a signed payload, computed on a worker thread
 * while the body streams in. They are most of the hashing an upload needs (MD5 about 150 ms per
 * 100 MiB here, SHA-256 60 ms with the CPU's SHA instructions; the flexible checksum, CRC32 in 20 ms,
 * stays on the event loop), and on the event loop they are on the upload's critical path; on the
 * worker they run beside the receiving and writing.
 * One worker serves every upload (each a job id); pieces are copied to it and it acknowledges each,
 * so no more than MAX_IN_FLIGHT bytes wait for it (the upload's socket is held back meanwhile:
 * memory stays flat). If the worker dies, the uploads using it fail; the next one starts a new worker.
 */
import { Worker } from 'node:worker_threads';

/** Bodies declared at least this long (or of unknown length) are hashed here; smaller ones inline. */
export const OFF_THREAD_MIN_BYTES = 8 * 1024 * 1024;
const MAX_IN_FLIGHT = 16 * 1024 * 1024;

// Plain JavaScript run with `eval`, so it works the same from the bundle and from the sources.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'start') {
    jobs.set(m.id, m.algorithms.map((a) => createHash(a)));
  } else if (m.op === 'update') {
    const data = new Uint8Array(m.data);
    for (const h of jobs.get(m.id) || []) h.update(data);
    parentPort.postMessage({ id: m.id, acked: m.data.byteLength });
  } else if (m.op === 'digest') {
    const hs = jobs.get(m.id) || [];
    jobs.delete(m.id);
    parentPort.postMessage({ id: m.id, digests: hs.map((h) => h.digest()) });
  } else if (m.op === 'drop') {
    jobs.delete(m.id);
  }
});
`;

interface Job {
  inFlight: number;
  /** Waiting for acknowledgements (the in-flight bytes over the limit). */
  drained?: () => void;
  digested?: { resolve(digests: Buffer[]): void; reject(err: Error): void };
  failed?: Error;
}

let worker: Worker | undefined;
let nextId = 1;
const jobs = new Map<number, Job>();

function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true });
  w.on('message', (m: { id: number; acked?: number; digests?: Uint8Array[] }) => {
    const job = jobs.get(m.id);
    if (!job) return;
    if (m.acked !== undefined) {
      job.inFlight -= m.acked;
      if (job.inFlight <= MAX_IN_FLIGHT && job.drained) {
        const go = job.drained;
        job.drained = undefined;
        go();
      }
    }
    if (m.digests !== undefined) {
      forget(m.id);
      job.digested?.resolve(m.digests.map((d) => Buffer.from(d)));
    }
  });
  const fail = (err: Error) => {
    if (worker === w) worker = undefined;
    for (const [id, job] of jobs) {
      job.failed = err;
      job.drained?.();
      job.digested?.reject(err);
      forget(id);
    }
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the hashing worker thread exited (code ${code})`)));
  // Kept alive (ref'd) only while an upload uses it (see track/forget). Unref'd after the listeners
  // are added: adding a 'message' listener refs a worker again, and an idle one kept the process
  // from exiting.
  w.unref();
  worker = w;
  return w;
}

function track(id: number, job: Job): void {
  jobs.set(id, job);
  if (jobs.size === 1) worker?.ref();
}

function forget(id: number): void {
  if (jobs.delete(id) && jobs.size === 0) worker?.unref();
}

/** How many uploads hold the worker thread (each keeps the process alive until it is digested or dropped). */
export function uploadsHashing(): number {
  return jobs.size;
}

/** One upload's MD5 (and SHA-256 when `sha256`), computed on the worker thread. */
export class OffThreadHashes {
  private readonly id = nextId++;
  private readonly job: Job = { inFlight: 0 };
  private readonly worker = theWorker();

  constructor(private readonly sha256: boolean) {
    track(this.id, this.job);
    this.worker.postMessage({ op: 'start', id: this.id, algorithms: sha256 ? ['md5', 'sha256'] : ['md5'] });
  }

  /** Hands `pieces` (copied) to the worker; resolves once the bytes in flight are under the limit. */
  async update(pieces: readonly Buffer[]): Promise<void> {
    if (this.job.failed) throw this.job.failed;
    // One copy, into memory of its own (a small one may sit in Node's pool: copied out of it), which
    // then moves to the worker without a second copy.
    const data = Buffer.concat(pieces);
    const own = data.byteOffset === 0 && data.buffer.byteLength === data.length;
    const bytes = (own ? data.buffer : data.buffer.slice(data.byteOffset, data.byteOffset + data.length)) as ArrayBuffer;
    this.job.inFlight += bytes.byteLength;
    this.worker.postMessage({ op: 'update', id: this.id, data: bytes }, [bytes]);
    if (this.job.inFlight > MAX_IN_FLIGHT) await new Promise<void>((resolve) => (this.job.drained = resolve));
    if (this.job.failed) throw this.job.failed;
  }

  /** The MD5 (and the SHA-256, when asked) of every piece handed over. */
  async digest(): Promise<{ md5: Buffer; sha256?: Buffer }> {
    if (this.job.failed) throw this.job.failed;
    const [md5, sha256] = await new Promise<Buffer[]>((resolve, reject) => {
      this.job.digested = { resolve, reject };
      this.worker.postMessage({ op: 'digest', id: this.id });
    });
    return { md5, sha256: this.sha256 ? sha256 : undefined };
  }

  /** Forgets the upload (it failed): the worker drops its state. */
  drop(): void {
    if (!jobs.has(this.id)) return;
    forget(this.id);
    this.worker.postMessage({ op: 'drop', id: this.id });
    // An update() waiting for the worker to take in-flight bytes would wait for acknowledgements
    // no longer listened to: it (and a digest()) ends with this error instead.
    const job = this.job;
    job.failed ??= new Error('the upload was dropped');
    const waiting = job.drained;
    job.drained = undefined;
    waiting?.();
    job.digested?.reject(job.failed);
  }
}
