/**
 * The Local view: the pipeline groups (Buckets, Rules and schedules, Topics: views/pipeline/), the
 * SageMaker training queues with their service jobs (serviceJobNodes.ts, re-listed whenever the
 * runs are, so on service job events too), then the emulator's runs, newest first (name, start
 * time, progress, duration, status), each with its jobs in dependency order (RUN_JOBS_PAGE at a
 * time, then "Load more…": a run of 10,000 jobs does not hand VS Code 10,000 rows at once), array
 * jobs with their children. Empty while the emulator is stopped, so the view's welcome content
 * shows. Data comes from the RunsStore (refreshed by the event stream); while a run (or a service
 * job) is active its duration ticks every second.
 */
import type { JobDetail } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import { formatDuration, jobDuration, jobTooltip } from '../../client/job-display';
import { listAllJobs } from '../../client/run-list';
import { listQueues, PageLimits } from '../../client/jobs';
import { isServiceQueue } from '../../client/service-jobs';
import { arrayProgressText, isFinal, progressText, rootFailures, runDuration, startTimeText } from '../../model/runs';
import { errorMessage } from '../errors';
import type { EmulatorManager } from '../emulator/manager';
import type { EmulatorRun, RunsStore } from '../emulator/runs';
import { ExecutionNodes, isExecutionsNode, type ExecutionsNode } from './executionNodes';
import { errorItem, jobItem, moreItem, statusIcon, type ErrorNode, type JobNode, type JobTarget, type MoreNode } from './jobNodes';
import { OBJECTS_PAGE } from './pipeline/bucketRows';
import type { PipelineNode } from './pipeline/nodes';
import { PipelineGroups } from './pipeline/pipelineGroups';
import { serviceJobChildren, serviceJobItem, trainingQueueItem, type ServiceJobNode, type TrainingQueueNode } from './serviceJobNodes';

export const RUNS_LIST_KEY = 'runs';
const TICK_MS = 1000;
/** Jobs of a run shown before its "Load more…" row (each adds as many). */
export const RUN_JOBS_PAGE = 500;

export interface RunNode { readonly kind: 'run'; readonly id: string; readonly run: EmulatorRun; readonly target: JobTarget }
export type LocalNode = RunNode | JobNode | MoreNode | ErrorNode | ExecutionsNode | PipelineNode | TrainingQueueNode | ServiceJobNode;

export function isRunNode(x: unknown): x is RunNode {
  return typeof x === 'object' && x !== null && (x as RunNode).kind === 'run' && typeof (x as RunNode).run?.id === 'string';
}

