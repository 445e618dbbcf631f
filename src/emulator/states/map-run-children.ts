/**
 * A distributed Map run's child workflow executions, as ListExecutions (by mapRunArn),
 * DescribeExecution, GetExecutionHistory and DescribeStateMachineForExecution show them. A running
 * child's input and history are held in memory; once it ends they go to its map run's log
 * (child-logs.ts) and only its summary stays. When the run ends, its children still running are
 * ended ABORTED with it and the log is synced. After a restart an ended run's children are read from
 * its log when first asked for; a run that was still running is run again by the replay, which
 * writes its log anew (the children get the same names: map-results.ts childName).
 */
import type { ChildLog, ChildLogs, LinePlace } from './child-logs';
import type { ChildEnd, ChildExecutionSink, ChildRedrive } from './core/types';
import type { MapRunIdentity } from './core/map-results';
import type { Clock } from '../batch/core/ports';
import type { HistoryEvent } from './service';

export type ChildStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

/** What stays in memory of a child: DescribeExecution's and ListExecutions' fields but its data. */
export interface ChildSummary {
  readonly executionArn: string;
  readonly name: string;
  readonly index: number;
  readonly mapRunArn: string;
  /** The map run's state machine (`stateMachine:<machine>/<Map state>:<id>`). */
  readonly stateMachineArn: string;
  readonly startDate: number;
  readonly itemCount: number;
  status: ChildStatus;
  stopDate?: number;
  /** A redriven map run ran it again from where it stopped: how many times, the last one's date. */
  redriveCount?: number;
  redriveDate?: number;
  /** While it runs. */
  live?: { readonly input: string; readonly history: HistoryEvent[] };
  /** Once ended: its line in the map run's log. */
  saved?: LinePlace;
}

/** A child's data, as its log line holds it (with its summary's fields). */
export interface ChildData {
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly events: HistoryEvent[];
}

interface Run {
  readonly log: ChildLog;
  readonly children: Map<string, ChildSummary>;
  /** The run has ended (its children are all in the log), or the server stops: nothing more is written. */
  closed: boolean;
}

