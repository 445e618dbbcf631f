/**
 * The Local view: the pipeline groups (Buckets, Rules and schedules, Topics: views/pipeline/), the
 * SageMaker training queues with their service jobs (serviceJobNodes.ts, re-listed whenever the
 * runs are, so on service job events too), then the emulator's runs, newest first (name, start
 * time, progress, duration, status), each with its jobs in dependency order (RUN_JOBS_PAGE at a
 * time, then "Load more…": a run of 10,000 jobs does not hand VS Code 10,000 rows at once), array
 * jobs with their children. Empty while the emulator is stopped, so the view's welcome content
 * shows. Data comes from the RunsStore (refreshed by the event stream); while a run (or a service
 * job) is active its duration ticks every second.
 *
 * Redraws are as small as they can be: when the runs are re-read, only the runs that changed are
 * redrawn (runChanges.ts), the whole tree only when the list of runs changed. A Refresh (reload)
 * redraws the whole tree, but first starts, all at once, every read its expanded nodes need (the
 * runs, executions, queues, each expanded bucket's page, ...; prefetch.ts); VS Code's getChildren
 * calls that follow, one level after another, take those in-flight reads instead of making a chain
 * of round trips. Long lists' tooltips (jobs, objects) are resolved on hover, not sent with the rows.
 */
import * as vscode from 'vscode';
import { PageLimits } from '../../client/jobs';
import { isFinal } from '../../model/runs';
import type { EmulatorManager } from '../emulator/manager';
import type { EmulatorRun, RunsStore } from '../emulator/runs';
import { ExecutionNodes, isExecutionsNode, type ExecutionsNode } from './executionNodes';
import { errorItem, moreItem, type ErrorNode, type JobNode, type JobTarget, type MoreNode } from './jobNodes';
import { localJobItem, readsOnList, rowKey, runItem, withoutTooltip } from './localItems';
import { arrayChildren, runJobNodes } from './localJobs';
import { OBJECTS_PAGE } from './pipeline/bucketRows';
import type { PipelineNode } from './pipeline/nodes';
import { PipelineGroups } from './pipeline/pipelineGroups';
import { ExpandedNodes, Prefetch, ReadAhead } from './prefetch';
import { runChanges, sameRun, topRedraw, type RunsShape } from './runChanges';
import { isArrayParent, RunSettle } from './runSettle';

export { failureText } from './localItems';
import { serviceJobChildren, serviceJobItem, trainingQueueItem, trainingQueueNodes, type ServiceJobNode, type TrainingQueueNode } from './serviceJobNodes';

export const RUNS_LIST_KEY = 'runs';
const TICK_MS = 1000;
/** Jobs of a run shown before its "Load more…" row (each adds as many). */
export const RUN_JOBS_PAGE = 500;
/** How many collapsed buckets get their first page read ahead (so an expand soon after needs no round trip). */
const BUCKETS_READ_AHEAD = 8;

/** The prefetch key of the root's children. */
const ROOT_KEY = '';

