/**
 * The one table of legal job status changes. `JobMachine.setStatus` refuses anything else, so a
 * bug shows up as an error instead of a job that moves backwards, and a replayed journal can only
 * hold changes the engine could have made.
 *
 * A job: SUBMITTED → PENDING (waits on dependencies) or RUNNABLE → STARTING → RUNNING → SUCCEEDED
 * | FAILED; STARTING/RUNNING → RUNNABLE is a retry (or, for STARTING, an attempt that never got a
 * container, found on restart); any unfinished status → FAILED (cancel, terminate, dependency failed).
 * An array parent only goes SUBMITTED → PENDING → SUCCEEDED | FAILED as its children finish.
 */
import type { JobStatus } from './jobs';

const JOB: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  SUBMITTED: ['PENDING', 'RUNNABLE', 'FAILED'],
  PENDING: ['RUNNABLE', 'FAILED'],
  RUNNABLE: ['STARTING', 'FAILED'],
  STARTING: ['RUNNING', 'RUNNABLE', 'FAILED'],
  RUNNING: ['SUCCEEDED', 'FAILED', 'RUNNABLE'],
  SUCCEEDED: [],
  FAILED: [],
};

const ARRAY_PARENT: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  SUBMITTED: ['PENDING', 'FAILED'],
  PENDING: ['SUCCEEDED', 'FAILED'],
  RUNNABLE: [],
  STARTING: [],
  RUNNING: [],
  SUCCEEDED: [],
  FAILED: [],
};

export const TRANSITIONS = { job: JOB, arrayParent: ARRAY_PARENT } as const;

export function isLegalTransition(from: JobStatus, to: JobStatus, arrayParent = false): boolean {
  return (arrayParent ? ARRAY_PARENT : JOB)[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly jobId: string,
    readonly from: JobStatus,
    readonly to: JobStatus,
  ) {
    super(`Job ${jobId} cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}
