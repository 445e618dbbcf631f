/**
 * The AWS view: the selected profile, the regions from settings, then queues → jobs by status →
 * array children, page by page (a SAGEMAKER_TRAINING queue → its service jobs, newest first). Refreshed on demand, and on an interval only while visible.
 * Failures show as a node whose children hold the whole reason and what to do (select a profile,
 * add a region, retry); when no credentials work at all the tree is empty and its welcome says so.
 */
import type { JobQueueDetail } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import { listArrayChildren, listQueues, listStatusGroups, PageLimits, type StatusGroup } from '../../client/jobs';
import { AwsClients } from '../aws/clients';
import { readSettings } from '../config';
import { wrapText } from '../../client/display-text';
import { errorMessage } from '../errors';
import { isServiceQueue } from '../../client/service-jobs';
import { errorItem, jobItem, moreItem, statusGroupItem, type ErrorNode, type JobNode, type JobTarget, type MoreNode } from './jobNodes';
import { serviceJobChildren, serviceJobItem, trainingQueueItem, type ServiceJobNode, type TrainingQueueNode } from './serviceJobNodes';

interface ProfileNode { readonly kind: 'profile'; readonly id: string; readonly profile: string | undefined; readonly endpoint: string | undefined }
interface RegionNode { readonly kind: 'region'; readonly id: string; readonly region: string }
interface QueueNode { readonly kind: 'queue'; readonly id: string; readonly region: string; readonly queue: JobQueueDetail; readonly target: JobTarget }
interface GroupNode { readonly kind: 'status'; readonly id: string; readonly listPrefix: string; readonly group: StatusGroup; readonly target: JobTarget }
/** One line of an error's full text, or an action offered under it. */
interface DetailNode { readonly kind: 'detail'; readonly id: string; readonly text: string; readonly command?: vscode.Command; readonly icon?: string }
export type AwsNode = ProfileNode | RegionNode | QueueNode | GroupNode | JobNode | MoreNode | ErrorNode | DetailNode | TrainingQueueNode | ServiceJobNode;



