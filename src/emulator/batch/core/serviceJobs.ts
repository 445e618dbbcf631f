/**
 * Service jobs (SubmitServiceJob, SAGEMAKER_TRAINING): SUBMITTED → RUNNABLE → SCHEDULED → STARTING
 * → RUNNING → SUCCEEDED | FAILED, capacity counted in instances against the queue's service
 * environments, retries by evaluateOnExit on the status reason, attempt timeouts, and the queue's
 * jobStateTimeLimitActions (TERMINATE). The training itself runs behind the TrainingRunner port
 * (runtime/training.ts runs it in Docker under SageMaker's container contract).
 */
import type { JobQueueDetail, SubmitServiceJobRequest } from '@aws-sdk/client-batch';
import type { Partition } from './arns';
import { invalid } from './errors';
import { checkServiceJobRequest } from './serviceJobChecks';
import type { EventBus } from './events';
import { checkShareIdentifier } from './fairShare';
import type { QueueRecord } from './queues';
import { blockedMessage, capacityByType, checkQuotaShare, environmentFor, notePreemption, preemptionExhausted, preemptionReason, quotaJobOf, shareStateOf } from './quotaQueue';
import { decideQuotaShares, type BlockReason } from './quotaScheduling';
import type { QuotaShareStored } from './quotaShares';
import { shouldRetry } from './retry';
import type { ServiceEnvironmentRecord, ServiceEnvironments } from './serviceEnvironments';
import type { Clock } from './ports';
import { serviceJobDetail, serviceJobSummary } from './serviceJobView';
import { parseTrainingRequest, type TrainingRequest } from './trainingRequest';

export { SERVICE_JOB_STATUSES, serviceJobArn, type ServiceJobRecord, type ServiceJobStatus, type ServiceJobStored } from './serviceJobRecord';
import { retryPolicyOf, serviceJobArn, toStored, trainingJobArn, type ServiceJobRecord, type ServiceJobStatus, type ServiceJobStored } from './serviceJobRecord';
export type { RunningTraining, TrainingLaunch, TrainingOutcome, TrainingRunner } from './trainingPort';
import type { TrainingOutcome, TrainingRunner } from './trainingPort';

export const TERMINAL_SERVICE = new Set<ServiceJobStatus>(['SUCCEEDED', 'FAILED']);
export const IN_FLIGHT_SERVICE: ReadonlySet<ServiceJobStatus> = new Set<ServiceJobStatus>(['SCHEDULED', 'STARTING', 'RUNNING']);
const IN_FLIGHT = IN_FLIGHT_SERVICE;
export const MAX_RESOURCE_REASON = 'MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE';
const MAX_RESOURCE_MESSAGE = `${MAX_RESOURCE_REASON} - Service environment(s) associated with the job queue cannot meet the capacity requirement of the job.`;

export interface ServiceJobsDeps {
  readonly partition: Partition;
  readonly clock: Clock;
  readonly events: EventBus;
  readonly environments: ServiceEnvironments;
  readonly queue: (ref: string) => QueueRecord | undefined;
  readonly queues: () => readonly QueueRecord[];
  readonly newId: () => string;
  /** A quota-managed queue's shares (its scheduling policy has quotaSharePolicy); undefined otherwise. */
  readonly quotaSharesOf?: (queue: QueueRecord) => readonly QuotaShareStored[] | undefined;
  /** Journals a job's stored state (SubmitServiceJob answers only once it is durable). */
  readonly changed?: (job: ServiceJobStored) => void;
}


/** The arns of a SAGEMAKER_TRAINING queue's service environments, in order. */
export function serviceEnvironmentArns(detail: JobQueueDetail): string[] {
  return [...(detail.serviceEnvironmentOrder ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0)).map((e) => e.serviceEnvironment ?? '');
}

