/**
 * SageMaker training queues and their service jobs in the Local and AWS views: a queue with
 * jobQueueType SAGEMAKER_TRAINING lists its service jobs (every status, newest first, "Load more…"),
 * each with its status icon, status and reason; menus follow `serviceJob.<STATUS>`.
 */
import type { JobQueueDetail, ServiceJobSummary } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import { serviceJobRow } from '../../client/service-job-display';
import { listQueues } from '../../client/jobs';
import { isServiceQueue, listServiceJobs } from '../../client/service-jobs';
import { errorMessage } from '../errors';
import type { ErrorNode, JobTarget, MoreNode } from './jobNodes';

export interface TrainingQueueNode {
  readonly kind: 'trainingQueue';
  readonly id: string;
  readonly queue: JobQueueDetail;
  readonly target: JobTarget;
  /** Which tree the node is in (for its "Load more…"). */
  readonly view: 'local' | 'aws';
}

export interface ServiceJobNode {
  readonly kind: 'serviceJob';
  readonly id: string;
  readonly job: ServiceJobSummary;
  readonly target: JobTarget;
  /** The job's queue name (its graph is the queue's). */
  readonly queueName?: string;
}

export function isServiceJobNode(x: unknown): x is ServiceJobNode {
  return typeof x === 'object' && x !== null && (x as ServiceJobNode).kind === 'serviceJob' && typeof (x as ServiceJobNode).job?.jobId === 'string';
}

/** The Local view's SAGEMAKER_TRAINING queues (none: no rows at all), or an error row. */
export async function trainingQueueNodes(target: JobTarget): Promise<Array<TrainingQueueNode | ErrorNode>> {
  try {
    const queues = (await listQueues(target.batch)).filter(isServiceQueue);
    return queues.map((queue): TrainingQueueNode => ({ kind: 'trainingQueue', id: `training:${queue.jobQueueArn ?? queue.jobQueueName}`, queue, target, view: 'local' }));
  } catch (err) {
    return [{ kind: 'error', id: 'error:training', message: `Could not list the SageMaker training queues: ${errorMessage(err)}` }];
  }
}

export function trainingQueueItem(node: TrainingQueueNode): vscode.TreeItem {
  const { queue } = node;
  // Expanded locally (the list is cheap and follows events); on AWS each expansion costs API calls.
  const item = new vscode.TreeItem(queue.jobQueueName ?? '?', node.view === 'local' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon('mortar-board');
  const state = [queue.state === 'DISABLED' ? 'disabled' : '', queue.status && queue.status !== 'VALID' ? queue.status.toLowerCase() : ''].filter(Boolean);
  item.description = ['SageMaker training queue', ...state].join(' · ');
  item.tooltip = [`${queue.jobQueueName}: SageMaker training service jobs (SubmitServiceJob)`, queue.jobQueueArn, queue.statusReason].filter(Boolean).join('\n');
  item.contextValue = 'trainingQueue';
  return item;
}

export function serviceJobItem(node: ServiceJobNode, now = Date.now()): vscode.TreeItem {
  const row = serviceJobRow(node.job, now);
  const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = row.description;
  item.tooltip = row.tooltip;
  item.iconPath = new vscode.ThemeIcon(row.icon, row.color ? new vscode.ThemeColor(row.color) : undefined);
  item.contextValue = row.contextValue;
  item.command = { command: 'localbatch.showJobDetails', title: 'Show Job Details', arguments: [node] };
  return item;
}

/** A training queue's service jobs (up to `limit`), then "Load more…"; a failure as an error row. */
export async function serviceJobChildren(node: TrainingQueueNode, limit: number, listKey: string): Promise<Array<ServiceJobNode | MoreNode | ErrorNode>> {
  try {
    const slice = await listServiceJobs(node.target.batch, node.queue.jobQueueArn ?? node.queue.jobQueueName!, limit);
    if (slice.jobs.length === 0) return [{ kind: 'error', id: `${node.id}:empty`, message: 'No service jobs in this queue', empty: true }];
    const jobs = slice.jobs.map((job): ServiceJobNode => ({ kind: 'serviceJob', id: `${node.id}:svc:${job.jobId}`, job, target: node.target, queueName: node.queue.jobQueueName }));
    return slice.more ? [...jobs, { kind: 'more', id: `more:${listKey}`, view: node.view, listKey }] : jobs;
  } catch (err) {
    return [{ kind: 'error', id: `${node.id}:error`, message: `Could not list the service jobs: ${errorMessage(err)}` }];
  }
}
