/**
 * The Local view's own rows: a run, a job under its run, and what the tree needs to know about
 * them (which nodes read the emulator to list their children, what a drawn row showed).
 */
import type { JobDetail } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import { formatDuration, jobDuration, jobTooltip } from '../../client/job-display';
import { arrayProgressText, isFinal, progressText, rootFailures, runDuration, startTimeText } from '../../model/runs';
import { jobItem, statusIcon, type JobNode } from './jobNodes';
import { isArrayParent } from './runSettle';
import type { LocalNode, RunNode } from './localTree';

export function runItem(node: RunNode, now: number): vscode.TreeItem {
  const { run } = node;
  const item = new vscode.TreeItem(run.name, run.status === 'FAILED' || !isFinal(run.status) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.iconPath = statusIcon(run.status);
  const duration = formatDuration(runDuration(run, now));
  // Progress first: a narrow side bar cuts the description off at its end.
  item.description = `${progressText(run.progress)} · ${duration} · ${startTimeText(run.createdAt, now)}`;
  const lines = [`${run.name} — ${run.status}`, `Started: ${new Date(run.startedAt ?? run.createdAt).toISOString()}`, `Duration: ${duration}`, `Jobs: ${progressText(run.progress)}`];
  if (run.source) lines.push(`From: ${run.source}`);
  for (const f of run.status === 'FAILED' ? rootFailures(run) : []) lines.push(`Failed: ${f.jobName} — ${failureText(f)}`);
  if (run.missing) lines.push(`Never submitted: ${run.missing} job(s) of its plan (the submission was cut short; Re-run Failed Jobs submits them)`);
  lines.push(`Run id: ${run.id}`);
  item.tooltip = lines.join('\n');
  item.contextValue = `run.${run.status}${run.tagged && run.source ? '.rerun' : ''}`;
  return item;
}

/** Whether listing `node`'s children reads the emulator (what a Refresh starts ahead for expanded nodes). */
export function readsOnList(node: LocalNode): boolean {
  switch (node.kind) {
    case 'pipeline':
      return ['group', 'bucket', 'folder', 'rule', 'schedule', 'topic'].includes(node.type);
    case 'execution':
    case 'trainingQueue':
      return true;
    case 'job':
      return isArrayParent(node);
    default:
      return false;
  }
}

/** Long lists' rows go to VS Code without their tooltip (resolveTreeItem adds it on hover). */
export function withoutTooltip(item: vscode.TreeItem): vscode.TreeItem {
  item.tooltip = undefined;
  return item;
}

/** A job under its run: array progress on a parent, duration ticking, exit code and reason on failure. */
export function localJobItem(node: JobNode, now: number): vscode.TreeItem {
  const item = jobItem(node);
  const job = node.job as JobDetail;
  const parts: string[] = [];
  const array = arrayProgressText(job);
  if (array) parts.push(array);
  const d = jobDuration(job, now);
  if (d !== undefined) parts.push(formatDuration(d));
  if (job.status === 'FAILED') parts.push(failureText(job));
  item.description = parts.join(' · ');
  item.tooltip = jobTooltip(job, now);
  return item;
}

/** `exit 1: Essential container in task exited`, or the status reason alone. */
export function failureText(job: { readonly statusReason?: string; readonly container?: { readonly exitCode?: number; readonly reason?: string } }): string {
  const exit = job.container?.exitCode;
  const reason = job.statusReason ?? job.container?.reason ?? 'FAILED';
  return exit !== undefined && exit !== 0 ? `exit ${exit}: ${reason}` : reason;
}

/** What a row shows, as one string (to tell whether a redraw would change it). */
export function rowKey(item: vscode.TreeItem): string {
  return JSON.stringify([item.label, item.description, item.tooltip, item.contextValue, item.iconPath, item.collapsibleState]);
}
