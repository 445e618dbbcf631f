/**
 * The RUNNABLE jobs of a queue in line: by share identifier, then schedulingPriority, then first
 * come first served. Generic over the job record (jobs.ts's JobRecord), so it imports nothing of
 * the core.
 */

/** What the lines need of a job: whether it still waits to start, and its age. */
export interface Queued {
  readonly status: string;
  readonly run?: unknown;
  readonly createdAt: number;
}

/** A FIFO with O(1) push and shift. */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  push(item: T): void {
    this.items.push(item);
  }
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  get size(): number {
    return this.items.length - this.head;
  }
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i];
  }
}

/** RUNNABLE jobs of one share: highest schedulingPriority first, FIFO among equals. */
class PriorityFifo<T extends Queued> {
  private readonly byPriority = new Map<number, Fifo<T>>();
  /** Priorities present, highest first. */
  private priorities: number[] = [];

  push(job: T, priority: number): void {
    let fifo = this.byPriority.get(priority);
    if (!fifo) {
      this.byPriority.set(priority, (fifo = new Fifo()));
      this.priorities = [...this.priorities, priority].sort((a, b) => b - a);
    }
    fifo.push(job);
  }

  /** The first job still waiting to start; entries that left RUNNABLE meanwhile are dropped. */
  head(): T | undefined {
    for (const p of this.priorities) {
      const fifo = this.byPriority.get(p)!;
      for (let job = fifo.peek(); job; job = fifo.peek()) {
        if (job.status === 'RUNNABLE' && !job.run) return job;
        fifo.shift();
      }
    }
    return undefined;
  }

  get size(): number {
    let n = 0;
    for (const f of this.byPriority.values()) n += f.size;
    return n;
  }

  /** Every queued entry, in no particular order (entries may be stale: check the job's status). */
  *[Symbol.iterator](): IterableIterator<T> {
    for (const f of this.byPriority.values()) yield* f;
  }
}

/**
 * RUNNABLE jobs of a queue, by share identifier (one share, '', on a FIFO queue). Within a share the
 * highest schedulingPriority goes first (only on queues with a scheduling policy), FIFO among
 * equals. Which share goes next on a fair-share queue is the scheduler's choice (fairShare.ts).
 */
export class RunnableJobs<T extends Queued = Queued> {
  private readonly shares = new Map<string, PriorityFifo<T>>();

  push(job: T, priority = 0, share = ''): void {
    let q = this.shares.get(share);
    if (!q) this.shares.set(share, (q = new PriorityFifo()));
    q.push(job, priority);
  }

  /** Heads of every share that has a job waiting, keyed by share identifier. */
  heads(): Map<string, T> {
    const out = new Map<string, T>();
    for (const [share, q] of this.shares) {
      const job = q.head();
      if (job) out.set(share, job);
      else this.shares.delete(share);
    }
    return out;
  }

  /** The job first in line: the oldest head when there are several shares. */
  peek(): T | undefined {
    let first: T | undefined;
    for (const job of this.heads().values()) if (!first || job.createdAt < first.createdAt) first = job;
    return first;
  }

  get size(): number {
    let n = 0;
    for (const q of this.shares.values()) n += q.size;
    return n;
  }

  /** Every queued entry, in no particular order (entries may be stale: check the job's status). */
  *[Symbol.iterator](): IterableIterator<T> {
    for (const q of this.shares.values()) yield* q;
  }
}
