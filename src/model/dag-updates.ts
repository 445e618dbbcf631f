/**
 * Status updates of a DAG that cannot be applied yet (a layout is in progress, or the graph they
 * belong to has not been sent): merged per node so the latest wins and none is lost, then applied
 * in place or folded into the graph itself. Pure.
 */
import type { DagGraph, DagNode, DagNodeUpdate } from './dag';

/**
 * `queue` followed by `incoming`, one entry per node: the later status wins; counts, progress and jobId are kept
 * unless replaced (a reset to PLANNED drops the jobId).
 */
export function mergeUpdates(queue: readonly DagNodeUpdate[], incoming: readonly DagNodeUpdate[]): DagNodeUpdate[] {
  const byId = new Map<string, DagNodeUpdate>();
  for (const u of [...queue, ...incoming]) {
    const prev = byId.get(u.id);
    if (!prev) {
      byId.set(u.id, u);
      continue;
    }
    const counts = u.counts ?? prev.counts;
    const progress = u.progress ?? prev.progress;
    // A node reset to PLANNED (a new run starts) is bound to no job any more.
    const jobId = u.status === 'PLANNED' ? u.jobId : (u.jobId ?? prev.jobId);
    // Delete first so the merged entry moves to the end: updates keep the order they last changed in.
    byId.delete(u.id);
    byId.set(u.id, { id: u.id, status: u.status, ...(counts ? { counts } : {}), ...(jobId ? { jobId } : {}), ...(progress !== undefined ? { progress } : {}) });
  }
  return [...byId.values()];
}

/** The graph with `updates` applied to its nodes (statuses, counts, job ids); unknown ids are ignored. */
export function applyUpdates(graph: DagGraph, updates: readonly DagNodeUpdate[]): DagGraph {
  if (updates.length === 0) return graph;
  const merged = new Map(mergeUpdates([], updates).map((u) => [u.id, u]));
  let changed = false;
  const nodes = graph.nodes.map((n): DagNode => {
    const u = merged.get(n.id);
    if (!u) return n;
    changed = true;
    const { jobId: _old, ...rest } = n;
    const jobId = u.jobId ?? (u.status === 'PLANNED' ? undefined : n.jobId);
    return { ...rest, status: u.status, ...(u.counts ? { counts: u.counts } : {}), ...(jobId ? { jobId } : {}), ...(u.progress !== undefined ? { progress: u.progress } : {}) };
  });
  return changed ? { ...graph, nodes } : graph;
}
