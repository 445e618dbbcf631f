/**
 * BatchEngine: the AWS Batch operations over the in-memory state machine. Methods take and return
 * AWS-shaped objects (epoch-ms timestamps, ARNs) so the HTTP layer only parses and serialises;
 * invalid requests throw ClientException.
 */
import type {
  ComputeEnvironmentDetail,
  CreateComputeEnvironmentRequest,
  CreateJobQueueRequest,
  JobDefinition,
  JobDetail,
  JobQueueDetail,
  JobSummary,
  RegisterJobDefinitionRequest,
  SubmitJobRequest,
  UpdateComputeEnvironmentRequest,
  UpdateJobQueueRequest,
} from '@aws-sdk/client-batch';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from '../../model/types';
import { arn, randomId, type Partition } from './arns';
import { Attempts } from './attempts';
import { ComputeEnvironments, type Capacity } from './computeEnvironments';
import { toJobDetail, toJobSummary } from './detail';
import { invalid } from './errors';
import { EventBus, type JobEventListener } from './events';
import { JobDefinitions, type DescribeJobDefinitionsFilter, type RegisterResult } from './jobDefinitions';
import { emptySummary, TERMINAL, type JobRecord, type JobStatus } from './jobs';
import { JobMachine } from './machine';
import { buildPlan } from './plan';
import type { Clock, ContainerRuntime } from './ports';
import { JobQueues } from './queues';
import { SchedulingPolicies } from './schedulingPolicies';
import { Scheduler } from './scheduler';
import { restoreSnapshot, takeSnapshot, type EngineParts, type EngineSnapshot } from './snapshot';
import { TagStore } from './tags';
import { ACTIVE_JOB_STATUSES, JOB_STATUSES } from '../../model/types';

export interface EngineOptions {
  readonly clock: Clock;
  readonly runtime: ContainerRuntime;
  readonly region?: string;
  readonly account?: string;
  /** Capacity of a compute environment that names none (defaults: 2 vCPUs, 4096 MiB). */
  readonly defaultCapacity?: Capacity;
  /** Extra labels put on every container (e.g. the owning state directory). */
  readonly containerLabels?: Readonly<Record<string, string>>;
  /** Id generator (v4 UUIDs by default). */
  readonly newId?: () => string;
}

export interface SubmitJobResult {
  readonly jobArn: string;
  readonly jobName: string;
  readonly jobId: string;
}

export interface ListJobsQuery {
  readonly jobQueue?: string;
  readonly arrayJobId?: string;
  /** Default RUNNING, as ListJobs. */
  readonly jobStatus?: JobStatus;
}

