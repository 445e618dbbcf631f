/**
 * The Local view: the emulator's status, then queues → jobs grouped by status → array children.
 * Refreshed by the emulator's event stream (debounced), never by polling.
 */
import type { JobQueueDetail } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import { listArrayChildren, listQueues, listStatusGroups, PageLimits, type StatusGroup } from '../../client/jobs';
import { errorMessage } from '../errors';
import type { EmulatorManager } from '../emulator/manager';
import { errorItem, jobItem, moreItem, statusGroupItem, type ErrorNode, type JobNode, type JobTarget, type MoreNode } from './jobNodes';

export const EVENT_REFRESH_DEBOUNCE_MS = 300;

interface EmulatorNode { readonly kind: 'emulator'; readonly id: string }
interface QueueNode { readonly kind: 'queue'; readonly id: string; readonly queue: JobQueueDetail; readonly target: JobTarget }
interface GroupNode { readonly kind: 'status'; readonly id: string; readonly queueName: string; readonly group: StatusGroup; readonly target: JobTarget }
export type LocalNode = EmulatorNode | QueueNode | GroupNode | JobNode | MoreNode | ErrorNode;

export class LocalTree implements vscode.TreeDataProvider<LocalNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LocalNode | undefined>();
  private readonly limits = new PageLimits();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private refreshTimer: NodeJS.Timeout | undefined;
  /** The parent of every element handed out by getChildren (by element id), for getParent / reveal. */
  private readonly parents = new Map<string, LocalNode>();
  private view: vscode.TreeView<LocalNode> | undefined;
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly emulator: EmulatorManager) {
    this.disposables.push(
      emulator.onDidChangeState(() => this.refresh()),
      emulator.onJobEvent(() => this.scheduleRefresh()),
    );
  }

  refresh(): void {
    clearTimeout(this.refreshTimer);
    this.changed.fire(undefined);
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.changed.fire(undefined), EVENT_REFRESH_DEBOUNCE_MS);
  }

  loadMore(listKey: string): void {
    this.limits.more(listKey);
    this.refresh();
  }


  getTreeItem(node: LocalNode): vscode.TreeItem {
    switch (node.kind) {
      case 'emulator':
        return this.emulatorItem();
      case 'queue': {
        const item = new vscode.TreeItem(node.queue.jobQueueName ?? '?', vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('list-ordered');
        item.description = node.queue.state === 'DISABLED' ? 'disabled' : node.queue.status !== 'VALID' ? node.queue.status?.toLowerCase() : undefined;
        item.tooltip = `${node.queue.jobQueueArn ?? ''}\n${node.queue.statusReason ?? ''}`.trim();
        item.contextValue = 'queue';
        return item;
      }
      case 'status':
        return statusGroupItem(node.id, node.group.status, node.group.jobs.length, node.group.more, true);
      case 'job':
        return jobItem(node);
      case 'more':
        return moreItem(node);
      case 'error':
        return errorItem(node);
    }
  }

  private emulatorItem(): vscode.TreeItem {
    const state = this.emulator.state;
    const conn = this.emulator.connection;
    const item = new vscode.TreeItem(`Emulator: ${state}`, vscode.TreeItemCollapsibleState.None);
    item.id = 'emulator';
    item.iconPath = state === 'running' ? new vscode.ThemeIcon('vm-running', new vscode.ThemeColor('testing.iconPassed'))
      : state === 'stopped' ? new vscode.ThemeIcon('vm-outline') : new vscode.ThemeIcon('loading~spin');
    item.description = conn ? conn.endpoint.url : undefined;
    item.tooltip = conn ? `${conn.endpoint.url}${conn.endpoint.version ? `\nversion ${conn.endpoint.version}` : ''}${conn.owned ? '\nstarted by this window' : '\nattached'}` : 'Start the emulator to run jobs locally.';
    item.contextValue = `emulator.${state}`;
    return item;
  }

  /** The tree view showing this tree (for revealJob). */
  setView(view: vscode.TreeView<LocalNode>): void {
    this.view = view;
  }

  getParent(node: LocalNode): LocalNode | undefined {
    return this.parents.get(node.id);
  }

  /**
   * Selects the job `jobId` in the Local view (queue → status group → job, or the array parent's
   * children for `parent:index`), expanding what it must. False when it is not listed (e.g. beyond
   * the loaded page) or the emulator is not running.
   */
  async revealJob(jobId: string, options: { focus?: boolean } = {}): Promise<boolean> {
    if (!this.view) return false;
    const node = await this.findJob(jobId);
    if (!node) return false;
    await this.view.reveal(node, { select: true, focus: options.focus ?? false, expand: false });
    return true;
  }

  private async findJob(jobId: string): Promise<JobNode | undefined> {
    const parentId = jobId.includes(':') ? jobId.slice(0, jobId.indexOf(':')) : undefined;
    const wanted = `job:${parentId ?? jobId}`;
    for (const queue of await this.getChildren()) {
      if (queue.kind !== 'queue') continue;
      for (const group of await this.getChildren(queue)) {
        if (group.kind !== 'status') continue;
        const found = (await this.getChildren(group)).find((n): n is JobNode => n.kind === 'job' && n.id === wanted);
        if (!found) continue;
        if (!parentId) return found;
        return (await this.getChildren(found)).find((n): n is JobNode => n.kind === 'job' && n.id === `job:${jobId}`);
      }
    }
    return undefined;
  }

  async getChildren(node?: LocalNode): Promise<LocalNode[]> {
    const children = await this.listChildren(node);
    for (const c of children) {
      if (node) this.parents.set(c.id, node);
      else this.parents.delete(c.id);
    }
    return children;
  }

  private async listChildren(node?: LocalNode): Promise<LocalNode[]> {
    const conn = this.emulator.connection;
    const target: JobTarget | undefined = conn && { label: 'local emulator', batch: conn.batch, logs: conn.logs };
    try {
      if (!node) {
        const root: LocalNode[] = [{ kind: 'emulator', id: 'emulator' }];
        if (!target || this.emulator.state !== 'running') return root;
        const queues = await listQueues(target.batch);
        return [...root, ...queues.map((queue): QueueNode => ({ kind: 'queue', id: `queue:${queue.jobQueueName}`, queue, target }))];
      }
      if (node.kind === 'queue') {
        const name = node.queue.jobQueueName!;
        const groups = await listStatusGroups(node.target.batch, { jobQueue: name }, (s) => this.limits.get(`q:${name}:${s}`));
        return groups.map((group): GroupNode => ({ kind: 'status', id: `group:${name}:${group.status}`, queueName: name, group, target: node.target }));
      }
      if (node.kind === 'status') {
        const key = `q:${node.queueName}:${node.group.status}`;
        const jobs: LocalNode[] = node.group.jobs.map((job): JobNode => ({ kind: 'job', id: `job:${job.jobId}`, job, target: node.target }));
        return node.group.more ? [...jobs, { kind: 'more', id: `more:${key}`, view: 'local', listKey: key }] : jobs;
      }
      if (node.kind === 'job') {
        const key = `a:${node.job.jobId}`;
        const slice = await listArrayChildren(node.target.batch, node.job.jobId!, this.limits.get(key));
        const jobs: LocalNode[] = slice.jobs.map((job): JobNode => ({ kind: 'job', id: `job:${job.jobId}`, job, target: node.target }));
        return slice.more ? [...jobs, { kind: 'more', id: `more:${key}`, view: 'local', listKey: key }] : jobs;
      }
      return [];
    } catch (err) {
      return [{ kind: 'error', id: `error:${node?.id ?? 'root'}`, message: `Could not list: ${errorMessage(err)}` }];
    }
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
  }
}
