/**
 * Reads the jobs runs are built from, through any Batch client. Per queue, one ListJobs listing of
 * every status (the AFTER_CREATED_AT filter, newest first, paged) until it has passed the newest
 * runs whole, however many jobs they hold; DescribeJobs only for jobs not yet finished or not seen
 * before (a finished job's details never change, so they are cached). Later looks list only the jobs
 * created since the newest one seen (AFTER_CREATED_AT that job's time), so a refresh costs one
 * ListJobs per queue plus DescribeJobs for the unfinished jobs, not a relisting of every job; when
 * nothing is new or unfinished, the runs of the last look are answered again without regrouping.
 */
import { DescribeJobsCommand, ListJobsCommand, type BatchClient, type JobDetail, type JobSummary } from '@aws-sdk/client-batch';
import { groupRuns, isFinal, runInfoOf, type Run, type RunOwnerOf } from '../model/runs';
import { listQueues } from './jobs';

/** AWS returns at most 100 jobs a page when a filter is given. */
const FILTER_PAGE = 100;
const DESCRIBE_BATCH = 100;
/** A queue's listing stops here even inside a run (a bound on the view's memory and time). */
export const MAX_LISTED_JOBS = 100_000;

/** Every job of a scope (a queue or an array job's children), all statuses in one listing, newest first. */
export async function listAllJobs(batch: BatchClient, scope: { jobQueue: string } | { arrayJobId: string }, limit: number): Promise<{ jobs: JobSummary[]; more: boolean }> {
  const jobs: JobSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await batch.send(new ListJobsCommand({ ...scope, filters: [{ name: 'AFTER_CREATED_AT', values: ['0'] }], maxResults: FILTER_PAGE, nextToken }));
    jobs.push(...(page.jobSummaryList ?? []));
    nextToken = page.nextToken;
  } while (nextToken && jobs.length <= limit);
  return { jobs: jobs.slice(0, limit), more: jobs.length > limit || nextToken !== undefined };
}

export interface RunList {
  readonly runs: Run<JobDetail>[];
  /** Older runs exist beyond the limit. */
  readonly more: boolean;
}

/** What one queue's listing holds: its top-level jobs newest first, for how many runs. */
interface QueueListing {
  readonly jobs: JobSummary[];
  readonly runLimit: number;
  /** Older jobs exist beyond the listing. */
  readonly more: boolean;
}

const topLevel = (s: JobSummary) => s.jobId !== undefined && s.arrayProperties?.index === undefined;

export class RunLister {
  private readonly finished = new Map<string, JobDetail>();
  private readonly listings = new Map<string, QueueListing>();
  /** The last answer, reused while no job is new and none is unfinished (grouping 10,000 jobs costs tens of ms). */
  private last: { listed: QueueListing[]; runLimit: number; ownersVersion: number; result: RunList } | undefined;
  private ownerOf: RunOwnerOf | undefined;

  /**
   * The newest `runLimit` runs over all queues. `owners`: who submitted untagged jobs (see
   * RunOwner), with a version that changes whenever what it answers changes.
   */
  async list(batch: BatchClient, runLimit: number, owners?: { readonly ownerOf: RunOwnerOf; readonly version: number }): Promise<RunList> {
    const queues = await listQueues(batch);
    const names = queues.map((q) => q.jobQueueArn ?? q.jobQueueName!);
    for (const known of this.listings.keys()) if (!names.includes(known)) this.listings.delete(known);
    this.ownerOf = owners?.ownerOf;
    const listed = await Promise.all(names.map((q) => this.listQueue(batch, q, runLimit)));
    const summaries = listed.flatMap((l) => l.jobs);
    const last = this.last;
    const ownersVersion = owners?.version ?? 0;
    const same = last !== undefined && last.runLimit === runLimit && last.ownersVersion === ownersVersion && last.listed.length === listed.length && last.listed.every((l, i) => l === listed[i]);
    if (same && summaries.every((s) => this.finished.has(s.jobId!))) return last.result;
    const details = await this.describe(batch, summaries);
    const runs = groupRuns(details, owners?.ownerOf);
    const result = { runs: runs.slice(0, runLimit), more: runs.length > runLimit || listed.some((l) => l.more) };
    this.last = { listed, runLimit, ownersVersion, result };
    return result;
  }

