/**
 * SubmitJob: checks the request against its queue and job definition, resolves the plan, and
 * builds the job's record (array children and dependencies included). The engine adds and
 * journals it.
 */
import type { SubmitJobRequest } from '@aws-sdk/client-batch';
import type { ConsumableResources } from './consumableResources';
import { invalid } from './errors';
import { checkShareIdentifier } from './fairShare';
import type { JobDefinitions } from './jobDefinitions';
import { emptySummary, type JobRecord } from './jobs';
import type { JobMachine } from './machine';
import { buildPlan } from './plan';
import type { JobQueues } from './queues';

const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export interface SubmitParts {
  readonly queues: JobQueues;
  readonly definitions: JobDefinitions;
  readonly machine: JobMachine;
  readonly consumableResources: ConsumableResources;
}

/** The record of a new job (not yet added to the machine); ClientException when invalid. Its id is drawn only once the request is valid. */
export function newJob(req: SubmitJobRequest, parts: SubmitParts, newId: () => string, now: number): JobRecord {
  if (!req.jobName || !JOB_NAME.test(req.jobName)) invalid('jobName must be 1-128 letters, numbers, hyphens or underscores, starting with a letter or number');
  const queue = parts.queues.get(req.jobQueue ?? '');
  if (queue.detail.state !== 'ENABLED') invalid(`Job queue ${queue.name} is DISABLED and does not accept new jobs`);
  if (queue.detail.jobQueueType === 'SAGEMAKER_TRAINING') invalid(`Job queue ${queue.name} is a SAGEMAKER_TRAINING queue: submit to it with SubmitServiceJob`);
  const def = parts.definitions.resolve(req.jobDefinition ?? '');
  checkShareIdentifier(req.shareIdentifier, queue);
  const priority = req.schedulingPriorityOverride;
  if (priority !== undefined && (!Number.isInteger(priority) || priority < 0 || priority > 9999)) invalid('schedulingPriorityOverride must be between 0 and 9999');
  const deps = req.dependsOn ?? [];
  if (deps.length > 20) invalid('A job can depend on at most 20 jobs');
  const size = req.arrayProperties?.size;
  const plain: JobRecord[] = [];
  const nToN: JobRecord[] = [];
  let sequential = false;
  for (const d of deps) {
    if (d.type === 'SEQUENTIAL' && !d.jobId) {
      if (size === undefined) invalid('A SEQUENTIAL dependency is only valid for an array job');
      sequential = true;
      continue;
    }
    const target = parts.machine.get(d.jobId ?? '');
    if (!target) invalid(`Dependent job ID ${String(d.jobId)} does not exist`);
    if (d.type === 'N_TO_N') {
      if (size === undefined || target.children?.length !== size) invalid('An N_TO_N dependency requires two array jobs of the same size');
      nToN.push(target);
    } else if (d.type === 'SEQUENTIAL') {
      plain.push(target);
    } else plain.push(target);
  }
  const plan = buildPlan(structuredClone(req), queue, def, nToN, sequential);
  const id = newId();
  const job: JobRecord = { id, plan, createdAt: now, status: 'SUBMITTED', attemptCount: 0, waitingOn: 0 };
  parts.consumableResources.check(job);
  for (const t of plain) parts.machine.waitFor(job, t);
  if (size !== undefined) {
    job.summary = emptySummary();
    job.summary.SUBMITTED = size;
    job.summaryUpdatedAt = job.createdAt;
    job.childrenDone = 0;
    job.childrenFailed = 0;
    const gate = job.waitingOn > 0 ? 1 : 0;
    const children: JobRecord[] = new Array(size);
    for (let i = 0; i < size; i++) {
      const child: JobRecord = { id: `${id}:${i}`, plan, parent: job, index: i, createdAt: job.createdAt, status: 'SUBMITTED', attemptCount: 0, waitingOn: gate };
      for (const t of nToN) parts.machine.waitFor(child, t.children![i]);
      if (sequential && i > 0) parts.machine.waitFor(child, children[i - 1]);
      children[i] = child;
    }
    job.children = children;
  }
  return job;
}