export class AwsTree implements vscode.TreeDataProvider<AwsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AwsNode | undefined>();
  private readonly clients = new AwsClients();
  private readonly limits = new PageLimits();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private timer: NodeJS.Timeout | undefined;
  private visible = false;
  /** Why no credentials work (the tree is then empty and the welcome view offers what to do). */
  credentialError: string | undefined;
  readonly onDidChangeTreeData = this.changed.event;

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('localbatch.aws')) return;
        this.limits.clear();
        this.schedule();
        this.refresh();
      }),
    );
  }

  /** Called with the TreeView's visibility: the interval runs only while the view is visible. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.schedule();
  }

  private schedule(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    const intervalMs = readSettings().awsRefreshIntervalMs;
    if (this.visible && intervalMs > 0) this.timer = setInterval(() => this.refresh(), intervalMs);
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  loadMore(listKey: string): void {
    this.limits.more(listKey);
    this.refresh();
  }


  getTreeItem(node: AwsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'profile': {
        const item = new vscode.TreeItem(`Profile: ${node.profile ?? 'default credential chain'}`, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('account');
        item.description = node.endpoint ? `endpoint ${node.endpoint}` : undefined;
        item.tooltip = 'Change with "LocalBatch: Select AWS Profile" (setting localbatch.aws.profile).';
        item.contextValue = 'awsProfile';
        return item;
      }
      case 'region': {
        const item = new vscode.TreeItem(node.region, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('globe');
        item.contextValue = 'awsRegion';
        return item;
      }
      case 'queue': {
        const item = new vscode.TreeItem(node.queue.jobQueueName ?? '?', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('list-ordered');
        item.description = [node.queue.state === 'DISABLED' ? 'disabled' : '', node.queue.status && node.queue.status !== 'VALID' ? node.queue.status.toLowerCase() : ''].filter(Boolean).join(' · ') || undefined;
        item.tooltip = [node.queue.jobQueueArn, node.queue.statusReason].filter(Boolean).join('\n');
        item.contextValue = 'awsQueue';
        return item;
      }
      case 'status':
        return statusGroupItem(node.id, node.group.status, node.group.jobs.length, node.group.more, false);
      case 'job':
        return jobItem(node);
      case 'trainingQueue':
        return trainingQueueItem(node);
      case 'serviceJob':
        return serviceJobItem(node);
      case 'more':
        return moreItem(node);
      case 'error': {
        const item = errorItem(node);
        if (!node.empty) item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
        return item;
      }
      case 'detail': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.tooltip = node.text;
        item.command = node.command;
        if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = node.command ? 'errorAction' : 'errorText';
        return item;
      }
    }
  }

  /** The full text of an error node, then Select AWS Profile, Add Region and Retry. */
  private errorDetails(node: ErrorNode): DetailNode[] {
    const lines = wrapText(node.message).map((text, i): DetailNode => ({ kind: 'detail', id: `${node.id}:line:${i}`, text }));
    const action = (title: string, command: string, icon: string): DetailNode => ({ kind: 'detail', id: `${node.id}:do:${command}`, text: title, icon, command: { title, command } });
    return [
      ...lines,
      action('Select AWS Profile…', 'localbatch.selectAwsProfile', 'account'),
      action('Add Region…', 'localbatch.addAwsRegion', 'add'),
      action('Retry', 'localbatch.retry', 'refresh'),
    ];
  }

  /** Resolves the credentials the view would use; the reason when none work. */
  private async checkCredentials(target: JobTarget): Promise<string | undefined> {
    try {
      await target.batch.config.credentials();
      return undefined;
    } catch (err) {
      return errorMessage(err);
    }
  }

  async getChildren(node?: AwsNode): Promise<AwsNode[]> {
    const settings = readSettings();
    try {
      if (!node) {
        const first = settings.awsRegions[0];
        this.credentialError = first ? await this.checkCredentials(this.clients.target(settings, first)) : undefined;
        void vscode.commands.executeCommand('setContext', 'localbatch.awsState', this.credentialError ? 'noCredentials' : 'ok');
        if (this.credentialError) return [];
        const profile: ProfileNode = { kind: 'profile', id: 'aws:profile', profile: settings.awsProfile, endpoint: settings.awsEndpointUrl };
        return [profile, ...settings.awsRegions.map((region): RegionNode => ({ kind: 'region', id: `aws:region:${region}`, region }))];
      }
      if (node.kind === 'error') return node.empty ? [] : this.errorDetails(node);
      if (node.kind === 'region') {
        const target = this.clients.target(settings, node.region);
        const queues = await listQueues(target.batch);
        if (queues.length === 0) return [{ kind: 'error', id: `aws:empty:${node.region}`, message: `No job queues in ${node.region}`, empty: true }];
        return queues.map((queue): QueueNode | TrainingQueueNode => {
          const id = `aws:${node.region}:queue:${queue.jobQueueArn ?? queue.jobQueueName}`;
          return isServiceQueue(queue) ? { kind: 'trainingQueue', id, queue, target, view: 'aws' } : { kind: 'queue', id, region: node.region, queue, target };
        });
      }
      if (node.kind === 'queue') {
        const name = node.queue.jobQueueArn ?? node.queue.jobQueueName!;
        const prefix = `aws:${node.region}:${name}`;
        const groups = await listStatusGroups(node.target.batch, { jobQueue: name }, (s) => this.limits.get(`${prefix}:${s}`));
        if (groups.length === 0) return [{ kind: 'error', id: `${prefix}:empty`, message: 'No jobs in this queue', empty: true }];
        return groups.map((group): GroupNode => ({ kind: 'status', id: `${prefix}:group:${group.status}`, listPrefix: prefix, group, target: node.target }));
      }
      if (node.kind === 'trainingQueue') {
        const key = `${node.id}:service`;
        return await serviceJobChildren(node, this.limits.get(key), key);
      }
      if (node.kind === 'status') {
        const key = `${node.listPrefix}:${node.group.status}`;
        const jobs: AwsNode[] = node.group.jobs.map((job): JobNode => ({ kind: 'job', id: `${node.listPrefix}:job:${job.jobId}`, job, target: node.target }));
        return node.group.more ? [...jobs, { kind: 'more', id: `more:${key}`, view: 'aws', listKey: key }] : jobs;
      }
      if (node.kind === 'job') {
        const key = `aws:array:${node.job.jobId}`;
        const slice = await listArrayChildren(node.target.batch, node.job.jobId!, this.limits.get(key));
        const jobs: AwsNode[] = slice.jobs.map((job): JobNode => ({ kind: 'job', id: `${node.id}:${job.jobId}`, job, target: node.target }));
        return slice.more ? [...jobs, { kind: 'more', id: `more:${key}`, view: 'aws', listKey: key }] : jobs;
      }
      return [];
    } catch (err) {
      return [{ kind: 'error', id: `aws:error:${node?.id ?? 'root'}`, message: `Could not list: ${errorMessage(err)}` }];
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.clients.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
