/**
 * Job queues: priority, state, compute-environment order, the RUNNABLE jobs in line, and an index
 * of jobs by status for ListJobs.
 */
import type { CreateJobQueueRequest, JobQueueDetail, UpdateJobQueueRequest } from '@aws-sdk/client-batch';
import { arn, nameOf, type Partition } from './arns';
import { invalid } from './errors';
import type { ComputeEnvironments, ComputeEnvironmentRecord } from './computeEnvironments';
import type { QueueRecord } from './jobs';
import { RunnableJobs } from './runnable';

export type { QueueRecord };
export { Fifo, RunnableJobs } from './runnable';


/**
 * jobStateTimeLimitActions as the API accepts them: state RUNNABLE, action CANCEL (TERMINATE is for
 * SageMaker queues), maxTimeSeconds 600-86400, a reason (M:JobStateTimeLimitAction).
 */
function validTimeLimitActions(actions: CreateJobQueueRequest['jobStateTimeLimitActions'], service = false): CreateJobQueueRequest['jobStateTimeLimitActions'] {
  if (actions === undefined) return undefined;
  if (!Array.isArray(actions)) invalid('jobStateTimeLimitActions must be a list');
  for (const a of actions) {
    if (a === null || typeof a !== 'object') invalid('jobStateTimeLimitActions entries must be objects');
    if (typeof a.reason !== 'string' || a.reason === '') invalid('jobStateTimeLimitActions reason is required');
    if (a.state !== 'RUNNABLE') invalid(`jobStateTimeLimitActions state must be RUNNABLE, not ${String(a.state)}`);
    if (service && a.action !== 'TERMINATE') invalid(`jobStateTimeLimitActions action must be TERMINATE for a SAGEMAKER_TRAINING job queue, not ${String(a.action)}`);
    if (!service && a.action !== 'CANCEL') invalid(`jobStateTimeLimitActions action must be CANCEL for a job queue of compute environments, not ${String(a.action)}`);
    const t = a.maxTimeSeconds;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 600 || t > 86_400) invalid(`jobStateTimeLimitActions maxTimeSeconds must be between 600 and 86400, not ${String(t)}`);
  }
  return structuredClone(actions);
}

export class JobQueues {
  private readonly byName = new Map<string, QueueRecord>();
  /** Queues by priority, highest first; recomputed on create/update. */
  ordered: QueueRecord[] = [];
  /** Resolves serviceEnvironmentOrder entries (SAGEMAKER_TRAINING queues; see serviceQueues.ts). */
  serviceEnvironmentArn?: (ref: string) => string | undefined;

  constructor(
    private readonly partition: Partition,
    private readonly ces: ComputeEnvironments,
  ) {}

  create(req: CreateJobQueueRequest): QueueRecord {
    const name = req.jobQueueName;
    if (!name || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(name)) invalid('jobQueueName must be 1-128 letters, numbers, hyphens or underscores');
    if (this.byName.has(name)) invalid(`Object already exists: job queue ${name}`);
    if (req.priority === undefined || !Number.isInteger(req.priority)) invalid('priority is required');
    const service = checkQueueType(req);
    const qArn = arn(this.partition, 'job-queue', name);
    const rec: QueueRecord = {
      name,
      arn: qArn,
      detail: {
        jobQueueName: name,
        jobQueueArn: qArn,
        state: req.state ?? 'ENABLED',
        status: 'CREATING',
        statusReason: 'JobQueue is being created',
        priority: req.priority,
        computeEnvironmentOrder: [],
        schedulingPolicyArn: req.schedulingPolicyArn,
        jobStateTimeLimitActions: validTimeLimitActions(req.jobStateTimeLimitActions, service),
        tags: req.tags ? { ...req.tags } : undefined,
        ...(service ? { jobQueueType: 'SAGEMAKER_TRAINING' as const, serviceEnvironmentOrder: [] } : {}),
      },
      computeEnvironments: [],
      runnable: new RunnableJobs(),
      byStatus: new Map(),
    };
    if (service) rec.detail.serviceEnvironmentOrder = serviceOrder(req.serviceEnvironmentOrder, this.serviceEnvironmentArn);
    else this.setOrder(rec, req.computeEnvironmentOrder);
    this.byName.set(name, rec);
    this.sort();
    return rec;
  }

  update(req: UpdateJobQueueRequest): QueueRecord {
    const rec = this.get(req.jobQueue ?? '');
    const service = rec.detail.jobQueueType === 'SAGEMAKER_TRAINING';
    if (service && req.computeEnvironmentOrder?.length) invalid(`Job queue ${rec.name} is a SAGEMAKER_TRAINING queue: it takes serviceEnvironmentOrder, not computeEnvironmentOrder`);
    if (!service && req.serviceEnvironmentOrder?.length) invalid(`Job queue ${rec.name} runs on compute environments: serviceEnvironmentOrder is only for SAGEMAKER_TRAINING queues`);
    // Everything is checked before anything changes: a refused update changes nothing.
    const services = service && req.serviceEnvironmentOrder ? serviceOrder(req.serviceEnvironmentOrder, this.serviceEnvironmentArn) : undefined;
    const ces = req.computeEnvironmentOrder ? this.orderOf(req.computeEnvironmentOrder) : undefined;
    const actions = req.jobStateTimeLimitActions ? validTimeLimitActions(req.jobStateTimeLimitActions, service) : undefined;
    if (services) rec.detail.serviceEnvironmentOrder = services;
    if (ces) [rec.computeEnvironments, rec.detail.computeEnvironmentOrder] = ces;
    if (req.schedulingPolicyArn) rec.detail.schedulingPolicyArn = req.schedulingPolicyArn;
    if (actions) rec.detail.jobStateTimeLimitActions = actions;
    if (req.state) rec.detail.state = req.state;
    if (req.priority !== undefined) rec.detail.priority = req.priority;
    rec.detail.status = 'UPDATING';
    this.sort();
    return rec;
  }

