/**
 * Builds DescribeJobs' JobDetail (and JobSummary) from a job record, exactly in AWS's shape.
 * Nested objects may be shared between details (and events): treat them as read-only.
 */
import type { ContainerDetail, JobDependency, JobDetail, JobSummary, KeyValuePair } from '@aws-sdk/client-batch';
import { jobCapacityUsage } from './capacityUsage';
import { addEksDetail } from './eksDetail';
import { arn, type Partition } from './arns';
import type { JobPlan, JobRecord } from './jobs';

export function jobArnOf(p: Partition, job: JobRecord): string {
  return arn(p, 'job', job.id);
}

export function jobNameOf(job: JobRecord): string {
  return job.plan.request.jobName ?? '';
}

function dependsOnOf(job: JobRecord): JobDependency[] {
  if (job.parent === undefined) return (job.plan.request.dependsOn ?? []).map((d) => ({ ...d }));
  const i = job.index!;
  const deps: JobDependency[] = job.plan.nToN.map((t) => ({ jobId: `${t.id}:${i}`, type: 'N_TO_N' }));
  if (job.plan.sequential && i > 0) deps.push({ jobId: `${job.parent.id}:${i - 1}`, type: 'SEQUENTIAL' });
  return deps;
}

function env(record: Readonly<Record<string, string>>): KeyValuePair[] {
  return Object.entries(record).map(([name, value]) => ({ name, value }));
}

/** The parts of a JobDetail every job of a plan shares, built once (details are read-only). */
interface PlanView {
  readonly container: ContainerDetail;
  readonly retryStrategy: JobDetail['retryStrategy'];
  readonly parameters: Record<string, string>;
}

const views = new WeakMap<JobPlan, PlanView>();

function viewOf(plan: JobPlan): PlanView {
  let v = views.get(plan);
  if (v) return v;
  const cp = plan.jobDefinition.containerProperties ?? {};
  const container: ContainerDetail = {
    ...structuredClone(cp),
    image: plan.image,
    command: [...plan.command],
    environment: env(plan.environment),
    resourceRequirements: [
      { type: 'VCPU', value: String(plan.vcpus) },
      { type: 'MEMORY', value: String(plan.memoryMiB) },
      ...(plan.gpus > 0 ? [{ type: 'GPU' as const, value: String(plan.gpus) }] : []),
    ],
  };
  delete container.vcpus;
  delete container.memory;
  v = {
    container,
    retryStrategy: { attempts: plan.retry.attempts, evaluateOnExit: plan.retry.evaluateOnExit.map((e) => ({ ...e })) },
    parameters: { ...plan.parameters },
  };
  views.set(plan, v);
  return v;
}

/** The mutable part of a job at one moment: enough to build its detail later, as it was then. */
export interface JobState {
  readonly status: JobRecord['status'];
  readonly statusReason?: string;
  readonly startedAt?: number;
  readonly stoppedAt?: number;
  readonly attempts: number;
  /** The running attempt's stream, if RUNNING. */
  readonly liveStream?: string;
  readonly inAttempt: boolean;
  readonly isCancelled: boolean;
  readonly isTerminated: boolean;
  readonly summary?: Record<string, number>;
  readonly summaryUpdatedAt?: number;
}

export function captureState(job: JobRecord): JobState {
  return {
    status: job.status,
    statusReason: job.statusReason,
    startedAt: job.startedAt,
    stoppedAt: job.stoppedAt,
    attempts: job.attempts?.length ?? 0,
    liveStream: job.run?.startedAt !== undefined ? job.run.logStreamName : undefined,
    inAttempt: job.run !== undefined,
    isCancelled: job.isCancelled ?? false,
    isTerminated: job.isTerminated ?? false,
    summary: job.summary ? { ...job.summary } : undefined,
    summaryUpdatedAt: job.summaryUpdatedAt,
  };
}

function containerOf(job: JobRecord, st: JobState): ContainerDetail {
  const c: ContainerDetail = { ...viewOf(job.plan).container };
  const last = st.attempts > 0 ? job.attempts![st.attempts - 1].container : undefined;
  if (st.inAttempt) {
    if (st.liveStream !== undefined) c.logStreamName = st.liveStream;
  } else if (last) {
    if (last.exitCode !== undefined) c.exitCode = last.exitCode;
    if (last.reason !== undefined) c.reason = last.reason;
    if (last.logStreamName !== undefined) c.logStreamName = last.logStreamName;
    c.taskArn = last.taskArn;
  }
  return c;
}