/** `run` is the latest data: a run that changed is redrawn through the same node. */
export interface RunNode { readonly kind: 'run'; readonly id: string; run: EmulatorRun; target: JobTarget }
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
  /** Reads a Refresh started for the nodes VS Code will ask for next. */
  private readonly prefetch = new Prefetch();
  /** The nodes VS Code shows expanded (it asked their children, and did not collapse them since). */
  private readonly expanded = new ExpandedNodes<LocalNode>((id) => this.parents.get(id)?.id);
  /** The runs as the tree last showed them (see runsChanged). */
  private shownRuns: RunsShape = { ids: [], error: false, more: false };
  /** The SageMaker training queue rows last shown (their service jobs are listed again with the runs). */
  private trainingNodes: TrainingQueueNode[] = [];
  /** While a Refresh waits for the runs: the root's listing it started waits for them too. */
  private reloading: Promise<void> | undefined;
  /** Counts runsChanged calls (the latest one redraws). */
  private runsSeq = 0;
  /** The ids of the root's rows VS Code last asked for (undefined: none yet). */
  private shownRoot: string[] | undefined;
  /** The root's nodes by id: a run, executions group or training queue keeps its object, its data updated. */
  private top = new Map<string, LocalNode>();
  /** The ids of the children VS Code was last given, for the nodes a Refresh may leave as they are (the Buckets group). */
  private readonly listedIds = new Map<string, string>();
  /** Collapsed buckets' first pages, read when the group lists them or a Refresh finds it open. */
  private readonly bucketsAhead = new ReadAhead<LocalNode>(this.prefetch, (row) => this.listFresh(row), BUCKETS_READ_AHEAD);
  /** Each run's data and row when VS Code last drew its row. */
  private readonly drawnRuns = new Map<string, { run: EmulatorRun; row: string }>();
  /** The redraws of the runs that just ended (runSettle.ts). */
  private readonly settle = new RunSettle();
  /** Buckets, Rules and schedules, Topics (views/pipeline/), above the runs. */
  readonly pipeline: PipelineGroups;
  readonly onDidChangeTreeData = this.changed.event;
  /** The state machine executions group (executionNodes.ts). */
  readonly executions: ExecutionNodes;

  constructor(private readonly emulator: EmulatorManager, private readonly runs: RunsStore) {
    this.executions = new ExecutionNodes(emulator, () => this.refresh(), () => void runs.refresh());
    this.disposables.push(
      this.executions,
      runs.onDidChange(() => void this.runsChanged()),
      emulator.onDidChangeState(() => {
        this.updateDescription();
        this.refresh();
      }),
    );
    this.pipeline = new PipelineGroups(emulator);
    this.disposables.push(this.pipeline, this.pipeline.onDidChange((n) => this.changed.fire(n)));
    this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  /** Redraws from the store's data (array children are listed again). */
  refresh(): void {
    this.children.clear();
    this.prefetch.drop(ROOT_KEY);
    this.changed.fire(undefined);
  }

  /**
   * Re-reads everything shown: the runs, the top rows and every expanded node's children, all
   * started now. The pipeline groups (always at the top) are redrawn at once, their expanded nodes
   * taking those reads, and so are the collapsed top rows: a collapsed row redrawn only forgets its
   * children, so expanding it lists them again. Once the top rows are read, the rest is redrawn:
   * the whole tree when its rows changed, else each top row but the runs whose data and row did not
   * change (an expanded run's jobs are not sent again). Resolves when done.
   */
  async reload(): Promise<void> {
    this.limits.clear();
    this.runLimits.clear();
    this.objectLimits.clear();
    this.children.clear();
    // Nodes whose read the last Refresh started but VS Code never asked for are not shown any more.
    this.expanded.forget(this.prefetch.begin());
    const target = this.target();
    // The expanded nodes' reads go first, the deepest first (a bucket's objects before its group's
    // buckets), ahead of the runs: the emulator answers in turn, and the deepest rows show last.
    const reads = new Map<string, Promise<LocalNode[]>>();
    if (target) for (const node of this.expanded.visible().reverse()) if (readsOnList(node)) reads.set(node.id, this.prefetch.start(node.id, () => this.listFresh(node)));
    const runsDone = this.runs.refresh();
    this.reloading = runsDone;
    try {
      if (!target) {
        this.refresh();
        await runsDone;
        return;
      }
      const root = this.listRoot(target, runsDone);
      if (this.shownRoot === undefined) {
        this.prefetch.start(ROOT_KEY, () => root);
        this.changed.fire(undefined);
        await root;
        return;
      }
      // Now: the pipeline groups, and the collapsed top rows (which only forget their children).
      const visible = this.expanded.visible();
      const shown = new Set(visible.map((n) => n.id));
      const collapsed = [...this.top.values()].filter((n) => (n.kind === 'run' || n.kind === 'sfnGroup' || n.kind === 'trainingQueue') && !shown.has(n.id));
      // An expanded Buckets group is not redrawn itself (a bucket's row is just its name) unless
      // its buckets changed; its expanded buckets are, at once: VS Code then lists each bucket
      // without listing the group first (one round trip less before the objects show).
      const buckets = this.pipeline.group('buckets');
      const bucketsOpen = shown.has(buckets.id) && this.listedIds.has(buckets.id) ? reads.get(buckets.id) : undefined;
      const openBuckets = bucketsOpen ? visible.filter((n) => this.parents.get(n.id) === buckets) : [];
      this.changed.fire([...this.pipeline.roots().filter((g) => !bucketsOpen || g !== buckets), ...openBuckets, ...collapsed]);
      if (bucketsOpen) {
        void this.redrawIfListChanged(buckets, bucketsOpen);
        // The collapsed buckets' rows stay; their first pages are read ahead for an expand.
        this.bucketsAhead.start(shown);
      }
      this.redrawTop(await root);
    } finally {
      if (this.reloading === runsDone) this.reloading = undefined;
    }
  }

  /** Redraws `node` once its children (`read`) are in, if they are not the ones VS Code shows (by id); else drops the read. */
  private async redrawIfListChanged(node: LocalNode, read: Promise<LocalNode[]>): Promise<void> {
    const shownIds = this.listedIds.get(node.id);
    const ids = await read.then((c) => c.map((n) => n.id).join('\n'), () => undefined);
    if (ids !== undefined && ids === shownIds) this.prefetch.drop(node.id);
    else this.changed.fire(node);
  }

  /** The top rows read by a Refresh: redraws what reload() says. */
  private redrawTop(root: LocalNode[]): void {
    const now = Date.now();
    const redraw = topRedraw(this.shownRoot, root, (n) => {
      if (n.kind !== 'run') return false;
      const drawn = this.drawnRuns.get(n.id);
      return drawn !== undefined && sameRun(drawn.run, n.run) && drawn.row === rowKey(runItem(n, now));
    });
    if (redraw === 'all') {
      this.prefetch.start(ROOT_KEY, () => Promise.resolve(root));
      this.changed.fire(undefined);
    } else if (redraw.length > 0) this.changed.fire(redraw);
  }

  /**
   * The runs were re-read (job events, or a Refresh). A Refresh's root listing shows them already;
   * otherwise redraw the runs that changed, or everything when the list of runs did (a new run).
   */
  private async runsChanged(): Promise<void> {
    if (this.reloading) return;
    this.children.clear();
    const seq = ++this.runsSeq;
    const target = this.target();
    // Nothing listed while connected yet (the emulator just started): everything.
    if (!target || !this.shownRoot?.length) {
      this.refresh();
      return;
    }
    // Service job events come here too: a training queue made since shows with the top rows.
    const training = await trainingQueueNodes(target);
    // A later change (or a Refresh) redraws with newer runs: this one must not put older ones back.
    if (seq !== this.runsSeq || this.reloading) return;
    // Against what VS Code drew: a listing of ours (revealJob's) may have updated a node it did not draw.
    const drawn = new Map([...this.drawnRuns.values()].map((d) => [d.run.id, d.run]));
    const { root, changed } = runChanges(this.shownRuns, drawn, this.runsShape(), this.runs.runs);
    if (root || training.map((t) => t.id).join('\n') !== this.trainingNodes.map((t) => t.id).join('\n')) {
      this.refresh();
      return;
    }
    const redraw: LocalNode[] = [...this.trainingNodes];
    for (const run of changed) {
      const node = this.runNodes.get(run.id);
      if (!node) continue;
      if (isFinal(run.status)) this.settle.ended(run.id);
      node.run = run;
      redraw.push(node);
    }
    if (redraw.length > 0) this.changed.fire(redraw);
  }

  private runsShape(): RunsShape {
    return { ids: this.runs.runs.map((r) => r.id), error: this.runs.error !== undefined, more: this.runs.more };
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
    void this.executions.lookForNew();
    const active: LocalNode[] = [...this.runNodes.values()].filter((n) => !isFinal(n.run.status) || this.settle.redrawsRun(n.run.id));
    active.push(...this.settle.tick());
    // A running service job's row redraws itself (its run time); nothing is listed again.
    for (const jobs of this.serviceJobs.values()) active.push(...jobs.filter((j) => j.job.status === 'RUNNING' || j.job.status === 'STARTING'));
    if (active.length > 0) this.changed.fire(active);
  }

  /** The tree view showing this tree (for revealJob and its description). */
  setView(view: vscode.TreeView<LocalNode>): void {
    this.view = view;
    this.disposables.push(
      // VS Code may expand a node again from the children it kept, without asking for them.
      view.onDidExpandElement((e) => this.expanded.listed(e.element)),
      view.onDidCollapseElement((e) => this.expanded.collapsed(e.element.id)),
    );
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
      case 'run': {
        const item = runItem(node, Date.now());
        this.drawnRuns.set(node.id, { run: node.run, row: rowKey(item) });
        return item;
      }
      case 'job':
        return withoutTooltip(localJobItem(node, Date.now()));
      case 'more':
        return moreItem(node);
      case 'error':
        return errorItem(node);
      case 'pipeline':
        return node.type === 'object' ? withoutTooltip(this.pipeline.item(node)) : this.pipeline.item(node);
      case 'trainingQueue':
        return trainingQueueItem(node);
      case 'serviceJob':
        return serviceJobItem(node);
    }
  }

  /** The tooltips getTreeItem leaves out (a job's, an object's), when the pointer rests on the row. */
  resolveTreeItem(item: vscode.TreeItem, node: LocalNode): vscode.TreeItem {
    if (item.tooltip === undefined) {
      if (node.kind === 'job') item.tooltip = localJobItem(node, Date.now()).tooltip;
      else if (node.kind === 'pipeline' && node.type === 'object') item.tooltip = this.pipeline.item(node).tooltip;
    }
    return item;
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
    const runNode = (await this.getChildren(undefined, true)).find((n): n is RunNode => n.kind === 'run' && n.run.jobs.some((j) => j.jobId === top));
    if (!runNode) return undefined;
    // A job beyond the run's shown page: show pages up to it (reveal waits for this redraw).
    const index = runNode.run.jobs.findIndex((j) => j.jobId === top);
    if (this.runLimits.cover(runNode.id, index + 1)) this.changed.fire(runNode);
    const found = (await this.getChildren(runNode)).find((n): n is JobNode => n.kind === 'job' && n.id === `job:${top}`);
    if (!found || !parentId) return found;
    return (await this.getChildren(found)).find((n): n is JobNode => n.kind === 'job' && n.id === `job:${jobId}`);
  }

  /** `ours`: asked by this tree (revealJob), not by VS Code: what VS Code shows is unchanged. */
  async getChildren(node?: LocalNode, ours = false): Promise<LocalNode[]> {
    if (node) this.expanded.listed(node);
    const children = await this.listChildren(node);
    if (!node && !ours) {
      this.executions.shown(children);
      this.shownRoot = children.map((c) => c.id);
      this.shownRuns = { ids: children.filter((c): c is RunNode => c.kind === 'run').map((c) => c.run.id), error: children.some((c) => c.id === 'error:runs'), more: children.some((c) => c.id === 'more:runs') };
    }
    if (node?.kind === 'run' && !ours) this.settle.listed(node.run.id, children);
    if (node?.kind === 'pipeline' && node.type === 'group' && !ours) this.listedIds.set(node.id, children.map((c) => c.id).join('\n'));
    for (const c of children) {
      if (node) this.parents.set(c.id, node);
      else this.parents.delete(c.id);
    }
    if (node === this.pipeline.group('buckets') && !ours) {
      this.bucketsAhead.listed(children.filter((c) => c.kind === 'pipeline' && c.type === 'bucket'));
      this.bucketsAhead.start(new Set(this.expanded.visible().map((n) => n.id)));
    }
    return children;
  }

  private target(): JobTarget | undefined {
    const conn = this.emulator.connection;
    return conn && this.emulator.state === 'running' ? { label: 'local emulator', batch: conn.batch, logs: conn.logs } : undefined;
  }

  /** A node's children: what a Refresh started reading for it, or a read now. */
  private listChildren(node?: LocalNode): Promise<LocalNode[]> {
    return this.prefetch.take(node?.id ?? ROOT_KEY, () => this.listFresh(node));
  }

  private async listFresh(node?: LocalNode): Promise<LocalNode[]> {
    const target = this.target();
    if (!target) {
      this.runNodes = new Map();
      this.serviceJobs.clear();
      return [];
    }
    if (isExecutionsNode(node)) return this.executions.children(node);
    if (!node) return this.listRoot(target, this.reloading);

    if (node.kind === 'pipeline') return this.pipeline.children(node, (key) => this.objectLimits.get(key));
    if (node.kind === 'trainingQueue') {
      const key = `svc:${node.queue.jobQueueName}`;
      const children = await serviceJobChildren(node, this.limits.get(key), key);
      this.serviceJobs.set(node.id, children.filter((c): c is ServiceJobNode => c.kind === 'serviceJob'));
      return children;
    }
    if (node.kind === 'run') {
      // The run's current jobs; `this.runNodes` holds the latest data when a tick redraws an older node.
      return runJobNodes(this.runNodes.get(node.run.id)?.run ?? node.run, node, this.runLimits.get(node.id));
    }
    if (isArrayParent(node)) {
      const key = `a:${node.job.jobId}`;
      let p = this.children.get(key);
      if (!p) {
        p = arrayChildren(node, key, this.limits.get(key)).then((c) => {
          // a failed listing is tried again on the next ask
          if (c.some((n) => n.kind === 'error')) this.children.delete(key);
          return c;
        });
        this.children.set(key, p);
      }
      return p;
    }
    return [];
  }

  /**
   * The top rows: executions, pipeline groups, training queues, then the runs (after `runsRead`, a
   * Refresh's re-reading of them, when given). The reads run at once.
   */
  private async listRoot(target: JobTarget, runsRead?: Promise<void>): Promise<LocalNode[]> {
    const [executions, training] = await Promise.all([this.executions.roots(), trainingQueueNodes(target), runsRead]);
    for (const id of [...this.serviceJobs.keys()]) if (!training.some((t) => t.id === id)) this.serviceJobs.delete(id);
    if (this.runs.error) return this.keepTop([...executions, ...training, { kind: 'error', id: 'error:runs', message: `Could not list the runs: ${this.runs.error}` }]);
    const nodes = this.runs.runs.map((run): RunNode => ({ kind: 'run', id: `run:${run.id}`, run, target }));
    // The pipeline groups always show, so the "no runs yet" hint is a row of its own.
    const none: ErrorNode[] = nodes.length === 0 ? [{ kind: 'error', id: 'empty:runs', empty: true, message: 'No runs yet: Run Workflow Locally or Run Job Definition Locally (a definition\'s editor title bar or the explorer\'s context menu)' }] : [];
    const rows = this.keepTop([...executions, ...this.pipeline.roots(), ...training, ...nodes, ...none, ...(this.runs.more ? [{ kind: 'more' as const, id: 'more:runs', view: 'local' as const, listKey: RUNS_LIST_KEY }] : [])]);
    this.runNodes = new Map(rows.filter((n): n is RunNode => n.kind === 'run').map((n) => [n.run.id, n]));
    this.settle.keep(new Set(this.runNodes.keys()));
    this.trainingNodes = rows.filter((t): t is TrainingQueueNode => t.kind === 'trainingQueue');
    return rows;
  }

  /** The same object for the same top row (its data updated in place), so it can be redrawn alone. */
  private keepTop(rows: LocalNode[]): LocalNode[] {
    const top = new Map<string, LocalNode>();
    const kept = rows.map((n) => {
      const old = this.top.get(n.id);
      const k = old && old !== n && old.kind === n.kind && (n.kind === 'run' || n.kind === 'sfnGroup' || n.kind === 'trainingQueue') ? Object.assign(old, n) : n;
      top.set(k.id, k);
      return k;
    });
    this.top = top;
    return kept;
  }

  dispose(): void {
    clearInterval(this.ticker);
    for (const d of this.disposables) d.dispose();
  }
}
