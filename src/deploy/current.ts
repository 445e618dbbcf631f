/** What the account holds now: compute environments, job queues and ACTIVE job definition revisions, by name. */
import {
  DescribeComputeEnvironmentsCommand,
  DescribeJobQueuesCommand,
  type BatchClient,
  type ComputeEnvironmentDetail,
  type JobDefinition,
  type JobQueueDetail,
} from '@aws-sdk/client-batch';
import { activeRevisions } from '../client/register';

export interface CurrentState {
  readonly computeEnvironments: ReadonlyMap<string, ComputeEnvironmentDetail>;
  readonly jobQueues: ReadonlyMap<string, JobQueueDetail>;
  /** Name → its ACTIVE revisions, oldest first. */
  readonly jobDefinitions: ReadonlyMap<string, readonly JobDefinition[]>;
}

const CHUNK = 100;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export async function describeComputeEnvironments(batch: BatchClient, names: readonly string[]): Promise<Map<string, ComputeEnvironmentDetail>> {
  const out = new Map<string, ComputeEnvironmentDetail>();
  for (const chunk of chunks(names)) {
    const res = await batch.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: chunk }));
    for (const ce of res.computeEnvironments ?? []) if (ce.computeEnvironmentName && chunk.includes(ce.computeEnvironmentName)) out.set(ce.computeEnvironmentName, ce);
  }
  return out;
}

export async function describeJobQueues(batch: BatchClient, names: readonly string[]): Promise<Map<string, JobQueueDetail>> {
  const out = new Map<string, JobQueueDetail>();
  for (const chunk of chunks(names)) {
    const res = await batch.send(new DescribeJobQueuesCommand({ jobQueues: chunk }));
    for (const q of res.jobQueues ?? []) if (q.jobQueueName && chunk.includes(q.jobQueueName)) out.set(q.jobQueueName, q);
  }
  return out;
}

/** The ACTIVE revisions of a job definition name, oldest first (shared with local runs). */
export { activeRevisions };

export async function describeCurrent(
  batch: BatchClient,
  names: { computeEnvironments: readonly string[]; jobQueues: readonly string[]; jobDefinitions: readonly string[] },
): Promise<CurrentState> {
  const [computeEnvironments, jobQueues] = await Promise.all([
    describeComputeEnvironments(batch, names.computeEnvironments),
    describeJobQueues(batch, names.jobQueues),
  ]);
  const jobDefinitions = new Map<string, JobDefinition[]>();
  for (const n of names.jobDefinitions) jobDefinitions.set(n, await activeRevisions(batch, n));
  return { computeEnvironments, jobQueues, jobDefinitions };
}
