/**
 * What the engine journals: one entry per acknowledged change (definitions, compute environments,
 * queues, scheduling policies, consumable resources, tags, submitted jobs) and per job transition. Entries carry the new
 * state of one thing, not the operation, so replaying them over a snapshot that already holds some
 * of them gives the same result (compaction relies on it). The store writes them to disk; this file
 * only says what they are and how they fold into a snapshot (pure, no I/O).
 */
import type { ComputeEnvironmentDetail, JobDefinition, JobQueueDetail, SchedulingPolicyDetail, ServiceEnvironmentDetail } from '@aws-sdk/client-batch';
import type { QuotaShareStored } from './quotaShares';
import type { ServiceJobStored } from './serviceJobs';
import type { Capacity } from './computeEnvironments';
import type { ConsumableSnapshot } from './consumableResources';
import type { JobStatus } from './jobs';
import type { EngineSnapshot, JobFields, JobSnapshot } from './snapshot';
import type { Tags } from './tags';

export type JournalEntry =
  /** A job definition revision (registered, or deregistered: status INACTIVE). */
  | { readonly k: 'def'; readonly v: JobDefinition }
  /** A compute environment by name; null once deleted. */
  | { readonly k: 'ce'; readonly key: string; readonly v: { detail: ComputeEnvironmentDetail; capacity: Capacity } | null }
  | { readonly k: 'q'; readonly key: string; readonly v: JobQueueDetail | null }
  | { readonly k: 'pol'; readonly key: string; readonly v: SchedulingPolicyDetail | null }
  /** A consumable resource by name (its total after the change); null once deleted. */
  | { readonly k: 'cr'; readonly key: string; readonly v: ConsumableSnapshot | null }
  /** The tag set of an ARN as TagResource/UntagResource left it; null once forgotten. */
  | { readonly k: 'tag'; readonly key: string; readonly v: Tags | null }
  /** A submitted job (with its children). */
  | { readonly k: 'sub'; readonly v: JobSnapshot }
  /** A job's fields after a transition `from` → `to`, or after a change of fields only (no from/to). */
  | { readonly k: 'job'; readonly id: string; readonly from?: JobStatus; readonly to?: JobStatus; readonly v: JobFields }
  /** A service environment by name; a service job by id (its whole stored state); a quota share by ARN; null once gone. */
  | { readonly k: 'se'; readonly key: string; readonly v: ServiceEnvironmentDetail | null }
  | { readonly k: 'sj'; readonly key: string; readonly v: ServiceJobStored }
  | { readonly k: 'qs'; readonly key: string; readonly v: QuotaShareStored | null };

/** Where the engine sends entries. `append` must take its copy at once (the objects change later). */
export interface JournalSink {
  append(entry: JournalEntry): void;
}

/** Folds entries into a snapshot. Unknown targets (a job never submitted) are counted, not fatal. */
export class SnapshotBuilder {
  private readonly defs = new Map<string, JobDefinition>();
  private readonly ces = new Map<string, { detail: ComputeEnvironmentDetail; capacity: Capacity }>();
  private readonly queues = new Map<string, JobQueueDetail>();
  private readonly policies = new Map<string, SchedulingPolicyDetail>();
  private readonly tags = new Map<string, Tags>();
  private readonly consumables = new Map<string, ConsumableSnapshot>();
  private readonly jobs = new Map<string, JobSnapshot>();
  private readonly serviceEnvironments = new Map<string, ServiceEnvironmentDetail>();
  private readonly serviceJobs = new Map<string, ServiceJobStored>();
  private readonly quotaShares = new Map<string, QuotaShareStored>();
  /** Entries that named something unknown (skipped). */
  orphans = 0;

  constructor(base?: EngineSnapshot) {
    if (!base) return;
    for (const d of base.jobDefinitions) this.defs.set(d.jobDefinitionArn!, d);
    for (const c of base.computeEnvironments) this.ces.set(c.detail.computeEnvironmentName!, c);
    for (const q of base.jobQueues) this.queues.set(q.jobQueueName!, q);
    for (const p of base.schedulingPolicies ?? []) if (p.arn) this.policies.set(p.arn, p);
    for (const [arn, t] of base.tags ?? []) this.tags.set(arn, t);
    for (const c of base.consumableResources ?? []) this.consumables.set(c.name, c);
    for (const j of base.jobs) this.jobs.set(j.id, j);
    for (const e of base.serviceEnvironments ?? []) this.serviceEnvironments.set(e.serviceEnvironmentName!, e);
    for (const j of base.serviceJobs ?? []) this.serviceJobs.set(j.id, j);
    for (const q of base.quotaShares ?? []) this.quotaShares.set(q.detail.quotaShareArn!, q);
  }

  apply(e: JournalEntry): void {
    switch (e.k) {
      case 'def':
        this.defs.set(e.v.jobDefinitionArn!, e.v);
        return;
      case 'ce':
        return upsert(this.ces, e.key, e.v);
      case 'q':
        return upsert(this.queues, e.key, e.v);
      case 'pol':
        return upsert(this.policies, e.key, e.v);
      case 'tag':
        return upsert(this.tags, e.key, e.v);
      case 'cr':
        return upsert(this.consumables, e.key, e.v);
      case 'sub':
        this.jobs.set(e.v.id, e.v);
        return;
      case 'job':
        return this.applyJob(e.id, e.v);
      case 'se':
        return upsert(this.serviceEnvironments, e.key, e.v);
      case 'sj':
        return upsert(this.serviceJobs, e.key, e.v);
      case 'qs':
        return upsert(this.quotaShares, e.key, e.v);
    }
  }

  build(): EngineSnapshot {
    return {
      version: 1,
      jobDefinitions: [...this.defs.values()],
      computeEnvironments: [...this.ces.values()],
      jobQueues: [...this.queues.values()],
      jobs: [...this.jobs.values()],
      tags: [...this.tags],
      schedulingPolicies: [...this.policies.values()],
      consumableResources: [...this.consumables.values()],
      serviceEnvironments: [...this.serviceEnvironments.values()],
      serviceJobs: [...this.serviceJobs.values()],
      quotaShares: [...this.quotaShares.values()],
    };
  }

  private applyJob(id: string, v: JobFields): void {
    const top = this.jobs.get(id);
    if (top) {
      this.jobs.set(id, { ...top, ...replaceFields(v) });
      return;
    }
    const colon = id.lastIndexOf(':');
    const parent = colon > 0 ? this.jobs.get(id.slice(0, colon)) : undefined;
    const index = Number(id.slice(colon + 1));
    if (!parent?.children || !Number.isInteger(index) || index < 0 || index >= parent.children.length) {
      this.orphans++;
      return;
    }
    parent.children[index] = v;
  }
}

const FIELD_KEYS: ReadonlyArray<keyof JobFields> = ['statusReason', 'startedAt', 'stoppedAt', 'attempts', 'pods', 'scheduledAt', 'isCancelled', 'isTerminated', 'cancelReason', 'run'];

/** The fields of `v`, with the optional ones it lacks explicitly cleared. */
function replaceFields(v: JobFields): JobFields {
  const out: Record<string, unknown> = { ...v };
  for (const k of FIELD_KEYS) if (!(k in v)) out[k] = undefined;
  return out as unknown as JobFields;
}

function upsert<T>(map: Map<string, T>, key: string, v: T | null): void {
  if (v === null) map.delete(key);
  else map.set(key, v);
}
