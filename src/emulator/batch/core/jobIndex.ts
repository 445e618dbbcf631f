/**
 * Jobs kept in submission order (createdAt, then id), so ListJobs can page with a cursor: a page
 * starts strictly after the last job of the previous one, and a job that changes status between
 * two pages is neither repeated nor makes another job be skipped. Insert and delete are a binary
 * search plus one splice; new jobs go at the end.
 */
export interface JobKey {
  readonly createdAt: number;
  readonly id: string;
}

export function compareKeys(a: JobKey, b: JobKey): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Generic over the record (jobs.ts's JobRecord) so this index imports nothing of the core. */
export class OrderedJobs<T extends JobKey> implements Iterable<T> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  add(job: T): void {
    const i = this.lowerBound(job);
    if (this.items[i] !== job) this.items.splice(i, 0, job);
  }

  delete(job: T): boolean {
    const i = this.lowerBound(job);
    if (this.items[i] !== job) return false;
    this.items.splice(i, 1);
    return true;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.after(undefined);
  }

  /** The jobs after `key` (all without one), in order; reads the live index. */
  *after(key: JobKey | undefined): Generator<T> {
    for (let i = key ? this.upperBound(key) : 0; i < this.items.length; i++) yield this.items[i];
  }

  /** The jobs strictly before `key` (all without one), newest first; reads the live index. */
  *descending(key: JobKey | undefined): Generator<T> {
    for (let i = (key ? this.lowerBound(key) : this.items.length) - 1; i >= 0; i--) yield this.items[i];
  }

  /** First index whose key is >= `key`. */
  private lowerBound(key: JobKey): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.items[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose key is > `key`. */
  private upperBound(key: JobKey): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.items[mid], key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Several indexes (a queue's, one per status) merged newest first, strictly before `key` in that
 * order: a page of a filtered ListJobs reads its own jobs plus one look at each index, not every job.
 */
export function* newestFirst<T extends JobKey>(indexes: readonly OrderedJobs<T>[], key?: JobKey): Generator<T> {
  const heads = indexes.map((ix) => ix.descending(key)).map((it) => ({ it, next: it.next() }));
  for (;;) {
    let best: (typeof heads)[number] | undefined;
    for (const h of heads) if (!h.next.done && (!best || compareKeys(h.next.value, best.next.value as T) > 0)) best = h;
    if (!best) return;
    const job = best.next.value as T;
    best.next = best.it.next();
    yield job;
  }
}
