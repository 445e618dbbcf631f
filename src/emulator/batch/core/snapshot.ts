/**
 * Persistence hook: the engine's state as plain JSON-safe data, and back. Chosen over an event log
 * because a snapshot is what a store needs after a restart and does not depend on replaying runtime
 * outcomes. Array children are stored compactly (only their own mutable fields).
 *
 * Jobs that were STARTING/RUNNING come back as they were, with their attempt (`run`), and are
 * handed to reconciliation (reconcile.ts), which re-attaches their containers or ends the attempt.
 * Without reconciliation (`reconcile: false`), such an attempt ends as AWS ends one whose host
 * disappeared (`Host EC2 (instance i-...) terminated.`) and is retried or failed by the retry strategy.
 */
import type { AttemptDetail, ComputeEnvironmentDetail, JobDefinition, JobQueueDetail, SchedulingPolicyDetail, ServiceEnvironmentDetail, SubmitJobRequest } from '@aws-sdk/client-batch';
import type { Capacity } from './computeEnvironments';
import type { ComputeEnvironments } from './computeEnvironments';
import type { JobDefinitions } from './jobDefinitions';
import { emptySummary, TERMINAL, type JobRecord, type JobStatus, type PodAttempt, type RunFields } from './jobs';

export type { RunFields };
import type { JobMachine } from './machine';
import { buildPlan } from './plan';
import type { JobQueues } from './queues';
import type { QuotaShareStored } from './quotaShares';
import type { ServiceJobStored } from './serviceJobs';
import { shouldRetry } from './retry';
import type { ConsumableSnapshot } from './consumableResources';
import { DEFAULT_LOG_GROUP } from './logs';
import { pushRunnable, type Scheduler } from './scheduler';

/** AWS's status reason for an attempt whose instance went away. */
export function hostTerminated(taskId?: string): string {
  const instance = `i-0${(taskId ?? '').replace(/[^0-9a-f]/g, '').padEnd(16, '0').slice(0, 16)}`;
  return `Host EC2 (instance ${instance}) terminated.`;
}

export interface JobFields {
  status: JobStatus;
  statusReason?: string;
  startedAt?: number;
  stoppedAt?: number;
  attempts?: AttemptDetail[];
  /** EKS jobs: each finished attempt's pod (namespace, cluster, container ids), by attempt index. */
  pods?: Record<string, PodAttempt>;
  /** When the scheduler last placed the job (RUNNABLE → STARTING). */
  scheduledAt?: number;
  attemptCount: number;
  isCancelled?: boolean;
  isTerminated?: boolean;
  cancelReason?: string;
  run?: RunFields;
}

export interface JobSnapshot extends JobFields {
  id: string;
  request: SubmitJobRequest;
  jobDefinitionArn: string;
  queueName: string;
  createdAt: number;
  children?: JobFields[];
}

export interface EngineSnapshot {
  version: 1;
  jobDefinitions: JobDefinition[];
  computeEnvironments: Array<{ detail: ComputeEnvironmentDetail; capacity: Capacity }>;
  jobQueues: JobQueueDetail[];
  /** Top-level jobs in submission order. */
  jobs: JobSnapshot[];
  /** Tag sets changed through TagResource/UntagResource, by ARN (absent in older snapshots). */
  tags?: Array<[string, Record<string, string>]>;
  schedulingPolicies?: SchedulingPolicyDetail[];
  consumableResources?: ConsumableSnapshot[];
  /** Service environments, service jobs and quota shares (absent in older snapshots; see serviceQueues.ts). */
  serviceEnvironments?: ServiceEnvironmentDetail[];
  serviceJobs?: ServiceJobStored[];
  quotaShares?: QuotaShareStored[];
}

export interface EngineParts {
  readonly definitions: JobDefinitions;
  readonly computeEnvironments: ComputeEnvironments;
  readonly queues: JobQueues;
  readonly machine: JobMachine;
  readonly scheduler: Scheduler;
}

