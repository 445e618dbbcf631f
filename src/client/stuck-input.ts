/**
 * Reads what "Why is this job stuck?" compares, through any Batch client (the local emulator's or
 * AWS's): the job (DescribeJobs), its queue (DescribeJobQueues), the queue's compute environments
 * (DescribeComputeEnvironments), its job definition (DescribeJobDefinitions, for what the job detail
 * leaves out) and, for a RUNNABLE job, the queue's other active jobs (ListJobs).
 */
import {
  DescribeComputeEnvironmentsCommand,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  ListJobsCommand,
  type BatchClient,
  type JobStatus,
} from '@aws-sdk/client-batch';
import type { LocalCapacity, QueuedJob, StuckInput, StuckTarget } from '../model/stuck';

/** Active jobs of the queue read per status (enough to tell "waits its turn" from "blocked"). */
const QUEUE_JOBS_PER_STATUS = 100;

export async function readStuckInput(batch: BatchClient, jobId: string, target: StuckTarget, localCapacity?: LocalCapacity): Promise<StuckInput | undefined> {
  const job = (await batch.send(new DescribeJobsCommand({ jobs: [jobId] }))).jobs?.[0];
  if (!job) return undefined;
  const queue = job.jobQueue ? (await batch.send(new DescribeJobQueuesCommand({ jobQueues: [job.jobQueue] }))).jobQueues?.[0] : undefined;
  const refs = (queue?.computeEnvironmentOrder ?? []).map((o) => o.computeEnvironment ?? '').filter(Boolean);
  const computeEnvironments = refs.length > 0 ? ((await batch.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: refs }))).computeEnvironments ?? []) : [];
  const jobDefinition = job.jobDefinition
    ? (await batch.send(new DescribeJobDefinitionsCommand({ jobDefinitions: [job.jobDefinition] })).catch(() => undefined))?.jobDefinitions?.[0]
    : undefined;
  const queueJobs: QueuedJob[] = [];
  if (queue?.jobQueueArn && job.status === 'RUNNABLE') {
    for (const status of ['RUNNABLE', 'STARTING', 'RUNNING'] satisfies JobStatus[]) {
      const res = await batch.send(new ListJobsCommand({ jobQueue: queue.jobQueueArn, jobStatus: status, maxResults: QUEUE_JOBS_PER_STATUS }));
      for (const j of res.jobSummaryList ?? []) {
        if (j.jobId) queueJobs.push({ jobId: j.jobId, jobName: j.jobName, status: j.status ?? status, createdAt: j.createdAt, statusReason: j.statusReason });
      }
    }
  }
  return { target, job, queue, computeEnvironments, queueJobs, ...(jobDefinition ? { jobDefinition } : {}), ...(localCapacity ? { localCapacity } : {}) };
}
