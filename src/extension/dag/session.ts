/**
 * What one DAG panel shows and how it stays live: the planned graph of a workflow file, bound to the
 * latest local run of its jobs (found with ListJobs by job name, then followed through the emulator's
 * event stream, which also picks up new runs as they are submitted); or the graph of submitted jobs
 * (upstream through `dependsOn`), followed by events locally and by polling DescribeJobs on AWS.
 */
import { ListJobsCommand, type BatchClient, type JobDetail } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import type { JobStateChangeEvent } from '../../client/events';
import { expandArray, graphFromJobs, graphFromWorkflow, type DagGraph, type DagNodeUpdate } from '../../model/dag';
import { DagLiveState } from '../../model/dag-live';
import type { DagSource, DagTab, ToWebview } from '../../model/dag-protocol';
import { applyUpdates, mergeUpdates } from '../../model/dag-updates';
import { LOCAL_QUEUE_NAME, type JobStatus, type WorkflowFile } from '../../model/types';
import type { Ctx } from '../ctx';
import { describeAll, TimelineFeed } from './timelineFeed';

export const AWS_POLL_INTERVAL_MS = 5000;
const MAX_LIVE_JOBS = 500;
const REBIND_DEBOUNCE_MS = 250;

export class DagSession implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private graph: DagGraph | undefined;
  private live: DagLiveState | undefined;
  /** Node id by the job name SubmitJob receives (workflow sources). */
  private byJobName = new Map<string, string>();
  private poll: ReturnType<typeof setInterval> | undefined;
  private liveText: string | undefined;
  readonly expanded = new Set<string>();
  private readonly timeline: TimelineFeed;
  /** While a refresh builds a graph, updates are held (merged) and folded into it: none is lost. */
  private refreshing = 0;
  private held: DagNodeUpdate[] = [];

  constructor(private readonly ctx: Ctx, readonly source: DagSource, private readonly post: (m: ToWebview) => void, private readonly awsClient?: BatchClient) {
    this.timeline = new TimelineFeed(() => this.batch(), () => this.boundJobs(), post);
    this.subscriptions.push(this.timeline);
    this.subscriptions.push(ctx.emulator.onJobEvent((e) => this.onEvent(e)));
    this.subscriptions.push(ctx.emulator.onDidChangeState((s) => {
      if (s === 'running') void this.refresh();
    }));
  }

  /** The client the session's jobs are read with. */
  batch(): BatchClient | undefined {
    if (this.source.kind === 'jobs' && this.source.target === 'aws') return this.awsClient;
    return this.ctx.emulator.state === 'running' ? this.ctx.emulator.connection?.batch : undefined;
  }

  /** Whether the session's jobs are on AWS (else on the local emulator). */
  get onAws(): boolean {
    return this.source.kind === 'jobs' && this.source.target === 'aws';
  }

  /** Which tab the webview shows; the timeline is fetched (and kept live) only while it is shown. */
  setTab(tab: DagTab): void {
    this.timeline.setShown(tab === 'timeline');
  }

  private seq = 0;

  /**
   * Builds the graph (again), binds it to the live jobs where there are some and sends it with their
   * current statuses in it (so a graph is never drawn all PLANNED and then corrected, and an update
   * sent while the webview lays out cannot be lost).
   */
  async refresh(): Promise<void> {
    const seq = ++this.seq;
    this.refreshing++;
    try {
      const base = this.source.kind === 'workflow' ? this.workflowGraph(this.source.file) : await this.jobsGraph();
      if (!base || seq !== this.seq) return;
      let graph = base;
      for (const id of this.expanded) graph = expandArray(graph, id);
      this.graph = graph;
      this.live = new DagLiveState(graph);
      this.liveText = undefined;
      const binds = this.source.kind === 'workflow' ? await this.bindLatestLocalRun() : this.bindJobs();
      const children = await this.expandedChildren();
      if (seq !== this.seq) return;
      const updates = mergeUpdates(mergeUpdates(binds, children), this.held);
      this.held = [];
      this.post({ type: 'graph', graph: applyUpdates(graph, updates), source: this.source, live: this.liveText });
      this.timeline.changed(true);
    } finally {
      this.refreshing--;
      if (this.refreshing === 0 && this.held.length > 0) {
        const held = this.held;
        this.held = [];
        this.post({ type: 'update', updates: held });
      }
    }
  }

  /** Posts updates now, or holds them while a refresh is building the graph they belong to. */
  private emit(updates: readonly DagNodeUpdate[]): void {
    if (updates.length === 0) return;
    if (this.refreshing > 0) this.held = mergeUpdates(this.held, updates);
    else this.post({ type: 'update', updates });
    this.timeline.changed();
  }

  /** Statuses of the children of expanded, bound array nodes (DescribeJobs of `parent:i`). */
  private async expandedChildren(): Promise<DagNodeUpdate[]> {
    const batch = this.batch();
    const live = this.live;
    if (!batch || !live || !this.graph) return [];
    const ids: string[] = [];
    for (const nodeId of this.expanded) {
      const jobId = live.jobIdOf(nodeId);
      const size = this.graph.nodes.filter((n) => n.parentId === nodeId).length;
      for (let i = 0; jobId && i < size; i++) ids.push(`${jobId}:${i}`);
    }
    if (ids.length === 0) return [];
    try {
      const out: DagNodeUpdate[] = [];
      for (const child of await describeAll(batch, ids)) out.push(...live.apply(child.jobId!, child.status ?? ''));
      return mergeUpdates([], out);
    } catch (err) {
      this.ctx.output.warn(`dependency graph: could not read the array children: ${String(err)}`);
      return [];
    }
  }

  /** The jobs the graph's top-level nodes are bound to, with their array sizes (for the timeline). */
  private boundJobs(): Array<{ nodeId: string; jobId: string; arraySize?: number }> {
    const live = this.live;
    if (!live || !this.graph) return [];
    const out: Array<{ nodeId: string; jobId: string; arraySize?: number }> = [];
    const sizes = new Map<string, number>();
    for (const n of this.graph.nodes) if (n.parentId !== undefined) sizes.set(n.parentId, (sizes.get(n.parentId) ?? 0) + 1);
    const tops = new Map<string, number | undefined>();
    for (const n of this.graph.nodes) {
      if (n.parentId === undefined) tops.set(n.id, n.arraySize);
      else tops.set(n.parentId, sizes.get(n.parentId));
    }
    for (const [nodeId, arraySize] of tops) {
      const jobId = live.jobIdOf(nodeId);
      if (jobId) out.push({ nodeId, jobId, ...(arraySize !== undefined ? { arraySize } : {}) });
    }
    return out;
  }

  setExpanded(nodeId: string, expanded: boolean): void {
    if (expanded) this.expanded.add(nodeId);
    else this.expanded.delete(nodeId);
    void this.refresh();
  }

  /** The job a node is bound to, if any. */
  jobIdOf(nodeId: string): string | undefined {
    const m = /^(.*)\[(\d+)\]$/.exec(nodeId);
    if (m) {
      const parent = this.live?.jobIdOf(m[1]);
      return parent ? `${parent}:${m[2]}` : undefined;
    }
    return this.live?.jobIdOf(nodeId);
  }

  private workflowGraph(file: string): DagGraph | undefined {
    const indexed = this.ctx.index.all().find((f) => f.doc.file === file);
    if (!indexed) {
      this.post({ type: 'notice', text: `${file} is not in the workspace any more.` });
      return undefined;
    }
    const value = indexed.doc.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      // (an empty file, or one that does not parse: the Problems view says why)
      this.post({ type: 'notice', text: `${file} holds no workflow yet${indexed.doc.syntaxErrors?.length ? ': it does not parse (see the Problems view)' : ''}.` });
      return undefined;
    }
    const wf = value as WorkflowFile;
    const graph = graphFromWorkflow(wf, file.split('/').pop() ?? file);
    this.byJobName = new Map(Object.entries(wf.jobs ?? {}).map(([key, job]) => [typeof job?.jobName === 'string' ? job.jobName : key, key]));
    return graph;
  }

  private queuesOf(): string[] {
    const indexed = this.source.kind === 'workflow' ? this.ctx.index.all().find((f) => f.doc.file === (this.source as { file: string }).file) : undefined;
    const jobs = Object.values((indexed?.doc.value as WorkflowFile | undefined)?.jobs ?? {});
    return [...new Set(jobs.map((j) => (typeof j?.jobQueue === 'string' ? j.jobQueue : LOCAL_QUEUE_NAME)))];
  }

  /** Binds each workflow job to its latest job of the same name on the local emulator. */
  private async bindLatestLocalRun(): Promise<DagNodeUpdate[]> {
    const batch = this.ctx.emulator.state === 'running' ? this.ctx.emulator.connection?.batch : undefined;
    const live = this.live;
    if (!batch || !live) return [];
    const latest = new Map<string, { jobId: string; createdAt: number }>();
    try {
      for (const queue of this.queuesOf()) {
        for (const jobName of this.byJobName.keys()) {
          const res = await batch.send(new ListJobsCommand({ jobQueue: queue, filters: [{ name: 'JOB_NAME', values: [jobName] }] }));
          for (const j of res.jobSummaryList ?? []) {
            const prev = latest.get(jobName);
            if (j.jobId && (!prev || (j.createdAt ?? 0) > prev.createdAt)) latest.set(jobName, { jobId: j.jobId, createdAt: j.createdAt ?? 0 });
          }
        }
      }
      const details = await describeAll(batch, [...latest.values()].map((l) => l.jobId));
      if (live !== this.live) return [];
      const updates: DagNodeUpdate[] = [];
      for (const job of details) {
        const nodeId = this.byJobName.get(job.jobName ?? '');
        const u = nodeId && live.bind(nodeId, job.jobId!, job.status as JobStatus, summaryOf(job));
        if (u) updates.push(u);
      }
      if (updates.length > 0) this.liveText = 'Following the latest local run';
      return updates;
    } catch (err) {
      this.ctx.output.warn(`dependency graph: could not find the local run: ${String(err)}`);
      return [];
    }
  }

  private liveJobs: JobDetail[] = [];

  private async jobsGraph(): Promise<DagGraph | undefined> {
    if (this.source.kind !== 'jobs') return undefined;
    const batch = this.source.target === 'aws' ? this.awsClient : this.ctx.emulator.connection?.batch;
    if (!batch) {
      this.post({ type: 'notice', text: this.source.target === 'aws' ? 'Open the graph again from the AWS view.' : 'The local emulator is not running.' });
      return undefined;
    }
    const seen = new Map<string, JobDetail>();
    let frontier = [...this.source.jobIds];
    while (frontier.length > 0 && seen.size < MAX_LIVE_JOBS) {
      const found = await describeAll(batch, frontier.filter((id) => !seen.has(id)));
      for (const j of found) seen.set(j.jobId!, j);
      frontier = found.flatMap((j) => (j.dependsOn ?? []).map((d) => d.jobId ?? '')).filter((id) => id && !seen.has(id) && !id.includes(':'));
    }
    this.liveJobs = [...seen.values()];
    if (this.source.target === 'aws') this.startPolling(batch);
    return graphFromJobs(this.liveJobs, this.source.jobIds.length === 1 ? `${seen.get(this.source.jobIds[0])?.jobName ?? 'job'} and its dependencies` : 'Jobs');
  }

  private bindJobs(): DagNodeUpdate[] {
    if (!this.graph || !this.live) return [];
    const updates: DagNodeUpdate[] = [];
    for (const n of this.graph.nodes) {
      const job = n.jobId ? this.liveJobs.find((j) => j.jobId === n.jobId) : undefined;
      const u = job && n.parentId === undefined ? this.live.bind(n.id, job.jobId!, job.status as JobStatus, summaryOf(job)) : undefined;
      if (u) updates.push(u);
    }
    this.liveText = this.source.kind === 'jobs' && this.source.target === 'aws' ? `Polling AWS every ${AWS_POLL_INTERVAL_MS / 1000} s` : 'Following local events';
    return updates;
  }

  private startPolling(batch: BatchClient): void {
    if (this.poll) return;
    this.poll = setInterval(() => void this.pollOnce(batch), AWS_POLL_INTERVAL_MS);
  }

  /** One DescribeJobs round for AWS jobs (the panel pauses polling while hidden). */
  paused = false;
  private async pollOnce(batch: BatchClient): Promise<void> {
    if (this.paused || !this.live || !this.graph) return;
    try {
      const ids = this.graph.nodes.filter((n) => n.parentId === undefined && n.jobId).map((n) => n.jobId!);
      const updates: DagNodeUpdate[] = [];
      for (const job of await describeAll(batch, ids)) {
        const node = this.graph.nodes.find((n) => n.jobId === job.jobId);
        const u = node && this.live.bind(node.id, job.jobId!, job.status as JobStatus, summaryOf(job));
        if (u) updates.push(u);
      }
      this.emit(updates);
      this.timeline.changed();
    } catch (err) {
      this.post({ type: 'notice', text: `Polling AWS failed: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  private onEvent(e: JobStateChangeEvent): void {
    // Service jobs (serviceSession.ts) are never in a workflow's or a job's dependency graph.
    if (!this.live || !this.graph || e['detail-type'] === 'Batch Service Job State Change') return;
    const { jobId, status, jobName } = e.detail;
    let updates = this.live.apply(jobId, status);
    if (updates.length === 0 && this.source.kind === 'workflow' && status === 'SUBMITTED' && !jobId.includes(':')) {
      const nodeId = this.byJobName.get(jobName ?? '');
      if (!nodeId) {
        if (!jobName) this.scheduleRebind();
        return;
      }
      // A new run of this workflow: earlier bindings belong to the old run.
      const wasBound = this.live.jobIdOf(nodeId) !== undefined;
      const reset: DagNodeUpdate[] = [];
      if (wasBound || !this.live.bound) {
        this.live = new DagLiveState(this.graph);
        for (const n of this.graph.nodes) reset.push({ id: n.id, status: 'PLANNED', counts: {} });
      }
      const u = this.live.bind(nodeId, jobId, 'SUBMITTED');
      updates = [...reset, ...(u ? [u] : [])];
      this.post({ type: 'notice', text: 'Following the latest local run' });
      this.timeline.changed(true);
    } else if (updates.length === 0 && this.source.kind === 'workflow' && !jobId.includes(':') && (!jobName || this.byJobName.has(jobName))) {
      // A job of this workflow that is not followed, whose SUBMITTED event was missed (e.g. the run
      // started the emulator and submitted before the event stream was connected): find the run again.
      this.scheduleRebind();
    }
    this.emit(updates);
  }

  private rebindTimer: ReturnType<typeof setTimeout> | undefined;

  private scheduleRebind(): void {
    clearTimeout(this.rebindTimer);
    this.rebindTimer = setTimeout(() => void this.rebind(), REBIND_DEBOUNCE_MS);
  }

  /** Binds the graph to the latest local run again (ListJobs by job name), in place: no new layout. */
  private async rebind(): Promise<void> {
    const graph = this.graph;
    if (!graph || this.source.kind !== 'workflow') return;
    const previous = this.live;
    this.live = new DagLiveState(graph);
    const binds = await this.bindLatestLocalRun();
    if (this.graph !== graph) return;
    if (binds.length === 0) {
      this.live = previous;
      return;
    }
    const children = await this.expandedChildren();
    if (this.graph !== graph) return;
    const reset: DagNodeUpdate[] = graph.nodes.map((n) => ({ id: n.id, status: 'PLANNED', counts: {} }));
    this.emit(mergeUpdates(reset, mergeUpdates(binds, children)));
    this.timeline.changed(true);
    this.post({ type: 'notice', text: 'Following the latest local run' });
  }

  dispose(): void {
    if (this.poll) clearInterval(this.poll);
    clearTimeout(this.rebindTimer);
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}

export function summaryOf(job: JobDetail): Partial<Record<JobStatus, number>> | undefined {
  const s = job.arrayProperties?.statusSummary;
  return s ? (Object.fromEntries(Object.entries(s).filter(([, v]) => typeof v === 'number' && v > 0)) as Partial<Record<JobStatus, number>>) : undefined;
}
