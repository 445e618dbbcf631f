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
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from '../../../model/types';
import type { JobKey } from './jobIndex';
import { jobsNewestFirst, jobsWhere, type ListJobsQuery } from './queueJobs';
import { arn, randomId, type Partition } from './arns';
import { Attempts } from './attempts';
import { ConsumableResources } from './consumableResources';
import { ComputeEnvironments, type Capacity } from './computeEnvironments';
import { toJobDetail, toJobSummary, toNodeDetail } from './detail';
import { interruptJob, type InterruptResult } from './interrupts';
import { newJob } from './submit';
import { invalid } from './errors';
import { EventBus, type JobEventListener } from './events';
import { JobDefinitions, type DescribeJobDefinitionsFilter, type RegisterResult } from './jobDefinitions';
import { TERMINAL, type JobRecord, type JobStatus } from './jobs';
import { JobMachine } from './machine';
import type { JournalEntry, JournalSink } from './journal';
import type { AttemptPreparer, Clock, ContainerRuntime } from './ports';
import { reconcile, type ReconcileReport } from './reconcile';
import { TRAINING_JOB_LABEL } from './trainingPort';
import { JobQueues } from './queues';
import { SchedulingPolicies } from './schedulingPolicies';
import { ServiceBatch } from './serviceBatch';
import { Scheduler } from './scheduler';
import { fieldsOf, restoreSnapshot, snapshotOfJob, takeSnapshot, type EngineParts, type EngineSnapshot, type RestoreResult } from './snapshot';
import { TagStore } from './tags';
import { ACTIVE_JOB_STATUSES } from '../../../model/types';

export interface EngineOptions {
  readonly clock: Clock;
  readonly runtime: ContainerRuntime;
  readonly region?: string;
  readonly account?: string;
  /** Capacity of a compute environment that names none (defaults: 2 vCPUs, 4096 MiB). */
  readonly defaultCapacity?: Capacity;
  /** Extra labels put on every container (e.g. the owning state directory). */
  readonly containerLabels?: Readonly<Record<string, string>>;
  /** Definition image → local image that attempts run instead (localbatch.yaml's imageOverrides). */
  readonly imageOverrides?: Readonly<Record<string, string>>;
  /** Id generator (v4 UUIDs by default). */
  readonly newId?: () => string;
  /** Where every acknowledged change and every job transition is journaled (see journal.ts). */
  readonly journal?: JournalSink;
  /** Resolves once everything journaled so far is on disk (see AttemptHost.durable). */
  readonly durable?: () => Promise<void>;
  /** Prepares each attempt before its containers start (credentials, secrets, storage, host access). */
  readonly preparer?: AttemptPreparer;
}

export interface SubmitJobResult {
  readonly jobArn: string;
  readonly jobName: string;
  readonly jobId: string;
}

