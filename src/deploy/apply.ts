/**
 * Applies a deploy plan in order (compute environments, wait VALID; job queues, wait VALID; job
 * definitions; then deregistrations), reporting each step. It stops at the first failure and reports
 * what was applied and what was not: nothing is rolled back, and planning again converges, since
 * the next plan starts from what AWS then holds.
 */
import {
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  DeregisterJobDefinitionCommand,
  RegisterJobDefinitionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateComputeEnvironmentCommand,
  UpdateJobQueueCommand,
  type BatchClient,
  type CreateComputeEnvironmentRequest,
  type CreateJobQueueRequest,
  type RegisterJobDefinitionRequest,
  type UpdateComputeEnvironmentRequest,
  type UpdateJobQueueRequest,
} from '@aws-sdk/client-batch';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { describeComputeEnvironments, describeJobQueues } from './current';
import { applyStateMachine } from './state-machines';
import { KIND_TITLES, type DeployPlan, type PlanItem } from './plan';

export interface ApplyProgress {
  readonly item?: PlanItem;
  /** One line for the user, e.g. `creating job queue cpu` or `waiting for … to become VALID`. */
  readonly message: string;
}

export interface ApplyOptions {
  readonly onProgress?: (p: ApplyProgress) => void;
  /** How long compute environments and queues may take to become VALID (default 10 minutes). */
  readonly validDeadlineMs?: number;
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<unknown>;
  /** Step Functions, needed when the plan has state machines (applied last, after the job definitions they name). */
  readonly sfn?: SFNClient;
}

export interface AppliedStep {
  readonly item: PlanItem;
  /** What was done, e.g. `created compute environment cpu`, `registered job definition sim:3`. */
  readonly description: string;
  /** The ARN created or registered, when there is one. */
  readonly arn?: string;
}

export interface ApplyResult {
  readonly applied: readonly AppliedStep[];
  /** Items skipped because AWS cannot change them in place (see their reason). */
  readonly skipped: readonly PlanItem[];
  /** The step that failed and its error, when one did. */
  readonly failed?: { readonly item: PlanItem; readonly error: Error };
  /** Items not applied because of the failure. */
  readonly notApplied: readonly PlanItem[];
}

export class ValidWaitError extends Error {}

export async function applyPlan(batch: BatchClient, plan: DeployPlan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const progress = options.onProgress ?? (() => undefined);
  const applied: AppliedStep[] = [];
  const skipped: PlanItem[] = [];
  const items = plan.items;
  let index = 0;
  const run = async (item: PlanItem): Promise<void> => {
    if (item.action === 'cannot-change') {
      skipped.push(item);
      progress({ item, message: `skipping ${label(item)}: ${item.reason}` });
      return;
    }
    if (item.kind === 'stateMachine') {
      if (item.action === 'no-change') return;
      if (!options.sfn) throw new Error('no Step Functions client to deploy state machines with');
      progress({ item, message: `${item.action === 'create' ? 'creating' : 'updating'} ${label(item)}` });
      const arn = await applyStateMachine(options.sfn, item);
      applied.push({ item, description: `${item.action === 'create' ? 'created' : `updated`} ${label(item)}${item.reason ? ` (${item.reason})` : ''}`, arn });
      return;
    }
    for (const step of await applyItem(batch, item, progress)) applied.push(step);
  };
  try {
    for (const phase of ['computeEnvironment', 'jobQueue'] as const) {
      const phaseItems = items.filter((i) => i.kind === phase);
      for (const item of phaseItems) {
        index = items.indexOf(item);
        await run(item);
      }
      const touched = phaseItems.filter((i) => i.action === 'create' || i.action === 'update').map((i) => i.name);
      if (touched.length > 0) {
        index = items.indexOf(phaseItems[phaseItems.length - 1]);
        progress({ message: `waiting for ${KIND_TITLES[phase]}${touched.length === 1 ? '' : 's'} ${touched.join(', ')} to become VALID` });
        await waitValid(batch, phase, touched, options);
      }
    }
    for (const item of items.filter((i) => i.kind === 'jobDefinition' || i.kind === 'stateMachine')) {
      index = items.indexOf(item);
      await run(item);
    }
    return { applied, skipped, notApplied: [] };
  } catch (err) {
    const item = items[index];
    const error = err instanceof Error ? err : new Error(String(err));
    const done = new Set(applied.map((s) => s.item));
    const notApplied = items.filter((i) => i.action !== 'no-change' && i.action !== 'cannot-change' && !done.has(i));
    progress({ item, message: `failed: ${label(item)}: ${error.message}` });
    return { applied, skipped, failed: { item, error }, notApplied };
  }
}

