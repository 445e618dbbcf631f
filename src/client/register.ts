/**
 * Creates the compute environments and job queues a run needs (when missing), brings existing ones
 * up to date with their files (UpdateComputeEnvironment / UpdateJobQueue, under AWS's in-place update
 * rules, see resource-updates.ts), waits until they are VALID, and registers its job definitions, through any Batch client: a job definition whose
 * latest ACTIVE revision is identical (compared in canonical form) is reused instead of registered
 * again. Used to run workspace definitions on the local emulator.
 */
import {
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  DescribeComputeEnvironmentsCommand,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  RegisterJobDefinitionCommand,
  UpdateComputeEnvironmentCommand,
  UpdateJobQueueCommand,
  type BatchClient,
  type CreateComputeEnvironmentRequest,
  type CreateJobQueueRequest,
  type JobDefinition,
  type RegisterJobDefinitionRequest,
  type UpdateComputeEnvironmentRequest,
  type UpdateJobQueueRequest,
} from '@aws-sdk/client-batch';
import { sameJobDefinition } from '../model/definition-normalize';
import { computeEnvironmentUpdate, jobQueueUpdate, type ResourceUpdate } from './resource-updates';

export interface DefinitionsToRegister {
  readonly computeEnvironments: readonly CreateComputeEnvironmentRequest[];
  readonly jobQueues: readonly CreateJobQueueRequest[];
  readonly jobDefinitions: readonly RegisterJobDefinitionRequest[];
}

export interface Registered {
  /** Job definition name → ARN of the revision to use (just registered, or an identical one reused). */
  readonly jobDefinitionArns: ReadonlyMap<string, string>;
  /** What was created, updated, registered or reused, for the log. */
  readonly actions: readonly string[];
}

/** A compute environment or queue whose file asks for a change that cannot be made in place. */
export class OutOfDateResourceError extends Error {
  readonly userFacing = true;
}

/** A definition AWS Batch (or the emulator) refused as invalid: its ClientException, naming the definition. */
export class RefusedDefinitionError extends Error {
  readonly userFacing = true;
}

/** `send`, with a ClientException (the request was invalid) told as the definition's error, not a crash. */
async function sending<T>(kind: string, name: string | undefined, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if ((err as Error)?.name !== 'ClientException') throw err;
    throw new RefusedDefinitionError(`AWS Batch refused ${kind} '${name ?? '?'}': ${(err as Error).message}`, { cause: err });
  }
}

const VALID_TIMEOUT_MS = 15_000;
const VALID_POLL_MS = 100;

