/**
 * Feeds the graph panel's timeline tab: while it is shown, reads the followed run's jobs and their
 * array children with DescribeJobs and posts the timeline, again (at most once a second) whenever
 * their statuses change.
 */
import { DescribeJobsCommand, type BatchClient, type JobDetail } from '@aws-sdk/client-batch';
import type * as vscode from 'vscode';
import type { ToWebview } from '../../model/dag-protocol';
import { timelineFromJobs } from '../../model/dag-timeline';

/** Array children drawn per array job (DescribeJobs takes 100 ids a call). */
export const MAX_TIMELINE_CHILDREN = 500;
const THROTTLE_MS = 1000;

export interface BoundJob {
  readonly nodeId: string;
  readonly jobId: string;
  readonly arraySize?: number;
}

export async function describeAll(batch: BatchClient, ids: readonly string[]): Promise<JobDetail[]> {
  const out: JobDetail[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const res = await batch.send(new DescribeJobsCommand({ jobs: ids.slice(i, i + 100) }));
    out.push(...(res.jobs ?? []).filter((j) => j.jobId));
  }
  return out;
}

export class TimelineFeed implements vscode.Disposable {
  private shown = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = 0;
  private running = false;
  private again = false;

  constructor(
    private readonly batch: () => BatchClient | undefined,
    private readonly jobs: () => readonly BoundJob[],
    private readonly post: (m: ToWebview) => void,
  ) {}

  setShown(shown: boolean): void {
    this.shown = shown;
    if (shown) this.changed(true);
  }

  /** Something changed: send a new timeline (now when `immediate`, else within a second). */
  changed(immediate = false): void {
    if (!this.shown) return;
    clearTimeout(this.timer);
    const wait = immediate ? 0 : Math.max(0, this.last + THROTTLE_MS - Date.now());
    this.timer = setTimeout(() => void this.send(), wait);
  }

  private async send(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.last = Date.now();
    try {
      const batch = this.batch();
      const bound = this.jobs();
      const ids: string[] = [];
      for (const b of bound) {
        ids.push(b.jobId);
        for (let i = 0; i < Math.min(b.arraySize ?? 0, MAX_TIMELINE_CHILDREN); i++) ids.push(`${b.jobId}:${i}`);
      }
      const details = batch && ids.length > 0 ? await describeAll(batch, ids) : [];
      const nodeOf = new Map(bound.map((b) => [b.jobId, b.nodeId]));
      if (this.shown) this.post({ type: 'timeline', timeline: timelineFromJobs(details, (j) => nodeOf.get(j.jobId ?? ''), Date.now()) });
    } catch (err) {
      this.post({ type: 'notice', text: `Could not read the run's timeline: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.changed();
      }
    }
  }

  dispose(): void {
    this.shown = false;
    clearTimeout(this.timer);
  }
}
