/**
 * Reads the jobs runs are built from, through any Batch client: per queue one ListJobs listing of
 * every status (the AFTER_CREATED_AT filter, newest first, paged), then DescribeJobs only for jobs
 * not yet finished or not seen before (a finished job's details never change, so they are cached).
 */
import { DescribeJobsCommand, ListJobsCommand, type BatchClient, type JobDetail, type JobSummary } from '@aws-sdk/client-batch';
import { groupRuns, isFinal, type Run } from '../model/runs';
import { listQueues } from './jobs';

const FILTER_PAGE = 100;
const DESCRIBE_BATCH = 100;

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

export class RunLister {
  private readonly finished = new Map<string, JobDetail>();

  /** The newest `runLimit` runs over all queues. */
  async list(batch: BatchClient, runLimit: number): Promise<RunList> {
    const queues = await listQueues(batch);
    // A run's jobs are submitted together, so reading up to (runs × a margin) jobs per queue finds them.
    const jobLimit = runLimit * 20;
    const listed = await Promise.all(queues.map((q) => listAllJobs(batch, { jobQueue: q.jobQueueArn ?? q.jobQueueName! }, jobLimit)));
    const summaries = listed.flatMap((l) => l.jobs).filter((s) => s.jobId && s.arrayProperties?.index === undefined);
    const details = await this.describe(batch, summaries);
    const runs = groupRuns(details);
    return { runs: runs.slice(0, runLimit), more: runs.length > runLimit || listed.some((l) => l.more) };
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

  /** Forgets cached details (another emulator, or its state was reset). */
  clear(): void {
    this.finished.clear();
  }
}
