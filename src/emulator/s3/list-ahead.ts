/**
 * Listing pages read ahead: once a ListObjects page is answered, the page its continuation asks for
 * is built (its files stat'ed, dropped-in files under 8 MiB hashed, its XML written) while the client is still
 * reading this one, a few milliseconds of work per turn of the event loop, so that a client paging
 * through a bucket finds its next page ready, as a file system reads ahead of a sequential reader.
 *
 * A prepared page is answered only to the request it was built for (the same bucket and
 * parameters, the continuation that follows), once, and only while it is fresh:
 * - no write or delete through the API since its keys were read, in any bucket (a declared
 *   bucket's folder may hold another's), so a listing after a write always shows that write, as
 *   S3's listings do;
 * - none of the folders its keys were read from has changed (a file dropped in, removed or renamed);
 * - started at most FRESH_MS ago.
 * So a change made by hand in the folder in that window may show only on the listing after (a file
 * edited in place keeps its folder's mtime; a file dropped in within the same tick of the file
 * system's clock as the folder was read may too), as a network file system's attribute cache
 * would. A page that cannot be read ahead cheaply (a dropped-in file of 1 to 8 MiB to hash) is not
 * prepared. Builds run one at a time; one no longer wanted (stale, or pushed out) stops.
 */
import { foldersUnchanged } from './list-index';

/** Longest a prepared page is answered after its read-ahead started. */
export const FRESH_MS = 500;
/** Longest stretch of reading ahead before the event loop gets a turn. */
const SLICE_MS = 4;
const MAX_PREPARED = 32;

/**
 * How a read-ahead paces itself: it yields every SLICE_MS unless a request is waiting for it, and
 * stops (turn() throws) once its page is no longer wanted.
 */
export class Pace {
  urgent = false;
  cancelled = false;
  private until = performance.now() + SLICE_MS;

  /** Resolves at once, or after other events had a turn when this stretch has run long enough. */
  async turn(): Promise<void> {
    if (this.cancelled) throw new Error('read-ahead no longer wanted');
    if (this.urgent || performance.now() < this.until) return;
    await new Promise((r) => setImmediate(r));
    if (this.cancelled) throw new Error('read-ahead no longer wanted');
    this.until = performance.now() + SLICE_MS;
  }
}

interface Prepared<T> {
  readonly started: number;
  readonly generation: number;
  /** The folders the page's keys were read from, with their mtimes then. */
  readonly dirs: ReadonlyArray<readonly [string, number]>;
  readonly pace: Pace;
  /** The page, or undefined when it could not be read ahead. */
  readonly page: Promise<T | undefined>;
}

export class ListAhead {
  private readonly prepared = new Map<string, Prepared<unknown>>();
  /** The builds run one after the other, so that together they take at most SLICE_MS per turn. */
  private last: Promise<unknown> = Promise.resolve();

  /** `now`: milliseconds on a monotonic clock (a fake one in unit tests). */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * Starts building the page for request `id` (after the current request's turn). `generation`:
   * the count of API writes when its keys were read; `dirs`: the folders its keys came from.
   */
  prepare<T>(id: string, generation: number, dirs: ReadonlyArray<readonly [string, number]>, build: (pace: Pace) => Promise<T | undefined>): void {
    this.prune();
    if (this.prepared.size >= MAX_PREPARED) this.drop(this.prepared.keys().next().value!);
    this.drop(id);
    const pace = new Pace();
    const page = this.last
      .then(() => new Promise<void>((r) => setImmediate(r)))
      .then(() => (pace.cancelled ? undefined : build(pace)))
      .catch(() => undefined);
    this.last = page;
    this.prepared.set(id, { started: this.now(), generation, dirs, pace, page });
  }

  /** The prepared page for request `id` when it is still fresh (taken: answered once), else undefined. */
  async take<T>(id: string, generation: number): Promise<T | undefined> {
    const p = this.prepared.get(id);
    if (!p) return undefined;
    this.prepared.delete(id);
    if (p.generation !== generation || !this.fresh(p)) {
      p.pace.cancelled = true;
      return undefined;
    }
    p.pace.urgent = true;
    // (a write landing while this waits is concurrent with the request: S3 may answer either way)
    return (await p.page) as T | undefined;
  }

  private fresh(p: Prepared<unknown>): boolean {
    return this.now() - p.started <= FRESH_MS && foldersUnchanged(p.dirs);
  }

  private prune(): void {
    const now = this.now();
    for (const [id, p] of this.prepared) if (now - p.started > FRESH_MS) this.drop(id);
  }

  /** Forgets a prepared page, stopping its build if it is still running. */
  private drop(id: string): void {
    const p = this.prepared.get(id);
    if (!p) return;
    p.pace.cancelled = true;
    this.prepared.delete(id);
  }
}