/** A job's own fields; `copy` false shares nested objects (for a caller that serialises at once). */
export function fieldsOf(job: JobRecord, copy = true): JobFields {
  const f: JobFields = { status: job.status, attemptCount: job.attemptCount };
  if (job.statusReason !== undefined) f.statusReason = job.statusReason;
  if (job.startedAt !== undefined) f.startedAt = job.startedAt;
  if (job.stoppedAt !== undefined) f.stoppedAt = job.stoppedAt;
  if (job.attempts) f.attempts = copy ? structuredClone(job.attempts) : job.attempts;
  if (job.pods) f.pods = copy ? structuredClone(job.pods) : job.pods;
  if (job.scheduledAt !== undefined) f.scheduledAt = job.scheduledAt;
  if (job.isCancelled) f.isCancelled = true;
  if (job.isTerminated) f.isTerminated = true;
  if (job.cancelReason !== undefined) f.cancelReason = job.cancelReason;
  const run = job.run ?? job.resumeRun;
  if (run) {
    f.run = { number: run.number, taskId: run.taskId, logStreamName: run.logStreamName, ce: typeof run.ce === 'string' ? run.ce : run.ce.name };
    if (run.startedAt !== undefined) f.run.startedAt = run.startedAt;
    if (run.interrupted !== undefined) f.run.interrupted = run.interrupted;
    if (run.logGroupName !== undefined && run.logGroupName !== DEFAULT_LOG_GROUP) f.run.logGroupName = run.logGroupName;
  }
  return f;
}

/** One top-level job (and its children) as stored. */
export function snapshotOfJob(job: JobRecord, copy = true): JobSnapshot {
  return {
    ...fieldsOf(job, copy),
    id: job.id,
    request: copy ? structuredClone(job.plan.request) : job.plan.request,
    jobDefinitionArn: job.plan.jobDefinition.jobDefinitionArn!,
    queueName: job.plan.queue.name,
    createdAt: job.createdAt,
    children: job.children?.map((c) => fieldsOf(c, copy)),
  };
}

export function takeSnapshot(parts: EngineParts): EngineSnapshot {
  return {
    version: 1,
    jobDefinitions: structuredClone(parts.definitions.all()),
    computeEnvironments: parts.computeEnvironments.all().map((ce) => ({ detail: structuredClone(ce.detail), capacity: { ...ce.capacity } })),
    jobQueues: parts.queues.all().map((q) => structuredClone(q.detail)),
    jobs: [...parts.machine.jobs.values()].map((j) => snapshotOfJob(j)),
  };
}

export interface RestoreResult {
  /** STARTING/RUNNING jobs (or children) left for reconciliation. */
  readonly active: JobRecord[];
  /** What could not be restored (e.g. a job whose queue is gone), for the log. */
  readonly problems: string[];
}

/** Loads a snapshot into an engine that has no resources yet. */
export function restoreSnapshot(parts: EngineParts, snap: EngineSnapshot, options: { reconcile?: boolean } = {}): RestoreResult {
  const result: RestoreResult = { active: [], problems: [] };
  if (snap.version !== 1) throw new Error(`Unsupported snapshot version ${String(snap.version)}`);
  parts.definitions.restore(snap.jobDefinitions);
  for (const { detail, capacity } of snap.computeEnvironments) {
    const rec = parts.computeEnvironments.create(
      { computeEnvironmentName: detail.computeEnvironmentName, type: detail.type, state: detail.state, computeResources: detail.computeResources, serviceRole: detail.serviceRole, tags: detail.tags, eksConfiguration: detail.eksConfiguration },
      capacity,
    );
    parts.computeEnvironments.settle(rec);
  }
  for (const q of snap.jobQueues) {
    const rec = parts.queues.create({
      jobQueueName: q.jobQueueName,
      priority: q.priority,
      state: q.state,
      computeEnvironmentOrder: q.computeEnvironmentOrder,
      schedulingPolicyArn: q.schedulingPolicyArn,
      jobStateTimeLimitActions: q.jobStateTimeLimitActions,
      tags: q.tags,
      jobQueueType: q.jobQueueType,
      serviceEnvironmentOrder: q.serviceEnvironmentOrder,
    });
    parts.queues.settle(rec);
  }
  const restored: JobRecord[] = [];
  for (const s of snap.jobs) {
    const queue = parts.queues.find(s.queueName);
    const def = parts.definitions.byArn(s.jobDefinitionArn);
    const deps = s.request.dependsOn ?? [];
    const nToN = deps.filter((d) => d.type === 'N_TO_N').map((d) => parts.machine.get(d.jobId!));
    if (!queue || !def || nToN.some((t) => !t?.children)) {
      result.problems.push(`job ${s.id} left out: its ${!queue ? `job queue ${s.queueName}` : !def ? `job definition ${s.jobDefinitionArn}` : 'N_TO_N dependency'} is gone`);
      continue;
    }
    const sequential = deps.some((d) => d.type === 'SEQUENTIAL' && !d.jobId);
    const plan = buildPlan(s.request, queue, def, nToN as JobRecord[], sequential);
    const job: JobRecord = { id: s.id, plan, createdAt: s.createdAt, waitingOn: 0, ...copyFields(s) };
    for (const d of deps) {
      if (d.jobId && d.type !== 'N_TO_N') {
        const t = parts.machine.get(d.jobId);
        if (t && !TERMINAL.has(job.status)) parts.machine.waitFor(job, t);
      }
    }
    if (s.children) {
      job.summary = emptySummary();
      job.childrenDone = 0;
      job.childrenFailed = 0;
      const gate = job.waitingOn > 0 ? 1 : 0;
      job.children = s.children.map((f, i) => ({ id: `${s.id}:${i}`, plan, parent: job, index: i, createdAt: s.createdAt, waitingOn: 0, ...copyFields(f) }));
      job.children.forEach((c, i) => {
        job.summary![c.status]++;
        if (TERMINAL.has(c.status)) {
          job.childrenDone!++;
          if (c.status === 'FAILED') job.childrenFailed!++;
          return;
        }
        c.waitingOn += gate;
        // The parent's own dependencies are over (no gate): a failed one fails every child.
        if (gate === 0 && job.dependencyFailed) c.dependencyFailed = true;
        for (const t of nToN) parts.machine.waitFor(c, t!.children![i]);
        if (sequential && i > 0) parts.machine.waitFor(c, job.children![i - 1]);
      });
      job.summaryUpdatedAt = s.createdAt;
    }
    parts.machine.adopt(job);
    restored.push(job);
  }
  for (const job of restored) {
    // An array parent is released by its dependencies' ends (the gate); restored children are
    // re-evaluated one by one below. A parent still SUBMITTED goes through intake again.
    if (job.children && job.status === 'SUBMITTED') parts.machine.requeueIntake(job);
    for (const j of job.children ?? [job]) {
      if (options.reconcile && (j.status === 'STARTING' || j.status === 'RUNNING')) result.active.push(j);
      else resume(parts, j);
    }
  }
  parts.scheduler.recheckBlocked();
  return result;
}

