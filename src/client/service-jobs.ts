/**
 * SageMaker training service jobs through any Batch client (the emulator or AWS): which queues hold
 * them (jobQueueType SAGEMAKER_TRAINING), a queue's jobs of every status newest first, page by page,
 * one job's DescribeServiceJob answer, and TerminateServiceJob.
 */
import {
  DescribeServiceJobCommand,
  ListServiceJobsCommand,
  TerminateServiceJobCommand,
  type BatchClient,
  type DescribeServiceJobCommandOutput,
  type JobQueueDetail,
  type ServiceJobSummary,
} from '@aws-sdk/client-batch';

/** ListServiceJobs answers at most 100 a page. */
const SERVICE_PAGE = 100;

export type ServiceJobDetail = Omit<DescribeServiceJobCommandOutput, '$metadata'>;

/** Whether a queue takes service jobs (SubmitServiceJob) rather than container jobs. */
export function isServiceQueue(queue: Pick<JobQueueDetail, 'jobQueueType'>): boolean {
  return queue.jobQueueType === 'SAGEMAKER_TRAINING';
}

/**
 * Up to `limit` service jobs of a queue, every status, newest first: ListServiceJobs with the
 * AFTER_CREATED_AT filter (AWS then ignores jobStatus and sorts by createdAt, most recent first).
 * Sorted again here, so a listing in another order still shows the newest first.
 */
export async function listServiceJobs(batch: BatchClient, jobQueue: string, limit: number): Promise<{ jobs: ServiceJobSummary[]; more: boolean }> {
  const jobs: ServiceJobSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await batch.send(new ListServiceJobsCommand({ jobQueue, filters: [{ name: 'AFTER_CREATED_AT', values: ['0'] }], maxResults: SERVICE_PAGE, nextToken }));
    jobs.push(...(page.jobSummaryList ?? []).filter((j) => j.jobId));
    nextToken = page.nextToken;
  } while (nextToken && jobs.length <= limit);
  jobs.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  return { jobs: jobs.slice(0, limit), more: jobs.length > limit || nextToken !== undefined };
}

/** DescribeServiceJob's answer without the SDK's metadata; undefined when the job is not known. */
export async function describeServiceJob(batch: BatchClient, jobId: string): Promise<ServiceJobDetail | undefined> {
  try {
    const { $metadata: _, ...detail } = await batch.send(new DescribeServiceJobCommand({ jobId }));
    return detail;
  } catch (err) {
    if ((err as { name?: string }).name === 'ClientException' && /does not exist/i.test((err as Error).message)) return undefined;
    throw err;
  }
}

export async function terminateServiceJob(batch: BatchClient, jobId: string, reason: string): Promise<void> {
  await batch.send(new TerminateServiceJobCommand({ jobId, reason }));
}
