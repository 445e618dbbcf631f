/**
 * The timeline of a run: one row per job (array children under their parent), each attempt a segment
 * from its startedAt to its stoppedAt (an attempt still running ends "now"), coloured by how it ended,
 * plus the time spent waiting from createdAt to the first start. Built from DescribeJobs answers;
 * plain data shared by the extension and the webview. Pure.
 */
import type { JobDetail } from '@aws-sdk/client-batch';
import { JOB_STATUSES, type JobStatus } from './types';

export type SegmentStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface TimelineSegment {
  readonly start: number;
  /** Unset while the attempt runs. */
  readonly end?: number;
  readonly status: SegmentStatus;
  /** 1-based. */
  readonly attempt: number;
  readonly exitCode?: number;
  readonly reason?: string;
}

export interface TimelineRow {
  readonly jobId: string;
  /** The graph node the row belongs to (the parent's node for array children). */
  readonly nodeId: string;
  readonly label: string;
  /** A job's status (SCHEDULED: a service job's, see service-graph.ts). */
  readonly status: JobStatus | 'SCHEDULED';
  readonly createdAt?: number;
  readonly segments: readonly TimelineSegment[];
  /** Set on array children: the parent's job id and the child's index. */
  readonly parentJobId?: string;
  readonly index?: number;
  /** Set on array parents: the number of children. */
  readonly arraySize?: number;
}

export interface Timeline {
  readonly rows: readonly TimelineRow[];
  /** The earliest createdAt or start; undefined when no job has been created. */
  readonly start?: number;
  /** The latest stop; undefined while something runs (the axis then ends "now"). */
  readonly end?: number;
  /** When the data was read, in the extension host's clock (the webview corrects for its own). */
  readonly now: number;
  /** What a row is: a job with its attempts (the default), or a state machine's state with each time it ran. */
  readonly unit?: 'job' | 'state';
}

const FINAL = new Set(['SUCCEEDED', 'FAILED']);

function isStatus(s: unknown): s is JobStatus {
  return typeof s === 'string' && (JOB_STATUSES as readonly string[]).includes(s);
}

/** The attempts of a job as segments; the current attempt (started, not stopped) last. */
export function segmentsOf(job: JobDetail): TimelineSegment[] {
  const out: TimelineSegment[] = [];
  for (const a of job.attempts ?? []) {
    if (a.startedAt === undefined) continue;
    const exitCode = a.container?.exitCode;
    const reason = a.statusReason ?? a.container?.reason;
    out.push({
      start: a.startedAt, end: a.stoppedAt ?? a.startedAt, status: exitCode === 0 ? 'SUCCEEDED' : 'FAILED', attempt: out.length + 1,
      ...(exitCode !== undefined ? { exitCode } : {}), ...(reason ? { reason } : {}),
    });
  }
  const started = job.startedAt;
  if (started !== undefined && !out.some((s) => s.start === started)) {
    if (job.status === 'RUNNING' || job.status === 'STARTING') out.push({ start: started, status: 'RUNNING', attempt: out.length + 1 });
    else if (FINAL.has(job.status ?? '') && job.stoppedAt !== undefined) {
      const exitCode = job.container?.exitCode;
      out.push({ start: started, end: job.stoppedAt, status: job.status as SegmentStatus, attempt: out.length + 1, ...(exitCode !== undefined ? { exitCode } : {}) });
    }
  }
  return out;
}

/**
 * The timeline of `jobs` (parents and array children `parent:i`). `nodeIdOf` maps a parent job to its
 * graph node; parents are ordered by when they were created, children by index right after their parent.
 */
export function timelineFromJobs(jobs: readonly JobDetail[], nodeIdOf: (job: JobDetail) => string | undefined, now: number): Timeline {
  const children = new Map<string, JobDetail[]>();
  const parents: JobDetail[] = [];
  for (const j of jobs) {
    if (!j.jobId) continue;
    const index = j.arrayProperties?.index;
    const colon = j.jobId.lastIndexOf(':');
    if (index !== undefined && colon > 0) {
      const parentId = j.jobId.slice(0, colon);
      children.set(parentId, [...(children.get(parentId) ?? []), j]);
    } else parents.push(j);
  }
  parents.sort((a, b) => (a.createdAt ?? Infinity) - (b.createdAt ?? Infinity));
  const rows: TimelineRow[] = [];
  for (const p of parents) {
    const nodeId = nodeIdOf(p) ?? p.jobName ?? p.jobId!;
    const status = isStatus(p.status) ? p.status : 'SUBMITTED';
    const size = p.arrayProperties?.size;
    rows.push({
      jobId: p.jobId!, nodeId, label: p.jobName ?? p.jobId!, status, segments: size !== undefined ? [] : segmentsOf(p),
      ...(p.createdAt !== undefined ? { createdAt: p.createdAt } : {}), ...(size !== undefined ? { arraySize: size } : {}),
    });
    const kids = (children.get(p.jobId!) ?? []).sort((a, b) => (a.arrayProperties?.index ?? 0) - (b.arrayProperties?.index ?? 0));
    for (const c of kids) {
      const index = c.arrayProperties!.index!;
      rows.push({
        jobId: c.jobId!, nodeId, label: `${p.jobName ?? p.jobId} [${index}]`, status: isStatus(c.status) ? c.status : 'SUBMITTED', segments: segmentsOf(c),
        parentJobId: p.jobId!, index, ...(c.createdAt !== undefined ? { createdAt: c.createdAt } : {}),
      });
    }
  }
  return timelineOf(rows, (r) => !FINAL.has(r.status) && r.arraySize === undefined, now);
}

/**
 * A timeline of `rows`: it starts at the earliest creation or attempt, and ends at the latest
 * attempt's end unless an attempt is still open or a row is `unfinished` (then it runs to `now`).
 */
export function timelineOf(rows: TimelineRow[], unfinished: (row: TimelineRow) => boolean, now: number): Timeline {
  let start: number | undefined;
  let end: number | undefined;
  let open = false;
  for (const r of rows) {
    for (const t of [r.createdAt, ...r.segments.map((s) => s.start)]) if (t !== undefined) start = start === undefined ? t : Math.min(start, t);
    for (const s of r.segments) {
      if (s.end === undefined) open = true;
      else end = end === undefined ? s.end : Math.max(end, s.end);
    }
    if (unfinished(r)) open = true;
  }
  return { rows, ...(start !== undefined ? { start } : {}), ...(end !== undefined && !open ? { end } : {}), now };
}

/** "Nice" tick spacing in ms for an axis of `spanMs` with about `target` ticks. */
export function tickStep(spanMs: number, target = 6): number {
  const steps = [100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000];
  const raw = Math.max(1, spanMs) / target;
  return steps.find((s) => s >= raw) ?? steps[steps.length - 1];
}

/** `+1m 05s`-style offset labels for the axis. */
export function offsetLabel(ms: number): string {
  if (ms < 1000 && ms > 0) return `+${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `+${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `+${m}m${s % 60 ? ` ${String(s % 60).padStart(2, '0')}s` : ''}`;
  return `+${Math.floor(m / 60)}h${m % 60 ? ` ${String(m % 60).padStart(2, '0')}m` : ''}`;
}
