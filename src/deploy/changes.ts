/**
 * Which differences AWS Batch can apply in place (UpdateComputeEnvironment, UpdateJobQueue,
 * TagResource/UntagResource) and which it cannot, with what to do instead. Pure.
 *
 * Compute environments (UG: updating compute environments): `type` and `computeResources.type` never
 * change; min/max/desired vCPUs, state, serviceRole, unmanagedvCpus and updatePolicy always can;
 * subnets and security groups can on Fargate; the other compute resources (instance types,
 * allocation strategy, instance role, launch template, key pair, AMI, …) change in place only on
 * an environment whose allocation strategy is BEST_FIT_PROGRESSIVE or SPOT_*; spotIamFleetRole and
 * eksConfiguration never. Job queues: jobQueueType never changes, and a FIFO queue (no scheduling
 * policy) cannot gain one or lose it.
 */
import { isObject, sameJson, type Json, type JsonObject } from '../model/definition-normalize';

export interface TagChanges {
  readonly arn: string;
  readonly add: Readonly<Record<string, string>>;
  readonly remove: readonly string[];
}

export interface Classified {
  /** Names of the fields that differ. */
  readonly changed: string[];
  /** Reasons AWS cannot make the change in place (empty: it can). */
  readonly cannot: string[];
  /** The Update… request: the resource's name plus only the changed, updatable fields. */
  readonly update: JsonObject;
}

const SCALING = new Set(['minvCpus', 'maxvCpus', 'desiredvCpus']);
const FARGATE_UPDATABLE = new Set(['subnets', 'securityGroupIds']);
const NEVER = new Set(['type', 'spotIamFleetRole']);
const INFRA_STRATEGIES = new Set(['BEST_FIT_PROGRESSIVE', 'SPOT_CAPACITY_OPTIMIZED', 'SPOT_PRICE_CAPACITY_OPTIMIZED']);
const RECREATE = 'create a compute environment under a new name, point the queues at it, then disable and delete the old one';

function keys(a: Json | undefined, b: Json | undefined): string[] {
  return [...new Set([...(isObject(a) ? Object.keys(a) : []), ...(isObject(b) ? Object.keys(b) : [])])].sort();
}

function get(o: Json | undefined, k: string): Json | undefined {
  return isObject(o) ? o[k] : undefined;
}

export function classifyComputeEnvironment(current: JsonObject, desired: JsonObject, request: JsonObject): Classified {
  const changed: string[] = [];
  const cannot: string[] = [];
  const update: JsonObject = { computeEnvironment: desired.computeEnvironmentName ?? null };
  for (const k of keys(current, desired)) {
    if (k === 'tags' || k === 'computeEnvironmentName' || sameJson(current[k], desired[k])) continue;
    if (k === 'computeResources') continue;
    changed.push(k);
    if (k === 'type' || k === 'eksConfiguration') cannot.push(`${k} cannot change in place (${show(current[k])} → ${show(desired[k])}): ${RECREATE}`);
    else update[k] = request[k] ?? desired[k] ?? null;
  }
  const cur = current.computeResources;
  const des = desired.computeResources;
  const fargate = ['FARGATE', 'FARGATE_SPOT'].includes(String(get(des, 'type') ?? get(cur, 'type')));
  const infra = INFRA_STRATEGIES.has(String(get(cur, 'allocationStrategy'))) && INFRA_STRATEGIES.has(String(get(des, 'allocationStrategy')));
  const crUpdate: JsonObject = {};
  for (const k of keys(cur, des)) {
    if (sameJson(get(cur, k), get(des, k))) continue;
    changed.push(`computeResources.${k}`);
    const what = `computeResources.${k} (${show(get(cur, k))} → ${show(get(des, k))})`;
    if (NEVER.has(k)) cannot.push(`${what} cannot change in place: ${RECREATE}`);
    else if (get(des, k) === undefined && !SCALING.has(k)) cannot.push(`${what}: removing it is not supported in place: ${RECREATE}`);
    else if (SCALING.has(k) || (fargate && FARGATE_UPDATABLE.has(k)) || infra) crUpdate[k] = get(request.computeResources, k) ?? get(des, k) ?? null;
    else {
      cannot.push(
        `${what} can change in place only when the allocation strategy is BEST_FIT_PROGRESSIVE or SPOT_CAPACITY_OPTIMIZED (this one uses ${show(get(cur, 'allocationStrategy') ?? 'BEST_FIT')}): ${RECREATE}`,
      );
    }
  }
  if (Object.keys(crUpdate).length > 0) update.computeResources = crUpdate;
  if (!sameJson(current.tags, desired.tags)) changed.push('tags');
  return { changed, cannot, update };
}

export function classifyJobQueue(current: JsonObject, desired: JsonObject, request: JsonObject): Classified {
  const changed: string[] = [];
  const cannot: string[] = [];
  const update: JsonObject = { jobQueue: desired.jobQueueName ?? null };
  for (const k of keys(current, desired)) {
    if (k === 'tags' || k === 'jobQueueName' || sameJson(current[k], desired[k])) continue;
    changed.push(k);
    const what = `${k} (${show(current[k])} → ${show(desired[k])})`;
    if (k === 'jobQueueType') cannot.push(`${what} cannot change in place: create a queue under a new name, move submissions to it, then disable and delete the old one`);
    else if (k === 'schedulingPolicyArn' && (current[k] === undefined || desired[k] === undefined)) {
      cannot.push(`${what}: a FIFO queue cannot gain a scheduling policy nor a fair-share queue lose it in place: create a queue under a new name instead`);
    } else if (desired[k] === undefined) cannot.push(`${what}: removing it is not supported in place; set it explicitly`);
    else update[k] = request[k] ?? desired[k] ?? null;
  }
  if (!sameJson(current.tags, desired.tags)) changed.push('tags');
  return { changed, cannot, update };
}

/** The tags to add or change and the keys to remove; undefined when the tags are the same. */
export function tagChanges(current: Json | undefined, desired: Json | undefined, arn: string | undefined): TagChanges | undefined {
  if (sameJson(current, desired) || !arn) return undefined;
  const cur = isObject(current) ? current : {};
  const des = isObject(desired) ? desired : {};
  const add: Record<string, string> = {};
  for (const [k, v] of Object.entries(des)) if (cur[k] !== v) add[k] = String(v);
  const remove = Object.keys(cur).filter((k) => !(k in des));
  return { arn, add, remove };
}

function show(v: Json | undefined): string {
  return v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v);
}
