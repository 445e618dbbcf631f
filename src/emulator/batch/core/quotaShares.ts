/**
 * Quota shares of a quota-managed SAGEMAKER_TRAINING job queue (Create/Describe/List/Update/Delete),
 * stored and checked with AWS's shapes and limits. Scheduling by quota share is quotaScheduling.ts's.
 */
import type { QuotaShareCapacityLimit, QuotaShareDetail, QuotaSharePreemptionConfiguration, QuotaShareResourceSharingConfiguration } from '@aws-sdk/client-batch';
import type { Partition } from './arns';
import { invalid } from './errors';

export interface QuotaShareStored {
  name: string;
  queueName: string;
  detail: QuotaShareDetail;
  tags?: Record<string, string>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const STRATEGIES = ['RESERVE', 'LEND', 'LEND_AND_BORROW'];
/** At most 20 quota shares per job queue (User Guide, quota-shares). */
const MAX_PER_QUEUE = 20;

export function quotaShareArn(p: Partition, queueName: string, name: string): string {
  return `arn:aws:batch:${p.region}:${p.account}:job-queue/${queueName}/quota-share/${name}`;
}

function capacityLimits(v: unknown): QuotaShareCapacityLimit[] {
  if (!Array.isArray(v) || v.length === 0) invalid('capacityLimits is required: e.g. [{"maxCapacity": 2, "capacityUnit": "ml.m5.xlarge"}]');
  if (v.length > 5) invalid(`capacityLimits can have at most 5 entries, not ${v.length}`);
  const seen = new Set<string>();
  return v.map((l: unknown) => {
    const o = l as { maxCapacity?: unknown; capacityUnit?: unknown } | null;
    if (o === null || typeof o !== 'object') invalid('capacityLimits entries must be objects');
    if (typeof o.maxCapacity !== 'number' || !Number.isInteger(o.maxCapacity) || o.maxCapacity < 1) invalid(`capacityLimits maxCapacity must be a positive integer, not ${String(o.maxCapacity)}`);
    if (typeof o.capacityUnit !== 'string' || o.capacityUnit === '') invalid('capacityLimits capacityUnit is required: an instance type such as ml.m5.xlarge');
    if (seen.has(o.capacityUnit)) invalid(`capacityLimits names ${o.capacityUnit} twice: give each instance type one limit`);
    seen.add(o.capacityUnit);
    return { maxCapacity: o.maxCapacity, capacityUnit: o.capacityUnit };
  });
}

function sharing(v: unknown): QuotaShareResourceSharingConfiguration {
  const o = v as { strategy?: unknown; borrowLimit?: unknown } | null;
  if (o === null || typeof o !== 'object') invalid('resourceSharingConfiguration is required: {"strategy": "RESERVE" | "LEND" | "LEND_AND_BORROW"}');
  if (typeof o.strategy !== 'string' || !STRATEGIES.includes(o.strategy)) invalid(`resourceSharingConfiguration.strategy must be one of ${STRATEGIES.join(', ')}, not ${String(o.strategy)}`);
  if (o.borrowLimit !== undefined) {
    if (o.strategy !== 'LEND_AND_BORROW') invalid('resourceSharingConfiguration.borrowLimit is only valid with strategy LEND_AND_BORROW');
    if (typeof o.borrowLimit !== 'number' || !Number.isInteger(o.borrowLimit) || o.borrowLimit < -1) invalid('resourceSharingConfiguration.borrowLimit must be an integer percentage (-1: unlimited)');
  }
  return { strategy: o.strategy as QuotaShareResourceSharingConfiguration['strategy'], ...(o.borrowLimit !== undefined ? { borrowLimit: o.borrowLimit as number } : {}) };
}

function preemption(v: unknown): QuotaSharePreemptionConfiguration {
  const o = v as { inSharePreemption?: unknown } | null;
  if (o === null || typeof o !== 'object') invalid('preemptionConfiguration is required: {"inSharePreemption": "ENABLED" | "DISABLED"}');
  if (o.inSharePreemption !== 'ENABLED' && o.inSharePreemption !== 'DISABLED') invalid(`preemptionConfiguration.inSharePreemption must be ENABLED or DISABLED, not ${String(o.inSharePreemption)}`);
  return { inSharePreemption: o.inSharePreemption };
}

function state(v: unknown): 'ENABLED' | 'DISABLED' | undefined {
  if (v === undefined) return undefined;
  if (v !== 'ENABLED' && v !== 'DISABLED') invalid(`state must be ENABLED or DISABLED, not ${String(v)}`);
  return v;
}

export class QuotaShares {
  private readonly byArn = new Map<string, QuotaShareStored>();
  onChange?: (arn: string) => void;