  delete(ref: string): QueueRecord {
    const rec = this.get(ref);
    if (rec.detail.state !== 'DISABLED') invalid(`Cannot delete, found existing job queue ${rec.name} in ENABLED state; disable it first`);
    rec.detail.status = 'DELETING';
    return rec;
  }

  /** Finishes CREATING/UPDATING/DELETING (called by the engine one tick later). */
  settle(rec: QueueRecord): void {
    if (rec.detail.status === 'DELETING') {
      this.byName.delete(rec.name);
      rec.detail.status = 'DELETED';
      this.sort();
      return;
    }
    rec.detail.status = 'VALID';
    rec.detail.statusReason = 'JobQueue Healthy';
  }

  get(ref: string): QueueRecord {
    const rec = this.find(ref);
    if (!rec) invalid(`Job queue ${ref} does not exist`);
    return rec;
  }

  find(ref: string): QueueRecord | undefined {
    return this.byName.get(nameOf(ref, 'job-queue'));
  }

  describe(refs?: readonly string[]): JobQueueDetail[] {
    const recs = refs && refs.length > 0 ? refs.map((r) => this.find(r)).filter((r) => r !== undefined) : [...this.byName.values()];
    return recs.map((r) => structuredClone(r.detail));
  }

  all(): QueueRecord[] {
    return [...this.byName.values()];
  }

  usesComputeEnvironment(ce: ComputeEnvironmentRecord): boolean {
    return this.all().some((q) => q.computeEnvironments.includes(ce));
  }

  private setOrder(rec: QueueRecord, order: CreateJobQueueRequest['computeEnvironmentOrder']): void {
    [rec.computeEnvironments, rec.detail.computeEnvironmentOrder] = this.orderOf(order);
  }

  /** The compute environments of an order, checked, and the order as DescribeJobQueues gives it. */
  private orderOf(order: CreateJobQueueRequest['computeEnvironmentOrder']): [ComputeEnvironmentRecord[], NonNullable<JobQueueDetail['computeEnvironmentOrder']>] {
    const entries = [...(order ?? [])];
    if (entries.length > 3) invalid('computeEnvironmentOrder can have at most 3 compute environments');
    entries.sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
    const ces = entries.map((e) => this.ces.get(e.computeEnvironment ?? ''));
    // CreateJobQueue: "EC2 and Fargate compute environments can't be mixed" (the rule validate reports as queue-mixed-compute-types)
    const fargate = (ce: (typeof ces)[number]) => /^FARGATE/.test(ce.detail.computeResources?.type ?? '');
    const odd = ces.find((ce) => fargate(ce) !== fargate(ces[0]!));
    if (odd) {
      const kind = (ce: (typeof ces)[number]) => `${fargate(ce) ? 'Fargate' : 'EC2'} compute environment ${ce.name}`;
      invalid(`computeEnvironmentOrder mixes the ${kind(ces[0]!)} with the ${kind(odd)}: a job queue's compute environments must all be EC2 (EC2, SPOT) or all Fargate (FARGATE, FARGATE_SPOT)`);
    }
    return [ces, entries.map((e, i) => ({ order: e.order, computeEnvironment: ces[i]!.arn }))];
  }

  private sort(): void {
    this.ordered = [...this.byName.values()].sort((a, b) => (b.detail.priority ?? 0) - (a.detail.priority ?? 0));
  }
}

/**
 * Whether a CreateJobQueue request makes a SAGEMAKER_TRAINING queue (jobQueueType, or
 * serviceEnvironmentOrder given); a queue has compute environments or service environments, never both.
 */
function checkQueueType(req: CreateJobQueueRequest): boolean {
  const type = req.jobQueueType;
  const service = type === 'SAGEMAKER_TRAINING' || (type === undefined && (req.serviceEnvironmentOrder?.length ?? 0) > 0);
  if (service && req.computeEnvironmentOrder?.length) invalid('A job queue takes either computeEnvironmentOrder or serviceEnvironmentOrder, not both: a SAGEMAKER_TRAINING queue has service environments only');
  if (service && !req.serviceEnvironmentOrder?.length) invalid('serviceEnvironmentOrder must name at least one service environment for a SAGEMAKER_TRAINING job queue');
  if (!service && req.serviceEnvironmentOrder?.length) invalid(`serviceEnvironmentOrder is only for jobQueueType SAGEMAKER_TRAINING, not ${String(type)}`);
  return service;
}

function serviceOrder(order: CreateJobQueueRequest['serviceEnvironmentOrder'], resolve: ((ref: string) => string | undefined) | undefined): NonNullable<JobQueueDetail['serviceEnvironmentOrder']> {
  const entries = [...(order ?? [])];
  if (entries.length > 3) invalid('serviceEnvironmentOrder can have at most 3 service environments');
  return entries
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .map((e) => {
      if (typeof e?.serviceEnvironment !== 'string' || typeof e.order !== 'number' || !Number.isInteger(e.order)) invalid('serviceEnvironmentOrder entries must be {order: integer, serviceEnvironment: string}');
      const arn = resolve?.(e.serviceEnvironment);
      if (!arn) invalid(`Service environment ${e.serviceEnvironment} does not exist`);
      return { order: e.order, serviceEnvironment: arn };
    });
}
