/** Tree elements shared by the Local and AWS views: plain data, turned into TreeItems in one place. */
import type { BatchClient, JobSummary } from '@aws-sdk/client-batch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import * as vscode from 'vscode';
import { isJobStatus, jobContextValue, jobDescription, jobTooltip, STATUS_ICONS } from '../../client/job-display';
import type { JobStatus } from '../../model/types';

/** Where a job lives: the clients that act on it, and a label for messages. */
export interface JobTarget {
  readonly label: string;
  readonly batch: BatchClient;
  readonly logs: CloudWatchLogsClient;
}

export interface JobNode {
  readonly kind: 'job';
  readonly id: string;
  readonly job: JobSummary;
  readonly target: JobTarget;
}

/** The tree node of `job` (by its job id), read from `target`. */
export function jobNode(job: JobSummary, target: JobTarget): JobNode {
  return { kind: 'job', id: `job:${job.jobId}`, job, target };
}

export interface MoreNode {
  readonly kind: 'more';
  readonly id: string;
  readonly view: 'local' | 'aws';
  /** Key of the list this node extends (its limit grows by one page). */
  readonly listKey: string;
  /** e.g. "500 of 10000 jobs shown". */
  readonly description?: string;
}

export interface ErrorNode {
  readonly kind: 'error';
  readonly id: string;
  readonly message: string;
  /** Not a failure, just nothing to show (no retry action). */
  readonly empty?: boolean;
}

export function isJobNode(x: unknown): x is JobNode {
  return typeof x === 'object' && x !== null && (x as JobNode).kind === 'job' && typeof (x as JobNode).job?.jobId === 'string';
}

export function statusIcon(status: string | undefined): vscode.ThemeIcon {
  if (!isJobStatus(status)) return new vscode.ThemeIcon('question');
  const { icon, color } = STATUS_ICONS[status];
  return new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
}

export function jobItem(node: JobNode): vscode.TreeItem {
  const { job } = node;
  const now = Date.now();
  const isArrayParent = job.arrayProperties?.size !== undefined && job.arrayProperties.index === undefined;
  const label = job.arrayProperties?.index !== undefined ? `${job.jobName ?? job.jobId} [${job.arrayProperties.index}]` : (job.jobName ?? job.jobId!);
  const item = new vscode.TreeItem(label, isArrayParent ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = jobDescription(job, now);
  item.tooltip = jobTooltip(job, now);
  item.iconPath = statusIcon(job.status);
  item.contextValue = jobContextValue(job);
  return item;
}

export function statusGroupItem(id: string, status: JobStatus, count: number, more: boolean, expanded: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(status, expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = id;
  item.description = `${count}${more ? '+' : ''}`;
  item.iconPath = statusIcon(status);
  item.contextValue = `status.${status}`;
  return item;
}

export function moreItem(node: MoreNode): vscode.TreeItem {
  const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = node.description;
  item.contextValue = 'loadMore';
  item.command = { command: 'localbatch.loadMore', title: 'Load More', arguments: [node] };
  return item;
}

export function errorItem(node: ErrorNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.tooltip = node.message;
  item.iconPath = node.empty ? new vscode.ThemeIcon('info') : new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  item.contextValue = node.empty ? 'empty' : 'error';
  return item;
}
