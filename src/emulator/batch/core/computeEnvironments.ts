/**
 * Compute environments: local capacity (vCPU + memory MiB) the scheduler packs jobs into.
 * vCPUs come from computeResources.maxvCpus (else the default capacity); memory from the default
 * capacity (AWS has no field for it), unless the caller gives a local capacity explicitly; GPUs from
 * the default capacity (the host's, 0 unless configured).
 */
import type { ComputeEnvironmentDetail, CreateComputeEnvironmentRequest, EksConfiguration, UpdateComputeEnvironmentRequest } from '@aws-sdk/client-batch';
import { arn, nameOf, type Partition } from './arns';
import { invalid } from './errors';

export interface Capacity {
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** GPUs jobs may hold at once (default 0: GPU jobs never fit). */
  readonly gpus?: number;
}

export interface ComputeEnvironmentRecord {
  readonly name: string;
  readonly arn: string;
  detail: ComputeEnvironmentDetail;
  capacity: Required<Capacity>;
  used: { vcpus: number; memoryMiB: number; gpus: number };
  /** Set once VALID and ENABLED: jobs may start here. */
  usable: boolean;
}

/** EksConfiguration as the model documents it: a cluster ARN and a Kubernetes namespace Batch may use. */
function checkEksConfiguration(c: EksConfiguration): void {
  if (typeof c.eksClusterArn !== 'string' || !/^arn:[^:]+:eks:[^:]*:[^:]*:cluster\/.+/.test(c.eksClusterArn)) {
    invalid(`eksConfiguration.eksClusterArn must be an EKS cluster ARN (arn:aws:eks:<region>:<account>:cluster/<name>), not ${String(c.eksClusterArn)}`);
  }
  const ns = c.kubernetesNamespace;
  if (typeof ns !== 'string' || ns.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns) || ns === 'default' || ns.startsWith('kube-')) {
    invalid(`eksConfiguration.kubernetesNamespace must be 1-63 lowercase letters, digits and hyphens, start and end with a letter or digit, and be neither "default" nor start with "kube-" (got ${String(ns)})`);
  }
}

/**
 * computeResources' vCPU counts as Batch bounds them: none negative, minvCpus at most maxvCpus, and
 * desiredvCpus between the two (the rule `localbatch validate` reports as ce-vcpu-bounds).
 */
function checkVcpuBounds(cr: { minvCpus?: number; maxvCpus?: number; desiredvCpus?: number }): void {
  for (const field of ['minvCpus', 'maxvCpus', 'desiredvCpus'] as const) {
    const n = cr[field];
    if (n !== undefined && n < 0) invalid(`computeResources.${field} must not be negative, not ${n}`);
  }
  const { minvCpus: min, maxvCpus: max, desiredvCpus: desired } = cr;
  if (min !== undefined && max !== undefined && min > max) invalid(`computeResources.minvCpus (${min}) must not be greater than maxvCpus (${max})`);
  if (desired !== undefined && ((min !== undefined && desired < min) || (max !== undefined && desired > max))) {
    invalid(`computeResources.desiredvCpus (${desired}) must be between minvCpus (${min ?? 0}) and maxvCpus (${max ?? 'unset'})`);
  }
}

export class ComputeEnvironments {
  private readonly byName = new Map<string, ComputeEnvironmentRecord>();

  constructor(
    private readonly partition: Partition,
    private readonly defaultCapacity: Capacity,
  ) {}

  create(req: CreateComputeEnvironmentRequest, capacity?: Partial<Capacity>): ComputeEnvironmentRecord {
    const name = req.computeEnvironmentName;
    if (!name || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(name)) invalid('computeEnvironmentName must be 1-128 letters, numbers, hyphens or underscores');
    if (this.byName.has(name)) invalid(`Object already exists: compute environment ${name}`);
    if (req.type !== 'MANAGED' && req.type !== 'UNMANAGED') invalid(`Invalid compute environment type: ${String(req.type)}`);
    if (req.type === 'MANAGED' && req.computeResources?.maxvCpus === undefined) invalid('computeResources.maxvCpus is required for a MANAGED compute environment');
    if (req.eksConfiguration) checkEksConfiguration(req.eksConfiguration);
    if (req.computeResources) checkVcpuBounds(req.computeResources);
    const ceArn = arn(this.partition, 'compute-environment', name);
    const rec: ComputeEnvironmentRecord = {
      name,
      arn: ceArn,
      detail: {
        computeEnvironmentName: name,
        computeEnvironmentArn: ceArn,
        type: req.type,
        state: req.state ?? 'ENABLED',
        status: 'CREATING',
        statusReason: 'Compute environment is being created',
        computeResources: req.computeResources ? structuredClone(req.computeResources) : undefined,
        serviceRole: req.serviceRole,
        tags: req.tags ? { ...req.tags } : undefined,
        unmanagedvCpus: req.unmanagedvCpus,
        // An EKS compute environment keeps its cluster and namespace (its pods report them: eksDetail.ts).
        ...(req.eksConfiguration ? { eksConfiguration: { ...req.eksConfiguration } } : {}),
        containerOrchestrationType: req.eksConfiguration ? 'EKS' : 'ECS',
      },
      capacity: {
        vcpus: capacity?.vcpus ?? req.computeResources?.maxvCpus ?? this.defaultCapacity.vcpus,
        memoryMiB: capacity?.memoryMiB ?? this.defaultCapacity.memoryMiB,
        gpus: capacity?.gpus ?? this.defaultCapacity.gpus ?? 0,
      },
      used: { vcpus: 0, memoryMiB: 0, gpus: 0 },
      usable: false,
    };
    this.byName.set(name, rec);
    return rec;
  }

