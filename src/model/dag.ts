/**
 * The dependency graph of a workflow (planned) or of submitted jobs (live): plain data shared by the
 * extension and the DAG webview. Array jobs are one node with per-status counts, so a workflow with
 * 10,000-child arrays stays a small graph; small arrays can be expanded to their children. Pure.
 */
import type { JobDetail } from '@aws-sdk/client-batch';
import { isJobStatus, JOB_STATUSES, type JobStatus, type WorkflowFile } from './types';

/**
 * A job's status, or PLANNED for a workflow job not submitted yet. A state machine's states use
 * PLANNED, RUNNING (entered), SUCCEEDED, FAILED and also CAUGHT (failed, then left by a Catch) and
 * ABORTED (the execution was stopped while in it). SCHEDULED is a SageMaker training service job's
 * (capacity reserved, the training not started).
 */
export type DagStatus = JobStatus | 'PLANNED' | 'CAUGHT' | 'ABORTED' | 'SCHEDULED';
export const DAG_STATUSES: readonly DagStatus[] = ['PLANNED', ...JOB_STATUSES];
/** Transitions of a state machine: Choice rules, a Choice's Default, Catchers. */
export type DagEdgeType = 'plain' | 'N_TO_N' | 'SEQUENTIAL' | 'CHOICE' | 'DEFAULT' | 'CATCH';
export type StatusCounts = Partial<Record<JobStatus, number>>;

/** Arrays up to this size can be expanded to one node per child. */
export const MAX_EXPANDED_CHILDREN = 50;

export interface DagNode {
  /** Unique in the graph: the workflow job's key, or `key[i]` for an expanded child. */
  readonly id: string;
  /** The workflow job's key (or the job name for live jobs that belong to no workflow). */
  readonly name: string;
  readonly status: DagStatus;
  /** Set for array jobs: the number of children. */
  readonly arraySize?: number;
  /** Children per status, for array jobs. */
  readonly counts?: StatusCounts;
  /** The array's children run one after another (`{type: SEQUENTIAL}` without a job). */
  readonly sequential?: boolean;
  /** The submitted job, when there is one. */
  readonly jobId?: string;
  /** Set on an expanded child: its parent node id and index. */
  readonly parentId?: string;
  readonly index?: number;
  /** State machines: the state's Type (or Start / End for the two markers). */
  readonly stateType?: string;
  /** State machines: the group (Parallel, Parallel branch, Map) the node is drawn in. */
  readonly container?: string;
  /** State machines: the node is a group box drawn around the nodes whose container it is. */
  readonly group?: boolean;
  /** A short second line (e.g. a Task's resource) shown instead of array details. */
  readonly detail?: string;
  /** Live progress shown instead of the detail (a distributed Map's items: "5/6 items, 1 failed"); '' none yet. */
  readonly progress?: string;
}

export interface DagEdge {
  readonly id: string;
  /** The job depended on. */
  readonly source: string;
  /** The dependent job. */
  readonly target: string;
  readonly type: DagEdgeType;
  /** Shown on the edge (default: the type, for non-plain edges). */
  readonly label?: string;
}

export interface DagGraph {
  readonly title: string;
  readonly nodes: readonly DagNode[];
  readonly edges: readonly DagEdge[];
}

/** An in-place change of one node (no re-layout). */
export interface DagNodeUpdate {
  readonly id: string;
  readonly status: DagStatus;
  readonly counts?: StatusCounts;
  readonly jobId?: string;
  /** Replaces the node's progress line (kept by later updates that carry none). */
  readonly progress?: string;
}

function edgeId(source: string, target: string, type: DagEdgeType): string {
  return `${source}->${target}:${type}`;
}

/** The planned graph of a workflow file: one node per job, one edge per `dependsOn` entry naming a job. */
export function graphFromWorkflow(workflow: WorkflowFile, title: string): DagGraph {
  const jobs = workflow && typeof workflow.jobs === 'object' && workflow.jobs !== null ? workflow.jobs : {};
  const names = new Set(Object.keys(jobs));
  const nodes: DagNode[] = [];
  const edges: DagEdge[] = [];
  const seen = new Set<string>();
  for (const [name, job] of Object.entries(jobs)) {
    const deps = Array.isArray(job?.dependsOn) ? job.dependsOn : [];
    const size = job?.arrayProperties?.size;
    const sequential = deps.some((d) => d?.job === undefined && d?.type === 'SEQUENTIAL');
    nodes.push({ name, id: name, status: 'PLANNED', ...(typeof size === 'number' ? { arraySize: size } : {}), ...(sequential ? { sequential } : {}) });
    for (const d of deps) {
      if (typeof d?.job !== 'string' || !names.has(d.job)) continue;
      const type: DagEdgeType = d.type === 'N_TO_N' || d.type === 'SEQUENTIAL' ? d.type : 'plain';
      const id = edgeId(d.job, name, type);
      if (seen.has(id)) continue;
      seen.add(id);
      edges.push({ id, source: d.job, target: name, type });
    }
  }
  return { title, nodes, edges };
}

const isStatus = isJobStatus;

