/**
 * Between the service jobs and the quota-share decision (quotaScheduling.ts): the queue's state as the
 * decision reads it, and the reasons localbatch writes (AWS publishes the reason codes for a blocked
 * head, not the preemption wording; see README "Quota shares").
 */
import type { ServiceJobPreemptedAttempt, SubmitServiceJobRequest } from '@aws-sdk/client-batch';
import { invalid } from './errors';
import type { QuotaShareStored } from './quotaShares';
import type { BlockReason, Preemption, QuotaJob, ShareState, SharingStrategy } from './quotaScheduling';
import type { ServiceEnvironmentRecord } from './serviceEnvironments';
import type { ServiceJobRecord } from './serviceJobRecord';

/** How many preempted attempts `preemptionSummary.recentPreemptedAttempts` keeps (localbatch's choice). */
export const RECENT_PREEMPTIONS = 5;

export function shareStateOf(rec: QuotaShareStored): ShareState {
  const d = rec.detail;
  const limits: Record<string, number> = {};
  for (const l of d.capacityLimits ?? []) if (l.capacityUnit) limits[l.capacityUnit] = (limits[l.capacityUnit] ?? 0) + (l.maxCapacity ?? 0);
  return {
    name: rec.name,
    limits,
    strategy: (d.resourceSharingConfiguration?.strategy ?? 'RESERVE') as SharingStrategy,
    borrowLimit: d.resourceSharingConfiguration?.borrowLimit,
    inSharePreemption: d.preemptionConfiguration?.inSharePreemption === 'ENABLED',
  };
}

/** The environments' limits per instance type (NUM_INSTANCES does not apply to quota management). */
export function capacityByType(envs: readonly ServiceEnvironmentRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of envs) for (const l of e.detail.capacityLimits ?? []) if (l.capacityUnit && l.capacityUnit !== 'NUM_INSTANCES') out[l.capacityUnit] = (out[l.capacityUnit] ?? 0) + (l.maxCapacity ?? 0);
  return out;
}

/** The first environment (in the queue's order) with a limit for the instance type. */
export function environmentFor(envs: readonly ServiceEnvironmentRecord[], instanceType: string): string | undefined {
  return envs.find((e) => (e.detail.capacityLimits ?? []).some((l) => l.capacityUnit === instanceType))?.arn;
}

export function quotaJobOf(job: ServiceJobRecord): QuotaJob {
  return {
    id: job.id,
    share: job.request.quotaShareName ?? '',
    instanceType: job.training.instanceType,
    count: job.training.instanceCount,
    priority: job.schedulingPriority ?? 0,
    createdAt: job.createdAt,
    since: job.run?.scheduledAt,
    order: job.run?.order,
    stopping: job.run?.stopReason !== undefined || job.preempting !== undefined,
  };
}

/** The status reason of a preempted attempt (localbatch's wording). */
export function preemptionReason(p: Preemption): string {
  return p.kind === 'CROSS_SHARE'
    ? `Preempted: quota share ${p.byShare} reclaimed capacity that quota share ${p.victimShare} borrowed, for job ${p.by}`
    : `Preempted: higher priority job ${p.by} in quota share ${p.byShare} (in-share preemption)`;
}

/** After the preemption retries ran out (localbatch's wording). */
export function preemptionExhausted(reason: string, retries: number): string {
  return `${reason}; preemptionRetriesBeforeTermination (${retries}) exhausted`;
}

/** A blocked share head: AWS's reason code, then localbatch's explanation. */
export function blockedMessage(reason: BlockReason, share: string): string {
  return reason === 'SERVICE_ENVIRONMENT_MAX_RESOURCE'
    ? 'MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE - Service environment(s) associated with the job queue cannot meet the capacity requirement of the job.'
    : `MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED - Quota share ${share} cannot meet the capacity requirement of the job: raise its capacity limit for the instance type or let it borrow.`;
}

/** Records a preempted attempt in the job's summary (count and a sliding window of the latest). */
export function notePreemption(job: ServiceJobRecord, attempt: ServiceJobPreemptedAttempt): number {
  const p = (job.preemption ??= { count: 0, recent: [] });
  p.count += 1;
  p.recent.push(attempt);
  if (p.recent.length > RECENT_PREEMPTIONS) p.recent.splice(0, p.recent.length - RECENT_PREEMPTIONS);
  return p.count;
}

/** SubmitServiceJob on a quota-managed queue: an ENABLED quota share of the queue is required. */
export function checkQuotaShare(req: SubmitServiceJobRequest, queueName: string, shares: readonly QuotaShareStored[]): void {
  const name = req.quotaShareName;
  if (name === undefined || name === '') invalid(`Job queue ${queueName} has a quota-share scheduling policy: quotaShareName is required (one of its quota shares: ${shares.map((s) => s.name).join(', ') || 'none yet, create one with CreateQuotaShare'})`);
  const share = shares.find((s) => s.name === name);
  if (!share) invalid(`Quota share ${name} does not exist in job queue ${queueName}`);
  if (share.detail.state !== 'ENABLED') invalid(`Quota share ${name} is DISABLED and does not accept new jobs`);
  if (req.shareIdentifier !== undefined) invalid(`Job queue ${queueName} has a quota-share scheduling policy: do not specify shareIdentifier`);
  const retries = req.preemptionConfiguration?.preemptionRetriesBeforeTermination;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0)) invalid('preemptionConfiguration.preemptionRetriesBeforeTermination must be an integer of at least 0');
}
