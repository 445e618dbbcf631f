/** Builds DescribeJobs' JobDetail (and JobSummary) from a job record, exactly in AWS's shape. */
import type { ContainerDetail, JobDependency, JobDetail, JobSummary, KeyValuePair } from '@aws-sdk/client-batch';
import { arn, type Partition } from './arns';
import type { JobRecord } from './jobs';

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

function containerOf(job: JobRecord): ContainerDetail {
  const plan = job.plan;
  const cp = plan.jobDefinition.containerProperties ?? {};
  const last = job.attempts?.[job.attempts.length - 1]?.container;
  const c: ContainerDetail = {
    ...structuredClone(cp),
    image: plan.image,
    command: [...plan.command],
    environment: env(plan.environment),
    resourceRequirements: [
      { type: 'VCPU', value: String(plan.vcpus) },
      { type: 'MEMORY', value: String(plan.memoryMiB) },
      ...(plan.gpus > 0 ? [{ type: 'GPU' as const, value: String(plan.gpus) }] : []),
    ],
    vcpus: undefined,
    memory: undefined,
  };
  if (job.run) c.logStreamName = job.run.startedAt !== undefined ? job.run.logStreamName : undefined;
  else if (last) {
    c.exitCode = last.exitCode;
    c.reason = last.reason;
    c.logStreamName = last.logStreamName;
    c.taskArn = last.taskArn;
  }
  return c;
}

export function toJobDetail(p: Partition, job: JobRecord): JobDetail {
  const plan = job.plan;
  const req = plan.request;
  const d: JobDetail = {
    jobArn: jobArnOf(p, job),
    jobName: jobNameOf(job),
    jobId: job.id,
    jobQueue: plan.queue.arn,
    status: job.status,
    shareIdentifier: req.shareIdentifier,
    schedulingPriority: plan.schedulingPriority,
    attempts: (job.attempts ?? []).map((a) => ({ ...a, container: { ...a.container } })),
    statusReason: job.statusReason,
    createdAt: job.createdAt,
    retryStrategy: { attempts: plan.retry.attempts, evaluateOnExit: plan.retry.evaluateOnExit.map((e) => ({ ...e })) },
    startedAt: job.startedAt,
    stoppedAt: job.stoppedAt,
    dependsOn: dependsOnOf(job),
    jobDefinition: plan.jobDefinition.jobDefinitionArn!,
    parameters: { ...plan.parameters },
    timeout: plan.timeoutSeconds !== undefined ? { attemptDurationSeconds: plan.timeoutSeconds } : undefined,
    tags: plan.tags ? { ...plan.tags } : undefined,
    propagateTags: req.propagateTags ?? plan.jobDefinition.propagateTags,
    platformCapabilities: plan.jobDefinition.platformCapabilities,
    isCancelled: job.isCancelled ?? false,
    isTerminated: job.isTerminated ?? false,
  };
  if (job.children) {
    d.arrayProperties = { size: job.children.length, statusSummary: { ...job.summary! }, statusSummaryLastUpdatedAt: job.summaryUpdatedAt };
  } else if (job.parent) {
    d.arrayProperties = { index: job.index };
  }
  if (!job.children) d.container = containerOf(job);
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
    status: job.status,
    statusReason: job.statusReason,
    startedAt: job.startedAt,
    stoppedAt: job.stoppedAt,
    jobDefinition: job.plan.jobDefinition.jobDefinitionArn,
  };
  if (job.children) s.arrayProperties = { size: job.children.length };
  else if (job.parent) s.arrayProperties = { index: job.index };
  const last = job.attempts?.[job.attempts.length - 1]?.container;
  if (last && !job.run) s.container = { exitCode: last.exitCode, reason: last.reason };
  for (const k of Object.keys(s) as Array<keyof JobSummary>) if (s[k] === undefined) delete s[k];
  return s;
}
