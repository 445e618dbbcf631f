/**
 * Job definitions with revisions: every register adds revision+1 (even for an identical body),
 * deregister makes a revision INACTIVE, and lookups take a name (latest ACTIVE), `name:rev` or an ARN.
 */
import type { JobDefinition, RegisterJobDefinitionRequest } from '@aws-sdk/client-batch';
import { arn, resourceOf, type Partition } from './arns';
import { invalid } from './errors';
import { validateRetryStrategy, validateTimeout, validateEnvironment } from './validation';
import { validateEksProperties } from './eksValidation';

export interface RegisterResult {
  readonly jobDefinitionName: string;
  readonly jobDefinitionArn: string;
  readonly revision: number;
}

export interface DescribeJobDefinitionsFilter {
  readonly jobDefinitions?: readonly string[];
  readonly jobDefinitionName?: string;
  readonly status?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export class JobDefinitions {
  /** Revisions per name, index = revision - 1. */
  private readonly byName = new Map<string, JobDefinition[]>();

  constructor(private readonly partition: Partition) {}

  register(req: RegisterJobDefinitionRequest): RegisterResult {
    const name = req.jobDefinitionName;
    if (!name || !NAME.test(name)) invalid('jobDefinitionName must be 1-128 letters, numbers, hyphens or underscores');
    if (req.type !== 'container' && req.type !== 'multinode') invalid(`Unsupported job definition type: ${String(req.type)}`);
    if (req.type === 'container' && !req.containerProperties && !req.ecsProperties && !req.eksProperties) {
      invalid('containerProperties is required for a container job definition');
    }
    if (req.type === 'multinode' && !req.nodeProperties) invalid('nodeProperties is required for a multinode job definition');
    const kinds = (['containerProperties', 'ecsProperties', 'eksProperties'] as const).filter((k) => req[k] !== undefined);
    if (kinds.length > 1) invalid(`A job definition takes one of containerProperties, ecsProperties and eksProperties, not ${kinds.join(' and ')}`);
    if (req.eksProperties) validateEksProperties(req.eksProperties);
    if (req.containerProperties && !req.containerProperties.image) invalid('containerProperties.image is required');
    validateRetryStrategy(req.retryStrategy);
    validateTimeout(req.timeout);
    validateEnvironment(req.containerProperties?.environment);
    let revisions = this.byName.get(name);
    if (!revisions) this.byName.set(name, (revisions = []));
    const revision = revisions.length + 1;
    const def: JobDefinition = {
      ...structuredClone(req),
      jobDefinitionName: name,
      jobDefinitionArn: arn(this.partition, 'job-definition', `${name}:${revision}`),
      revision,
      status: 'ACTIVE',
      type: req.type,
      platformCapabilities: req.platformCapabilities ?? ['EC2'],
      containerOrchestrationType: req.eksProperties ? 'EKS' : 'ECS',
    };
    revisions.push(def);
    return { jobDefinitionName: name, jobDefinitionArn: def.jobDefinitionArn!, revision };
  }

  deregister(ref: string): void {
    const def = this.find(ref, true);
    if (!def) invalid(`Job definition ${ref} does not exist`);
    def.status = 'INACTIVE';
  }

  /** The definition a job is submitted with: `name` = latest ACTIVE revision, `name:rev` or ARN. */
  resolve(ref: string): JobDefinition {
    const def = this.find(ref, false);
    if (!def) invalid(`Job definition ${ref} does not exist`);
    if (def.status !== 'ACTIVE') invalid(`Job definition ${ref} is INACTIVE`);
    return def;
  }

  /** Looks up by ARN (any status). */
  byArn(value: string): JobDefinition | undefined {
    return this.find(value, true);
  }

  describe(filter: DescribeJobDefinitionsFilter = {}): JobDefinition[] {
    let out: JobDefinition[];
    if (filter.jobDefinitions && filter.jobDefinitions.length > 0) {
      out = [];
      for (const ref of filter.jobDefinitions) {
        if (ref.includes(':')) {
          const d = this.find(ref, true);
          if (d) out.push(d);
        } else out.push(...(this.byName.get(ref) ?? []));
      }
    } else if (filter.jobDefinitionName) {
      out = [...(this.byName.get(filter.jobDefinitionName) ?? [])];
    } else {
      out = [...this.byName.values()].flat();
    }
    if (filter.status) out = out.filter((d) => d.status === filter.status);
    return out.map((d) => structuredClone(d));
  }

  /** Every revision, for snapshots. */
  all(): JobDefinition[] {
    return [...this.byName.values()].flat();
  }

  /** Puts back revisions from a snapshot. */
  restore(defs: readonly JobDefinition[]): void {
    this.byName.clear();
    for (const d of [...defs].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0))) {
      const name = d.jobDefinitionName!;
      let revisions = this.byName.get(name);
      if (!revisions) this.byName.set(name, (revisions = []));
      revisions[(d.revision ?? 1) - 1] = structuredClone(d);
    }
  }

  private find(ref: string, requireRevision: boolean): JobDefinition | undefined {
    const res = ref.startsWith('arn:') ? resourceOf(ref, 'job-definition') : ref;
    if (!res) return undefined;
    const colon = res.lastIndexOf(':');
    if (colon < 0) {
      if (requireRevision) invalid(`Job definition ${ref} must be given as name:revision or an ARN`);
      const revisions = this.byName.get(res) ?? [];
      for (let i = revisions.length - 1; i >= 0; i--) if (revisions[i].status === 'ACTIVE') return revisions[i];
      return undefined;
    }
    const rev = Number(res.slice(colon + 1));
    if (!Number.isInteger(rev) || rev < 1) invalid(`Invalid job definition revision in ${ref}`);
    return this.byName.get(res.slice(0, colon))?.[rev - 1];
  }
}
