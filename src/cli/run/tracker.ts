/**
 * What `localbatch run` knows about its jobs, folded from "Batch Job State Change" events: each
 * top-level job's status, its array children's counts, and times. Pure: no I/O, no clock of its own.
 */
import type { JobStateChangeDetail } from '../../client/events';
import { isFinalJobStatus, JOB_STATUSES, type JobStatus } from '../../model/types';

export interface TrackedJob {
  readonly name: string;
  readonly jobId: string;
  status: JobStatus;
  statusReason?: string;
  /** When the job was submitted, started (first attempt RUNNING) and stopped, in epoch ms. */
  submittedAt: number;
  startedAt?: number;
  stoppedAt?: number;
  /** For array jobs: size and per-status counts of the children. */
  arraySize?: number;
  children?: Record<JobStatus, number>;
  /** Attempts started so far (of the job itself, or the sum over its children). */
  attempts: number;
  /** The job queue it was submitted to (as named in the request). */
  queue?: string;
  /** A MISCONFIGURATION reason the job (or one of its array children) is blocked by, RUNNABLE at the head of its queue. */
  blockedBy?: string;
}

/** Whether a queue's jobStateTimeLimitActions will cancel a job blocked for `reasonCode` (so the run waits for it). */
export type TimeLimited = (queue: string | undefined, reasonCode: string) => boolean;

/** An attempt that ended and is retried (the job went back to RUNNABLE). */
export interface RetriedAttempt {
  /** One-based number of the attempt that ended. */
  readonly attempt: number;
  readonly exitCode?: number;
  readonly reason?: string;
}

export type Transition = { readonly job: TrackedJob; readonly child?: number; readonly status: JobStatus; readonly reason?: string; readonly retried?: RetriedAttempt };

/** The attempt that just ended, when a job that ran goes back to RUNNABLE (a retry). */
function retriedAttempt(previous: JobStatus, status: JobStatus, detail: JobStateChangeDetail): RetriedAttempt | undefined {
  if (status !== 'RUNNABLE' || (previous !== 'RUNNING' && previous !== 'STARTING')) return undefined;
  const attempts = Array.isArray(detail.attempts) ? (detail.attempts as Array<{ statusReason?: string; container?: { exitCode?: number; reason?: string } }>) : [];
  const last = attempts.at(-1);
  if (!last) return undefined;
  const reason = last.statusReason ?? last.container?.reason;
  return { attempt: attempts.length, ...(last.container?.exitCode !== undefined ? { exitCode: last.container.exitCode } : {}), ...(reason ? { reason } : {}) };
}

export class RunTracker {
  readonly jobs: TrackedJob[] = [];
  private readonly byId = new Map<string, TrackedJob>();
  private readonly childStatus = new Map<string, JobStatus>();

  add(name: string, jobId: string, submittedAt: number, arraySize?: number, queue?: string): TrackedJob {
    const job: TrackedJob = { name, jobId, status: 'SUBMITTED', submittedAt, attempts: 0, arraySize, queue };
    if (arraySize !== undefined) job.children = { ...zeroCounts(), SUBMITTED: arraySize };
    this.jobs.push(job);
    this.byId.set(jobId, job);
    return job;
  }

  /** Folds one event in; returns the transition it made, or undefined for events of other jobs. */
  apply(detail: JobStateChangeDetail, at: number): Transition | undefined {
    const status = detail.status as JobStatus;
    if (!JOB_STATUSES.includes(status)) return undefined;
    const reason = typeof detail.statusReason === 'string' ? detail.statusReason : undefined;
    const own = this.byId.get(detail.jobId);
    if (own) {
      if (own.status === status && own.statusReason === reason) return undefined;
      const retried = retriedAttempt(own.status, status, detail);
      own.status = status;
      own.statusReason = reason;
      own.blockedBy = blockingReason(status, reason);
      if (status === 'RUNNING') {
        own.startedAt ??= numberOr(detail.startedAt, at);
        if (!own.children) own.attempts++;
      }
      if (isFinalJobStatus(status)) own.stoppedAt = numberOr(detail.stoppedAt, at);
      return { job: own, status, reason, ...(retried ? { retried } : {}) };
    }
    const sep = detail.jobId.lastIndexOf(':');
    const parent = sep > 0 ? this.byId.get(detail.jobId.slice(0, sep)) : undefined;
    if (!parent?.children) return undefined;
    const previous = this.childStatus.get(detail.jobId) ?? 'SUBMITTED';
    const blocked = blockingReason(status, reason);
    if (blocked) parent.blockedBy = blocked;
    else if (parent.blockedBy && status !== 'RUNNABLE') parent.blockedBy = undefined;
    if (previous === status) return undefined;
    parent.children[previous] = Math.max(0, parent.children[previous] - 1);
    parent.children[status]++;
    this.childStatus.set(detail.jobId, status);
    if (status === 'RUNNING') {
      parent.attempts++;
      parent.startedAt ??= numberOr(detail.startedAt, at);
    }
    const retried = retriedAttempt(previous, status, detail);
    return { job: parent, child: Number(detail.jobId.slice(sep + 1)), status, reason, ...(retried ? { retried } : {}) };
  }

  get done(): boolean {
    return this.jobs.every((j) => isFinalJobStatus(j.status));
  }

  get allSucceeded(): boolean {
    return this.jobs.every((j) => j.status === 'SUCCEEDED');
  }

  /**
   * Why the run can make no more progress, or undefined while it can: nothing is starting or
   * running, a job (or an array child) blocks its queue with a MISCONFIGURATION reason that no
   * jobStateTimeLimitActions entry will cancel (it would wait forever, as on AWS), and every other
   * unfinished job waits (PENDING, or RUNNABLE behind it).
   */
  stuckReason(timeLimited: TimeLimited = () => false): string | undefined {
    const open = this.jobs.filter((j) => !isFinalJobStatus(j.status));
    if (open.length === 0) return undefined;
    const active = (j: TrackedJob) => j.status === 'STARTING' || j.status === 'RUNNING' || (j.children !== undefined && j.children.STARTING + j.children.RUNNING > 0);
    if (open.some(active)) return undefined;
    const blocked = open.filter((j) => j.blockedBy !== undefined);
    if (blocked.length === 0) return undefined;
    if (blocked.some((j) => timeLimited(j.queue, reasonCode(j.blockedBy!)))) return undefined;
    if (open.some((j) => j.status !== 'PENDING' && j.status !== 'RUNNABLE' && !blocked.includes(j))) return undefined;
    return blocked.map((j) => `${j.name}: RUNNABLE with ${j.blockedBy}`).join('; ');
  }
}

/** The MISCONFIGURATION reason of a RUNNABLE job that blocks its queue, else undefined. */
function blockingReason(status: JobStatus, reason: string | undefined): string | undefined {
  return status === 'RUNNABLE' && reason?.startsWith('MISCONFIGURATION:') ? reason : undefined;
}

/** `MISCONFIGURATION:X - explanation` → `MISCONFIGURATION:X`. */
export function reasonCode(reason: string): string {
  return reason.split(' ')[0];
}

export function zeroCounts(): Record<JobStatus, number> {
  return { SUBMITTED: 0, PENDING: 0, RUNNABLE: 0, STARTING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0 };
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