export class ServiceJobs {
  readonly jobs = new Map<string, ServiceJobRecord>();
  private readonly byToken = new Map<string, string>();
  private runner?: TrainingRunner;
  /** Restored jobs whose attempt was in flight, until resumeAttempts() follows or ends it. */
  private readonly orphans = new Set<string>();
  private passQueued = false;
  private stopped = false;
  /** Attempts scheduled so far (their order, for the choice of preemption victims). */
  private scheduled = 0;

  constructor(private readonly deps: ServiceJobsDeps) {}

  /** Where attempts run; without one, jobs wait in RUNNABLE. */
  setRunner(runner: TrainingRunner): void {
    this.runner = runner;
    this.requestPass();
  }

  submit(req: SubmitServiceJobRequest): ServiceJobRecord {
    if (!req.jobName || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(req.jobName)) invalid('jobName must be 1-128 letters, numbers, hyphens or underscores, starting with a letter or number');
    if (req.serviceJobType !== 'SAGEMAKER_TRAINING') invalid(`serviceJobType must be SAGEMAKER_TRAINING, not ${String(req.serviceJobType)}`);
    const token = req.clientToken;
    if (token !== undefined) {
      if (typeof token !== 'string' || token.length < 1 || token.length > 64) invalid('clientToken must be 1-64 characters');
      const earlier = this.jobs.get(this.byToken.get(token) ?? '');
      if (earlier) {
        if (earlier.name !== req.jobName || earlier.request.serviceRequestPayload !== req.serviceRequestPayload) invalid(`clientToken ${token} was already used for another request (job ${earlier.id})`);
        return earlier;
      }
    }
    const queue = this.deps.queue(req.jobQueue ?? '');
    if (!queue) invalid(`Job queue ${String(req.jobQueue)} does not exist`);
    if (queue.detail.jobQueueType !== 'SAGEMAKER_TRAINING') invalid(`Job queue ${queue.name} is not a SAGEMAKER_TRAINING queue: submit container jobs with SubmitJob, service jobs to a queue with serviceEnvironmentOrder`);
    if (queue.detail.state !== 'ENABLED') invalid(`Job queue ${queue.name} is DISABLED and does not accept new jobs`);
    if (typeof req.serviceRequestPayload !== 'string') invalid('serviceRequestPayload is required');
    const training = parseTrainingRequest(req.serviceRequestPayload, req.jobName);
    const shares = this.deps.quotaSharesOf?.(queue);
    if (shares) checkQuotaShare(req, queue.name, shares);
    else if (req.quotaShareName !== undefined) invalid(`Job queue ${queue.name} has no quota-share scheduling policy: do not specify quotaShareName`);
    else checkShareIdentifier(req.shareIdentifier, queue);
    checkServiceJobRequest(req);
    const priority = req.schedulingPriority;
    const id = this.deps.newId();
    const job: ServiceJobRecord = { id, name: req.jobName, queueName: queue.name, request: structuredClone(req), training, status: 'SUBMITTED', createdAt: this.deps.clock.now(), attempts: [], schedulingPriority: priority };
    this.jobs.set(id, job);
    if (token !== undefined) this.byToken.set(token, id);
    this.transition(job, 'SUBMITTED');
    this.requestPass();
    return job;
  }

