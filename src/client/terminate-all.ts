/**
 * "Terminate all": every unfinished job of every queue of an emulator, terminated through the AWS
 * Batch API (TerminateJob, so running containers get SIGTERM then SIGKILL; TerminateServiceJob for
 * the service jobs of SAGEMAKER_TRAINING queues). Shared by `localbatch stop --terminate-all` and
 * the extension's "Terminate All Jobs" command.
 */
import {
  DescribeJobQueuesCommand,
  ListJobsCommand,
  ListServiceJobsCommand,
  TerminateJobCommand,
  TerminateServiceJobCommand,
  type BatchClient,
  type JobStatus,
  type ServiceJobStatus,
} from '@aws-sdk/client-batch';

const UNFINISHED: readonly JobStatus[] = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING'];
const UNFINISHED_SERVICE: readonly ServiceJobStatus[] = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'SCHEDULED', 'STARTING', 'RUNNING'];

/** Unfinished jobs by kind: container jobs (top-level and array parents) and service jobs. */
async function unfinished(batch: Pick<BatchClient, 'send'>): Promise<{ jobs: Set<string>; serviceJobs: Set<string> }> {
  const queues: Array<{ name: string; service: boolean }> = [];
  let next: string | undefined;
  do {
    const page = await batch.send(new DescribeJobQueuesCommand({ nextToken: next }));
    for (const q of page.jobQueues ?? []) if (q.jobQueueName) queues.push({ name: q.jobQueueName, service: q.jobQueueType === 'SAGEMAKER_TRAINING' });
    next = page.nextToken;
  } while (next);
  const jobs = new Set<string>();
  const serviceJobs = new Set<string>();
  for (const { name: jobQueue, service } of queues) {
    for (const jobStatus of service ? UNFINISHED_SERVICE : UNFINISHED) {
      let token: string | undefined;
      do {
        const page = service
          ? await batch.send(new ListServiceJobsCommand({ jobQueue, jobStatus: jobStatus as ServiceJobStatus, nextToken: token }))
          : await batch.send(new ListJobsCommand({ jobQueue, jobStatus: jobStatus as JobStatus, nextToken: token }));
        for (const j of page.jobSummaryList ?? []) if (j.jobId) (service ? serviceJobs : jobs).add(j.jobId);
        token = page.nextToken;
      } while (token);
    }
  }
  return { jobs, serviceJobs };
}

/** The ids of every unfinished job (top-level, array parents and service jobs) of every queue. */
export async function unfinishedJobIds(batch: Pick<BatchClient, 'send'>): Promise<Set<string>> {
  const { jobs, serviceJobs } = await unfinished(batch);
  return new Set([...jobs, ...serviceJobs]);
}

/** Terminates every unfinished job; resolves to how many TerminateJob/TerminateServiceJob calls succeeded. */
export async function terminateAllJobs(batch: Pick<BatchClient, 'send'>, reason = 'Terminated by the user (terminate all)'): Promise<number> {
  let done = 0;
  const { jobs, serviceJobs } = await unfinished(batch);
  const count = () => done++;
  const ignore = () => undefined;
  for (const jobId of jobs) await batch.send(new TerminateJobCommand({ jobId, reason })).then(count, ignore);
  for (const jobId of serviceJobs) await batch.send(new TerminateServiceJobCommand({ jobId, reason })).then(count, ignore);
  return done;
}