export async function registerDefinitions(batch: BatchClient, defs: DefinitionsToRegister, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<Registered> {
  const actions: string[] = [];
  const ceNames = defs.computeEnvironments.map((c) => c.computeEnvironmentName!);
  const existingCes = ceNames.length === 0 ? [] : ((await batch.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: ceNames }))).computeEnvironments ?? []);
  for (const ce of defs.computeEnvironments) {
    const existing = existingCes.find((e) => e.computeEnvironmentName === ce.computeEnvironmentName);
    if (existing) {
      const update = checked('compute environment', ce.computeEnvironmentName!, computeEnvironmentUpdate(ce, existing));
      if (!update.request) continue;
      await sending('compute environment', ce.computeEnvironmentName, () => batch.send(new UpdateComputeEnvironmentCommand(update.request as unknown as UpdateComputeEnvironmentRequest)));
      actions.push(`updated compute environment ${ce.computeEnvironmentName}: ${update.changes.join(', ')}`);
      continue;
    }
    await sending('compute environment', ce.computeEnvironmentName, () => batch.send(new CreateComputeEnvironmentCommand(ce)));
    actions.push(`created compute environment ${ce.computeEnvironmentName}`);
  }
  await waitValid(ceNames, async () => (await batch.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: ceNames }))).computeEnvironments ?? [], (e) => e.computeEnvironmentName, sleep);

  const queueNames = defs.jobQueues.map((q) => q.jobQueueName!);
  const existingQueues = queueNames.length === 0 ? [] : ((await batch.send(new DescribeJobQueuesCommand({ jobQueues: queueNames }))).jobQueues ?? []);
  for (const q of defs.jobQueues) {
    const existing = existingQueues.find((e) => e.jobQueueName === q.jobQueueName);
    if (existing) {
      const update = checked('job queue', q.jobQueueName!, jobQueueUpdate(q, existing));
      if (!update.request) continue;
      await sending('job queue', q.jobQueueName, () => batch.send(new UpdateJobQueueCommand(update.request as unknown as UpdateJobQueueRequest)));
      actions.push(`updated job queue ${q.jobQueueName}: ${update.changes.join(', ')}`);
      continue;
    }
    await sending('job queue', q.jobQueueName, () => batch.send(new CreateJobQueueCommand(q)));
    actions.push(`created job queue ${q.jobQueueName}`);
  }
  await waitValid(queueNames, async () => (await batch.send(new DescribeJobQueuesCommand({ jobQueues: queueNames }))).jobQueues ?? [], (q) => q.jobQueueName, sleep);

  const jobDefinitionArns = new Map<string, string>();
  for (const jd of defs.jobDefinitions) {
    const latest = (await activeRevisions(batch, jd.jobDefinitionName!)).at(-1);
    if (latest?.jobDefinitionArn && sameJobDefinition(latest, jd)) {
      jobDefinitionArns.set(jd.jobDefinitionName!, latest.jobDefinitionArn);
      actions.push(`reused job definition ${latest.jobDefinitionName}:${latest.revision} (unchanged)`);
      continue;
    }
    const res = await sending('job definition', jd.jobDefinitionName, () => batch.send(new RegisterJobDefinitionCommand(jd)));
    jobDefinitionArns.set(jd.jobDefinitionName!, res.jobDefinitionArn ?? `${res.jobDefinitionName}:${res.revision}`);
    actions.push(`registered job definition ${res.jobDefinitionName}:${res.revision}`);
  }
  return { jobDefinitionArns, actions };
}

function checked(kind: string, name: string, update: ResourceUpdate): ResourceUpdate {
  if (update.cannot.length === 0) return update;
  throw new OutOfDateResourceError(
    `the ${kind} ${name} on the emulator differs from its file (${update.changes.join(', ')}), and, as on AWS, this cannot change in place: ${update.cannot.join('; ')}. ` +
      `Locally you can instead use a new --state-dir, or delete the ${kind} from the emulator (disable it, then delete it with the AWS CLI against the emulator's endpoint).`,
  );
}

/** The ACTIVE revisions of a job definition name, oldest first. */
export async function activeRevisions(batch: BatchClient, name: string): Promise<JobDefinition[]> {
  const out: JobDefinition[] = [];
  let nextToken: string | undefined;
  do {
    const res = await batch.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: name, status: 'ACTIVE', nextToken }));
    for (const jd of res.jobDefinitions ?? []) if (jd.jobDefinitionName === name && (jd.status ?? 'ACTIVE') === 'ACTIVE') out.push(jd);
    nextToken = res.nextToken;
  } while (nextToken);
  return out.sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
}

async function waitValid<T extends { status?: string; statusReason?: string }>(
  names: readonly string[],
  describe: () => Promise<T[]>,
  nameOf: (t: T) => string | undefined,
  sleep: (ms: number) => Promise<unknown>,
): Promise<void> {
  if (names.length === 0) return;
  const deadline = Date.now() + VALID_TIMEOUT_MS;
  for (;;) {
    const items = await describe();
    const invalid = items.find((i) => i.status === 'INVALID');
    if (invalid) throw new Error(`${nameOf(invalid)} is INVALID: ${invalid.statusReason ?? 'no reason given'}`);
    const pending = names.filter((n) => items.find((i) => nameOf(i) === n)?.status !== 'VALID');
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending.join(', ')} did not become VALID within ${VALID_TIMEOUT_MS / 1000} s`);
    await sleep(VALID_POLL_MS);
  }
}
