/**
 * "Terminate all": every unfinished job of every queue of an emulator, terminated through the AWS
 * Batch API (TerminateJob, so running containers get SIGTERM then SIGKILL). Shared by
 * `localbatch stop --terminate-all` and the extension's "Terminate All Jobs" command.
 */
import { DescribeJobQueuesCommand, ListJobsCommand, TerminateJobCommand, type BatchClient, type JobStatus } from '@aws-sdk/client-batch';

const UNFINISHED: readonly JobStatus[] = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING'];

/** The ids of every unfinished job (top-level and array parents) of every queue. */
export async function unfinishedJobIds(batch: Pick<BatchClient, 'send'>): Promise<Set<string>> {
  const queues: string[] = [];
  let next: string | undefined;
  do {
    const page = await batch.send(new DescribeJobQueuesCommand({ nextToken: next }));
    for (const q of page.jobQueues ?? []) if (q.jobQueueName) queues.push(q.jobQueueName);
    next = page.nextToken;
  } while (next);
  const ids = new Set<string>();
  for (const jobQueue of queues) {
    for (const jobStatus of UNFINISHED) {
      let token: string | undefined;
      do {
        const page = await batch.send(new ListJobsCommand({ jobQueue, jobStatus, nextToken: token }));
        for (const j of page.jobSummaryList ?? []) if (j.jobId) ids.add(j.jobId);
        token = page.nextToken;
      } while (token);
    }
  }
  return ids;
}

/** Terminates every unfinished job; resolves to how many TerminateJob calls succeeded. */
export async function terminateAllJobs(batch: Pick<BatchClient, 'send'>, reason = 'Terminated by the user (terminate all)'): Promise<number> {
  let done = 0;
  for (const jobId of await unfinishedJobIds(batch)) {
    await batch.send(new TerminateJobCommand({ jobId, reason })).then(
      () => done++,
      () => undefined,
    );
  }
  return done;
}
