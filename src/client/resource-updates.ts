/**
 * What brings a compute environment or job queue that already exists on a Batch endpoint (the local
 * emulator's state directory keeps them between runs) up to date with its file: the Update… request
 * of only the changed fields, under the same in-place update rules as `deploy` (AWS's rules for
 * UpdateComputeEnvironment and UpdateJobQueue, see src/deploy/changes.ts), and a readable list of
 * what changes (`computeResources.maxvCpus 4 → 16`). Pure.
 */
import type { ComputeEnvironmentDetail, CreateComputeEnvironmentRequest, CreateJobQueueRequest, JobQueueDetail } from '@aws-sdk/client-batch';
import { classifyComputeEnvironment, classifyJobQueue } from '../deploy/changes';
import { getPath, normalize, sameJson, toJson, type Json, type JsonObject } from '../model/definition-normalize';

export interface ResourceUpdate {
  /** The Update… request to send; undefined when nothing that matters changed. */
  readonly request?: JsonObject;
  /** `field old → new` for each changed field. */
  readonly changes: readonly string[];
  /** Why the change cannot be made in place (empty: it can). */
  readonly cannot: readonly string[];
}

export function computeEnvironmentUpdate(file: CreateComputeEnvironmentRequest, current: ComputeEnvironmentDetail): ResourceUpdate {
  return updateOf('computeEnvironment', toJson(file) as JsonObject, current, classifyComputeEnvironment);
}

export function jobQueueUpdate(file: CreateJobQueueRequest, current: JobQueueDetail): ResourceUpdate {
  const request = toJson(file) as JsonObject;
  return updateOf('jobQueue', { ...request, state: request.state ?? 'ENABLED' }, current, classifyJobQueue);
}

function updateOf(kind: 'computeEnvironment' | 'jobQueue', request: JsonObject, current: object, classify: typeof classifyJobQueue): ResourceUpdate {
  const desired = normalize(kind, request);
  const now = normalize(kind, current, desired);
  if (sameJson(now, desired)) return { changes: [], cannot: [] };
  // Tags change through TagResource, never through Update…; a local run leaves them as they are.
  const c = classify(now, desired, request);
  const changed = c.changed.filter((f) => f !== 'tags');
  const changes = changed.map((f) => `${f} ${show(getPath(now, f))} → ${show(getPath(desired, f))}`);
  if (changed.length === 0) return { changes: [], cannot: [] };
  return { request: c.cannot.length === 0 ? c.update : undefined, changes, cannot: c.cannot };
}

function show(v: Json | undefined): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((i) => typeof i === 'object' && i !== null && 'computeEnvironment' in i)) {
    return v.map((i) => String((i as JsonObject).computeEnvironment)).join(', ');
  }
  return JSON.stringify(v);
}
