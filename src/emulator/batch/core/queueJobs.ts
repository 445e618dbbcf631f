/**
 * The job records a ListJobs reads: a queue's (or an array job's) jobs by status, in submission
 * order with a resumable cursor, or newest first, read lazily from the queue's per-status indexes.
 */
import { JOB_STATUSES } from '../../../model/types';
import { invalid } from './errors';
import { newestFirst, type JobKey } from './jobIndex';
import type { JobRecord, JobStatus } from './jobs';
import type { JobMachine } from './machine';
import type { JobQueues } from './queues';

export interface ListJobsQuery {
  readonly jobQueue?: string;
  readonly arrayJobId?: string;
  /** Default RUNNING, as ListJobs. */
  readonly jobStatus?: JobStatus;
}

/**
 * The records behind listJobs, for callers that filter on more than status (status undefined:
 * all). With one status they come in submission order (array children by index), and `after`
 * resumes strictly after a job seen before (a cursor: nothing repeated or skipped when other
 * jobs change status meanwhile).
 */
export function* jobsWhere(machine: JobMachine, queues: JobQueues, query: ListJobsQuery, status: JobStatus | undefined, after?: JobKey & { readonly index?: number }): Generator<JobRecord> {
  if (query.arrayJobId !== undefined) {
    const parent = machine.get(query.arrayJobId);
    if (!parent?.children) invalid(`Array job ${query.arrayJobId} does not exist`);
    const children = parent.children;
    for (let i = after?.index !== undefined ? after.index + 1 : 0; i < children.length; i++) {
      if (status === undefined || children[i].status === status) yield children[i];
    }
    return;
  }
  const queue = queues.get(query.jobQueue ?? '');
  if (status) {
    yield* queue.byStatus.get(status)?.after(after) ?? [];
    return;
  }
  for (const s of JOB_STATUSES) yield* queue.byStatus.get(s) ?? [];
}

/** A queue's jobs (status undefined: every status) newest first, strictly before `before` in that order, lazily. */
export function jobsNewestFirst(queues: JobQueues, jobQueue: string, status: JobStatus | undefined, before?: JobKey): Generator<JobRecord> {
  const queue = queues.get(jobQueue);
  const indexes = (status ? [status] : JOB_STATUSES).map((s) => queue.byStatus.get(s)).filter((ix) => ix !== undefined);
  return newestFirst(indexes, before);
}
