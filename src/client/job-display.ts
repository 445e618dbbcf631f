/** How job states look in a UI (icons, colours, durations, tooltips): data only, no VS Code. */
import type { JobSummary } from '@aws-sdk/client-batch';
import { isJobStatus, JOB_STATUSES, type JobStatus } from '../model/types';

export { JOB_STATUSES };

/** A codicon id and a theme colour id per status. */
export const STATUS_ICONS: Readonly<Record<JobStatus, { icon: string; color: string }>> = {
  SUBMITTED: { icon: 'circle-outline', color: 'descriptionForeground' },
  PENDING: { icon: 'clock', color: 'descriptionForeground' },
  RUNNABLE: { icon: 'debug-pause', color: 'testing.iconQueued' },
  STARTING: { icon: 'loading~spin', color: 'testing.iconQueued' },
  RUNNING: { icon: 'sync~spin', color: 'charts.blue' },
  SUCCEEDED: { icon: 'pass', color: 'testing.iconPassed' },
  FAILED: { icon: 'error', color: 'testing.iconFailed' },
};

export { isJobStatus };

/** `4s`, `2m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Run time of a started job: until it stopped, or until `now` while it runs. */
export function jobDuration(job: Pick<JobSummary, 'startedAt' | 'stoppedAt'>, now: number): number | undefined {
  if (job.startedAt === undefined) return undefined;
  return (job.stoppedAt ?? now) - job.startedAt;
}

/** One line next to the job's name: array size or index, duration, status reason. */
export function jobDescription(job: JobSummary, now: number): string {
  const parts: string[] = [];
  if (job.arrayProperties?.size !== undefined) parts.push(`array of ${job.arrayProperties.size}`);
  const d = jobDuration(job, now);
  if (d !== undefined) parts.push(formatDuration(d));
  if (job.status === 'FAILED' && job.statusReason) parts.push(job.statusReason);
  else if (job.container?.exitCode !== undefined && job.container.exitCode !== 0) parts.push(`exit ${job.container.exitCode}`);
  return parts.join(' · ');
}

export function jobTooltip(job: JobSummary, now: number): string {
  const lines = [`${job.jobName ?? job.jobId} — ${job.status ?? 'UNKNOWN'}`, `Job ID: ${job.jobId}`];
  if (job.statusReason) lines.push(`Reason: ${job.statusReason}`);
  if (job.createdAt) lines.push(`Created: ${new Date(job.createdAt).toISOString()}`);
  const d = jobDuration(job, now);
  if (d !== undefined) lines.push(`Duration: ${formatDuration(d)}`);
  if (job.container?.exitCode !== undefined) lines.push(`Exit code: ${job.container.exitCode}`);
  if (job.arrayProperties?.size !== undefined) lines.push(`Array size: ${job.arrayProperties.size}`);
  if (job.arrayProperties?.index !== undefined) lines.push(`Array index: ${job.arrayProperties.index}`);
  return lines.join('\n');
}

/** The tree item's contextValue: menus follow it (`job.RUNNING`, `job.RUNNING.array`). */
export function jobContextValue(job: JobSummary): string {
  const isArrayParent = job.arrayProperties?.size !== undefined && job.arrayProperties.index === undefined;
  return `job.${job.status ?? 'UNKNOWN'}${isArrayParent ? '.array' : ''}`;
}

/**
 * A reason the emulator cannot run containers, from its health answer; undefined when Docker is
 * fine or the answer says nothing about it. Accepts `docker: false`, `docker: "error text"` and
 * `docker: {reachable|available|ok: false, error|message}`.
 */
export function dockerProblem(healthBody: unknown): string | undefined {
  if (typeof healthBody !== 'object' || healthBody === null) return undefined;
  const docker = (healthBody as Record<string, unknown>).docker;
  if (docker === false) return 'Docker is not reachable';
  // 'not used (scripted runtime)': no containers run, so there is nothing to warn about
  if (typeof docker === 'string') return /^(ok|available|reachable|not used\b.*)$/i.test(docker) ? undefined : docker;
  if (typeof docker !== 'object' || docker === null) return undefined;
  const d = docker as Record<string, unknown>;
  const bad = d.reachable === false || d.available === false || d.ok === false;
  if (!bad) return undefined;
  const why = [d.error, d.message, d.reason].find((x) => typeof x === 'string');
  return typeof why === 'string' ? why : 'Docker is not reachable';
}