function label(item: PlanItem): string {
  return `${KIND_TITLES[item.kind]} ${item.name}`;
}

async function applyItem(batch: BatchClient, item: PlanItem, progress: (p: ApplyProgress) => void): Promise<AppliedStep[]> {
  const steps: AppliedStep[] = [];
  const say = (message: string) => progress({ item, message });
  if (item.kind === 'computeEnvironment' && item.action === 'create') {
    say(`creating ${label(item)}`);
    const res = await batch.send(new CreateComputeEnvironmentCommand(item.request as unknown as CreateComputeEnvironmentRequest));
    steps.push({ item, description: `created ${label(item)}`, arn: res.computeEnvironmentArn });
  } else if (item.kind === 'jobQueue' && item.action === 'create') {
    say(`creating ${label(item)}`);
    const res = await batch.send(new CreateJobQueueCommand(item.request as unknown as CreateJobQueueRequest));
    steps.push({ item, description: `created ${label(item)}`, arn: res.jobQueueArn });
  } else if (item.action === 'update') {
    const fields = Object.keys(item.request ?? {}).filter((k) => k !== 'computeEnvironment' && k !== 'jobQueue');
    if (fields.length > 0) {
      say(`updating ${label(item)} (${item.reason})`);
      if (item.kind === 'computeEnvironment') await batch.send(new UpdateComputeEnvironmentCommand(item.request as unknown as UpdateComputeEnvironmentRequest));
      else await batch.send(new UpdateJobQueueCommand(item.request as unknown as UpdateJobQueueRequest));
    }
    if (item.tags) {
      say(`updating the tags of ${label(item)}`);
      if (item.tags.remove.length > 0) await batch.send(new UntagResourceCommand({ resourceArn: item.tags.arn, tagKeys: [...item.tags.remove] }));
      if (Object.keys(item.tags.add).length > 0) await batch.send(new TagResourceCommand({ resourceArn: item.tags.arn, tags: { ...item.tags.add } }));
    }
    steps.push({ item, description: `updated ${label(item)} (${item.reason})`, arn: item.arn });
  } else if (item.kind === 'jobDefinition' && item.action === 'register') {
    say(`registering ${label(item)}`);
    const res = await batch.send(new RegisterJobDefinitionCommand(item.request as unknown as RegisterJobDefinitionRequest));
    steps.push({ item, description: `registered ${label(item)} revision ${res.revision}`, arn: res.jobDefinitionArn });
  }
  for (const arn of item.deregister ?? []) {
    say(`deregistering ${arn}`);
    await batch.send(new DeregisterJobDefinitionCommand({ jobDefinition: arn }));
    steps.push({ item, description: `deregistered ${arn.slice(arn.lastIndexOf('/') + 1)}`, arn });
  }
  return steps;
}

async function waitValid(batch: BatchClient, kind: 'computeEnvironment' | 'jobQueue', names: readonly string[], options: ApplyOptions): Promise<void> {
  const deadline = Date.now() + (options.validDeadlineMs ?? 10 * 60_000);
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  for (;;) {
    const found = kind === 'computeEnvironment' ? await describeComputeEnvironments(batch, names) : await describeJobQueues(batch, names);
    const pending: string[] = [];
    for (const name of names) {
      const detail = found.get(name);
      if (detail?.status === 'INVALID') throw new ValidWaitError(`${KIND_TITLES[kind]} ${name} is INVALID: ${detail.statusReason ?? 'no reason given'}`);
      if (detail?.status !== 'VALID') pending.push(`${name} (${detail?.status ?? 'missing'})`);
    }
    if (pending.length === 0) return;
    if (Date.now() >= deadline) throw new ValidWaitError(`${KIND_TITLES[kind]} ${pending.join(', ')} did not become VALID in time`);
    await sleep(options.pollMs ?? 2000);
  }
}

/** Human-readable lines for an apply result. */
export function describeResult(result: ApplyResult): string[] {
  const lines = result.applied.map((s) => `  done: ${s.description}`);
  for (const s of result.skipped) lines.push(`  not changed: ${label(s)}: ${s.reason}`);
  if (result.failed) {
    lines.push(`  FAILED: ${label(result.failed.item)}: ${result.failed.error.message}`);
    for (const i of result.notApplied) if (i !== result.failed.item) lines.push(`  not applied: ${label(i)} (${i.action})`);
    lines.push('Nothing was rolled back. Fix the cause and deploy again: the next plan starts from what AWS holds now.');
  }
  return lines;
}
