/**
 * AWS Batch as Step Functions calls it: the optimized integration (`batch:submitJob` and
 * `batch:submitJob.sync`, which waits on the job's state-change events, never polls) and the SDK
 * integration (`aws-sdk:batch:<action>`, including `submitJob.waitForTaskToken`). Batch is reached
 * only through the port the composition root gives (the Batch API's own handlers).
 */
import { StatesError } from '../core/errors';
import { AbortedError } from '../core/timing';
import type { TaskInvocation } from '../core/types';
import { pascalPath, toCamel, toPascal } from './casing';
import { BATCH_OPTIMIZED, BATCH_SDK } from '../../../model/asl/local-resources';

export interface BatchJobEvent {
  readonly jobId: string;
  readonly status: string;
}

export interface BatchPort {
  /** Calls a Batch API operation (e.g. 'SubmitJob') with its camelCase input. */
  call(operation: string, input: unknown): Promise<unknown>;
  /** The first member of `input` of the wrong type for the operation, as a message; undefined when none. */
  check?(operation: string, input: unknown): string | undefined;
  /** Job state changes; returns the unsubscribe function. */
  subscribe(listener: (event: BatchJobEvent) => void): () => void;
}

/** What a task remembers across a restart (the job it submitted). */
export interface TaskMemory {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

export { isBatchResource } from '../../../model/asl/local-resources';

/** `Batch.<ErrorCode>` for an error the Batch API answered. */
function batchError(err: unknown): StatesError {
  if (err instanceof StatesError || err instanceof AbortedError) return err as StatesError;
  const e = err as { name?: string; type?: string; message?: string };
  const code = e.type ?? (e.name && e.name !== 'Error' ? e.name : 'ServerException');
  return new StatesError(`Batch.${code}`, `${e.message ?? String(err)} (Service: AWSBatch; Status Code: ${code === 'ServerException' ? 500 : 400}; Error Code: ${code})`);
}

/**
 * Why Step Functions would not start an optimized Batch task (`batch:submitJob`, `.sync`) with these
 * Parameters, if it would not: the first member of the wrong type for SubmitJob, named as written
 * (`The value for the field 'ContainerOverrides.Command' must be a list, not string "echo"`). AWS
 * checks an optimized integration's parameters before scheduling the task.
 */
export function batchParameterProblem(resource: string, parameters: unknown, batch: BatchPort): string | undefined {
  if (!BATCH_OPTIMIZED.test(resource) || !batch.check) return undefined;
  const problem = batch.check('SubmitJob', toCamel(parameters ?? {}));
  if (problem === undefined) return undefined;
  const at = problem.indexOf(' must be ');
  return at < 0 ? problem : `The value for the field '${pascalPath(problem.slice(0, at))}'${problem.slice(at)}`;
}

export async function runBatchTask(inv: TaskInvocation, batch: BatchPort, memory: TaskMemory): Promise<unknown> {
  const sdk = BATCH_SDK.exec(inv.resource);
  if (sdk) {
    const operation = sdk[1].charAt(0).toUpperCase() + sdk[1].slice(1);
    try {
      return toPascal(await batch.call(operation, toCamel(inv.parameters ?? {})));
    } catch (err) {
      throw batchError(err);
    }
  }
  const sync = BATCH_OPTIMIZED.exec(inv.resource)?.[1] === '.sync';
  if (!sync) {
    try {
      return toPascal(await batch.call('SubmitJob', toCamel(inv.parameters ?? {})));
    } catch (err) {
      throw batchError(err);
    }
  }
  return runSync(inv, batch, memory);
}

const DONE = new Set(['SUCCEEDED', 'FAILED']);

async function describe(batch: BatchPort, jobId: string): Promise<Record<string, unknown> | undefined> {
  const r = (await batch.call('DescribeJobs', { jobs: [jobId] })) as { jobs?: Array<Record<string, unknown>> };
  return r.jobs?.[0];
}

/** submitJob.sync: submit once (a restart finds the job it submitted), then wait for its end. */
async function runSync(inv: TaskInvocation, batch: BatchPort, memory: TaskMemory): Promise<unknown> {
  let ended: (() => void) | undefined;
  const end = new Promise<void>((resolve) => (ended = resolve));
  let jobId: string | undefined = memory.get(inv.key);
  const unsubscribe = batch.subscribe((e) => {
    if (jobId && e.jobId === jobId && DONE.has(e.status)) ended!();
  });
  const onAbort = () => ended!();
  inv.signal.addEventListener('abort', onAbort, { once: true });
  let submittedNow = false;
  try {
    if (!jobId) {
      submittedNow = true;
      let submitted: { jobId: string; jobName: string; jobArn: string };
      try {
        submitted = (await batch.call('SubmitJob', toCamel(inv.parameters ?? {}))) as typeof submitted;
      } catch (err) {
        throw batchError(err);
      }
      jobId = submitted.jobId;
      memory.set(inv.key, jobId);
      inv.submitted(toPascal(submitted));
    }
    let detail = await describe(batch, jobId);
    if (!detail) throw new StatesError('States.TaskFailed', `The job ${jobId} no longer exists`);
    // Replayed after a restart: the history written again records the same submission.
    if (!submittedNow) inv.submitted(toPascal({ jobArn: detail.jobArn, jobName: detail.jobName, jobId }));
    if (!DONE.has(String(detail.status)) && !inv.signal.aborted) await end;
    if (inv.signal.aborted) {
      // The execution stopped or the state timed out: the job does not outlive its task.
      await batch.call('TerminateJob', { jobId, reason: 'Terminated by AWS Step Functions: the task ended (execution stopped or state timed out)' }).catch(() => undefined);
      throw new AbortedError();
    }
    detail = (await describe(batch, jobId)) ?? detail;
    const output = toPascal(detail);
    if (detail.status === 'FAILED') throw new StatesError('States.TaskFailed', JSON.stringify(output));
    return output;
  } finally {
    unsubscribe();
    inv.signal.removeEventListener('abort', onAbort);
  }
}
