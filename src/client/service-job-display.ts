/**
 * How SageMaker training service jobs look in a UI (icons, colours, description, tooltip, menus):
 * data only, no VS Code. Their statuses are the container jobs' plus SCHEDULED (capacity reserved,
 * the training not started yet).
 */
import type { ServiceJobSummary } from '@aws-sdk/client-batch';
import { formatDuration, jobDuration, STATUS_ICONS } from './job-display';
import { isJobStatus } from '../model/types';

export const SERVICE_JOB_STATUSES = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'SCHEDULED', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED'] as const;
export type ServiceJobStatus = (typeof SERVICE_JOB_STATUSES)[number];

const SCHEDULED_ICON = { icon: 'debug-step-into', color: 'testing.iconQueued' } as const;

/** The fields of ListServiceJobs' summary (or DescribeServiceJob's answer) shown in a view. */
export type ServiceJobView = Pick<ServiceJobSummary, 'jobId' | 'jobName' | 'status' | 'statusReason' | 'createdAt' | 'scheduledAt' | 'startedAt' | 'stoppedAt' | 'capacityUsage' | 'shareIdentifier' | 'quotaShareName' | 'isTerminated' | 'latestAttempt'>;

/** A codicon id and a theme colour id for a service job's status; undefined for an unknown status. */
export function serviceStatusIcon(status: string | undefined): { icon: string; color: string } | undefined {
  if (status === 'SCHEDULED') return SCHEDULED_ICON;
  return isJobStatus(status) ? STATUS_ICONS[status] : undefined;
}

/** Whether TerminateServiceJob still changes the job (it has not finished). */
export function isServiceJobActive(status: string | undefined): boolean {
  return status !== 'SUCCEEDED' && status !== 'FAILED';
}

/** `2 ml.m5.large instances`, from capacityUsage (its unit is the instance type; NUM_INSTANCES from older emulators). */
function instancesText(job: ServiceJobView): string | undefined {
  const usage = job.capacityUsage?.find((c) => c.quantity !== undefined);
  if (!usage) return undefined;
  const n = usage.quantity!;
  const type = usage.capacityUnit && usage.capacityUnit !== 'NUM_INSTANCES' ? `${usage.capacityUnit} ` : '';
  return `${n} ${type}instance${n === 1 ? '' : 's'}`;
}

/** One line next to the job's name: status, run time, status reason. */
export function serviceJobDescription(job: ServiceJobView, now: number): string {
  const parts: string[] = [job.status ?? 'UNKNOWN'];
  const d = jobDuration(job, now);
  if (d !== undefined) parts.push(formatDuration(d));
  if (job.statusReason) parts.push(job.statusReason);
  return parts.join(' · ');
}

export function serviceJobTooltip(job: ServiceJobView, now: number): string {
  const lines = [`${job.jobName ?? job.jobId} — ${job.status ?? 'UNKNOWN'} (SageMaker training service job)`, `Job ID: ${job.jobId}`];
  if (job.statusReason) lines.push(`Reason: ${job.statusReason}`);
  if (job.createdAt) lines.push(`Created: ${new Date(job.createdAt).toISOString()}`);
  if (job.scheduledAt) lines.push(`Scheduled: ${new Date(job.scheduledAt).toISOString()}`);
  const d = jobDuration(job, now);
  if (d !== undefined) lines.push(`Duration: ${formatDuration(d)}`);
  const instances = instancesText(job);
  if (instances) lines.push(`Capacity: ${instances}`);
  if (job.shareIdentifier) lines.push(`Share: ${job.shareIdentifier}`);
  if (job.quotaShareName) lines.push(`Quota share: ${job.quotaShareName}`);
  if (job.latestAttempt?.serviceResourceId?.value) lines.push(`Training job: ${job.latestAttempt.serviceResourceId.value}`);
  return lines.join('\n');
}

/** The tree item's contextValue: menus follow it (`serviceJob.RUNNING`). */
export function serviceJobContextValue(job: ServiceJobView): string {
  return `serviceJob.${job.status ?? 'UNKNOWN'}`;
}

/** Everything a tree row shows of a service job; `icon` a codicon id, `color` a theme colour id. */
export interface ServiceJobRow {
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  readonly icon: string;
  readonly color?: string;
  readonly contextValue: string;
}

export function serviceJobRow(job: ServiceJobView, now: number): ServiceJobRow {
  const icon = serviceStatusIcon(job.status);
  return {
    label: job.jobName ?? job.jobId ?? '?',
    description: serviceJobDescription(job, now),
    tooltip: serviceJobTooltip(job, now),
    icon: icon?.icon ?? 'question',
    ...(icon ? { color: icon.color } : {}),
    contextValue: serviceJobContextValue(job),
  };
}