export function toJobDetail(p: Partition, job: JobRecord, st: JobState = captureState(job)): JobDetail {
  const plan = job.plan;
  const req = plan.request;
  const d: JobDetail = {
    jobArn: jobArnOf(p, job),
    jobName: jobNameOf(job),
    jobId: job.id,
    jobQueue: plan.queue.arn,
    status: st.status,
    shareIdentifier: req.shareIdentifier,
    schedulingPriority: plan.schedulingPriority,
    attempts: job.attempts ? job.attempts.slice(0, st.attempts) : [],
    statusReason: st.statusReason,
    createdAt: job.createdAt,
    retryStrategy: viewOf(plan).retryStrategy,
    startedAt: st.startedAt,
    stoppedAt: st.stoppedAt,
    dependsOn: dependsOnOf(job),
    jobDefinition: plan.jobDefinition.jobDefinitionArn!,
    parameters: viewOf(plan).parameters,
    timeout: plan.timeoutSeconds !== undefined ? { attemptDurationSeconds: plan.timeoutSeconds } : undefined,
    tags: plan.tags ? { ...plan.tags } : undefined,
    propagateTags: req.propagateTags ?? plan.jobDefinition.propagateTags,
    platformCapabilities: plan.jobDefinition.platformCapabilities,
    isCancelled: st.isCancelled,
    isTerminated: st.isTerminated,
  };
  if (job.children) {
    d.arrayProperties = { size: job.children.length, statusSummary: st.summary, statusSummaryLastUpdatedAt: st.summaryUpdatedAt };
  } else if (job.parent) {
    d.arrayProperties = { index: job.index };
  }
  // AWS shows an array parent's container too (image, command, ...), without attempt fields.
  d.container = job.children ? { ...viewOf(plan).container } : containerOf(job, st);
  if (plan.task && plan.jobDefinition.ecsProperties) d.ecsProperties = ecsDetail(job, st);
  if (plan.jobDefinition.eksProperties) addEksDetail(d, job, d.attempts ?? [], st.inAttempt);
  if (plan.jobDefinition.type === 'multinode') {
    d.nodeProperties = structuredClone(plan.jobDefinition.nodeProperties);
    if (d.nodeProperties) d.nodeProperties.numNodes = plan.numNodes;
  }
  for (const k of Object.keys(d) as Array<keyof JobDetail>) if (d[k] === undefined) delete d[k];
  return d;
}

export function toJobSummary(p: Partition, job: JobRecord): JobSummary {
  const s: JobSummary = {
    jobArn: jobArnOf(p, job),
    jobId: job.id,
    jobName: jobNameOf(job),
    createdAt: job.createdAt,
    // When the scheduler last placed it (RUNNABLE → STARTING); JobSummary only (JobDetail has no such field).
    scheduledAt: job.scheduledAt,
    status: job.status,
    statusReason: job.statusReason,
    startedAt: job.startedAt,
    stoppedAt: job.stoppedAt,
    jobDefinition: job.plan.jobDefinition.jobDefinitionArn,
    // 2024+ fields (capacityUsage.ts): configured capacity, share, how it ended.
    capacityUsage: jobCapacityUsage(job),
    shareIdentifier: job.plan.request.shareIdentifier,
    isCancelled: job.isCancelled ?? false,
    isTerminated: job.isTerminated ?? false,
  };
  if (job.children) s.arrayProperties = { size: job.children.length, statusSummary: job.summary && { ...job.summary }, statusSummaryLastUpdatedAt: job.summaryUpdatedAt };
  else if (job.parent) s.arrayProperties = { index: job.index };
  const last = job.attempts?.[job.attempts.length - 1]?.container;
  if (last && !job.run) s.container = { exitCode: last.exitCode, reason: last.reason };
  for (const k of Object.keys(s) as Array<keyof JobSummary>) if (s[k] === undefined) delete s[k];
  return s;
}

/**
 * One node of a multi-node job (`<jobId>#<n>`), as DescribeJobs shows it: the job's state with
 * the node's index, whether it is the main node, and its own container and log stream.
 */
export function toNodeDetail(p: Partition, job: JobRecord, node: number): JobDetail {
  const d = toJobDetail(p, job);
  const spec = job.plan.nodes?.[node]?.specBase;
  d.jobId = `${job.id}#${node}`;
  d.jobArn = `${jobArnOf(p, job)}#${node}`;
  d.nodeDetails = { nodeIndex: node, isMainNode: node === job.plan.mainNode };
  delete d.nodeProperties;
  const stream = d.container?.logStreamName;
  d.container = {
    ...d.container,
    ...(spec ? { image: spec.image, command: [...spec.command] } : {}),
    ...(stream ? { logStreamName: `${stream}-node${node}` } : {}),
  };
  return d;
}

/**
 * A multi-container job's `ecsProperties` as DescribeJobs shows them: the definition's task with
 * each container's exit code, reason and log stream from the latest finished attempt.
 */
function ecsDetail(job: JobRecord, st: JobState): JobDetail['ecsProperties'] {
  const def = structuredClone(job.plan.jobDefinition.ecsProperties!);
  const last = st.inAttempt ? undefined : job.attempts?.[st.attempts - 1]?.taskProperties?.[0];
  return {
    taskProperties: (def.taskProperties ?? []).map((t, i) => ({
      ...t,
      ...(i === 0 && last?.taskArn ? { taskArn: last.taskArn } : {}),
      containers: (t.containers ?? []).map((c) => {
        const seen = i === 0 ? last?.containers?.find((x) => x.name === c.name) : undefined;
        return { ...c, ...(seen?.exitCode !== undefined ? { exitCode: seen.exitCode } : {}), ...(seen?.reason ? { reason: seen.reason } : {}), ...(seen?.logStreamName ? { logStreamName: seen.logStreamName } : {}) };
      }),
    })),
  } as JobDetail['ecsProperties'];
}
