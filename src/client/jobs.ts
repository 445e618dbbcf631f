/** Listing queues and jobs through any Batch client (the emulator or AWS), page by page. */
import { DescribeJobQueuesCommand, DescribeJobsCommand, ListJobsCommand, type BatchClient, type JobDetail, type JobQueueDetail, type JobSummary } from '@aws-sdk/client-batch';
import { JOB_STATUSES, type JobStatus } from '../model/types';

/** AWS allows up to 1000 per ListJobs page; a tree shows this many per "Load more…". */
export const JOBS_PAGE_SIZE = 50;
const MAX_API_PAGE = 1000;
/** DescribeJobs takes at most this many ids a call. */
const DESCRIBE_AT_ONCE = 100;

/** DescribeJobs of `ids`, 100 a call, in order; unknown ids are absent. */
export async function describeJobs(batch: BatchClient, ids: readonly string[]): Promise<JobDetail[]> {
  const out: JobDetail[] = [];
  for (let i = 0; i < ids.length; i += DESCRIBE_AT_ONCE) out.push(...((await batch.send(new DescribeJobsCommand({ jobs: ids.slice(i, i + DESCRIBE_AT_ONCE) }))).jobs ?? []));
  return out;
}

export async function listQueues(batch: BatchClient): Promise<JobQueueDetail[]> {
  const out: JobQueueDetail[] = [];
  let nextToken: string | undefined;
  do {
    const page = await batch.send(new DescribeJobQueuesCommand({ nextToken }));
    out.push(...(page.jobQueues ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out.sort((a, b) => (a.jobQueueName ?? '').localeCompare(b.jobQueueName ?? ''));
}

export interface JobsSlice {
  readonly jobs: JobSummary[];
  /** More jobs exist beyond `limit`. */
  readonly more: boolean;
}

export type JobsScope = { readonly jobQueue: string } | { readonly arrayJobId: string };

/** Up to `limit` jobs of one status in a queue (or of an array job's children), newest first. */
export async function listJobs(batch: BatchClient, scope: JobsScope, status: JobStatus, limit: number): Promise<JobsSlice> {
  const jobs: JobSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await batch.send(new ListJobsCommand({ ...scope, jobStatus: status, nextToken, maxResults: Math.min(MAX_API_PAGE, limit - jobs.length + 1) }));
    jobs.push(...(page.jobSummaryList ?? []));
    nextToken = page.nextToken;
  } while (nextToken && jobs.length <= limit);
  return { jobs: jobs.slice(0, limit), more: jobs.length > limit || nextToken !== undefined };
}

export interface StatusGroup extends JobsSlice {
  readonly status: JobStatus;
}

/**
 * The non-empty status groups of a queue, in lifecycle order (ListJobs once per status, in parallel).
 * A job that changed status between two of those calls is kept only in its later group (jobs only
 * move forward), so no job is listed twice.
 */
export async function listStatusGroups(batch: BatchClient, scope: JobsScope, limitOf: (status: JobStatus) => number): Promise<StatusGroup[]> {
  const groups = await Promise.all(JOB_STATUSES.map(async (status) => ({ status, ...(await listJobs(batch, scope, status, limitOf(status))) })));
  const seen = new Set<string>();
  const deduped = groups.reverse().map((g) => {
    const jobs = g.jobs.filter((j) => !seen.has(j.jobId ?? '') && seen.add(j.jobId ?? ''));
    return { ...g, jobs };
  }).reverse();
  return deduped.filter((g) => g.jobs.length > 0);
}

/** An array job's children of every status, by index, up to `limit`. */
export async function listArrayChildren(batch: BatchClient, arrayJobId: string, limit: number): Promise<JobsSlice> {
  const groups = await listStatusGroups(batch, { arrayJobId }, () => limit);
  const all = groups.flatMap((g) => g.jobs).sort((a, b) => (a.arrayProperties?.index ?? 0) - (b.arrayProperties?.index ?? 0));
  return { jobs: all.slice(0, limit), more: all.length > limit || groups.some((g) => g.more) };
}

/** How many jobs each paged list of a tree shows: one page at first, one more per "Load more…". */
export class PageLimits {
  private readonly limits = new Map<string, number>();

  constructor(private readonly page = JOBS_PAGE_SIZE) {}

  get(listKey: string): number {
    return this.limits.get(listKey) ?? this.page;
  }

  more(listKey: string): void {
    this.limits.set(listKey, this.get(listKey) + this.page);
  }

  /** Grows the list by whole pages until it shows `count` entries; whether it grew. */
  cover(listKey: string, count: number): boolean {
    const now = this.get(listKey);
    if (count <= now) return false;
    this.limits.set(listKey, Math.ceil(count / this.page) * this.page);
    return true;
  }

  clear(): void {
    this.limits.clear();
  }
}
