/**
 * Consumable resources (AWS user guide, "Resource-aware scheduling"): named counters such as
 * licence tokens that jobs lock while they run, as local semaphores. A job needs
 * `consumableResourceProperties` of its job definition, or the SubmitJob override, per job (per
 * child of an array). The job at the head of its queue waits in RUNNABLE until all it needs is
 * available; it locks the quantities when it moves to STARTING and, for a REPLENISHABLE resource,
 * gives them back when it reaches SUCCEEDED or FAILED. A NON_REPLENISHABLE resource is used up:
 * what a job locks leaves the total for good.
 */
import type { ConsumableResourceProperties } from '@aws-sdk/client-batch';
import { arn, nameOf, type Partition } from './arns';
import { invalid } from './errors';
import { TERMINAL, type JobRecord } from './jobs';

export type ConsumableType = 'REPLENISHABLE' | 'NON_REPLENISHABLE';

interface ResourceRecord {
  readonly name: string;
  readonly arn: string;
  readonly type: ConsumableType;
  readonly createdAt: number;
  total: number;
  tags?: Record<string, string>;
  /** Jobs holding some of it, and how much. */
  readonly holders: Map<JobRecord, number>;
}

export interface ConsumableResourceDetail {
  consumableResourceName: string;
  consumableResourceArn: string;
  totalQuantity: number;
  inUseQuantity: number;
  availableQuantity: number;
  resourceType: ConsumableType;
  createdAt: number;
  tags?: Record<string, string>;
}

export interface ConsumableSnapshot {
  readonly name: string;
  readonly type: ConsumableType;
  readonly createdAt: number;
  readonly total: number;
  readonly tags?: Record<string, string>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const MAX_QUANTITY = 1e12;

function quantity(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_QUANTITY) invalid(`${what} must be a non-negative whole number`);
  return v;
}

/** What a job needs: the SubmitJob override, else its job definition's list. */
export function consumablesOf(job: JobRecord): Array<{ resource: string; quantity: number }> {
  const props: ConsumableResourceProperties | undefined =
    (job.plan.request as { consumableResourcePropertiesOverride?: ConsumableResourceProperties }).consumableResourcePropertiesOverride ??
    job.plan.jobDefinition.consumableResourceProperties;
  return (props?.consumableResourceList ?? []).map((r) => ({ resource: r.consumableResource ?? '', quantity: r.quantity ?? 0 }));
}

export class ConsumableResources {
  private readonly byName = new Map<string, ResourceRecord>();
  /** Told the name of a resource whose stored fields changed (journaling). */
  onChange?: (name: string) => void;

  constructor(
    private readonly partition: Partition,
    private readonly now: () => number,
  ) {}

  create(req: { consumableResourceName?: unknown; totalQuantity?: unknown; resourceType?: unknown; tags?: Record<string, string> }): { consumableResourceName: string; consumableResourceArn: string } {
    const name = req.consumableResourceName;
    if (typeof name !== 'string' || !NAME.test(name)) invalid('consumableResourceName must be 1-128 letters, numbers, hyphens or underscores');
    if (this.byName.has(name)) invalid(`Object already exists: consumable resource ${name}`);
    const type = req.resourceType ?? 'REPLENISHABLE';
    if (type !== 'REPLENISHABLE' && type !== 'NON_REPLENISHABLE') invalid(`resourceType must be REPLENISHABLE or NON_REPLENISHABLE, not ${String(type)}`);
    const rec: ResourceRecord = {
      name,
      arn: arn(this.partition, 'consumable-resource', name),
      type,
      createdAt: this.now(),
      total: quantity(req.totalQuantity ?? 0, 'totalQuantity'),
      tags: req.tags ? { ...req.tags } : undefined,
      holders: new Map(),
    };
    this.byName.set(name, rec);
    this.onChange?.(name);
    return { consumableResourceName: name, consumableResourceArn: rec.arn };
  }

  /** UpdateConsumableResource: SET, ADD or REMOVE `quantity` of the total. */
  update(ref: string, operation: unknown, amount: unknown): { consumableResourceName: string; consumableResourceArn: string; totalQuantity: number } {
    const rec = this.get(ref);
    const q = quantity(amount ?? 0, 'quantity');
    const op = operation ?? 'SET';
    if (op === 'SET') rec.total = q;
    else if (op === 'ADD') rec.total = Math.min(MAX_QUANTITY, rec.total + q);
    else if (op === 'REMOVE') rec.total = Math.max(0, rec.total - q);
    else invalid(`operation must be SET, ADD or REMOVE, not ${String(op)}`);
    this.onChange?.(rec.name);
    return { consumableResourceName: rec.name, consumableResourceArn: rec.arn, totalQuantity: rec.total };
  }