  constructor(private readonly partition: Partition) {}

  create(input: Record<string, unknown>, queue: { name: string; arn: string; sagemaker: boolean; quotaManaged: boolean }): QuotaShareStored {
    const name = input.quotaShareName;
    if (typeof name !== 'string' || !NAME.test(name)) invalid('quotaShareName must be 1-128 letters, numbers, hyphens or underscores');
    if (!queue.sagemaker) invalid(`Job queue ${queue.name} is not a SAGEMAKER_TRAINING queue: quota shares belong to SAGEMAKER_TRAINING queues`);
    if (!queue.quotaManaged) invalid(`Job queue ${queue.name} is not quota-managed: give it a scheduling policy with quotaSharePolicy (CreateSchedulingPolicy) before creating quota shares`);
    const arn = quotaShareArn(this.partition, queue.name, name);
    if (this.byArn.has(arn)) invalid(`Object already exists: quota share ${name} of job queue ${queue.name}`);
    if (this.ofQueue(queue.name).length >= MAX_PER_QUEUE) invalid(`Job queue ${queue.name} already has ${MAX_PER_QUEUE} quota shares, the most a job queue can have`);
    const rec: QuotaShareStored = {
      name,
      queueName: queue.name,
      detail: {
        quotaShareName: name,
        quotaShareArn: arn,
        jobQueueArn: queue.arn,
        capacityLimits: capacityLimits(input.capacityLimits),
        resourceSharingConfiguration: sharing(input.resourceSharingConfiguration),
        preemptionConfiguration: preemption(input.preemptionConfiguration),
        state: state(input.state) ?? 'ENABLED',
        status: 'VALID',
      },
      tags: input.tags as Record<string, string> | undefined,
    };
    this.byArn.set(arn, rec);
    this.onChange?.(arn);
    return rec;
  }

  update(input: Record<string, unknown>): QuotaShareStored {
    const rec = this.get(input.quotaShareArn);
    const d = rec.detail;
    // Every field checked before any applies: a refused update changes nothing (and journals nothing).
    const limits = input.capacityLimits !== undefined ? capacityLimits(input.capacityLimits) : undefined;
    const share = input.resourceSharingConfiguration !== undefined ? sharing(input.resourceSharingConfiguration) : undefined;
    const preempt = input.preemptionConfiguration !== undefined ? preemption(input.preemptionConfiguration) : undefined;
    const next = state(input.state);
    if (limits) d.capacityLimits = limits;
    if (share) d.resourceSharingConfiguration = share;
    if (preempt) d.preemptionConfiguration = preempt;
    if (next) d.state = next;
    this.onChange?.(d.quotaShareArn!);
    return rec;
  }

  /** Only a DISABLED share goes. */
  delete(ref: unknown): void {
    const rec = this.get(ref);
    if (rec.detail.state !== 'DISABLED') invalid(`Cannot delete, quota share ${rec.name} is ENABLED; disable it first with UpdateQuotaShare`);
    this.byArn.delete(rec.detail.quotaShareArn!);
    this.onChange?.(rec.detail.quotaShareArn!);
  }

  get(ref: unknown): QuotaShareStored {
    if (typeof ref !== 'string' || ref === '') invalid('quotaShareArn is required');
    const rec = this.byArn.get(ref);
    if (!rec) invalid(`Quota share ${ref} does not exist`);
    return rec;
  }

  ofQueue(queueName: string): QuotaShareStored[] {
    return [...this.byArn.values()].filter((r) => r.queueName === queueName);
  }

  stored(arn: string): QuotaShareStored | undefined {
    const r = this.byArn.get(arn);
    return r ? structuredClone(r) : undefined;
  }

  snapshot(): QuotaShareStored[] {
    return [...this.byArn.values()].map((r) => structuredClone(r));
  }

  restore(list: readonly QuotaShareStored[] | undefined): void {
    for (const r of list ?? []) this.byArn.set(r.detail.quotaShareArn!, structuredClone(r));
  }
}
