/**
 * The graph and timeline of a SageMaker training queue's service jobs. Service jobs have no
 * dependencies (SubmitServiceJob takes no dependsOn) and belong to no workflow file, so their graph
 * is the queue's jobs as unconnected nodes coloured by status, and their timeline one row per job
 * with a segment per attempt (from DescribeServiceJob's attempts). Pure, shared with the webview.
 */
import type { DagGraph, DagNode, DagStatus } from './dag';
import { timelineOf, type Timeline, type TimelineRow, type TimelineSegment } from './dag-timeline';
import { isJobStatus } from './types';

/** The fields of a ListServiceJobs summary or a DescribeServiceJob answer the graph reads. */
export interface ServiceJobLike {
  readonly jobId?: string;
  readonly jobName?: string;
  readonly status?: string;
  readonly statusReason?: string;
  readonly createdAt?: number;
  readonly startedAt?: number;
  readonly stoppedAt?: number;
  readonly attempts?: ReadonlyArray<{ readonly startedAt?: number; readonly stoppedAt?: number; readonly statusReason?: string }>;
}

/** A service job's status as a graph status (SCHEDULED is a service job's own; unknown ones show SUBMITTED). */
export function serviceDagStatus(status: string | undefined): DagStatus {
  if (status === 'SCHEDULED') return 'SCHEDULED';
  return isJobStatus(status) ? status : 'SUBMITTED';
}

/** Node ids by job id: the job name, made unique with the start of the job id when names repeat. */
export function serviceNodeIds(jobs: readonly ServiceJobLike[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const j of [...jobs].sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0))) {
    if (!j.jobId) continue;
    let id = j.jobName ?? j.jobId;
    if (used.has(id)) id = `${id} (${j.jobId.slice(0, 8)})`;
    used.add(id);
    ids.set(j.jobId, id);
  }
  return ids;
}

/** One node per service job, oldest first, no edges; the status reason as the node's second line. */
export function graphFromServiceJobs(jobs: readonly ServiceJobLike[], title: string): DagGraph {
  const ids = serviceNodeIds(jobs);
  const nodes: DagNode[] = [...jobs].filter((j) => j.jobId).sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0)).map((j) => ({
    id: ids.get(j.jobId!)!, name: j.jobName ?? j.jobId!, status: serviceDagStatus(j.status), jobId: j.jobId,
  }));
  return { title, nodes, edges: [] };
}

/**
 * A service job's attempts as timeline segments: each attempt from startedAt to stoppedAt; the last
 * one RUNNING while the job runs, SUCCEEDED when the job did; the others FAILED (retried or preempted).
 */
export function serviceSegments(job: ServiceJobLike): TimelineSegment[] {
  const started = (job.attempts ?? []).filter((a) => a.startedAt !== undefined);
  return started.map((a, i): TimelineSegment => {
    const last = i === started.length - 1;
    const running = last && a.stoppedAt === undefined && (job.status === 'RUNNING' || job.status === 'STARTING');
    const status = running ? 'RUNNING' : last && job.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED';
    const end = running ? undefined : (a.stoppedAt ?? job.stoppedAt ?? a.startedAt);
    return { start: a.startedAt!, ...(end !== undefined ? { end } : {}), status, attempt: i + 1, ...(a.statusReason ? { reason: a.statusReason } : {}) };
  });
}

/** The timeline of service jobs (DescribeServiceJob answers), oldest first. */
export function timelineFromServiceJobs(jobs: readonly ServiceJobLike[], now: number): Timeline {
  const ids = serviceNodeIds(jobs);
  const rows: TimelineRow[] = [...jobs].filter((j) => j.jobId).sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0)).map((j) => ({
    jobId: j.jobId!, nodeId: ids.get(j.jobId!)!, label: j.jobName ?? j.jobId!, status: serviceDagStatus(j.status) as TimelineRow['status'],
    segments: serviceSegments(j), ...(j.createdAt !== undefined ? { createdAt: j.createdAt } : {}),
  }));
  return timelineOf(rows, (r) => r.status !== 'SUCCEEDED' && r.status !== 'FAILED', now);
}