export class MapRunChildren {
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly logs: ChildLogs,
    private readonly clock: Clock,
    /** The server's log. */
    private readonly log?: (line: string) => void,
  ) {}

  /** A map run starts (or starts again in a replay): its log is written anew. */
  begin(mapRunArn: string): void {
    this.runs.set(mapRunArn, { log: this.logs.open(mapRunArn, true), children: new Map(), closed: false });
  }

  /**
   * A map run that had ended is redriven: its children stay, and those that run again are appended
   * to its log (a child's later line replaces its earlier one when the log is read back).
   */
  resume(mapRunArn: string): void {
    const { children } = this.load(mapRunArn);
    this.runs.set(mapRunArn, { log: this.logs.open(mapRunArn, false), children, closed: false });
  }

  /** A child of a run begun here starts; undefined when the run is not being recorded. */
  start(run: MapRunIdentity, child: { readonly index: number; readonly name: string; readonly input: unknown; readonly items: number }, redriven?: ChildRedrive): ChildExecutionSink | undefined {
    const r = this.runs.get(run.mapRunArn);
    if (!r || r.closed) return undefined;
    const executionArn = `${run.executionArnPrefix}:${child.name}`;
    const summary: ChildSummary = {
      executionArn,
      name: child.name,
      index: child.index,
      mapRunArn: run.mapRunArn,
      stateMachineArn: run.stateMachineArn,
      // (a redriven child keeps its start, its input and its history, which goes on)
      startDate: redriven ? (r.children.get(executionArn)?.startDate ?? this.clock.now()) : this.clock.now(),
      itemCount: child.items,
      status: 'RUNNING',
      ...(redriven ? { redriveCount: redriven.redriveCount, redriveDate: redriven.redriveDate } : {}),
      live: { input: JSON.stringify(child.input) ?? 'null', history: redriven ? [...(redriven.events as HistoryEvent[])] : [] },
    };
    r.children.set(summary.executionArn, summary);
    let events = summary.live!.history.length;
    return {
      // (once the run ended, or the server stops, a child still running is no longer written; its
      // events are still numbered, so what its states say of them is the same)
      emit: (e) => {
        const id = ++events;
        // (a redrive's event is dated as the redrive, also when a replay after a restart writes it again)
        const timestamp = e.type === 'ExecutionRedriven' && redriven ? redriven.redriveDate : this.clock.now();
        if (summary.live && !r.closed) summary.live.history.push({ timestamp, type: e.type, id, previousEventId: e.previousEventId ?? id - 1, ...(e.details ?? {}), ...(e.exit ? { exit: e.exit } : {}) });
        return id;
      },
      ended: (end) => {
        if (summary.live && !r.closed) this.save(r, summary, end);
      },
    };
  }

  /**
   * The run ended: children still running end ABORTED with it, and its log is made durable (the
   * caller journals the run's end after this). A log that cannot be written is logged: its children
   * are kept in memory until the server stops, and after a restart those not written are missing.
   */
  finish(mapRunArn: string): void {
    const r = this.runs.get(mapRunArn);
    if (!r || r.closed) return;
    for (const c of r.children.values()) {
      if (!c.live) continue;
      const history = c.live.history;
      history.push({ timestamp: this.clock.now(), type: 'ExecutionAborted', id: history.length + 1, previousEventId: history.length, executionAbortedEventDetails: {} });
      this.save(r, c, { status: 'ABORTED', error: '', cause: '' });
    }
    r.closed = true;
    try {
      r.log.sync();
    } catch (err) {
      this.log?.(`localbatch states: the children of the map run ${mapRunArn} could not be written to its log (${err instanceof Error ? err.message : String(err)}); they are kept in memory until the server stops, and after a restart those not written are not listed`);
    }
  }

  /** The server stops: nothing more is written (a running run is written anew by the replay). */
  close(): void {
    for (const r of this.runs.values()) {
      if (r.closed) continue;
      r.closed = true;
      try {
        r.log.sync();
      } catch {
        // (the replay writes it anew)
      }
    }
  }

  /** A run's children (an ended run's read from its log when first asked for; none when it has no log). */
  list(mapRunArn: string): ChildSummary[] {
    return [...this.load(mapRunArn).children.values()];
  }

  /** A child by its ARN, in the given run. */
  get(mapRunArn: string, executionArn: string): ChildSummary | undefined {
    return this.load(mapRunArn).children.get(executionArn);
  }

  /** A child's input, output or error and history. */
  data(c: ChildSummary): ChildData {
    if (c.live) return { input: c.live.input, events: c.live.history };
    const r = this.load(c.mapRunArn);
    return JSON.parse(r.log.read(c.saved!)) as ChildData;
  }

  private load(mapRunArn: string): Run {
    let r = this.runs.get(mapRunArn);
    if (r) return r;
    const log = this.logs.open(mapRunArn, false);
    r = { log, children: new Map(), closed: true };
    for (const { line, place } of log.lines()) {
      try {
        const v = JSON.parse(line) as ChildSummary & ChildData;
        r.children.set(v.executionArn, { executionArn: v.executionArn, name: v.name, index: v.index, mapRunArn, stateMachineArn: v.stateMachineArn, startDate: v.startDate, itemCount: v.itemCount, status: v.status, stopDate: v.stopDate, ...(v.redriveCount ? { redriveCount: v.redriveCount, redriveDate: v.redriveDate } : {}), saved: place });
      } catch {
        // a torn line from a crash while the run still ran (the run's end was not journaled then)
      }
    }
    this.runs.set(mapRunArn, r);
    return r;
  }

  private save(r: Run, c: ChildSummary, end: ChildEnd): void {
    const { input, history } = c.live!;
    c.status = end.status;
    c.stopDate = this.clock.now();
    const data = end.status === 'SUCCEEDED' ? { output: JSON.stringify(end.output) ?? 'null' } : { ...(end.error ? { error: end.error } : {}), ...(end.cause ? { cause: end.cause } : {}) };
    c.saved = r.log.append(lineOf(c, { input, ...data, events: history }));
    c.live = undefined;
  }
}

/** A child's log line: its summary's fields (not its place in memory) and its data, as one JSON object. */
function lineOf(c: ChildSummary, d: ChildData): string {
  const { live: _live, saved: _saved, mapRunArn: _run, ...summary } = c;
  return JSON.stringify({ ...summary, ...d });
}
