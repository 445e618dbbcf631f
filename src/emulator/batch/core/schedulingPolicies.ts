/**
 * Scheduling policies: a store of fair-share (or quota-share) policies that job queues reference by
 * ARN. The scheduler does not weigh shares yet; a queue with a policy is FIFO by
 * schedulingPriority, and requires a shareIdentifier on submit, as AWS does.
 */
import type { FairsharePolicy, SchedulingPolicyDetail } from '@aws-sdk/client-batch';
import { arn, type Partition } from './arns';
import { invalid } from './errors';

export interface CreateSchedulingPolicyInput {
  readonly name?: string;
  readonly fairsharePolicy?: FairsharePolicy;
  readonly quotaSharePolicy?: SchedulingPolicyDetail['quotaSharePolicy'];
  readonly tags?: Record<string, string>;
}

export interface UpdateSchedulingPolicyInput {
  readonly arn?: string;
  readonly fairsharePolicy?: FairsharePolicy;
  readonly quotaSharePolicy?: SchedulingPolicyDetail['quotaSharePolicy'];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

function isInt(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** AWS's fair-share limits: decay 0-604800 s, reservation 0-99, 500 share entries, weights 0.0001-999.9999. */
export function validateFairsharePolicy(p: unknown): FairsharePolicy {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) invalid('fairsharePolicy must be an object');
  const f = p as FairsharePolicy;
  if (f.shareDecaySeconds !== undefined && !isInt(f.shareDecaySeconds, 0, 604800)) invalid('shareDecaySeconds must be between 0 and 604800');
  if (f.computeReservation !== undefined && !isInt(f.computeReservation, 0, 99)) invalid('computeReservation must be between 0 and 99');
  if (f.shareDistribution !== undefined) {
    if (!Array.isArray(f.shareDistribution)) invalid('shareDistribution must be a list');
    if (f.shareDistribution.length > 500) invalid('shareDistribution can have at most 500 entries');
    const seen = new Set<string>();
    for (const s of f.shareDistribution) {
      const id: unknown = s?.shareIdentifier;
      if (typeof id !== 'string' || id.length === 0 || id.length > 255) invalid('Each shareDistribution entry needs a shareIdentifier of 1-255 characters');
      if (seen.has(id)) invalid(`shareIdentifier ${id} appears twice in shareDistribution`);
      seen.add(id);
      const w: unknown = s.weightFactor;
      if (w !== undefined && (typeof w !== 'number' || w < 0.0001 || w > 999.9999)) invalid(`weightFactor of ${id} must be between 0.0001 and 999.9999`);
    }
  }
  return structuredClone(f);
}

/** QuotaSharePolicy: idleResourceAssignmentStrategy is required and only FIFO exists (API reference). */
export function validateQuotaSharePolicy(p: unknown): NonNullable<SchedulingPolicyDetail['quotaSharePolicy']> {
  const q = p as { idleResourceAssignmentStrategy?: unknown } | null;
  if (q === null || typeof q !== 'object' || Array.isArray(q)) invalid('quotaSharePolicy must be an object: {"idleResourceAssignmentStrategy": "FIFO"}');
  if (q.idleResourceAssignmentStrategy !== 'FIFO') invalid(`quotaSharePolicy.idleResourceAssignmentStrategy must be FIFO, not ${String(q.idleResourceAssignmentStrategy)}`);
  return { idleResourceAssignmentStrategy: 'FIFO' };
}

export class SchedulingPolicies {
  private readonly byArn = new Map<string, SchedulingPolicyDetail>();
  /** Called after a policy is created, updated or deleted (the journal listens). */
  onChange?: (arn: string) => void;

  constructor(private readonly partition: Partition) {}

  create(req: CreateSchedulingPolicyInput): { name: string; arn: string } {
    const name = req.name;
    if (typeof name !== 'string' || !NAME.test(name)) invalid('name must be 1-128 letters, numbers, hyphens or underscores');
    const policyArn = arn(this.partition, 'scheduling-policy', name);
    if (this.byArn.has(policyArn)) invalid(`Object already exists: scheduling policy ${name}`);
    if (req.fairsharePolicy && req.quotaSharePolicy) invalid('Only one of fairsharePolicy or quotaSharePolicy can be set');
    const detail: SchedulingPolicyDetail = { name, arn: policyArn };
    if (req.quotaSharePolicy) detail.quotaSharePolicy = validateQuotaSharePolicy(req.quotaSharePolicy);
    else detail.fairsharePolicy = validateFairsharePolicy(req.fairsharePolicy ?? {});
    if (req.tags) detail.tags = { ...req.tags };
    this.byArn.set(policyArn, detail);
    this.onChange?.(policyArn);
    return { name, arn: policyArn };
  }

  update(req: UpdateSchedulingPolicyInput): void {
    const p = this.get(req.arn);
    if (req.fairsharePolicy) {
      if (p.quotaSharePolicy) invalid('A quota-share scheduling policy cannot become a fair-share policy');
      p.fairsharePolicy = validateFairsharePolicy(req.fairsharePolicy);
    }
    if (req.quotaSharePolicy) {
      if (p.fairsharePolicy) invalid('A fair-share scheduling policy cannot become a quota-share policy');
      p.quotaSharePolicy = validateQuotaSharePolicy(req.quotaSharePolicy);
    }
    this.onChange?.(p.arn!);
  }

  /** The caller checks no job queue uses it. */
  delete(policyArn: string | undefined): void {
    const key = this.get(policyArn).arn!;
    this.byArn.delete(key);
    this.onChange?.(key);
  }

  get(policyArn: string | undefined): SchedulingPolicyDetail {
    const p = typeof policyArn === 'string' ? this.byArn.get(policyArn) : undefined;
    if (!p) invalid(`Scheduling policy ${String(policyArn)} does not exist`);
    return p;
  }

  find(policyArn: string): SchedulingPolicyDetail | undefined {
    const p = this.byArn.get(policyArn);
    return p ? structuredClone(p) : undefined;
  }

  /** Details of the ARNs that exist, in the order asked. */
  describe(arns: readonly string[]): SchedulingPolicyDetail[] {
    return arns.map((a) => this.find(a)).filter((p) => p !== undefined);
  }

  /** Every ARN, in creation order. */
  arns(): string[] {
    return [...this.byArn.keys()];
  }

  snapshot(): SchedulingPolicyDetail[] {
    return [...this.byArn.values()].map((p) => structuredClone(p));
  }

  restore(policies: readonly SchedulingPolicyDetail[] | undefined): void {
    this.byArn.clear();
    for (const p of policies ?? []) if (p.arn) this.byArn.set(p.arn, structuredClone(p));
  }
}
