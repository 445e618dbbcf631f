/**
 * Live statuses of a DAG: binds graph nodes to submitted job ids and turns job state changes (of
 * parents and of array children `parent:i`) into in-place node updates with per-status counts. Pure.
 */
import { childId, type DagGraph, type DagNodeUpdate, type DagStatus, type StatusCounts } from './dag';
import { isFinalJobStatus, JOB_STATUSES, type JobStatus } from './types';

interface Bound {
  readonly nodeId: string;
  status: DagStatus;
  readonly arraySize?: number;
  /** Statuses of children seen one by one. */
  readonly children: Map<number, JobStatus>;
  /** Children known only in aggregate (from a status summary), not yet seen one by one. */
  readonly pool: StatusCounts;
}

const RANK = new Map<string, number>(JOB_STATUSES.map((s, i) => [s, i]));

export class DagLiveState {
  private readonly byJobId = new Map<string, Bound>();
  private readonly nodes: Map<string, { arraySize?: number; expanded: boolean }>;

  constructor(graph: DagGraph) {
    this.nodes = new Map(graph.nodes.filter((n) => n.parentId === undefined).map((n) => [n.id, { arraySize: n.arraySize, expanded: false }]));
    for (const n of graph.nodes) {
      if (n.parentId === undefined) continue;
      const parent = this.nodes.get(n.parentId) ?? { arraySize: 0, expanded: true };
      parent.arraySize = (parent.arraySize ?? 0) + 1;
      this.nodes.set(n.parentId, parent);
    }
  }

  /** Whether some node is bound to a job. */
  get bound(): boolean {
    return this.byJobId.size > 0;
  }

  jobIdOf(nodeId: string): string | undefined {
    for (const [jobId, b] of this.byJobId) if (b.nodeId === nodeId) return jobId;
    return undefined;
  }

  /** Status of child `index` of a bound array node, when seen. */
  childStatus(nodeId: string, index: number): JobStatus | undefined {
    const jobId = this.jobIdOf(nodeId);
    return jobId ? this.byJobId.get(jobId)?.children.get(index) : undefined;
  }

  /** Marks whether an array node is shown expanded (then child updates are sent for its children too). */
  setExpanded(nodeId: string, expanded: boolean): void {
    const n = this.nodes.get(nodeId);
    if (n) n.expanded = expanded;
  }

  /** Binds a node to a job (a new run replaces the previous binding); returns the node's update. */
  bind(nodeId: string, jobId: string, status: JobStatus, summary?: StatusCounts): DagNodeUpdate | undefined {
    const node = this.nodes.get(nodeId);
    if (!node) return undefined;
    for (const [id, b] of this.byJobId) if (b.nodeId === nodeId) this.byJobId.delete(id);
    const pool: StatusCounts = summary ? { ...summary } : node.arraySize !== undefined ? { [status]: node.arraySize } : {};
    const bound: Bound = { nodeId, status, arraySize: node.arraySize, children: new Map(), pool };
    this.byJobId.set(jobId, bound);
    return this.updateOf(bound, jobId);
  }

  /** Applies one job state change; returns the node updates it causes (none for unknown jobs). */
  apply(jobId: string, status: string): DagNodeUpdate[] {
    if (!RANK.has(status)) return [];
    const s = status as JobStatus;
    const direct = this.byJobId.get(jobId);
    if (direct) {
      direct.status = s;
      // Children that never reported follow a parent that ends (e.g. dependency failure cancels all).
      if (direct.arraySize !== undefined && isFinalJobStatus(s)) {
        const left = Object.values(direct.pool).reduce((a, b) => a + (b ?? 0), 0);
        for (const k of Object.keys(direct.pool)) delete direct.pool[k as JobStatus];
        if (left > 0) direct.pool[s] = left;
      }
      return [this.updateOf(direct, jobId)];
    }
    const colon = jobId.lastIndexOf(':');
    if (colon < 0) return [];
    const parentId = jobId.slice(0, colon);
    const index = Number(jobId.slice(colon + 1));
    const parent = this.byJobId.get(parentId);
    if (!parent || !Number.isInteger(index)) return [];
    if (!parent.children.has(index)) this.takeFromPool(parent.pool, s);
    parent.children.set(index, s);
    const out = [this.updateOf(parent, parentId)];
    if (this.nodes.get(parent.nodeId)?.expanded) out.push({ id: childId(parent.nodeId, index), status: s, jobId });
    return out;
  }

  private takeFromPool(pool: StatusCounts, next: JobStatus): void {
    const rank = RANK.get(next)!;
    const candidates = JOB_STATUSES.filter((s) => (pool[s] ?? 0) > 0);
    const from = [...candidates].reverse().find((s) => RANK.get(s)! <= rank) ?? candidates[0];
    if (!from) return;
    const left = pool[from]! - 1;
    if (left > 0) pool[from] = left;
    else delete pool[from];
  }

  private updateOf(b: Bound, jobId: string): DagNodeUpdate {
    if (b.arraySize === undefined) return { id: b.nodeId, status: b.status, jobId };
    const counts: StatusCounts = { ...b.pool };
    for (const s of b.children.values()) counts[s] = (counts[s] ?? 0) + 1;
    return { id: b.nodeId, status: b.status, counts, jobId };
  }
}