function copyFields(f: JobFields): Omit<JobFields, 'attempts' | 'pods' | 'run'> & { attempts?: AttemptDetail[]; pods?: Record<string, PodAttempt>; resumeRun?: RunFields } {
  const { run, ...rest } = f;
  return { ...rest, attempts: f.attempts ? structuredClone(f.attempts) : undefined, pods: f.pods ? structuredClone(f.pods) : undefined, resumeRun: run ? { ...run } : undefined };
}

/**
 * Ends the attempt of a STARTING/RUNNING job whose containers are gone as AWS ends one whose host
 * disappeared, then retries it (per its retry strategy) or fails it.
 */
export function endVanishedAttempt(parts: Pick<EngineParts, 'machine' | 'scheduler'>, job: JobRecord, now?: number): void {
  const run = job.resumeRun;
  const reason = run?.interrupted ?? hostTerminated(run?.taskId);
  const startedAt = run?.startedAt ?? (job.status === 'RUNNING' ? job.startedAt : undefined);
  // The attempt keeps its task and (once it ran) its log stream, as an attempt that ended with the server up.
  const [, , , region, account] = job.plan.queue.arn.split(':');
  const container: AttemptDetail['container'] = run ? { taskArn: `arn:aws:ecs:${region}:${account}:task/${run.ce}/${run.taskId}`, ...(startedAt !== undefined ? { logStreamName: run.logStreamName } : {}) } : {};
  const attempt: AttemptDetail = { container, statusReason: reason };
  if (startedAt !== undefined) attempt.startedAt = startedAt;
  if (now !== undefined) attempt.stoppedAt = now;
  (job.attempts ??= []).push(attempt);
  job.resumeRun = undefined;
  if (!job.isTerminated && shouldRetry(job.plan.retry, job.attemptCount, { statusReason: reason })) {
    job.statusReason = reason;
    parts.scheduler.enqueue(job);
  } else parts.machine.fail(job, job.isTerminated ? (job.cancelReason ?? reason) : reason);
}

/** Puts a restored job back where it can make progress. */
function resume(parts: EngineParts, job: JobRecord): void {
  if (job.status === 'RUNNABLE') {
    pushRunnable(job);
  } else if (job.status === 'STARTING' || job.status === 'RUNNING') {
    endVanishedAttempt(parts, job);
  } else if (job.status === 'SUBMITTED') {
    parts.machine.requeueIntake(job);
  } else if (job.status === 'PENDING') {
    parts.machine.recheck(job);
  }
}
