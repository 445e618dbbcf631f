/**
 * Reading a tree's expanded nodes ahead of VS Code, for a Refresh. After a refresh event VS Code
 * asks for the root's children, then for each expanded child's, then theirs, one level (and, in the
 * extension host, one node) at a time; with a read per node that is a chain of round trips. A
 * Refresh instead starts every read the expanded nodes will need at once (`Prefetch.start`), and
 * the getChildren calls that follow take those in-flight promises (`Prefetch.take`) instead of
 * reading again. A read is handed out once and only shortly after it started, so data is never
 * older than the Refresh that read it: any later ask reads afresh.
 *
 * `ExpandedNodes` knows which nodes those are: the ones VS Code asked children of (which it does
 * only for expanded ones), less the ones collapsed since and those under a collapsed ancestor.
 * Pure: no VS Code, no I/O (the tree passes its reads in), so it is unit-tested with a fake client.
 */

/** How long a read started by a Refresh stays on offer (VS Code asks within milliseconds when the view shows). */
export const PREFETCH_TTL_MS = 5000;

interface Entry {
  readonly value: Promise<unknown>;
  readonly until: number;
}

export class Prefetch {
  private readonly entries = new Map<string, Entry>();
  /** Keys started by the last `begin` and not taken yet. */
  private untaken = new Set<string>();

  constructor(private readonly now: () => number = Date.now, private readonly ttlMs = PREFETCH_TTL_MS) {}

  /**
   * A new Refresh: drops what the last one read and nobody took, and returns those keys (nodes
   * VS Code did not ask for again: collapsed or gone since).
   */
  begin(): string[] {
    const stale = [...this.untaken];
    this.entries.clear();
    this.untaken = new Set();
    return stale;
  }

  /** Starts `read` now, on offer under `key` until taken once (or the TTL passes). */
  start<T>(key: string, read: () => Promise<T>): Promise<T> {
    const value = read();
    // Taken later or never: a failure surfaces where it is taken, never as an unhandled rejection.
    value.catch(() => undefined);
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
    this.untaken.add(key);
    return value;
  }

  /** The read started for `key`, once (then forgotten); otherwise `read()` now. */
  take<T>(key: string, read: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    this.untaken.delete(key);
    return entry && entry.until >= this.now() ? (entry.value as Promise<T>) : read();
  }

  /** Whether a read for `key` is on offer. */
  has(key: string): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.until >= this.now();
  }

  /** Withdraws the read for `key` (a redraw that must read afresh). */
  drop(key: string): void {
    this.entries.delete(key);
    this.untaken.delete(key);
  }
}

/**
 * Rows whose children are read ahead of an expand (the Local view's buckets: their first page):
 * the first `limit` of the rows last listed that are not expanded get a read on offer, unless one
 * is on offer already.
 */
export class ReadAhead<N extends { readonly id: string }> {
  private rows: readonly N[] = [];

  constructor(private readonly prefetch: Prefetch, private readonly read: (row: N) => Promise<unknown>, private readonly limit: number) {}

  /** The rows just listed (replacing the last ones). */
  listed(rows: readonly N[]): void {
    this.rows = rows;
  }

  /** Starts the reads; `expanded`: the ids of the rows shown expanded (VS Code lists those itself). */
  start(expanded: ReadonlySet<string>): void {
    for (const row of this.rows.filter((r) => !expanded.has(r.id)).slice(0, this.limit)) {
      if (!this.prefetch.has(row.id)) this.prefetch.start(row.id, () => this.read(row));
    }
  }
}

/** The expanded nodes of a tree, by id, with the latest object VS Code handed back for each. */
export class ExpandedNodes<N extends { readonly id: string }> {
  private readonly nodes = new Map<string, N>();

  /** `parentOf(id)`: the id of a node's parent (undefined at the top). */
  constructor(private readonly parentOf: (id: string) => string | undefined) {}

  /** VS Code asked for `node`'s children: it is expanded. */
  listed(node: N): void {
    this.nodes.set(node.id, node);
  }

  collapsed(id: string): void {
    this.nodes.delete(id);
  }

  forget(ids: Iterable<string>): void {
    for (const id of ids) this.nodes.delete(id);
  }

  clear(): void {
    this.nodes.clear();
  }

  /**
   * The expanded nodes VS Code will ask children of when the whole tree is refreshed: each with
   * every ancestor expanded too, parents before their children.
   */
  visible(): N[] {
    const depth = new Map<string, number>();
    const depthOf = (id: string, seen: Set<string>): number => {
      const known = depth.get(id);
      if (known !== undefined) return known;
      const parent = this.parentOf(id);
      // A cycle (never from a tree) counts as hidden.
      const d = !this.nodes.has(id) || seen.has(id) ? -1 : parent === undefined ? 0 : (() => {
        seen.add(id);
        const p = depthOf(parent, seen);
        return p < 0 ? -1 : p + 1;
      })();
      depth.set(id, d);
      return d;
    };
    return [...this.nodes.values()]
      .map((n) => ({ n, d: depthOf(n.id, new Set()) }))
      .filter((x) => x.d >= 0)
      .sort((a, b) => a.d - b.d)
      .map((x) => x.n);
  }
}