  /** Finishes CREATING/UPDATING (called by the engine one tick later). */
  settle(rec: ComputeEnvironmentRecord): void {
    if (rec.detail.status === 'DELETING') {
      this.byName.delete(rec.name);
      rec.detail.status = 'DELETED';
      rec.usable = false;
      return;
    }
    rec.detail.status = 'VALID';
    rec.detail.statusReason = 'ComputeEnvironment Healthy';
    rec.usable = rec.detail.state === 'ENABLED';
  }

  update(req: UpdateComputeEnvironmentRequest): ComputeEnvironmentRecord {
    const rec = this.get(req.computeEnvironment ?? '');
    // the bounds as they would be after the update (what it leaves out keeps its value; desiredvCpus only when it sets it)
    const cr = req.computeResources;
    if (cr && rec.detail.type === 'UNMANAGED') invalid(`Compute environment ${rec.name} is UNMANAGED: its computeResources cannot be updated (an unmanaged environment has none; update unmanagedvCpus or state)`);
    // API reference, ComputeResourceUpdate.type: EC2 and SPOT switch with an infrastructure
    // update; Fargate environments do not take the parameter.
    const from = rec.detail.computeResources?.type;
    const fargate = (t: string | undefined) => t === 'FARGATE' || t === 'FARGATE_SPOT';
    if (cr?.type !== undefined && cr.type !== from && (fargate(cr.type) || fargate(from))) {
      invalid(`Compute environment ${rec.name} is ${from ?? 'EC2'}: its computeResources.type cannot change to ${cr.type} (only EC2 and SPOT switch in place; create another compute environment instead)`);
    }
    if (cr) checkVcpuBounds({ minvCpus: cr.minvCpus ?? rec.detail.computeResources?.minvCpus, maxvCpus: cr.maxvCpus ?? rec.detail.computeResources?.maxvCpus, desiredvCpus: cr.desiredvCpus });
    if (req.state) rec.detail.state = req.state;
    if (req.computeResources?.maxvCpus !== undefined) {
      rec.capacity = { ...rec.capacity, vcpus: req.computeResources.maxvCpus };
    }
    if (req.computeResources) rec.detail.computeResources = { ...rec.detail.computeResources, ...structuredClone(req.computeResources) } as typeof rec.detail.computeResources;
    if (req.serviceRole) rec.detail.serviceRole = req.serviceRole;
    rec.detail.status = 'UPDATING';
    rec.usable = false;
    return rec;
  }

  /** Starts deleting; the caller has checked no queue uses it. */
  delete(ref: string): ComputeEnvironmentRecord {
    const rec = this.get(ref);
    if (rec.detail.state !== 'DISABLED') invalid(`Cannot delete, found existing compute environment ${rec.name} in ENABLED state; disable it first`);
    rec.detail.status = 'DELETING';
    rec.usable = false;
    return rec;
  }

  get(ref: string): ComputeEnvironmentRecord {
    const rec = this.find(ref);
    if (!rec) invalid(`Compute environment ${ref} does not exist`);
    return rec;
  }

  find(ref: string): ComputeEnvironmentRecord | undefined {
    return this.byName.get(nameOf(ref, 'compute-environment'));
  }

  describe(refs?: readonly string[]): ComputeEnvironmentDetail[] {
    const recs = refs && refs.length > 0 ? refs.map((r) => this.find(r)).filter((r) => r !== undefined) : [...this.byName.values()];
    return recs.map((r) => structuredClone(r.detail));
  }

  all(): ComputeEnvironmentRecord[] {
    return [...this.byName.values()];
  }

  /** Free capacity fits the need now. */
  static fitsNow(ce: ComputeEnvironmentRecord, need: { vcpus: number; memoryMiB: number; gpus: number }): boolean {
    const { used, capacity } = ce;
    return used.vcpus + need.vcpus <= capacity.vcpus + 1e-9 && used.memoryMiB + need.memoryMiB <= capacity.memoryMiB && used.gpus + need.gpus <= capacity.gpus;
  }
}
