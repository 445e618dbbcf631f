/**
 * What DescribeServiceJob and ListServiceJobs show of a service job (tags are added by the API layer).
 */
import type { Partition } from './arns';
import type { QueueRecord } from './queues';
import { serviceJobArn, type ServiceJobRecord } from './serviceJobRecord';

/** DescribeServiceJob's answer. */
export function serviceJobDetail(p: Partition, job: ServiceJobRecord, queue: QueueRecord | undefined): Record<string, unknown> {
  const latest = job.attempts[job.attempts.length - 1];
  return dropUndefined({
    attempts: structuredClone(job.attempts),
    capacityUsage: capacityUsageOf(job),
    createdAt: job.createdAt,
    isTerminated: job.isTerminated ?? false,
    jobArn: serviceJobArn(p, job.id),
    jobId: job.id,
    jobName: job.name,
    jobQueue: queue?.arn ?? job.queueName,
    latestAttempt: latest ? { serviceResourceId: latest.serviceResourceId } : undefined,
    preemptionConfiguration: job.request.preemptionConfiguration,
    preemptionSummary: job.preemption ? { preemptedAttemptCount: job.preemption.count, recentPreemptedAttempts: structuredClone(job.preemption.recent) } : undefined,
    retryStrategy: job.request.retryStrategy,
    scheduledAt: job.scheduledAt,
    schedulingPriority: job.schedulingPriority,
    serviceRequestPayload: job.request.serviceRequestPayload,
    serviceJobType: 'SAGEMAKER_TRAINING',
    shareIdentifier: job.request.shareIdentifier,
    quotaShareName: job.request.quotaShareName,
    startedAt: job.startedAt,
    status: job.status,
    statusReason: job.statusReason,
    stoppedAt: job.stoppedAt,
    tags: job.request.tags,
    timeoutConfig: job.request.timeoutConfig,
  });
}

/** ListServiceJobs' summary of one job. */
export function serviceJobSummary(p: Partition, job: ServiceJobRecord): Record<string, unknown> {
  const latest = job.attempts[job.attempts.length - 1];
  return dropUndefined({
    latestAttempt: latest ? { serviceResourceId: latest.serviceResourceId } : undefined,
    capacityUsage: capacityUsageOf(job),
    createdAt: job.createdAt,
    jobArn: serviceJobArn(p, job.id),
    jobId: job.id,
    jobName: job.name,
    scheduledAt: job.scheduledAt,
    serviceJobType: 'SAGEMAKER_TRAINING',
    shareIdentifier: job.request.shareIdentifier,
    quotaShareName: job.request.quotaShareName,
    status: job.status,
    statusReason: job.statusReason,
    startedAt: job.startedAt,
    stoppedAt: job.stoppedAt,
    isTerminated: job.isTerminated ?? false,
  });
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** A service job's capacity: its instances, in the unit the API documents for service jobs (the instance type). */
function capacityUsageOf(job: ServiceJobRecord): Array<{ capacityUnit: string; quantity: number }> {
  return [{ capacityUnit: job.training.instanceType, quantity: job.training.instanceCount }];
}
