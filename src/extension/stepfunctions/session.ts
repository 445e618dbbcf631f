/**
 * What a graph panel shows for a state machine file (or a template's state machine, read through the
 * workspace index): its states (asl-graph.ts), drawn again as the file is edited, coloured by an
 * execution on the local emulator (the one given, else the latest of the state machine named for the
 * file, or of the template's state machine's name) from its history (asl-live.ts). The history's new
 * events are read every half second while the execution runs (the emulator's event stream carries
 * Batch job events only); updates carry only the states that changed, applied in place. The
 * Timeline tab shows each time a state ran (asl-live.ts timelineFromPicture), sent with each read
 * while the tab is shown. A distributed Map's progress, which the history does not hold, comes from
 * DescribeMapRun (at most every second while it runs, once more at the end) as the Map's second line.
 */
import { ListExecutionsCommand, ListStateMachinesCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { BatchClient } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import { MapRunLines } from '../../client/map-run-lines';
import { HistoryFollower } from '../../client/sfn-history';
import { graphFromDefinition } from '../../model/asl-graph';
import { pictureFromHistory, timelineFromPicture, type ExecutionPicture } from '../../model/asl-live';
import { parseAslText, stateMachineNameFor } from '../../model/asl-text';
import type { DagGraph, DagNodeUpdate } from '../../model/dag';
import type { DagSource, DagTab, ToWebview } from '../../model/dag-protocol';
import { applyUpdates } from '../../model/dag-updates';
import type { Ctx } from '../ctx';
import { sfnClientOf } from './client';
import { templateStateMachine } from './templateMachine';

const POLL_MS = 500;
const MAP_RUN_EVERY_MS = 1000;
const LATE_LOOKS = 20;
const EDIT_DEBOUNCE_MS = 600;

type StateMachineSource = Extract<DagSource, { kind: 'stateMachine' }>;

/** Executions whose failure has been announced (one notification each, whichever graph shows them). */
const announced = new Set<string>();

export class StateMachineSession implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private graph: DagGraph | undefined;
  private picture: ExecutionPicture | undefined;
  private executionArn: string | undefined;
  /** The shown execution's history: read whole by a refresh, then only its new events by each poll. */
  private history: HistoryFollower | undefined;
  /** The map runs of the shown execution, and each Map node's progress line. */
  private mapRuns = new MapRunLines(MAP_RUN_EVERY_MS);
  /** Polls after the execution ended, for map runs not yet seen to end. */
  private lateLooks = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private editTimer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;
  private disposed = false;
  private timelineShown = false;
  /** The state machine's name on the emulator (set by readGraph). */
  private machineName: string;
  readonly expanded = new Set<string>();
  paused = false;
  readonly onAws = false;

  constructor(private readonly ctx: Ctx, readonly source: StateMachineSource, private readonly post: (m: ToWebview) => void) {
    this.executionArn = source.executionArn;
    this.machineName = source.machine ?? stateMachineNameFor(source.file);
    const isMine = (doc: vscode.TextDocument) => vscode.workspace.asRelativePath(doc.uri, false) === source.file;
    const edited = () => {
      clearTimeout(this.editTimer);
      this.editTimer = setTimeout(() => void this.refresh(), EDIT_DEBOUNCE_MS);
    };
    this.subscriptions.push(
      // An ASL file is read from its text; a template's state machine from the index, once it has read the edit.
      source.machine ? ctx.index.onDidChange(edited) : vscode.workspace.onDidChangeTextDocument((e) => {
        if (isMine(e.document)) edited();
      }),
      ctx.emulator.onDidChangeState((s) => {
        if (s === 'running') void this.refresh();
      }),
    );
  }

  /** The local Batch client (for the job actions of Task nodes). */
  batch(): BatchClient | undefined {
    return this.ctx.emulator.state === 'running' ? this.ctx.emulator.connection?.batch : undefined;
  }

  private sfn(): SFNClient | undefined {
    const conn = this.ctx.emulator.connection;
    return conn && this.ctx.emulator.state === 'running' ? sfnClientOf(conn) : undefined;
  }

  setTab(tab: DagTab): void {
    this.timelineShown = tab === 'timeline';
    this.postTimeline();
  }

  /** The execution's states on a time axis, while the Timeline tab is shown. */
  private postTimeline(): void {
    if (!this.timelineShown || !this.graph) return;
    const empty: ExecutionPicture = { updates: [], jobs: new Map(), status: 'SUCCEEDED', runs: new Map(), mapRuns: new Map() };
    this.post({ type: 'timeline', timeline: timelineFromPicture(this.graph, this.picture ?? empty, Date.now()) });
  }

  setExpanded(_nodeId: string, _expanded: boolean): void {
    // States are not arrays: nothing to expand.
  }

  /** The Batch job a Task node started last, if any. */
  jobIdOf(nodeId: string): string | undefined {
    return this.picture?.jobs.get(nodeId)?.at(-1);
  }

  /** Every Batch job a Task node started. */
  jobIdsOf(nodeId: string): readonly string[] {
    return this.picture?.jobs.get(nodeId) ?? [];
  }

  /** Reads the file and the execution again and sends the whole graph (laid out afresh). */
  async refresh(): Promise<void> {
    const seq = ++this.seq;
    const graph = await this.readGraph();
    if (!graph || seq !== this.seq || this.disposed) return;
    this.graph = graph;
    const picture = await this.readPicture(graph);
    if (seq !== this.seq || this.disposed) return;
    this.picture = picture;
    this.announce();
    if (picture) await this.lookAtMapRuns(picture);
    if (seq !== this.seq || this.disposed) return;
    this.post({ type: 'graph', graph: applyUpdates(graph, this.withProgress(picture?.updates ?? [])), source: { ...this.source, ...(this.executionArn ? { executionArn: this.executionArn } : {}) }, live: this.liveText() });
    this.postTimeline();
    this.schedule();
  }

  /**
   * An execution started from the editor that failed or timed out: says why, where the user is, once
   * (the history's ExecutionFailed row and the graph's notice hold it too).
   */
  private announce(): void {
    const arn = this.executionArn;
    const p = this.picture;
    if (!arn || !p || (p.status !== 'FAILED' && p.status !== 'TIMED_OUT') || announced.has(arn) || !this.ctx.views.local.executions.fileOf(arn)) return;
    announced.add(arn);
    void vscode.window.showWarningMessage(`LocalBatch: execution ${arn.split(':').at(-1)} of ${this.source.machine ?? this.source.file} ${p.status}: ${failureText(p.failure) || 'no error given'}`);
  }

  private liveText(): string | undefined {
    if (!this.executionArn) return this.ctx.emulator.state === 'running' ? 'No execution yet: Run State Machine to start one' : undefined;
    const name = this.executionArn.split(':').at(-1);
    const why = failureText(this.picture?.failure);
    return `Execution ${name}: ${this.picture?.status ?? 'unknown'}${why ? ` (${why})` : ''}`;
  }

  private async readGraph(): Promise<DagGraph | undefined> {
    if (this.source.machine) return this.readTemplateGraph(this.source.machine);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) return undefined;
    let text: string;
    try {
      text = (await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, this.source.file))).getText();
    } catch {
      this.post({ type: 'notice', text: `${this.source.file} is not in the workspace any more.` });
      return undefined;
    }
    const parsed = parseAslText(text);
    if ('error' in parsed) {
      this.post({ type: 'notice', text: `Cannot read ${this.source.file}: ${parsed.error}` });
      return undefined;
    }
    return graphFromDefinition(parsed.definition, this.source.file.split('/').pop() ?? this.source.file);
  }

  /** A template's state machine, as the workspace index reads it (intrinsics resolved). */
  private async readTemplateGraph(id: string): Promise<DagGraph | undefined> {
    await this.ctx.index.ready();
    const file = this.source.file;
    const entry = templateStateMachine(this.ctx.index, file, id);
    if (!entry?.definition) {
      this.post({ type: 'notice', text: entry ? `Cannot read the definition of ${id} in ${file} (see Problems).` : `${file} declares no state machine ${id} (any more).` });
      return undefined;
    }
    this.machineName = entry.name;
    return graphFromDefinition(entry.definition, id);
  }

  private async readPicture(graph: DagGraph): Promise<ExecutionPicture | undefined> {
    const sfn = this.sfn();
    if (!sfn) return undefined;
    // (read whole again: after a reconnect the emulator may be another one, its event ids anew)
    this.history = undefined;
    this.mapRuns = new MapRunLines(MAP_RUN_EVERY_MS);
    this.lateLooks = 0;
    try {
      this.executionArn ??= await this.latestExecution(sfn);
      if (!this.executionArn) return undefined;
      const history = new HistoryFollower(sfn, this.executionArn);
      await history.read();
      this.history = history;
      return pictureFromHistory(graph, history.events);
    } catch (err) {
      this.ctx.output.warn(`state machine graph: could not read the execution: ${String(err)}`);
      return undefined;
    }
  }

  /** The newest execution of the state machine (named for the file, or the template's name), if there is one. */
  private async latestExecution(sfn: SFNClient): Promise<string | undefined> {
    const name = this.machineName;
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListStateMachinesCommand({ nextToken }));
      const found = page.stateMachines?.find((m) => m.name === name);
      if (found) return (await sfn.send(new ListExecutionsCommand({ stateMachineArn: found.stateMachineArn, maxResults: 1 }))).executions?.[0]?.executionArn;
      nextToken = page.nextToken;
    } while (nextToken);
    return undefined;
  }

  /** Asks about the picture's map runs (at most every second; at once when the execution has ended). */
  private async lookAtMapRuns(picture: ExecutionPicture): Promise<void> {
    const sfn = this.sfn();
    if (sfn) await this.mapRuns.update(sfn, picture.mapRuns, picture.status !== 'RUNNING');
  }

  /** The picture's updates, each Map's with its map run's line. */
  private withProgress(updates: readonly DagNodeUpdate[]): DagNodeUpdate[] {
    return updates.map((u) => {
      const progress = this.mapRuns.line(u.id);
      return progress === undefined ? u : { ...u, progress };
    });
  }

  /** While the execution runs: read its history again and send what changed. */
  private schedule(): void {
    clearTimeout(this.timer);
    if (this.disposed || !this.executionArn) return;
    // Ended: a few more polls while a map run's end has not been seen (a failed ask, or one
    // answered while its last children were still being stopped).
    if (this.picture && this.picture.status !== 'RUNNING' && !(this.mapRuns.watching && this.lateLooks++ < LATE_LOOKS)) return;
    this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  private async poll(): Promise<void> {
    const sfn = this.sfn();
    const graph = this.graph;
    const arn = this.executionArn;
    if (!sfn || !graph || !arn || this.disposed) return;
    const seq = this.seq;
    try {
      if (!this.paused) {
        // (the same execution through the same connection: only its new events)
        const history = this.history?.executionArn === arn && this.history.sfn === sfn ? this.history : (this.history = new HistoryFollower(sfn, arn));
        await history.read();
        const next = pictureFromHistory(graph, history.events);
        if (seq !== this.seq || this.disposed) return;
        const linesBefore = new Map(next.updates.map((u) => [u.id, this.mapRuns.line(u.id)]));
        await this.lookAtMapRuns(next);
        if (seq !== this.seq || this.disposed) return;
        const before = new Map((this.picture?.updates ?? []).map((u) => [u.id, u]));
        const changed = this.withProgress(next.updates.filter((u) => before.get(u.id)?.status !== u.status || before.get(u.id)?.jobId !== u.jobId || linesBefore.get(u.id) !== this.mapRuns.line(u.id)));
        const statusChanged = next.status !== this.picture?.status;
        this.picture = next;
        this.announce();
        if (changed.length > 0) this.post({ type: 'update', updates: changed });
        this.postTimeline();
        if (statusChanged) {
          this.post({ type: 'notice', text: this.liveText() ?? '' });
          this.ctx.views.local.executions.changed();
        }
      }
    } catch (err) {
      this.ctx.output.warn(`state machine graph: could not read the execution: ${String(err)}`);
    }
    if (seq === this.seq) this.schedule();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    clearTimeout(this.editTimer);
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}

/** `error: cause` of a failure, the cause cut to 400 characters. */
export function failureText(failure: { error?: string; cause?: string } | undefined): string {
  if (!failure) return '';
  const cause = failure.cause && failure.cause.length > 400 ? `${failure.cause.slice(0, 400)}…` : failure.cause;
  return [failure.error, cause].filter(Boolean).join(': ');
}
