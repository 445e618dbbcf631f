/**
 * What a graph panel shows for a SageMaker training queue on the local emulator: its service jobs
 * as unconnected nodes coloured by status (service-graph.ts), kept live by the emulator's "Batch
 * Service Job State Change" events (a known job's node changes in place; a new job of the queue
 * draws the graph again), and a timeline of each job's attempts (DescribeServiceJob) while shown.
 */
import type { BatchClient } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import type { JobStateChangeEvent } from '../../client/events';
import { describeServiceJob, listServiceJobs, type ServiceJobDetail } from '../../client/service-jobs';
import type { DagGraph } from '../../model/dag';
import type { DagSource, DagTab, ToWebview } from '../../model/dag-protocol';
import { graphFromServiceJobs, serviceDagStatus, timelineFromServiceJobs } from '../../model/service-graph';
import type { Ctx } from '../ctx';

/** Jobs drawn per queue (the newest). */
export const MAX_SERVICE_NODES = 200;
const THROTTLE_MS = 1000;
const SERVICE_EVENT = 'Batch Service Job State Change';

type ServiceSource = Extract<DagSource, { kind: 'serviceQueue' }>;

export class ServiceQueueSession implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private graph: DagGraph | undefined;
  private nodeOf = new Map<string, string>();
  private seq = 0;
  private timelineShown = false;
  private timelineTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  readonly expanded = new Set<string>();
  paused = false;
  readonly onAws = false;

  constructor(private readonly ctx: Ctx, readonly source: ServiceSource, private readonly post: (m: ToWebview) => void) {
    this.subscriptions.push(
      ctx.emulator.onJobEvent((e) => this.onEvent(e)),
      ctx.emulator.onDidChangeState((s) => {
        if (s === 'running') void this.refresh();
      }),
    );
  }

  batch(): BatchClient | undefined {
    return this.ctx.emulator.state === 'running' ? this.ctx.emulator.connection?.batch : undefined;
  }

  setTab(tab: DagTab): void {
    this.timelineShown = tab === 'timeline';
    if (this.timelineShown) this.timelineChanged(0);
  }

  setExpanded(): void {
    // Service jobs are never arrays: nothing to expand.
  }

  jobIdOf(nodeId: string): string | undefined {
    for (const [jobId, id] of this.nodeOf) if (id === nodeId) return jobId;
    return undefined;
  }

  /** Lists the queue's service jobs again and sends the whole graph (laid out afresh). */
  async refresh(): Promise<void> {
    const seq = ++this.seq;
    const batch = this.batch();
    if (!batch) {
      this.post({ type: 'notice', text: 'The local emulator is not running.' });
      return;
    }
    try {
      const { jobs } = await listServiceJobs(batch, this.source.jobQueue, MAX_SERVICE_NODES);
      if (seq !== this.seq) return;
      const graph = graphFromServiceJobs(jobs, `Training queue ${this.source.jobQueue}`);
      this.graph = graph;
      this.nodeOf = new Map(graph.nodes.map((n) => [n.jobId!, n.id]));
      this.post({ type: 'graph', graph, source: this.source, live: graph.nodes.length === 0 ? 'No service jobs in this queue yet' : 'Following local events' });
      this.timelineChanged(0);
    } catch (err) {
      this.post({ type: 'notice', text: `Could not list the service jobs of ${this.source.jobQueue}: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  private onEvent(e: JobStateChangeEvent): void {
    if (e['detail-type'] !== SERVICE_EVENT || !this.graph) return;
    const id = this.nodeOf.get(e.detail.jobId);
    if (id) {
      this.post({ type: 'update', updates: [{ id, status: serviceDagStatus(e.detail.status), jobId: e.detail.jobId }] });
      this.timelineChanged(THROTTLE_MS);
      return;
    }
    const queue = typeof e.detail.jobQueue === 'string' ? e.detail.jobQueue : '';
    if (queue === this.source.jobQueue || queue.endsWith(`:job-queue/${this.source.jobQueue}`)) {
      // A new job of this queue: draw the graph again (debounced: jobs are often submitted together).
      clearTimeout(this.refreshTimer);
      this.refreshTimer = setTimeout(() => void this.refresh(), 250);
    }
  }

  private timelineChanged(delayMs: number): void {
    if (!this.timelineShown) return;
    clearTimeout(this.timelineTimer);
    this.timelineTimer = setTimeout(() => void this.sendTimeline(), delayMs);
  }

  private async sendTimeline(): Promise<void> {
    const batch = this.batch();
    if (!batch || !this.timelineShown) return;
    try {
      const details: ServiceJobDetail[] = [];
      for (const jobId of this.nodeOf.keys()) {
        const d = await describeServiceJob(batch, jobId);
        if (d) details.push(d);
      }
      if (this.timelineShown) this.post({ type: 'timeline', timeline: timelineFromServiceJobs(details, Date.now()) });
    } catch (err) {
      this.post({ type: 'notice', text: `Could not read the queue's timeline: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  dispose(): void {
    this.timelineShown = false;
    clearTimeout(this.timelineTimer);
    clearTimeout(this.refreshTimer);
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