/** Counts of an array parent from its `arrayProperties.statusSummary`, or undefined. */
function summaryCounts(job: JobDetail): StatusCounts | undefined {
  const summary = job.arrayProperties?.statusSummary;
  if (!summary) return undefined;
  const counts: StatusCounts = {};
  for (const [k, v] of Object.entries(summary)) if (isStatus(k) && typeof v === 'number' && v > 0) counts[k] = v;
  return counts;
}

/**
 * The live graph of submitted jobs from their `dependsOn`. Array children (ids `parent:i`) are folded
 * into their parent's counts. `nameOf` maps a job to its node name (default: its jobName).
 */
export function graphFromJobs(jobs: readonly JobDetail[], title: string, nameOf: (job: JobDetail) => string = (j) => j.jobName ?? j.jobId ?? '?'): DagGraph {
  const parents = jobs.filter((j) => j.jobId && j.arrayProperties?.index === undefined);
  const idOf = new Map<string, string>();
  const used = new Set<string>();
  for (const j of parents) {
    let id = nameOf(j);
    if (used.has(id)) id = `${id} (${j.jobId!.slice(0, 8)})`;
    used.add(id);
    idOf.set(j.jobId!, id);
  }
  const nodes: DagNode[] = [];
  const edges: DagEdge[] = [];
  for (const j of parents) {
    const id = idOf.get(j.jobId!)!;
    const deps = j.dependsOn ?? [];
    const size = j.arrayProperties?.size;
    const sequential = deps.some((d) => !d.jobId && d.type === 'SEQUENTIAL');
    const counts = size !== undefined ? summaryCounts(j) : undefined;
    nodes.push({
      id, name: nameOf(j), status: isStatus(j.status) ? j.status : 'SUBMITTED', jobId: j.jobId,
      ...(size !== undefined ? { arraySize: size } : {}), ...(counts ? { counts } : {}), ...(sequential ? { sequential } : {}),
    });
    for (const d of deps) {
      const source = d.jobId && idOf.get(d.jobId);
      if (!source) continue;
      const type: DagEdgeType = d.type === 'N_TO_N' || d.type === 'SEQUENTIAL' ? d.type : 'plain';
      edges.push({ id: edgeId(source, id, type), source, target: id, type });
    }
  }
  return { title, nodes, edges };
}

/** Per-status counts of children statuses. */
export function countStatuses(statuses: Iterable<JobStatus>): StatusCounts {
  const counts: StatusCounts = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

export function canExpand(node: DagNode): boolean {
  return node.arraySize !== undefined && node.arraySize > 0 && node.arraySize <= MAX_EXPANDED_CHILDREN && node.parentId === undefined;
}

/** The id of child `index` of an expanded array node. */
export function childId(parentId: string, index: number): string {
  return `${parentId}[${index}]`;
}

/**
 * Replaces a small array node by one node per child (statuses from `childStatus`, default the
 * parent's). Edges of the parent go to every child, except N_TO_N edges between two expanded arrays,
 * which link child i to child i; a SEQUENTIAL array chains its children.
 */
export function expandArray(graph: DagGraph, nodeId: string, childStatus: (index: number) => DagStatus | undefined = () => undefined): DagGraph {
  const node = graph.nodes.find((n) => n.id === nodeId);
  if (!node || !canExpand(node)) return graph;
  const size = node.arraySize!;
  const children: DagNode[] = Array.from({ length: size }, (_, i) => ({
    id: childId(node.id, i), name: node.name, status: childStatus(i) ?? node.status, parentId: node.id, index: i,
    ...(node.jobId ? { jobId: `${node.jobId}:${i}` } : {}),
  }));
  const nodes = graph.nodes.flatMap((n) => (n.id === nodeId ? children : [n]));
  const isExpandedChild = (id: string) => nodes.some((n) => n.parentId === id);
  const edges: DagEdge[] = [];
  for (const e of graph.edges) {
    if (e.source !== nodeId && e.target !== nodeId) {
      edges.push(e);
      continue;
    }
    const other = e.source === nodeId ? e.target : e.source;
    const otherExpanded = isExpandedChild(other);
    const otherChildIndex = nodes.find((n) => n.id === other)?.index;
    for (let i = 0; i < size; i++) {
      if (e.type === 'N_TO_N' && otherChildIndex !== undefined && otherChildIndex !== i) continue;
      const here = childId(nodeId, i);
      const there = otherExpanded ? (e.type === 'N_TO_N' ? [childId(other, i)] : nodes.filter((n) => n.parentId === other).map((n) => n.id)) : [other];
      for (const t of there) {
        const [source, target] = e.source === nodeId ? [here, t] : [t, here];
        edges.push({ id: edgeId(source, target, e.type), source, target, type: e.type });
      }
    }
  }
  if (node.sequential) {
    for (let i = 1; i < size; i++) {
      const source = childId(nodeId, i - 1);
      const target = childId(nodeId, i);
      edges.push({ id: edgeId(source, target, 'SEQUENTIAL'), source, target, type: 'SEQUENTIAL' });
    }
  }
  return { ...graph, nodes, edges };
}
