/**
 * Job queues: priority, state, compute-environment order, the RUNNABLE jobs in line, and an index
 * of jobs by status for ListJobs.
 */
import type { CreateJobQueueRequest, JobQueueDetail, UpdateJobQueueRequest } from '@aws-sdk/client-batch';
import { arn, nameOf, type Partition } from './arns';
import { invalid } from './errors';
import type { ComputeEnvironments, ComputeEnvironmentRecord } from './computeEnvironments';
import { OrderedJobs } from './jobIndex';
import type { JobRecord, JobStatus } from './jobs';

/** A FIFO with O(1) push and shift. */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  push(item: T): void {
    this.items.push(item);
  }
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  get size(): number {
    return this.items.length - this.head;
  }
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i];
  }
}

/** RUNNABLE jobs of one share: highest schedulingPriority first, FIFO among equals. */
class PriorityFifo {
  private readonly byPriority = new Map<number, Fifo<JobRecord>>();
  /** Priorities present, highest first. */
  private priorities: number[] = [];

  push(job: JobRecord, priority: number): void {
    let fifo = this.byPriority.get(priority);
    if (!fifo) {
      this.byPriority.set(priority, (fifo = new Fifo()));
      this.priorities = [...this.priorities, priority].sort((a, b) => b - a);
    }
    fifo.push(job);
  }

  /** The first job still waiting to start; entries that left RUNNABLE meanwhile are dropped. */
  head(): JobRecord | undefined {
    for (const p of this.priorities) {
      const fifo = this.byPriority.get(p)!;
      for (let job = fifo.peek(); job; job = fifo.peek()) {
        if (job.status === 'RUNNABLE' && !job.run) return job;
        fifo.shift();
      }
    }
    return undefined;
  }

  get size(): number {
    let n = 0;
    for (const f of this.byPriority.values()) n += f.size;
    return n;
  }

  /** Every queued entry, in no particular order (entries may be stale: check the job's status). */
  *[Symbol.iterator](): IterableIterator<JobRecord> {
    for (const f of this.byPriority.values()) yield* f;
  }
}

/**
 * RUNNABLE jobs of a queue, by share identifier (one share, '', on a FIFO queue). Within a share the
 * highest schedulingPriority goes first (only on queues with a scheduling policy), FIFO among
 * equals. Which share goes next on a fair-share queue is the scheduler's choice (fairShare.ts).
 */
export class RunnableJobs {
  private readonly shares = new Map<string, PriorityFifo>();

  push(job: JobRecord, priority = 0, share = ''): void {
    let q = this.shares.get(share);
    if (!q) this.shares.set(share, (q = new PriorityFifo()));
    q.push(job, priority);
  }

  /** Heads of every share that has a job waiting, keyed by share identifier. */
  heads(): Map<string, JobRecord> {
    const out = new Map<string, JobRecord>();
    for (const [share, q] of this.shares) {
      const job = q.head();
      if (job) out.set(share, job);
      else this.shares.delete(share);
    }
    return out;
  }

  /** The job first in line: the oldest head when there are several shares. */
  peek(): JobRecord | undefined {
    let first: JobRecord | undefined;
    for (const job of this.heads().values()) if (!first || job.createdAt < first.createdAt) first = job;
    return first;
  }

  get size(): number {
    let n = 0;
    for (const q of this.shares.values()) n += q.size;
    return n;
  }

  /** Every queued entry, in no particular order (entries may be stale: check the job's status). */
  *[Symbol.iterator](): IterableIterator<JobRecord> {
    for (const q of this.shares.values()) yield* q;
  }
}

export interface QueueRecord {
  readonly name: string;
  readonly arn: string;
  detail: JobQueueDetail;
  /** Compute environments in ascending order. */
  computeEnvironments: ComputeEnvironmentRecord[];
  readonly runnable: RunnableJobs;
  /** Jobs by status, for ListJobs (array children are listed through their parent). */
  readonly byStatus: Map<JobStatus, OrderedJobs>;
}

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
    if (req.state) rec.detail.state = req.state;
    if (req.priority !== undefined) rec.detail.priority = req.priority;
    const service = rec.detail.jobQueueType === 'SAGEMAKER_TRAINING';
    if (service && req.computeEnvironmentOrder?.length) invalid(`Job queue ${rec.name} is a SAGEMAKER_TRAINING queue: it takes serviceEnvironmentOrder, not computeEnvironmentOrder`);
    if (!service && req.serviceEnvironmentOrder?.length) invalid(`Job queue ${rec.name} runs on compute environments: serviceEnvironmentOrder is only for SAGEMAKER_TRAINING queues`);
    if (service && req.serviceEnvironmentOrder) rec.detail.serviceEnvironmentOrder = serviceOrder(req.serviceEnvironmentOrder, this.serviceEnvironmentArn);
    if (req.computeEnvironmentOrder) this.setOrder(rec, req.computeEnvironmentOrder);
    if (req.schedulingPolicyArn) rec.detail.schedulingPolicyArn = req.schedulingPolicyArn;
    if (req.jobStateTimeLimitActions) rec.detail.jobStateTimeLimitActions = validTimeLimitActions(req.jobStateTimeLimitActions, service);
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
    const entries = [...(order ?? [])];
    if (entries.length > 3) invalid('computeEnvironmentOrder can have at most 3 compute environments');
    entries.sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
    rec.computeEnvironments = entries.map((e) => this.ces.get(e.computeEnvironment ?? ''));
    rec.detail.computeEnvironmentOrder = entries.map((e, i) => ({ order: e.order, computeEnvironment: rec.computeEnvironments[i].arn }));
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