  get(ref: string): ServiceJobRecord | undefined {
    return this.jobs.get(ref.replace(/^arn:.*:service-job\//, ''));
  }

  /** TerminateServiceJob: a job not yet finished fails with `reason` (a running one once stopped). */
  terminate(ref: string, reason: string): ServiceJobRecord {
    if (typeof reason !== 'string' || reason.length === 0) invalid('reason is required');
    const job = this.get(ref);
    if (!job) invalid(`Job ${ref} does not exist`);
    if (TERMINAL_SERVICE.has(job.status)) return job;
    job.isTerminated = true;
    if (job.run?.handle) {
      job.run.stopReason = reason;
      job.run.handle.stop();
      this.changed(job);
    } else {
      // (a restored attempt not followed yet: its containers are stopped by the cleanup of a stop, or removed at the next start)
      this.orphans.delete(job.id);
      job.run = undefined;
      this.finish(job, 'FAILED', reason);
    }
    return job;
  }

  /** Shutting down with terminate-all: every unfinished service job terminated (running ones stopped). */
  terminateAll(reason: string): void {
    for (const job of [...this.jobs.values()]) if (!TERMINAL_SERVICE.has(job.status)) this.terminate(job.id, reason);
  }

  /** Attempts whose training has not ended yet. */
  get inFlight(): number {
    let n = 0;
    for (const job of this.jobs.values()) if (job.run) n++;
    return n;
  }

  updatePriority(ref: string, priority: unknown): ServiceJobRecord {
    const job = this.get(ref);
    if (!job) invalid(`Job ${ref} does not exist`);
    if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > 9999) invalid('schedulingPriority must be an integer between 0 and 9999');
    if (TERMINAL_SERVICE.has(job.status)) invalid(`Job ${job.id} is ${job.status}: only an unfinished job's priority can be updated`);
    job.schedulingPriority = priority;
    this.changed(job);
    this.requestPass();
    return job;
  }

  /** Instances in use per service environment arn. */
  private usage(): Map<string, number> {
    const used = new Map<string, number>();
    for (const j of this.jobs.values()) if (j.environment && IN_FLIGHT.has(j.status)) used.set(j.environment, (used.get(j.environment) ?? 0) + j.training.instanceCount);
    return used;
  }

  requestPass(): void {
    if (this.passQueued || this.stopped) return;
    this.passQueued = true;
    queueMicrotask(() => {
      this.passQueued = false;
      this.pass();
    });
  }

  /** Moves SUBMITTED jobs on and starts the heads of the queues that fit. */
  private pass(): void {
    if (this.stopped) return;
    for (const job of this.jobs.values()) if (job.status === 'SUBMITTED') this.transition(job, 'RUNNABLE');
    if (!this.runner) return;
    const used = this.usage();
    const queues = [...this.deps.queues()].filter((q) => q.detail.jobQueueType === 'SAGEMAKER_TRAINING').sort((a, b) => (b.detail.priority ?? 0) - (a.detail.priority ?? 0));
    for (const queue of queues) {
      if (queue.detail.state !== 'ENABLED') continue;
      const envs = serviceEnvironmentArns(queue.detail)
        .map((a) => this.deps.environments.find(a))
        .filter((e) => e !== undefined && e.detail.state === 'ENABLED' && e.detail.status !== 'DELETING');
      const shares = this.deps.quotaSharesOf?.(queue);
      if (shares) {
        if (envs.length > 0) this.passQuota(queue, envs as ServiceEnvironmentRecord[], shares); // none ENABLED: jobs wait
        continue;
      }
      const runnable = [...this.jobs.values()].filter((j) => j.queueName === queue.name && j.status === 'RUNNABLE');
      runnable.sort((a, b) => (b.schedulingPriority ?? 0) - (a.schedulingPriority ?? 0) || a.createdAt - b.createdAt);
      for (const job of runnable) {
        const need = job.training.instanceCount;
        if (envs.length > 0 && envs.every((e) => this.deps.environments.maxInstances(e!) < need)) {
          this.block(job, queue, MAX_RESOURCE_REASON, MAX_RESOURCE_MESSAGE);
          break; // the head blocks the queue (first in, first out)
        }
        const env = envs.find((e) => this.deps.environments.maxInstances(e!) - (used.get(e!.arn) ?? 0) >= need);
        if (!env) break;
        used.set(env.arn, (used.get(env.arn) ?? 0) + need);
        this.start(job, env.arn);
      }
    }
  }

  /** A quota-managed queue: each quota share is a virtual queue; the decision is quotaScheduling.ts's. */
  private passQuota(queue: QueueRecord, envs: readonly ServiceEnvironmentRecord[], shares: readonly QuotaShareStored[]): void {
    const mine = [...this.jobs.values()].filter((j) => j.queueName === queue.name);
    const decision = decideQuotaShares(
      {
        shares: shares.map(shareStateOf),
        capacity: capacityByType(envs),
        inFlight: mine.filter((j) => IN_FLIGHT.has(j.status)).map(quotaJobOf),
        runnable: mine.filter((j) => j.status === 'RUNNABLE').map(quotaJobOf),
      },
      this.deps.clock,
    );
    const blocked = new Set(decision.blocked.map((b) => b.jobId));
    for (const j of mine) {
      if (j.status !== 'RUNNABLE' || j.blockedReason === undefined || blocked.has(j.id)) continue;
      if (j.limitTimer) this.deps.clock.clearTimer(j.limitTimer); // its share or the environment was fixed: no time-limit action
      j.limitTimer = undefined;
      j.blockedReason = undefined;
    }
    for (const b of decision.blocked) {
      const code: BlockReason = b.reason;
      this.block(this.jobs.get(b.jobId)!, queue, `MISCONFIGURATION:${code}`, blockedMessage(code, b.share));
    }
    for (const p of decision.preempt) this.preempt(this.jobs.get(p.victim)!, preemptionReason(p));
    for (const id of decision.start) {
      const job = this.jobs.get(id)!;
      this.start(job, environmentFor(envs, job.training.instanceType) ?? envs[0]?.arn ?? '');
    }
  }

  /** Stops an attempt in flight to free its instances; it returns to RUNNABLE (attemptEnded). */
  private preempt(job: ServiceJobRecord, reason: string): void {
    if (!job.run?.handle || job.preempting !== undefined) return;
    job.preempting = reason;
    this.changed(job);
    job.run.handle.stop();
  }

  /** A head that cannot run as configured: statusReason, event, time-limit action. */
  private block(job: ServiceJobRecord, queue: QueueRecord, code: string, message: string): void {
    if (job.blockedReason === code) return;
    if (job.limitTimer) this.deps.clock.clearTimer(job.limitTimer);
    job.limitTimer = undefined;
    job.blockedReason = code;
    job.statusReason = message;
    this.changed(job);
    const now = this.deps.clock.now();
    const detail = this.detailOf(job);
    this.deps.events.emitRaw('Batch Service Job Queue Blocked', now, [serviceJobArn(this.deps.partition, job.id), queue.arn], () => detail);
    const action = (queue.detail.jobStateTimeLimitActions ?? []).find((a) => a.state === 'RUNNABLE' && a.action === 'TERMINATE' && a.reason === code);
    if (action?.maxTimeSeconds !== undefined) {
      job.limitTimer = this.deps.clock.setTimer(action.maxTimeSeconds * 1000, () => {
        job.limitTimer = undefined;
        if (job.status === 'RUNNABLE' && job.blockedReason === code) {
          job.isTerminated = true;
          this.finish(job, 'FAILED', `Terminated by JobStateTimeLimit action due to reason: ${code}`);
        }
      });
    }
  }

  private start(job: ServiceJobRecord, environmentArn: string): void {
    const runner = this.runner!;
    if (job.limitTimer) this.deps.clock.clearTimer(job.limitTimer);
    job.limitTimer = undefined;
    job.blockedReason = undefined;
    job.environment = environmentArn;
    const attempt = job.attempts.length + 1;
    const arn = trainingJobArn(this.deps.partition, job.training.trainingJobName);
    const now = this.deps.clock.now();
    job.scheduledAt ??= now;
    job.attempts.push({ serviceResourceId: { name: 'TrainingJobArn', value: arn } });
    job.run = { scheduledAt: now, order: ++this.scheduled };
    this.transition(job, 'SCHEDULED', 'Service job successfully submitted to SageMaker');
    const seconds = job.request.timeoutConfig?.attemptDurationSeconds ?? job.training.maxRuntimeSeconds;
    if (seconds !== undefined) {
      job.run.timer = this.deps.clock.setTimer(seconds * 1000, () => {
        if (!job.run?.handle) return;
        job.run.stopReason = 'Job attempt duration exceeded timeout';
        job.run.handle.stop();
      });
    }
    const run = job.run;
    this.transition(job, 'STARTING');
    run.handle = runner.run({ jobId: job.id, attempt, trainingJobArn: arn, request: job.training }, () => {
      if (job.run !== run || job.status !== 'STARTING') return;
      job.startedAt = this.deps.clock.now();
      job.attempts[job.attempts.length - 1].startedAt = job.startedAt;
      this.transition(job, 'RUNNING');
    });
    void run.handle.finished.then((outcome) => this.attemptEnded(job, run, outcome));
  }

  private attemptEnded(job: ServiceJobRecord, run: NonNullable<ServiceJobRecord['run']>, outcome: TrainingOutcome): void {
    if (job.run !== run) return;
    if (run.timer) this.deps.clock.clearTimer(run.timer);
    job.run = undefined;
    job.environment = undefined;
    const now = this.deps.clock.now();
    const current = job.attempts[job.attempts.length - 1];
    current.startedAt ??= now;
    current.stoppedAt = now;
    let reason: string;
    if (run.stopReason !== undefined) reason = run.stopReason;
    else if (outcome.succeeded) reason = 'Received status from SageMaker: Training job completed';
    else reason = `Received status from SageMaker: ${outcome.failureReason ?? 'AlgorithmError: the training job failed'}`;
    current.statusReason = reason;
    const preempted = job.preempting;
    job.preempting = undefined;
    if (preempted !== undefined && !job.isTerminated && !outcome.succeeded) {
      this.preempted(job, preempted);
    } else if (outcome.succeeded && run.stopReason === undefined) {
      this.finish(job, 'SUCCEEDED', reason);
    } else if (!job.isTerminated && shouldRetry(retryPolicyOf(job.request), job.attempts.length, { statusReason: reason })) {
      this.transition(job, 'RUNNABLE', reason);
    } else this.finish(job, 'FAILED', reason);
    this.requestPass();
  }

  /**
   * A preempted attempt leaves `attempts` for `preemptionSummary` (it uses no retryStrategy attempt);
   * the job returns to RUNNABLE unless preemptionRetriesBeforeTermination is used up.
   */
  private preempted(job: ServiceJobRecord, reason: string): void {
    const attempt = job.attempts.pop()!;
    const count = notePreemption(job, { ...attempt, statusReason: reason });
    const retries = job.request.preemptionConfiguration?.preemptionRetriesBeforeTermination;
    if (retries !== undefined && count > retries) {
      job.attempts.push({ ...attempt, statusReason: reason });
      this.finish(job, 'FAILED', preemptionExhausted(reason, retries));
    } else this.transition(job, 'RUNNABLE', reason);
  }

  private finish(job: ServiceJobRecord, status: 'SUCCEEDED' | 'FAILED', reason: string): void {
    if (job.limitTimer) this.deps.clock.clearTimer(job.limitTimer);
    job.limitTimer = undefined;
    job.stoppedAt = this.deps.clock.now();
    this.transition(job, status, reason);
    this.requestPass();
  }

  private transition(job: ServiceJobRecord, to: ServiceJobStatus, reason?: string): void {
    job.status = to;
    if (reason !== undefined) job.statusReason = reason;
    this.changed(job);
    if (!this.deps.events.active) return;
    const detail = this.detailOf(job); // the state at this transition, not at the listener's read
    this.deps.events.emitRaw('Batch Service Job State Change', this.deps.clock.now(), [serviceJobArn(this.deps.partition, job.id)], () => detail);
  }

  private changed(job: ServiceJobRecord): void {
    this.deps.changed?.(toStored(job));
  }

  /** DescribeServiceJob's answer (tags added by the API layer). */
  detailOf(job: ServiceJobRecord): Record<string, unknown> {
    return serviceJobDetail(this.deps.partition, job, this.deps.queue(job.queueName));
  }

  /** ListServiceJobs' summary of one job. */
  summaryOf(job: ServiceJobRecord): Record<string, unknown> {
    return serviceJobSummary(this.deps.partition, job);
  }

  /** Whether a queue still holds unfinished service jobs. */
  hasUnfinished(queueName: string): boolean {
    for (const j of this.jobs.values()) if (j.queueName === queueName && !TERMINAL_SERVICE.has(j.status)) return true;
    return false;
  }

  snapshot(): ServiceJobStored[] {
    return [...this.jobs.values()].map(toStored);
  }

  /**
   * Loads stored jobs. An attempt that was in flight when the emulator stopped cannot be followed
   * again: it ends as failed (`localbatch restarted during the training job`) and the retry
   * strategy decides, as for a lost host.
   */
  restore(stored: readonly ServiceJobStored[] | undefined): string[] {
    const problems: string[] = [];
    for (const s of stored ?? []) {
      let training: TrainingRequest;
      try {
        training = parseTrainingRequest(s.request.serviceRequestPayload ?? '', s.name);
      } catch (e) {
        problems.push(`service job ${s.id} left out: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      const job: ServiceJobRecord = { ...structuredClone(s), training };
      this.jobs.set(job.id, job);
      if (job.request.clientToken) this.byToken.set(job.request.clientToken, job.id);
      if (IN_FLIGHT.has(job.status)) {
        // Its containers may still run (or have ended while the emulator was down): resumeAttempts() follows them.
        job.run = { scheduledAt: job.scheduledAt ?? job.createdAt, order: 0 };
        this.orphans.add(job.id);
      }
    }
    this.requestPass();
    return problems;
  }

  /** Whether a restored job's attempt waits to be followed again (its containers are kept meanwhile). */
  awaitsReattach(jobId: string): boolean {
    return this.orphans.has(jobId);
  }

  /**
   * After a restart, once the runner is set: each attempt that was in flight follows its containers
   * to their end (finished work is not failed); one whose containers are gone ends as failed
   * (`localbatch restarted during the training job`) and its retry strategy decides.
   */
  async resumeAttempts(): Promise<void> {
    for (const id of [...this.orphans]) {
      this.orphans.delete(id);
      const job = this.jobs.get(id);
      const run = job?.run;
      if (!job || !run || TERMINAL_SERVICE.has(job.status)) continue;
      const launch = { jobId: job.id, attempt: job.attempts.length, trainingJobArn: trainingJobArn(this.deps.partition, job.training.trainingJobName), request: job.training };
      const handle = job.attempts.length > 0 ? await this.runner?.reattach?.(launch).catch(() => undefined) : undefined;
      if (job.run !== run) continue;
      if (!handle) {
        this.attemptEnded(job, run, { succeeded: false, failureReason: 'InternalServerError: localbatch restarted during the training job' }); // a preemption under way completes as one
        continue;
      }
      run.handle = handle;
      // Its time limit goes on from when the attempt started.
      const seconds = job.request.timeoutConfig?.attemptDurationSeconds ?? job.training.maxRuntimeSeconds;
      const startedAt = job.attempts[job.attempts.length - 1]?.startedAt ?? job.startedAt ?? this.deps.clock.now();
      if (seconds !== undefined) {
        run.timer = this.deps.clock.setTimer(Math.max(0, seconds * 1000 - (this.deps.clock.now() - startedAt)), () => {
          if (job.run !== run) return;
          run.stopReason = 'Job attempt duration exceeded timeout';
          handle.stop();
        });
      }
      void handle.finished.then((outcome) => this.attemptEnded(job, run, outcome));
    }
  }

  /** Stops scheduling (shutdown); attempts in flight are left to the runner. */
  stop(): void {
    this.stopped = true;
  }
}