  private async listQueue(batch: BatchClient, jobQueue: string, runLimit: number): Promise<QueueListing> {
    const prior = this.listings.get(jobQueue);
    const listing = prior && prior.runLimit >= runLimit ? await this.listNewer(batch, jobQueue, prior) : await this.listRuns(batch, jobQueue, runLimit);
    this.listings.set(jobQueue, listing);
    return listing;
  }

  /** The jobs created since the newest of `prior`, put in front of it. */
  private async listNewer(batch: BatchClient, jobQueue: string, prior: QueueListing): Promise<QueueListing> {
    const newest = prior.jobs[0]?.createdAt;
    if (newest === undefined) return this.listRuns(batch, jobQueue, prior.runLimit);
    const known = new Set(prior.jobs.map((j) => j.jobId));
    const fresh: JobSummary[] = [];
    let nextToken: string | undefined;
    do {
      // Jobs created in the same millisecond as the newest one seen are listed again (and dropped).
      const page = await batch.send(new ListJobsCommand({ jobQueue, filters: [{ name: 'AFTER_CREATED_AT', values: [String(newest - 1)] }], maxResults: FILTER_PAGE, nextToken }));
      fresh.push(...(page.jobSummaryList ?? []).filter((s) => topLevel(s) && !known.has(s.jobId)));
      nextToken = page.nextToken;
    } while (nextToken && fresh.length + prior.jobs.length < MAX_LISTED_JOBS);
    if (fresh.length === 0) return prior;
    const jobs = [...fresh, ...prior.jobs];
    return { jobs: jobs.slice(0, MAX_LISTED_JOBS), runLimit: prior.runLimit, more: prior.more || jobs.length > MAX_LISTED_JOBS || nextToken !== undefined };
  }

  /**
   * Pages back (newest first) until a page holds no job of the newest `runLimit` runs once more than
   * that many runs were seen: the kept runs are then whole (a run's jobs are submitted together).
   */
  private async listRuns(batch: BatchClient, jobQueue: string, runLimit: number): Promise<QueueListing> {
    const jobs: JobSummary[] = [];
    const runOrder: string[] = [];
    let nextToken: string | undefined;
    let passed: boolean;
    do {
      const page = await batch.send(new ListJobsCommand({ jobQueue, filters: [{ name: 'AFTER_CREATED_AT', values: ['0'] }], maxResults: FILTER_PAGE, nextToken }));
      const summaries = (page.jobSummaryList ?? []).filter(topLevel);
      jobs.push(...summaries);
      nextToken = page.nextToken;
      const details = await this.describe(batch, summaries);
      const runIds = new Set(details.map((d) => runInfoOf(d, this.ownerOf).id));
      for (const id of runIds) if (!runOrder.includes(id)) runOrder.push(id);
      passed = runOrder.length > runLimit && !runOrder.slice(0, runLimit).some((id) => runIds.has(id));
    } while (nextToken && !passed && jobs.length < MAX_LISTED_JOBS);
    return { jobs, runLimit, more: nextToken !== undefined };
  }

  private async describe(batch: BatchClient, summaries: JobSummary[]): Promise<JobDetail[]> {
    const wanted = summaries.filter((s) => !this.finished.has(s.jobId!)).map((s) => s.jobId!);
    const fresh = new Map<string, JobDetail>();
    for (let i = 0; i < wanted.length; i += DESCRIBE_BATCH) {
      const res = await batch.send(new DescribeJobsCommand({ jobs: wanted.slice(i, i + DESCRIBE_BATCH) }));
      for (const d of res.jobs ?? []) {
        if (!d.jobId) continue;
        fresh.set(d.jobId, d);
        if (isFinal(d.status)) this.finished.set(d.jobId, d);
      }
    }
    return summaries.map((s) => this.finished.get(s.jobId!) ?? fresh.get(s.jobId!)).filter((d): d is JobDetail => d !== undefined);
  }

  /** Forgets cached details and listings (another emulator, or its state was reset). */
  clear(): void {
    this.finished.clear();
    this.listings.clear();
    this.last = undefined;
  }
}
