/**
 * The local emulator's runs, kept current for the Local view, the status bar and the failure
 * notifications: re-read (one listing per queue) when the emulator connects and, debounced, on its
 * job events. Announces each run that ends with failures once.
 */
import type { JobDetail } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import { RunLister } from '../../client/run-list';
import { readHistoryAfter } from '../../client/sfn-history';
import { failedByUser, isFinal, statusCounts, type Run } from '../../model/runs';
import { errorMessage } from '../errors';
import { sfnClientOf } from '../stepfunctions/client';
import { ExecutionJobs } from '../stepfunctions/executionJobs';
import { listExecutions } from '../views/executionNodes';
import type { EmulatorManager } from './manager';

export const RUNS_REFRESH_DEBOUNCE_MS = 300;
const RUNS_PAGE = 50;

export type EmulatorRun = Run<JobDetail>;

export class RunsStore implements vscode.Disposable {
  private readonly lister = new RunLister();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly failed = new vscode.EventEmitter<EmulatorRun>();
  private readonly disposables: vscode.Disposable[] = [this.changed, this.failed];
  private timer: NodeJS.Timeout | undefined;
  private limit = RUNS_PAGE;
  private loading: Promise<void> | undefined;
  private again = false;
  /** Status of each run at the last refresh (undefined before the first one after connecting). */
  private known: Map<string, string> | undefined;
  private connectedAt = 0;
  runs: readonly EmulatorRun[] = [];
  more = false;
  error: string | undefined;
  readonly onDidChange = this.changed.event;
  /** A run ended (all its jobs finished) with at least one failed job. */
  readonly onRunFailed = this.failed.event;

  /** The Step Functions executions' Batch jobs: each execution's jobs make one run. */
  private readonly executionJobs = new ExecutionJobs();

  constructor(private readonly emulator: EmulatorManager) {
    this.disposables.push(
      emulator.onDidChangeState((s) => {
        this.lister.clear();
        this.executionJobs.clear();
        this.known = undefined;
        this.connectedAt = Date.now();
        if (s !== 'running') {
          this.runs = [];
          this.more = false;
          this.error = undefined;
          this.changed.fire();
        } else this.refresh();
      }),
      emulator.onJobEvent(() => this.scheduleRefresh()),
    );
  }

  get counts(): { running: number; failed: number; active: number } {
    return statusCounts(this.runs);
  }

  find(runId: string): EmulatorRun | undefined {
    return this.runs.find((r) => r.id === runId);
  }

  loadMore(): void {
    this.limit += RUNS_PAGE;
    this.refresh();
  }

  scheduleRefresh(delayMs = RUNS_REFRESH_DEBOUNCE_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delayMs);
  }

  /** Re-reads the runs now; resolves when done (a refresh asked for meanwhile runs after it). */
  refresh(): Promise<void> {
    clearTimeout(this.timer);
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = this.load().finally(() => {
      this.loading = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    const conn = this.emulator.connection;
    if (!conn || this.emulator.state !== 'running') return;
    try {
      const sfn = sfnClientOf(conn);
      // (the runs are listed even when Step Functions cannot be read: its jobs then show one by one)
      await listExecutions(sfn).then((executions) => this.executionJobs.update((arn, afterId) => readHistoryAfter(sfn, arn, afterId), executions)).catch(() => undefined);
      if (this.emulator.connection !== conn) return;
      const list = await this.lister.list(conn.batch, this.limit, this.executionJobs);
      if (this.emulator.connection !== conn) return;
      this.runs = list.runs;
      this.more = list.more;
      this.error = undefined;
      this.announce(list.runs);
    } catch (err) {
      if (this.emulator.connection !== conn) return;
      this.error = errorMessage(err);
    }
    this.changed.fire();
  }

  private announce(runs: readonly EmulatorRun[]): void {
    const before = this.known;
    const stateOf = (r: EmulatorRun) => `${r.status} ${r.jobs.map((j) => j.jobId).join(',')}`;
    this.known = new Map(runs.map((r) => [r.id, stateOf(r)]));
    for (const run of runs) {
      // (only runs started from workspace files: a job another client submitted, such as a state
      // machine's Task whose failure its Catch handles, is shown in the view but not announced)
      if (run.status !== 'FAILED' || !run.tagged || failedByUser(run)) continue;
      const was = before?.get(run.id);
      // Ended since the last look (or was re-run and ended again), or started and ended between
      // two looks after we connected.
      const endedNow = before ? (was !== undefined ? !isFinal(was.split(' ')[0]) || was !== stateOf(run) : run.createdAt >= this.connectedAt) : false;
      if (endedNow) this.failed.fire(run);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