export type { ListJobsQuery } from './queueJobs';

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
  private readonly journal: JournalSink | undefined;
  private readonly containerLabels: Readonly<Record<string, string>>;
  /** Restored STARTING/RUNNING jobs waiting for `reconcile()`. */
  private active: JobRecord[] = [];
  /** Tags changed through TagResource/UntagResource (see tags.ts). */
  readonly tags = new TagStore();
  readonly schedulingPolicies: SchedulingPolicies;
  readonly consumableResources: ConsumableResources;
  /** Service environments, service jobs and quota shares (serviceBatch.ts). */
  readonly services: ServiceBatch;

  constructor(options: EngineOptions) {
    this.partition = { region: options.region ?? DEFAULT_REGION, account: options.account ?? DEFAULT_ACCOUNT_ID };
    this.clock = options.clock;
    this.newId = options.newId ?? randomId;
    this.journal = options.journal;
    this.containerLabels = options.containerLabels ?? {};
    this.schedulingPolicies = new SchedulingPolicies(this.partition);
    this.consumableResources = new ConsumableResources(this.partition, () => this.clock.now());
    this.definitions = new JobDefinitions(this.partition);
    this.computeEnvironments = new ComputeEnvironments(this.partition, options.defaultCapacity ?? { vcpus: 2, memoryMiB: 4096 });
    this.queues = new JobQueues(this.partition, this.computeEnvironments);
    this.events = new EventBus(this.partition);
    this.machine = new JobMachine(this.partition, this.clock, this.events, {
      enqueue: (job) => this.scheduler.enqueue(job),
      requestPass: () => this.scheduler.requestPass(),
      stopAttempt: (job, reason) => this.attempts.stop(job, reason),
      // The journal serialises at once, so entries may share the records' objects.
      changed: this.journal ? (job, from) => this.record(from === undefined ? { k: 'job', id: job.id, v: fieldsOf(job, false) } : { k: 'job', id: job.id, from, to: job.status, v: fieldsOf(job, false) }) : undefined,
    });
    this.attempts = new Attempts({
      partition: this.partition,
      clock: this.clock,
      runtime: options.runtime,
      machine: this.machine,
      containerLabels: options.containerLabels,
      imageOverrides: options.imageOverrides,
      preparer: options.preparer,
      newId: this.newId,
      requeue: (job) => this.scheduler.enqueue(job),
      requestPass: () => this.scheduler.requestPass(),
      durable: options.durable,
    });
    this.services = new ServiceBatch({ partition: this.partition, clock: this.clock, events: this.events, queues: this.queues, newId: this.newId, journal: this.journal, schedulingPolicies: this.schedulingPolicies });
    this.scheduler = new Scheduler(this.queues, this.machine, this.attempts, this.clock, this.schedulingPolicies, this.consumableResources, options.runtime.availability);
    if (this.journal) {
      this.tags.onChange = (key) => this.record({ k: 'tag', key, v: this.tags.get(key) ?? null });
      this.schedulingPolicies.onChange = (key) => this.record({ k: 'pol', key, v: this.schedulingPolicies.find(key) ?? null });
      this.consumableResources.onChange = (key) => this.record({ k: 'cr', key, v: this.consumableResources.stored(key) ?? null });
    }
  }

  private record(entry: JournalEntry): void {
    this.journal?.append(entry);
  }

  private recordCe(name: string): void {
    if (!this.journal) return;
    const rec = this.computeEnvironments.find(name);
    this.record({ k: 'ce', key: name, v: rec ? { detail: rec.detail, capacity: rec.capacity } : null });
  }

  private recordQueue(name: string): void {
    if (!this.journal) return;
    const rec = this.queues.find(name);
    this.record({ k: 'q', key: name, v: rec ? rec.detail : null });
  }

  /** Listens to "Batch Job State Change" events; returns the unsubscribe function. */
  subscribe(listener: JobEventListener): () => void {
    return this.events.subscribe(listener);
  }

  // ---- job definitions

  registerJobDefinition(req: RegisterJobDefinitionRequest): RegisterResult {
    const result = this.definitions.register(req);
    if (this.journal) this.record({ k: 'def', v: this.definitions.byArn(result.jobDefinitionArn)! });
    return result;
  }

  deregisterJobDefinition(jobDefinition: string): void {
    this.definitions.deregister(jobDefinition);
    const def = this.journal && this.definitions.byArn(jobDefinition);
    if (def) this.record({ k: 'def', v: def });
  }

  describeJobDefinitions(filter?: DescribeJobDefinitionsFilter): JobDefinition[] {
    return this.definitions.describe(filter);
  }

  // ---- compute environments

  /** `capacity` is localbatch's own: the local vCPUs/memory this environment may use. */
  createComputeEnvironment(req: CreateComputeEnvironmentRequest, capacity?: Partial<Capacity>): { computeEnvironmentName: string; computeEnvironmentArn: string } {
    const rec = this.computeEnvironments.create(req, capacity);
    this.recordCe(rec.name);
    this.later(() => {
      this.computeEnvironments.settle(rec);
      this.recordCe(rec.name);
    });
    return { computeEnvironmentName: rec.name, computeEnvironmentArn: rec.arn };
  }

  updateComputeEnvironment(req: UpdateComputeEnvironmentRequest): { computeEnvironmentName: string; computeEnvironmentArn: string } {
    const rec = this.computeEnvironments.update(req);
    this.recordCe(rec.name);
    this.later(() => {
      this.computeEnvironments.settle(rec);
      this.recordCe(rec.name);
    });
    return { computeEnvironmentName: rec.name, computeEnvironmentArn: rec.arn };
  }

  deleteComputeEnvironment(computeEnvironment: string): void {
    const rec = this.computeEnvironments.get(computeEnvironment);
    if (this.queues.usesComputeEnvironment(rec)) invalid(`Cannot delete, compute environment ${rec.name} is still associated with a job queue`);
    this.computeEnvironments.delete(computeEnvironment);
    this.record({ k: 'ce', key: rec.name, v: null });
    this.later(() => this.computeEnvironments.settle(rec));
  }

  describeComputeEnvironments(computeEnvironments?: readonly string[]): ComputeEnvironmentDetail[] {
    return this.computeEnvironments.describe(computeEnvironments);
  }

  // ---- job queues

  createJobQueue(req: CreateJobQueueRequest): { jobQueueName: string; jobQueueArn: string } {
    const rec = this.queues.create(req);
    this.recordQueue(rec.name);
    this.later(() => {
      this.queues.settle(rec);
      this.recordQueue(rec.name);
    });
    return { jobQueueName: rec.name, jobQueueArn: rec.arn };
  }

  updateJobQueue(req: UpdateJobQueueRequest): { jobQueueName: string; jobQueueArn: string } {
    const rec = this.queues.update(req);
    this.recordQueue(rec.name);
    this.later(() => {
      this.queues.settle(rec);
      this.recordQueue(rec.name);
    });
    return { jobQueueName: rec.name, jobQueueArn: rec.arn };
  }

  /** The queue must be DISABLED; its unfinished jobs are terminated. */
  deleteJobQueue(jobQueue: string): void {
    const rec = this.queues.delete(jobQueue);
    for (const status of ACTIVE_JOB_STATUSES) {
      for (const job of [...(rec.byStatus.get(status) ?? [])]) this.machine.failNow(job, 'Job queue deleted');
    }
    this.services.queueDeleted(rec.name);
    this.record({ k: 'q', key: rec.name, v: null });
    this.later(() => this.queues.settle(rec));
  }

  describeJobQueues(jobQueues?: readonly string[]): JobQueueDetail[] {
    return this.queues.describe(jobQueues);
  }

  // ---- jobs

  submitJob(req: SubmitJobRequest): SubmitJobResult {
    const job = newJob(req, { queues: this.queues, definitions: this.definitions, machine: this.machine, consumableResources: this.consumableResources }, this.newId, this.clock.now());
    this.machine.add(job);
    if (this.journal) this.record({ k: 'sub', v: snapshotOfJob(job, false) });
    return { jobArn: arn(this.partition, 'job', job.id), jobName: req.jobName!, jobId: job.id };
  }

  /** Jobs in the order asked; unknown ids are left out (as AWS does). */
  describeJobs(jobs: readonly string[]): JobDetail[] {
    const out: JobDetail[] = [];
    for (const raw of jobs) {
      const id = raw.replace(/^arn:.*:job\//, '');
      const node = /^(.+)#(\d{1,5})$/.exec(id);
      if (node) {
        const parent = this.machine.get(node[1]);
        if (parent && parent.plan.jobDefinition.type === 'multinode' && Number(node[2]) < parent.plan.numNodes) out.push(toNodeDetail(this.partition, parent, Number(node[2])));
        continue;
      }
      const job = this.machine.get(id);
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

  /** See queueJobs.ts. */
  jobsWhere(query: ListJobsQuery, status: JobStatus | undefined, after?: JobKey & { readonly index?: number }): Generator<JobRecord> {
    return jobsWhere(this.machine, this.queues, query, status, after);
  }

  /** See queueJobs.ts. */
  jobsNewestFirst(jobQueue: string, status: JobStatus | undefined, before?: JobKey): Generator<JobRecord> {
    return jobsNewestFirst(this.queues, jobQueue, status, before);
  }

  /** Rehearses a Spot interruption of a STARTING or RUNNING job (see interrupts.ts). */
  interruptJob(jobId: string): InterruptResult {
    return interruptJob({ machine: this.machine, attempts: this.attempts, newId: this.newId }, jobId);
  }

  /** UpdateConsumableResource; more of it may let a waiting job start. */
  updateConsumableResource(ref: string, operation: unknown, quantity: unknown): ReturnType<ConsumableResources['update']> {
    const out = this.consumableResources.update(ref, operation, quantity);
    this.scheduler.requestPass();
    return out;
  }

  /** Every job, array children included (children after their parent), in submission order. */
  *allJobs(): Generator<JobRecord> {
    for (const job of this.machine.jobs.values()) {
      yield job;
      if (job.children) yield* job.children;
    }
  }

  cancelJob(jobId: string, reason: string): void {
    this.machine.cancel(this.job(jobId, reason), reason);
  }

  terminateJob(jobId: string, reason: string): void {
    this.machine.terminate(this.job(jobId, reason), reason);
  }

  /** The whole state as plain data (see snapshot.ts). */
  snapshot(): EngineSnapshot {
    return { ...takeSnapshot(this.parts()), tags: this.tags.snapshot(), schedulingPolicies: this.schedulingPolicies.snapshot(), consumableResources: this.consumableResources.snapshot(), ...this.services.snapshot() };
  }

  /**
   * Loads a snapshot into a fresh engine (one with no compute environments, queues or jobs). With
   * `reconcile`, jobs that were STARTING/RUNNING wait for `reconcile()` to find their containers;
   * otherwise their attempts end as if their host went away.
   */
  restore(snapshot: EngineSnapshot, options: { reconcile?: boolean } = {}): RestoreResult {
    if (this.machine.jobs.size > 0 || this.queues.all().length > 0 || this.computeEnvironments.all().length > 0) {
      throw new Error('restore() needs a fresh engine');
    }
    this.schedulingPolicies.restore(snapshot.schedulingPolicies);
    this.consumableResources.restore(snapshot.consumableResources);
    this.tags.restore(snapshot.tags);
    // Nothing starts before reconcile() has put the attempts in flight back on their capacity.
    if (options.reconcile) this.scheduler.pause();
    this.services.restoreEnvironments(snapshot);
    const result = restoreSnapshot(this.parts(), snapshot, options);
    result.problems.push(...this.services.restoreJobs(snapshot));
    for (const job of this.machine.jobs.values()) for (const j of job.children ?? [job]) this.consumableResources.adopt(j);
    this.active = result.active;
    return result;
  }

  /**
   * Matches restored STARTING/RUNNING jobs with the runtime's containers (see reconcile.ts) and
   * removes containers of this engine's labels that belong to no attempt in flight.
   */
  async reconcile(): Promise<ReconcileReport> {
    const active = this.active;
    this.active = [];
    try {
      return await reconcile(
        { runtime: this.attempts.runtime, machine: this.machine, scheduler: this.scheduler, attempts: this.attempts, computeEnvironments: this.computeEnvironments, now: () => this.clock.now() },
        active,
        this.containerLabels,
        // A training job's containers, which its service job follows again (resumeAttempts).
        (c) => c.labels[TRAINING_JOB_LABEL] !== undefined && this.services.jobs.awaitsReattach(c.labels[TRAINING_JOB_LABEL]),
      );
    } finally {
      this.scheduler.resume();
    }
  }

  /**
   * A graceful stop: stops following containers and timers without ending any attempt; queued
   * jobs stay queued. The engine does nothing more afterwards.
   */
  async detach(): Promise<void> {
    this.attempts.detach();
    this.scheduler.stop();
    this.services.jobs.stop();
    await this.attempts.runtime.detach();
  }

  private parts(): EngineParts {
    return { definitions: this.definitions, computeEnvironments: this.computeEnvironments, queues: this.queues, machine: this.machine, scheduler: this.scheduler };
  }

  /** Terminates every unfinished job, service jobs too (shutting down): running ones get SIGTERM, the rest fail now. */
  terminateAll(reason: string): void {
    for (const job of [...this.machine.jobs.values()]) this.machine.failNow(job, reason);
    this.services.jobs.terminateAll(reason);
  }

  /** The attempts in flight (STARTING/RUNNING jobs), e.g. to keep their grants after a restart. */
  *attemptsInFlight(): Generator<{ jobId: string; attempt: number }> {
    for (const job of this.allJobs()) if (job.run && !job.run.finished) yield { jobId: job.id, attempt: job.run.number };
  }

  /** True when no attempt (service jobs' included) is in flight and no container is still being removed. */
  get quiescent(): boolean {
    return this.attempts.inFlight === 0 && this.attempts.removing === 0 && this.services.jobs.inFlight === 0;
  }

  /** Attempts a TerminateJob is still stopping (a graceful stop waits for them: see EmulatorHost.close). */
  get terminating(): number {
    return this.attempts.terminating;
  }

  /** Containers of finished attempts still being removed. */
  get removing(): number {
    return this.attempts.removing;
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
