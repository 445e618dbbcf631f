/** How `localbatch run` shows progress: a live table on a terminal, one line per transition otherwise. */
import { formatDuration } from '../../client/job-display';
import type { TrackedJob, Transition } from './tracker';
import { isFinalJobStatus } from '../../model/types';

const STATUS_MARK: Readonly<Record<string, string>> = {
  SUBMITTED: '·', PENDING: '…', RUNNABLE: '◌', STARTING: '◔', RUNNING: '▶', SUCCEEDED: '✔', FAILED: '✖',
};

/** The live view: one row per top-level job (status, array progress, elapsed time, reason). */
export function renderTable(jobs: readonly TrackedJob[], now: number, width = 100): string[] {
  const nameWidth = Math.min(32, Math.max(4, ...jobs.map((j) => j.name.length)));
  return jobs.map((j) => {
    const elapsed = j.startedAt ? formatDuration((j.stoppedAt ?? now) - j.startedAt) : '';
    const row = `${STATUS_MARK[j.status] ?? ' '} ${j.name.padEnd(nameWidth).slice(0, nameWidth)}  ${j.status.padEnd(9)}  ${arrayProgress(j).padEnd(24)} ${elapsed.padStart(7)}`;
    const reason = j.status === 'FAILED' || j.statusReason?.startsWith('MISCONFIGURATION') ? `  ${j.statusReason ?? ''}` : '';
    return (row + reason).slice(0, Math.max(40, width - 1));
  });
}

export function arrayProgress(j: TrackedJob): string {
  if (!j.children || j.arraySize === undefined) return '';
  const c = j.children;
  const parts = [`${c.SUCCEEDED}/${j.arraySize} done`];
  if (c.RUNNING + c.STARTING > 0) parts.push(`${c.RUNNING + c.STARTING} running`);
  if (c.FAILED > 0) parts.push(`${c.FAILED} failed`);
  return parts.join(', ');
}

/** Line mode: children report only RUNNING and final states, so a 10,000-child array stays readable. */
export function transitionLine(t: Transition, now: number): string | undefined {
  const name = t.child === undefined ? t.job.name : `${t.job.name}[${t.child}]`;
  const time = new Date(now).toISOString().slice(11, 19);
  if (t.retried) {
    const r = t.retried;
    const how = [r.exitCode !== undefined ? `exit code ${r.exitCode}` : undefined, r.reason].filter(Boolean).join(': ');
    return `${time} ${name} attempt ${r.attempt} failed${how ? ` (${how})` : ''}; retrying as attempt ${r.attempt + 1} (evaluateOnExit decided RETRY, or no rule matched)`;
  }
  if (t.child !== undefined && t.status !== 'RUNNING' && !isFinalJobStatus(t.status)) return undefined;
  const reason = t.reason && (t.status === 'FAILED' || t.status === 'RUNNABLE') ? ` (${t.reason})` : '';
  const progress = t.child !== undefined ? `  [${arrayProgress(t.job)}]` : '';
  return `${time} ${name} ${t.status}${reason}${progress}`;
}

/** The end-of-run summary. */
export function summaryLines(jobs: readonly TrackedJob[], now: number): string[] {
  const ok = jobs.filter((j) => j.status === 'SUCCEEDED').length;
  // The summary stays on screen: reasons are shown whole (the end of a reason is often the fix).
  const lines = renderTable(jobs, now, Number.MAX_SAFE_INTEGER);
  const failed = jobs.length - ok;
  lines.push('', failed === 0 ? (jobs.length === 1 ? 'The job SUCCEEDED.' : `All ${jobs.length} jobs SUCCEEDED.`) : `${ok} of ${jobs.length} jobs SUCCEEDED, ${failed} did not.`);
  return lines;
}

/** The last line of a run that made no failure: how to read the jobs' output, with their ids (at most ten). */
export function outputLine(jobs: readonly TrackedJob[], stateDirOption: string): string {
  const shown = jobs.slice(0, 10);
  return `Output: localbatch logs <job id>${stateDirOption}, job ids: ${shown.map((j) => `${j.name} ${j.jobId}`).join(', ')}${jobs.length > shown.length ? ', …' : ''}`;
}

/**
 * Which setting to change when the run stops on a MISCONFIGURATION reason: locally every compute
 * environment has the memory of `capacity.memoryMiB` (AWS has no such field) and the vCPUs of its
 * maxvCpus (`capacity.vcpus` for the built-in local queue).
 */
export function stuckHints(stuck: string, capacity: { readonly vcpus?: number; readonly memoryMiB?: number }): string[] {
  const hints: string[] = [];
  if (stuck.includes('MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT')) {
    const where = capacity.memoryMiB !== undefined ? `${capacity.memoryMiB} MiB in localbatch.yaml` : "not set: this machine's memory";
    hints.push(`Locally every compute environment has the memory of capacity.memoryMiB (${where}): raise capacity.memoryMiB in localbatch.yaml or lower the job's memory.`);
  }
  if (stuck.includes('MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE')) {
    const where = capacity.vcpus !== undefined ? `${capacity.vcpus} in localbatch.yaml` : "not set: this machine's CPUs";
    hints.push(`Raise maxvCpus of the queue's compute environment (for the built-in local queue, capacity.vcpus (${where})) or lower the job's vCPUs.`);
  }
  return hints;
}

/** Why the run stops, and which setting to change. */
export function stuckLine(stuck: string, capacity: { readonly vcpus?: number; readonly memoryMiB?: number }): string {
  return `\nThe run cannot go on: ${stuck.replace(/\.$/, '')}. On AWS these jobs would wait forever; terminating them.${stuckHints(stuck, capacity).map((h) => `\n${h}`).join('')}\n`;
}