  delete(ref: string): void {
    const name = this.get(ref).name;
    this.byName.delete(name);
    this.onChange?.(name);
  }

  /** One resource as stored (undefined once deleted). */
  stored(name: string): ConsumableSnapshot | undefined {
    return this.snapshot().find((r) => r.name === name);
  }

  describe(ref: string): ConsumableResourceDetail {
    return this.detail(this.get(ref));
  }

  list(): ConsumableResourceDetail[] {
    return [...this.byName.values()].map((r) => this.detail(r));
  }

  /** Jobs holding the resource (ListJobsByConsumableResource), with the quantity each holds. */
  holders(ref: string): Array<{ job: JobRecord; quantity: number }> {
    const rec = this.get(ref);
    this.release(rec);
    return [...rec.holders].map(([job, q]) => ({ job, quantity: q }));
  }

  /** Throws unless every resource the job names exists (checked at submit). */
  check(job: JobRecord): void {
    for (const need of consumablesOf(job)) {
      this.get(need.resource);
      quantity(need.quantity, `quantity of consumable resource ${need.resource}`);
    }
  }

  /** Whether everything the job needs is available now. */
  available(job: JobRecord): boolean {
    for (const need of consumablesOf(job)) {
      const rec = this.find(need.resource);
      if (!rec) return false;
      this.release(rec);
      if (rec.holders.has(job)) continue;
      if (this.inUse(rec) + need.quantity > rec.total) return false;
    }
    return true;
  }

  /** Locks what the job needs (it moves to STARTING); a retry keeps what it already holds. */
  lock(job: JobRecord): void {
    for (const need of consumablesOf(job)) {
      const rec = this.find(need.resource);
      if (!rec || rec.holders.has(job) || need.quantity === 0) continue;
      rec.holders.set(job, need.quantity);
      if (rec.type === 'NON_REPLENISHABLE') {
        rec.total = Math.max(0, rec.total - need.quantity);
        this.onChange?.(rec.name);
      }
    }
  }

  /** A restored job that is past STARTING holds what it needs again (the saved totals already count it). */
  adopt(job: JobRecord): void {
    // Also a job waiting for a retry: it locked its quantities at its first start and keeps them.
    const retrying = job.status === 'RUNNABLE' && (job.attempts?.length ?? 0) > 0;
    if (job.status !== 'STARTING' && job.status !== 'RUNNING' && !retrying) return;
    for (const need of consumablesOf(job)) {
      const rec = this.find(need.resource);
      if (rec && need.quantity > 0) rec.holders.set(job, need.quantity);
    }
  }

  snapshot(): ConsumableSnapshot[] {
    return [...this.byName.values()].map((r) => ({ name: r.name, type: r.type, createdAt: r.createdAt, total: r.total, ...(r.tags ? { tags: r.tags } : {}) }));
  }

  restore(items: readonly ConsumableSnapshot[] | undefined): void {
    for (const s of items ?? []) {
      this.byName.set(s.name, { name: s.name, arn: arn(this.partition, 'consumable-resource', s.name), type: s.type, createdAt: s.createdAt, total: s.total, tags: s.tags, holders: new Map() });
    }
  }

  private inUse(rec: ResourceRecord): number {
    if (rec.type === 'NON_REPLENISHABLE') return 0; // already taken off the total
    let n = 0;
    for (const q of rec.holders.values()) n += q;
    return n;
  }

  /** Drops holders that have finished (their quantity comes back to a REPLENISHABLE resource). */
  private release(rec: ResourceRecord): void {
    for (const job of rec.holders.keys()) if (TERMINAL.has(job.status)) rec.holders.delete(job);
  }

  private detail(rec: ResourceRecord): ConsumableResourceDetail {
    this.release(rec);
    const inUse = rec.type === 'NON_REPLENISHABLE' ? [...rec.holders.values()].reduce((a, b) => a + b, 0) : this.inUse(rec);
    const available = rec.type === 'NON_REPLENISHABLE' ? rec.total : Math.max(0, rec.total - inUse);
    return {
      consumableResourceName: rec.name,
      consumableResourceArn: rec.arn,
      totalQuantity: rec.total,
      inUseQuantity: inUse,
      availableQuantity: available,
      resourceType: rec.type,
      createdAt: rec.createdAt,
      ...(rec.tags ? { tags: { ...rec.tags } } : {}),
    };
  }

  private find(ref: string): ResourceRecord | undefined {
    return this.byName.get(nameOf(ref, 'consumable-resource'));
  }

  private get(ref: string): ResourceRecord {
    const rec = typeof ref === 'string' ? this.find(ref) : undefined;
    if (!rec) invalid(`Consumable resource ${String(ref)} does not exist`);
    return rec;
  }
}