export class LocalTree implements vscode.TreeDataProvider<LocalNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LocalNode | LocalNode[] | undefined>();
  private readonly limits = new PageLimits();
  /** How many of each run's jobs show (by `run:<id>`). */
  private readonly runLimits = new PageLimits(RUN_JOBS_PAGE);
  /** How many entries each bucket folder shows (by its node id, `s3:…`). */
  private readonly objectLimits = new PageLimits(OBJECTS_PAGE);
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly ticker: NodeJS.Timeout;
  /** The parent of every element handed out by getChildren (by element id), for getParent / reveal. */
  private readonly parents = new Map<string, LocalNode>();
  /** The run nodes last handed out, by run id (ticking refreshes these very objects). */
  private runNodes = new Map<string, RunNode>();
  /** The service job rows last handed out, by training queue node id (ticking redraws the running ones). */
  private readonly serviceJobs = new Map<string, ServiceJobNode[]>();
  /** Array children per parent job id, until the next refresh of the runs. */
  private readonly children = new Map<string, Promise<LocalNode[]>>();
  private view: vscode.TreeView<LocalNode> | undefined;
  /** Buckets, Rules and schedules, Topics (views/pipeline/), above the runs. */
  readonly pipeline: PipelineGroups;
  readonly onDidChangeTreeData = this.changed.event;
  /** The state machine executions group (executionNodes.ts). */
  readonly executions: ExecutionNodes;

  constructor(private readonly emulator: EmulatorManager, private readonly runs: RunsStore) {
    this.executions = new ExecutionNodes(emulator, () => this.refresh());
    this.disposables.push(
      this.executions,
      runs.onDidChange(() => this.refresh()),
      emulator.onDidChangeState(() => this.updateDescription()),
    );
    this.pipeline = new PipelineGroups(emulator);
    this.disposables.push(this.pipeline, this.pipeline.onDidChange((n) => this.changed.fire(n)));
    this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  /** Redraws from the store's data (array children are listed again). */
  refresh(): void {
    this.children.clear();
    this.changed.fire(undefined);
  }

  /** Re-reads the runs from the emulator, then redraws. */
  async reload(): Promise<void> {
    this.limits.clear();
    this.runLimits.clear();
    this.objectLimits.clear();
    await this.runs.refresh();
  }

  loadMore(listKey: string): void {
    if (listKey === RUNS_LIST_KEY) {
      this.runs.loadMore();
      return;
    }
    (listKey.startsWith('run:') ? this.runLimits : listKey.startsWith('s3:') ? this.objectLimits : this.limits).more(listKey);
    this.refresh();
  }

  private tick(): void {
    if (!this.view?.visible) return;
    const active: LocalNode[] = [...this.runNodes.values()].filter((n) => !isFinal(n.run.status));
    // A running service job's row redraws itself (its run time); nothing is listed again.
    for (const jobs of this.serviceJobs.values()) active.push(...jobs.filter((j) => j.job.status === 'RUNNING' || j.job.status === 'STARTING'));
    if (active.length > 0) this.changed.fire(active);
  }

  /** The tree view showing this tree (for revealJob and its description). */
  setView(view: vscode.TreeView<LocalNode>): void {
    this.view = view;
    this.updateDescription();
  }

  private updateDescription(): void {
    if (!this.view) return;
    const conn = this.emulator.connection;
    this.view.description = this.emulator.state === 'running' && conn ? conn.endpoint.url : this.emulator.state === 'stopped' ? undefined : this.emulator.state;
  }

  getTreeItem(node: LocalNode): vscode.TreeItem {
    if (isExecutionsNode(node)) return this.executions.item(node);
    switch (node.kind) {
      case 'run':
        return runItem(node, Date.now());
      case 'job':
        return localJobItem(node, Date.now());
      case 'more':
        return moreItem(node);
      case 'error':
        return errorItem(node);
      case 'pipeline':
        return this.pipeline.item(node);
      case 'trainingQueue':
        return trainingQueueItem(node);
      case 'serviceJob':
        return serviceJobItem(node);
    }
  }

  getParent(node: LocalNode): LocalNode | undefined {
    return this.parents.get(node.id);
  }

  /**
   * Selects the job `jobId` (or array child `parent:index`) in the Local view under its run,
   * expanding what it must. False when it is not listed or the emulator is not running.
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
    const top = parentId ?? jobId;
    const runNode = (await this.getChildren()).find((n): n is RunNode => n.kind === 'run' && n.run.jobs.some((j) => j.jobId === top));
    if (!runNode) return undefined;
    // A job beyond the run's shown page: show pages up to it (reveal waits for this redraw).
    const index = runNode.run.jobs.findIndex((j) => j.jobId === top);
    if (this.runLimits.cover(runNode.id, index + 1)) this.changed.fire(runNode);
    const found = (await this.getChildren(runNode)).find((n): n is JobNode => n.kind === 'job' && n.id === `job:${top}`);
    if (!found || !parentId) return found;
    return (await this.getChildren(found)).find((n): n is JobNode => n.kind === 'job' && n.id === `job:${jobId}`);
  }

  async getChildren(node?: LocalNode): Promise<LocalNode[]> {
    const children = await this.listChildren(node);
    for (const c of children) {
      if (node) this.parents.set(c.id, node);
      else this.parents.delete(c.id);
    }
    return children;
  }

  private target(): JobTarget | undefined {
    const conn = this.emulator.connection;
    return conn && this.emulator.state === 'running' ? { label: 'local emulator', batch: conn.batch, logs: conn.logs } : undefined;
  }

  private async listChildren(node?: LocalNode): Promise<LocalNode[]> {
    const target = this.target();
    if (!target) {
      this.runNodes = new Map();
      this.serviceJobs.clear();
      return [];
    }
    if (isExecutionsNode(node)) return this.executions.children(node);
    if (!node) {
      const executions = await this.executions.roots();
      const training = await this.trainingQueues(target);
      for (const id of [...this.serviceJobs.keys()]) if (!training.some((t) => t.id === id)) this.serviceJobs.delete(id);
      if (this.runs.error) return [...executions, ...training, { kind: 'error', id: 'error:runs', message: `Could not list the runs: ${this.runs.error}` }];
      const nodes = this.runs.runs.map((run): RunNode => ({ kind: 'run', id: `run:${run.id}`, run, target }));
      this.runNodes = new Map(nodes.map((n) => [n.run.id, n]));
      // The pipeline groups always show, so the "no runs yet" hint is a row of its own.
      const none: ErrorNode[] = nodes.length === 0 ? [{ kind: 'error', id: 'empty:runs', empty: true, message: 'No runs yet: Run Workflow Locally or Run Job Definition Locally (a definition\'s editor title bar or the explorer\'s context menu)' }] : [];
      return [...executions, ...this.pipeline.roots(), ...training, ...nodes, ...none, ...(this.runs.more ? [{ kind: 'more' as const, id: 'more:runs', view: 'local' as const, listKey: RUNS_LIST_KEY }] : [])];
    }
    if (node.kind === 'pipeline') return this.pipeline.children(node, (key) => this.objectLimits.get(key));
    if (node.kind === 'trainingQueue') {
      const key = `svc:${node.queue.jobQueueName}`;
      const children = await serviceJobChildren(node, this.limits.get(key), key);
      this.serviceJobs.set(node.id, children.filter((c): c is ServiceJobNode => c.kind === 'serviceJob'));
      return children;
    }
    if (node.kind === 'run') {
      // The run's current jobs; `this.runNodes` holds the latest data when a tick redraws an older node.
      const run = this.runNodes.get(node.run.id)?.run ?? node.run;
      const limit = this.runLimits.get(node.id);
      const jobs: LocalNode[] = run.jobs.slice(0, limit).map((job): JobNode => ({ kind: 'job', id: `job:${job.jobId}`, job, target: node.target }));
      if (run.jobs.length <= limit) return jobs;
      return [...jobs, { kind: 'more', id: `more:${node.id}`, view: 'local', listKey: node.id, description: `${limit} of ${run.jobs.length} jobs shown` }];
    }
    if (node.kind === 'job' && node.job.arrayProperties?.size !== undefined && node.job.arrayProperties.index === undefined) {
      const key = `a:${node.job.jobId}`;
      let p = this.children.get(key);
      if (!p) {
        p = this.listArray(node, key);
        this.children.set(key, p);
      }
      return p;
    }
    return [];
  }

  /** The SAGEMAKER_TRAINING queues, each listing its service jobs (none: no rows at all). */
  private async trainingQueues(target: JobTarget): Promise<LocalNode[]> {
    try {
      const queues = (await listQueues(target.batch)).filter(isServiceQueue);
      return queues.map((queue): TrainingQueueNode => ({ kind: 'trainingQueue', id: `training:${queue.jobQueueArn ?? queue.jobQueueName}`, queue, target, view: 'local' }));
    } catch (err) {
      return [{ kind: 'error', id: 'error:training', message: `Could not list the SageMaker training queues: ${errorMessage(err)}` }];
    }
  }

  private async listArray(node: JobNode, key: string): Promise<LocalNode[]> {
    try {
      const slice = await listAllJobs(node.target.batch, { arrayJobId: node.job.jobId! }, this.limits.get(key));
      const sorted = [...slice.jobs].sort((a, b) => (a.arrayProperties?.index ?? 0) - (b.arrayProperties?.index ?? 0));
      const jobs: LocalNode[] = sorted.map((job): JobNode => ({ kind: 'job', id: `job:${job.jobId}`, job, target: node.target }));
      return slice.more ? [...jobs, { kind: 'more', id: `more:${key}`, view: 'local', listKey: key }] : jobs;
    } catch (err) {
      this.children.delete(key);
      return [{ kind: 'error', id: `error:${node.id}`, message: `Could not list: ${errorMessage(err)}` }];
    }
  }

  dispose(): void {
    clearInterval(this.ticker);
    for (const d of this.disposables) d.dispose();
  }
}

function runItem(node: RunNode, now: number): vscode.TreeItem {
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
  lines.push(`Run id: ${run.id}`);
  item.tooltip = lines.join('\n');
  item.contextValue = `run.${run.status}${run.tagged && run.source ? '.rerun' : ''}`;
  return item;
}

/** A job under its run: array progress on a parent, duration ticking, exit code and reason on failure. */
function localJobItem(node: JobNode, now: number): vscode.TreeItem {
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
