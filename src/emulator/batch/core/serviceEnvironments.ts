/**
 * Service environments (SAGEMAKER_TRAINING): a name, a state, and capacity limits counted in
 * instances (capacityUnit NUM_INSTANCES, or an instance type such as ml.m5.xlarge on quota-managed
 * queues). Status CREATING/UPDATING → VALID one tick later, as the engine settles it.
 */
import type { CapacityLimit, CreateServiceEnvironmentRequest, ServiceEnvironmentDetail, UpdateServiceEnvironmentRequest } from '@aws-sdk/client-batch';
import type { Partition } from './arns';
import { invalid } from './errors';

export interface ServiceEnvironmentRecord {
  readonly name: string;
  readonly arn: string;
  detail: ServiceEnvironmentDetail;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function serviceEnvironmentArn(p: Partition, name: string): string {
  return `arn:aws:batch:${p.region}:${p.account}:service-environment/${name}`;
}

function nameOfRef(ref: string): string {
  const m = /^arn:[^:]+:batch:[^:]*:[^:]*:service-environment\/(.+)$/.exec(ref);
  return m ? m[1] : ref;
}

/** capacityLimits as the API takes them: maxCapacity a positive integer, each unit once (NUM_INSTANCES when none is given). */
export function validCapacityLimits(limits: unknown): CapacityLimit[] {
  if (!Array.isArray(limits) || limits.length === 0) invalid('capacityLimits is required: e.g. [{"maxCapacity": 4, "capacityUnit": "NUM_INSTANCES"}]');
  const seen = new Set<string>();
  return limits.map((l: unknown) => {
    const o = l as { maxCapacity?: unknown; capacityUnit?: unknown } | null;
    if (o === null || typeof o !== 'object') invalid('capacityLimits entries must be objects');
    if (typeof o.maxCapacity !== 'number' || !Number.isInteger(o.maxCapacity) || o.maxCapacity < 1) invalid(`capacityLimits maxCapacity must be a positive integer, not ${String(o.maxCapacity)}`);
    if (o.capacityUnit !== undefined && typeof o.capacityUnit !== 'string') invalid('capacityLimits capacityUnit must be a string such as NUM_INSTANCES');
    const unit = (o.capacityUnit as string | undefined) ?? 'NUM_INSTANCES';
    if (seen.has(unit)) invalid(`capacityLimits names ${unit} twice: give each unit one limit`);
    seen.add(unit);
    return { maxCapacity: o.maxCapacity, capacityUnit: unit };
  });
}

export class ServiceEnvironments {
  private readonly byName = new Map<string, ServiceEnvironmentRecord>();
  /** Called with the name after every change (journaling). */
  onChange?: (name: string) => void;

  constructor(private readonly partition: Partition) {}

  create(req: CreateServiceEnvironmentRequest): ServiceEnvironmentRecord {
    const name = req.serviceEnvironmentName;
    if (!name || !NAME.test(name)) invalid('serviceEnvironmentName must be 1-128 letters, numbers, hyphens or underscores, starting with a letter or number');
    if (this.byName.has(name)) invalid(`Object already exists: service environment ${name}`);
    if (req.serviceEnvironmentType !== 'SAGEMAKER_TRAINING') invalid(`serviceEnvironmentType must be SAGEMAKER_TRAINING, not ${String(req.serviceEnvironmentType)}`);
    if (req.state !== undefined && req.state !== 'ENABLED' && req.state !== 'DISABLED') invalid(`state must be ENABLED or DISABLED, not ${String(req.state)}`);
    const seArn = serviceEnvironmentArn(this.partition, name);
    const rec: ServiceEnvironmentRecord = {
      name,
      arn: seArn,
      detail: {
        serviceEnvironmentName: name,
        serviceEnvironmentArn: seArn,
        serviceEnvironmentType: 'SAGEMAKER_TRAINING',
        state: req.state ?? 'ENABLED',
        status: 'CREATING',
        capacityLimits: validCapacityLimits(req.capacityLimits),
        tags: req.tags ? { ...req.tags } : undefined,
      },
    };
    this.byName.set(name, rec);
    this.onChange?.(name);
    return rec;
  }

  update(req: UpdateServiceEnvironmentRequest): ServiceEnvironmentRecord {
    const rec = this.get(req.serviceEnvironment ?? '');
    // Both checked before either applies: a refused update changes nothing (and journals nothing).
    if (req.state !== undefined && req.state !== 'ENABLED' && req.state !== 'DISABLED') invalid(`state must be ENABLED or DISABLED, not ${String(req.state)}`);
    const limits = req.capacityLimits !== undefined ? validCapacityLimits(req.capacityLimits) : undefined;
    if (req.state !== undefined) rec.detail.state = req.state;
    if (limits) rec.detail.capacityLimits = limits;
    rec.detail.status = 'UPDATING';
    this.onChange?.(rec.name);
    return rec;
  }

  /** Only a DISABLED environment no job queue uses can go (`inUse` tells). */
  delete(ref: string, inUse: (arn: string) => boolean): ServiceEnvironmentRecord {
    const rec = this.get(ref);
    if (rec.detail.state !== 'DISABLED') invalid(`Cannot delete, found existing service environment ${rec.name} in ENABLED state; disable it first with UpdateServiceEnvironment`);
    if (inUse(rec.arn)) invalid(`Cannot delete, service environment ${rec.name} is still associated with a job queue; remove it from the queue's serviceEnvironmentOrder first`);
    rec.detail.status = 'DELETING';
    this.onChange?.(rec.name);
    return rec;
  }

  /** Finishes CREATING/UPDATING/DELETING one tick later. */
  settle(rec: ServiceEnvironmentRecord): void {
    if (rec.detail.status === 'DELETING') {
      this.byName.delete(rec.name);
      rec.detail.status = 'DELETED';
    } else rec.detail.status = 'VALID';
    this.onChange?.(rec.name);
  }

  get(ref: string): ServiceEnvironmentRecord {
    const rec = this.find(ref);
    if (!rec) invalid(`Service environment ${ref} does not exist`);
    return rec;
  }

  find(ref: string): ServiceEnvironmentRecord | undefined {
    return this.byName.get(nameOfRef(ref));
  }

  /** Instances this environment may run at once (the NUM_INSTANCES limit, else the sum of all). */
  maxInstances(rec: ServiceEnvironmentRecord): number {
    const limits = rec.detail.capacityLimits ?? [];
    const n = limits.find((l) => l.capacityUnit === 'NUM_INSTANCES');
    return n?.maxCapacity ?? limits.reduce((s, l) => s + (l.maxCapacity ?? 0), 0);
  }

  describe(refs?: readonly string[]): ServiceEnvironmentDetail[] {
    const recs = refs && refs.length > 0 ? refs.map((r) => this.find(r)).filter((r) => r !== undefined) : [...this.byName.values()];
    return recs.map((r) => structuredClone(r.detail));
  }

  /** What the journal keeps of one environment (undefined once deleted). */
  stored(name: string): ServiceEnvironmentDetail | undefined {
    const rec = this.byName.get(name);
    return rec ? structuredClone(rec.detail) : undefined;
  }

  snapshot(): ServiceEnvironmentDetail[] {
    return [...this.byName.values()].map((r) => structuredClone(r.detail));
  }

  restore(details: readonly ServiceEnvironmentDetail[] | undefined): void {
    for (const d of details ?? []) {
      const name = d.serviceEnvironmentName!;
      this.byName.set(name, { name, arn: d.serviceEnvironmentArn!, detail: { ...structuredClone(d), status: d.status === 'DELETING' ? 'DELETING' : 'VALID' } });
    }
  }
}
