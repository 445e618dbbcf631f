/**
 * The deploy plan: for each compute environment, then job queue, then job definition of the
 * workspace, what AWS holds now (canonical), what it will hold after the deploy, and the action
 * that gets it there. Pure: the current state is fetched by `current.ts`.
 */
import type { ComputeEnvironmentDetail, JobDefinition, JobQueueDetail } from '@aws-sdk/client-batch';
import { classifyComputeEnvironment, classifyJobQueue, tagChanges, type TagChanges } from './changes';
import type { CurrentState } from './current';
import { describeDiff } from './diff';
import { normalize, sameJson, toJson, type JsonObject } from '../model/definition-normalize';

export type ItemKind = 'computeEnvironment' | 'jobQueue' | 'jobDefinition' | 'stateMachine';
export type PlanAction = 'create' | 'update' | 'register' | 'no-change' | 'cannot-change';

export const KIND_TITLES: Record<ItemKind, string> = {
  computeEnvironment: 'compute environment',
  jobQueue: 'job queue',
  jobDefinition: 'job definition',
  stateMachine: 'state machine',
};

export interface DesiredItem {
  readonly kind: ItemKind;
  readonly name: string;
  /** The file it comes from (for messages). */
  readonly file?: string;
  /** The Create/Register request to send, as the file holds it (images already substituted). */
  readonly request: JsonObject;
}

export interface PlanItem {
  readonly kind: ItemKind;
  readonly name: string;
  readonly file?: string;
  readonly action: PlanAction;
  /** Canonical form of what AWS holds (for a job definition: the latest ACTIVE revision); undefined when missing. */
  readonly current?: JsonObject;
  /** Canonical form of what AWS will hold after the deploy. */
  readonly desired: JsonObject;
  /** Readable diff lines (`- `, `+ `, `  `); empty when nothing changes. */
  readonly diff: readonly string[];
  /** For cannot-change: what AWS cannot change in place and what to do; for update: what changes. */
  readonly reason?: string;
  /** The request to send: Create…/Register… for create and register; Update… (only changed fields) for update. */
  readonly request?: JsonObject;
  readonly tags?: TagChanges;
  /** ARN of the existing resource (compute environments, queues and state machines). */
  readonly arn?: string;
  /** Job definitions: the latest ACTIVE revision now. */
  readonly currentRevision?: number;
  /** Job definitions, with --deregister-previous: ARNs of ACTIVE revisions the deploy deregisters. */
  readonly deregister?: readonly string[];
}

export interface DeployPlan {
  readonly items: readonly PlanItem[];
}

export interface PlanOptions {
  readonly deregisterPrevious?: boolean;
}

const ORDER: ItemKind[] = ['computeEnvironment', 'jobQueue', 'jobDefinition'];

export function buildPlan(desired: readonly DesiredItem[], current: CurrentState, options: PlanOptions = {}): DeployPlan {
  const items: PlanItem[] = [];
  for (const kind of ORDER) {
    for (const d of desired.filter((x) => x.kind === kind).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (kind === 'computeEnvironment') items.push(planComputeEnvironment(d, current.computeEnvironments.get(d.name)));
      else if (kind === 'jobQueue') items.push(planJobQueue(d, current.jobQueues.get(d.name)));
      else items.push(planJobDefinition(d, current.jobDefinitions.get(d.name) ?? [], options));
    }
  }
  return { items };
}

function planComputeEnvironment(d: DesiredItem, cur: ComputeEnvironmentDetail | undefined): PlanItem {
  return planUpdatable('computeEnvironment', d, cur, cur?.computeEnvironmentArn, classifyComputeEnvironment);
}

function planJobQueue(d: DesiredItem, cur: JobQueueDetail | undefined): PlanItem {
  return planUpdatable('jobQueue', d, cur, cur?.jobQueueArn, classifyJobQueue, { ...d.request, state: d.request.state ?? 'ENABLED' });
}

/** Compute environments and queues: create when missing, else no change, update in place, or say what cannot change. */
function planUpdatable(
  kind: 'computeEnvironment' | 'jobQueue',
  d: DesiredItem,
  cur: object | undefined,
  arn: string | undefined,
  classify: typeof classifyJobQueue,
  createRequest: JsonObject = d.request,
): PlanItem {
  const desired = normalize(kind, d.request);
  if (!cur) return created(d, desired, createRequest);
  const current = normalize(kind, cur, desired);
  const base = { kind: d.kind, name: d.name, file: d.file, current, desired, diff: describeDiff(current, desired), arn };
  if (sameJson(current, desired)) return { ...base, action: 'no-change' };
  const c = classify(current, desired, d.request);
  const tags = tagChanges(current.tags, desired.tags, arn);
  if (c.cannot.length > 0) return { ...base, action: 'cannot-change', reason: c.cannot.join('; ') };
  return { ...base, action: 'update', request: c.update, tags, reason: c.changed.join(', ') };
}

function planJobDefinition(d: DesiredItem, revisions: readonly JobDefinition[], options: PlanOptions): PlanItem {
  const desired = normalize('jobDefinition', d.request);
  const latest = revisions[revisions.length - 1];
  if (!latest) return created(d, desired);
  const current = normalize('jobDefinition', latest, desired);
  const same = sameJson(current, desired);
  // Superseded: every ACTIVE revision but the one in use after the deploy (the latest when unchanged).
  const superseded = (same ? revisions.slice(0, -1) : revisions).map((r) => r.jobDefinitionArn).filter((a): a is string => !!a);
  const base = {
    kind: d.kind,
    name: d.name,
    file: d.file,
    current,
    desired,
    diff: describeDiff(current, desired),
    currentRevision: latest.revision,
    ...(options.deregisterPrevious && superseded.length > 0 ? { deregister: superseded } : {}),
  };
  if (same) return { ...base, action: 'no-change' };
  return { ...base, action: 'register', request: d.request, reason: `new revision ${(latest.revision ?? 0) + 1} (latest ACTIVE is ${latest.revision})` };
}

function created(d: DesiredItem, desired: JsonObject, request: JsonObject = d.request): PlanItem {
  return { kind: d.kind, name: d.name, file: d.file, action: d.kind === 'jobDefinition' ? 'register' : 'create', desired, diff: describeDiff(undefined, desired), request: toJson(request) as JsonObject };
}

/** Whether applying the plan would change anything. */
export function planHasChanges(plan: DeployPlan): boolean {
  return plan.items.some((i) => i.action !== 'no-change' || (i.deregister?.length ?? 0) > 0);
}

/** `2 to create, 1 to update, …` */
export function planSummary(plan: DeployPlan): string {
  const count = (a: PlanAction) => plan.items.filter((i) => i.action === a).length;
  const created = plan.items.filter((i) => i.action === 'create' || (i.action === 'register' && i.current === undefined)).length;
  const revisions = plan.items.filter((i) => i.action === 'register' && i.current !== undefined).length;
  const dereg = plan.items.reduce((n, i) => n + (i.deregister?.length ?? 0), 0);
  const parts = [`${created} to create`, `${count('update')} to update`, `${revisions} new revision${revisions === 1 ? '' : 's'}`, `${count('no-change')} unchanged`];
  if (count('cannot-change') > 0) parts.push(`${count('cannot-change')} cannot change in place`);
  if (dereg > 0) parts.push(`${dereg} revision${dereg === 1 ? '' : 's'} to deregister`);
  return parts.join(', ');
}