const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export class BatchEngine {
  readonly partition: Partition;
  readonly clock: Clock;
  protected readonly definitions: JobDefinitions;
  protected readonly computeEnvironments: ComputeEnvironments;
  protected readonly queues: JobQueues;
  protected readonly events: EventBus;
  protected readonly machine: JobMachine;
  protected readonly scheduler: Scheduler;
  private readonly attempts: Attempts;
  private readonly newId: () => string;
  /** Tags changed through TagResource/UntagResource (see tags.ts). */
  readonly tags = new TagStore();
  readonly schedulingPolicies: SchedulingPolicies;

  constructor(options: EngineOptions) {
    this.partition = { region: options.region ?? DEFAULT_REGION, account: options.account ?? DEFAULT_ACCOUNT_ID };
    this.clock = options.clock;
    this.newId = options.newId ?? randomId;
    this.schedulingPolicies = new SchedulingPolicies(this.partition);
    this.definitions = new JobDefinitions(this.partition);
    this.computeEnvironments = new ComputeEnvironments(this.partition, options.defaultCapacity ?? { vcpus: 2, memoryMiB: 4096 });
    this.queues = new JobQueues(this.partition, this.computeEnvironments);
    this.events = new EventBus(this.partition);
    this.machine = new JobMachine(this.partition, this.clock, this.events, {
      enqueue: (job) => this.scheduler.enqueue(job),
      requestPass: () => this.scheduler.requestPass(),
      stopAttempt: (job, reason) => this.attempts.stop(job, reason),
    });
    this.attempts = new Attempts({
      partition: this.partition,
      clock: this.clock,
      runtime: options.runtime,
      machine: this.machine,
      containerLabels: options.containerLabels,
      newId: this.newId,
      requeue: (job) => this.scheduler.enqueue(job),
      requestPass: () => this.scheduler.requestPass(),
    });
    this.scheduler = new Scheduler(this.queues, this.machine, this.attempts);
  }

  /** Listens to "Batch Job State Change" events; returns the unsubscribe function. */
  subscribe(listener: JobEventListener): () => void {
    return this.events.subscribe(listener);
  }

  // ---- job definitions

  registerJobDefinition(req: RegisterJobDefinitionRequest): RegisterResult {
    return this.definitions.register(req);
  }

  deregisterJobDefinition(jobDefinition: string): void {
    this.definitions.deregister(jobDefinition);
  }

  describeJobDefinitions(filter?: DescribeJobDefinitionsFilter): JobDefinition[] {
    return this.definitions.describe(filter);
  }

  // ---- compute environments

  /** `capacity` is localbatch's own: the local vCPUs/memory this environment may use. */
  createComputeEnvironment(req: CreateComputeEnvironmentRequest, capacity?: Partial<Capacity>): { computeEnvironmentName: string; computeEnvironmentArn: string } {
    const rec = this.computeEnvironments.create(req, capacity);
    this.later(() => this.computeEnvironments.settle(rec));
    return { computeEnvironmentName: rec.name, computeEnvironmentArn: rec.arn };
  }

  updateComputeEnvironment(req: UpdateComputeEnvironmentRequest): { computeEnvironmentName: string; computeEnvironmentArn: string } {
    const rec = this.computeEnvironments.update(req);
    this.later(() => this.computeEnvironments.settle(rec));
    return { computeEnvironmentName: rec.name, computeEnvironmentArn: rec.arn };
  }

  deleteComputeEnvironment(computeEnvironment: string): void {
    const rec = this.computeEnvironments.get(computeEnvironment);
    if (this.queues.usesComputeEnvironment(rec)) invalid(`Cannot delete, compute environment ${rec.name} is still associated with a job queue`);
    this.computeEnvironments.delete(computeEnvironment);
    this.later(() => this.computeEnvironments.settle(rec));
  }

  describeComputeEnvironments(computeEnvironments?: readonly string[]): ComputeEnvironmentDetail[] {
    return this.computeEnvironments.describe(computeEnvironments);
  }

  // ---- job queues

  createJobQueue(req: CreateJobQueueRequest): { jobQueueName: string; jobQueueArn: string } {
    const rec = this.queues.create(req);
    this.later(() => this.queues.settle(rec));
    return { jobQueueName: rec.name, jobQueueArn: rec.arn };
  }

  updateJobQueue(req: UpdateJobQueueRequest): { jobQueueName: string; jobQueueArn: string } {
    const rec = this.queues.update(req);
    this.later(() => this.queues.settle(rec));
    return { jobQueueName: rec.name, jobQueueArn: rec.arn };
  }

  /** The queue must be DISABLED; its unfinished jobs are terminated. */
  deleteJobQueue(jobQueue: string): void {
    const rec = this.queues.delete(jobQueue);
    for (const status of ACTIVE_JOB_STATUSES) {
      for (const job of [...(rec.byStatus.get(status) ?? [])]) this.machine.terminate(job, 'Job queue deleted');
    }
    this.later(() => this.queues.settle(rec));
  }

  describeJobQueues(jobQueues?: readonly string[]): JobQueueDetail[] {
    return this.queues.describe(jobQueues);
  }

  // ---- jobs

  submitJob(req: SubmitJobRequest): SubmitJobResult {
    if (!req.jobName || !JOB_NAME.test(req.jobName)) invalid('jobName must be 1-128 letters, numbers, hyphens or underscores, starting with a letter or number');
    const queue = this.queues.get(req.jobQueue ?? '');
    if (queue.detail.state !== 'ENABLED') invalid(`Job queue ${queue.name} is DISABLED and does not accept new jobs`);
    const def = this.definitions.resolve(req.jobDefinition ?? '');
    if (queue.detail.schedulingPolicyArn && !req.shareIdentifier) invalid(`Job queue ${queue.name} has a scheduling policy: shareIdentifier is required`);
    const priority = req.schedulingPriorityOverride;
    if (priority !== undefined && (!Number.isInteger(priority) || priority < 0 || priority > 9999)) invalid('schedulingPriorityOverride must be between 0 and 9999');
    const deps = req.dependsOn ?? [];
    if (deps.length > 20) invalid('A job can depend on at most 20 jobs');
    const size = req.arrayProperties?.size;
    const plain: JobRecord[] = [];
    const nToN: JobRecord[] = [];
    let sequential = false;
    for (const d of deps) {
      if (d.type === 'SEQUENTIAL' && !d.jobId) {
        if (size === undefined) invalid('A SEQUENTIAL dependency is only valid for an array job');
        sequential = true;
        continue;
      }
      const target = this.machine.get(d.jobId ?? '');
      if (!target) invalid(`Dependent job ID ${String(d.jobId)} does not exist`);
      if (d.type === 'N_TO_N') {
        if (size === undefined || target.children?.length !== size) invalid('An N_TO_N dependency requires two array jobs of the same size');
        nToN.push(target);
      } else if (d.type === 'SEQUENTIAL') {
        plain.push(target);
      } else plain.push(target);
    }
    const plan = buildPlan(structuredClone(req), queue, def, nToN, sequential);
    const id = this.newId();
    const job: JobRecord = { id, plan, createdAt: this.clock.now(), status: 'SUBMITTED', attemptCount: 0, waitingOn: 0 };
    for (const t of plain) this.machine.waitFor(job, t);
    if (size !== undefined) {
      job.summary = emptySummary();
      job.summary.SUBMITTED = size;
      job.summaryUpdatedAt = job.createdAt;
      job.childrenDone = 0;
      job.childrenFailed = 0;
      const gate = job.waitingOn > 0 ? 1 : 0;
      const children: JobRecord[] = new Array(size);
      for (let i = 0; i < size; i++) {
        const child: JobRecord = { id: `${id}:${i}`, plan, parent: job, index: i, createdAt: job.createdAt, status: 'SUBMITTED', attemptCount: 0, waitingOn: gate };
        for (const t of nToN) this.machine.waitFor(child, t.children![i]);
        if (sequential && i > 0) this.machine.waitFor(child, children[i - 1]);
        children[i] = child;
      }
      job.children = children;
    }
    this.machine.add(job);
    return { jobArn: arn(this.partition, 'job', id), jobName: req.jobName, jobId: id };
  }

  /** Jobs in the order asked; unknown ids are left out (as AWS does). */
  describeJobs(jobs: readonly string[]): JobDetail[] {
    const out: JobDetail[] = [];
    for (const id of jobs) {
      const job = this.machine.get(id) ?? this.machine.get(id.replace(/^arn:.*:job\//, ''));
      if (job) out.push(toJobDetail(this.partition, job));
    }
    return out;
  }

  /**
   * The jobs of a queue (top-level and array parents) or of an array parent (its children), with
   * one status (RUNNING by default), lazily. Filters and pagination are the API layer's.
   */
  *listJobs(query: ListJobsQuery): Generator<JobSummary> {
    const status = query.jobStatus ?? 'RUNNING';
    for (const job of this.jobsWhere(query, status)) yield toJobSummary(this.partition, job);
  }

  /** The records behind listJobs, for callers that filter on more than status (status undefined: all). */
  *jobsWhere(query: ListJobsQuery, status: JobStatus | undefined): Generator<JobRecord> {
    if (query.arrayJobId !== undefined) {
      const parent = this.machine.get(query.arrayJobId);
      if (!parent?.children) invalid(`Array job ${query.arrayJobId} does not exist`);
      for (const c of parent.children) if (status === undefined || c.status === status) yield c;
      return;
    }
    const queue = this.queues.get(query.jobQueue ?? '');
    const statuses: readonly JobStatus[] = status ? [status] : JOB_STATUSES;
    for (const s of statuses) yield* queue.byStatus.get(s) ?? [];
  }

  cancelJob(jobId: string, reason: string): void {
    this.machine.cancel(this.job(jobId, reason), reason);
  }

  terminateJob(jobId: string, reason: string): void {
    this.machine.terminate(this.job(jobId, reason), reason);
  }

  /** The whole state as plain data (see snapshot.ts). */
  snapshot(): EngineSnapshot {
    return { ...takeSnapshot(this.parts()), tags: this.tags.snapshot(), schedulingPolicies: this.schedulingPolicies.snapshot() };
  }

  /** Loads a snapshot into a fresh engine (one with no compute environments, queues or jobs). */
  restore(snapshot: EngineSnapshot): void {
    if (this.machine.jobs.size > 0 || this.queues.all().length > 0 || this.computeEnvironments.all().length > 0) {
      throw new Error('restore() needs a fresh engine');
    }
    this.schedulingPolicies.restore(snapshot.schedulingPolicies);
    this.tags.restore(snapshot.tags);
    restoreSnapshot(this.parts(), snapshot);
  }

  private parts(): EngineParts {
    return { definitions: this.definitions, computeEnvironments: this.computeEnvironments, queues: this.queues, machine: this.machine, scheduler: this.scheduler };
  }

  /** Terminates every unfinished job (shutting down): running ones get SIGTERM, the rest fail now. */
  terminateAll(reason: string): void {
    for (const job of [...this.machine.jobs.values()]) this.machine.terminate(job, reason);
  }

  /** True when no attempt is in flight and no container is still being removed. */
  get quiescent(): boolean {
    return this.attempts.inFlight === 0 && this.attempts.removing === 0;
  }

  /** True when no job is waiting, queued or running. */
  get idle(): boolean {
    for (const job of this.machine.jobs.values()) if (!TERMINAL.has(job.status)) return false;
    return true;
  }

  private job(jobId: string, reason: string): JobRecord {
    if (typeof reason !== 'string' || reason.length === 0) invalid('reason is required');
    if (reason.length > 1024) invalid('reason must be at most 1024 characters');
    const job = this.machine.get(jobId);
    if (!job) invalid(`Job ${jobId} does not exist`);
    return job;
  }

  /** Finishes a CREATING/UPDATING/DELETING resource one tick later, then reschedules. */
  private later(fn: () => void): void {
    queueMicrotask(() => {
      fn();
      this.scheduler.recheckBlocked();
    });
  }
}
