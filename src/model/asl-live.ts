/**
 * The live colours of a state machine graph from an execution's history (GetExecutionHistory events,
 * in order): each state's status (RUNNING once entered, SUCCEEDED when it exits, FAILED, CAUGHT when it
 * failed and a Catch took it on, ABORTED when the execution was stopped in it) and the Batch jobs each
 * Task started (the JobId in TaskSubmitted / TaskSucceeded outputs and TaskFailed causes). Recomputed
 * from the whole history each time, so it is the same however the history was read. Pure.
 *
 * Each time a state ran is also kept as a segment (entered to exited, or to the execution's end), for
 * the graph's Timeline tab (timelineFromPicture).
 *
 * Task events and StateExited name no run of a state: each event's previousEventId leads back to
 * the event before it in its own branch or iteration, so following it finds the StateEntered it
 * belongs to, also while Parallel branches or Map iterations run the same states at once. A history
 * whose events do not chain so (previousEventId missing or always the event before) falls back to
 * the state entered last that is still running (and, for a Task event, whose Resource is the
 * event's): exact for one branch at a time.
 */
import { END_ID, START_ID, stateIds } from './asl-graph';
import type { DagGraph, DagNodeUpdate, DagStatus } from './dag';
import { timelineOf, type Timeline, type TimelineRow, type TimelineSegment } from './dag-timeline';
import { parseJsonObject } from './values';

/** One GetExecutionHistory event, as the SDK returns it (only what is read here). */
export interface HistoryEventLike {
  readonly type?: string;
  readonly id?: number;
  readonly previousEventId?: number;
  /** When it happened (the SDK gives a Date; JSON a number of seconds or an ISO text). */
  readonly timestamp?: Date | number | string;
}

/** One time a state ran: from its StateEntered to its StateExited (unset while it runs). */
export interface StateRun {
  readonly start: number;
  readonly end?: number;
  /** SUCCEEDED; CAUGHT (failed, a Catch took over); FAILED or ABORTED (the execution ended in it). */
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'CAUGHT' | 'FAILED' | 'ABORTED';
}

export interface ExecutionPicture {
  /** One update per state node (PLANNED for states not entered), plus Start and End. */
  readonly updates: DagNodeUpdate[];
  /** Batch job ids by node id, in the order they were started. */
  readonly jobs: ReadonlyMap<string, readonly string[]>;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED (from the history's last execution event). */
  readonly status: string;
  /** The times each state ran, by node id, in the order the states were first entered. */
  readonly runs: ReadonlyMap<string, readonly StateRun[]>;
  /** The last map run each distributed Map state started (MapRunStarted), by node id. */
  readonly mapRuns: ReadonlyMap<string, string>;
  /** Why the execution failed, timed out or was stopped (its last event's error and cause), when it did. */
  readonly failure?: { readonly error?: string; readonly cause?: string };
}

/** An event's error and cause (`…EventDetails.error` / `.cause`, whatever the event type), when it has one. */
export function eventFailure(e: HistoryEventLike): { error?: string; cause?: string } | undefined {
  for (const [k, v] of Object.entries(e as Record<string, unknown>)) {
    if (!k.endsWith('EventDetails') || !v || typeof v !== 'object') continue;
    const d = v as { error?: unknown; cause?: unknown };
    if (typeof d.error === 'string' || typeof d.cause === 'string') {
      return { ...(typeof d.error === 'string' && d.error ? { error: d.error } : {}), ...(typeof d.cause === 'string' && d.cause ? { cause: d.cause } : {}) };
    }
  }
  return undefined;
}

function millis(t: HistoryEventLike['timestamp']): number | undefined {
  if (t instanceof Date) return t.getTime();
  if (typeof t === 'number') return t < 1e11 ? t * 1000 : t;
  if (typeof t === 'string') {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JobId in a task's output or cause (a JSON text), if there is one. */
export function jobIdIn(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const v = parseJsonObject(text);
  if (!v) return undefined;
  const id = v.JobId ?? v.jobId;
  return typeof id === 'string' && id ? id : undefined;
}

/**
 * The AWS Batch jobs an execution's Tasks started, in the order the history names them: the JobId of
 * a `batch` Task's TaskSubmitted / TaskSucceeded output or TaskFailed / TaskTimedOut cause.
 */
export function batchJobIdsOf(events: readonly HistoryEventLike[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    const type = e.type ?? '';
    if (type !== 'TaskSubmitted' && type !== 'TaskSucceeded' && type !== 'TaskFailed' && type !== 'TaskTimedOut') continue;
    const d = details(e);
    if (d.resourceType !== 'batch') continue;
    const id = jobIdIn(type === 'TaskSubmitted' || type === 'TaskSucceeded' ? d.output : d.cause);
    if (id) ids.add(id);
  }
  return [...ids];
}

/** The details object of an event (`taskSucceededEventDetails` for `TaskSucceeded`, ...). */
function details(e: HistoryEventLike): Obj {
  const type = e.type ?? '';
  const key = /StateEntered$/.test(type) ? 'stateEnteredEventDetails' : /StateExited$/.test(type) ? 'stateExitedEventDetails' : `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
  const d = (e as Record<string, unknown>)[key];
  return isObj(d) ? d : {};
}

interface Open {
  readonly name: string;
  readonly type: string;
  failed: boolean;
  readonly start?: number;
  /** Exited (or ended with the execution). */
  done?: boolean;
}

/**
 * `resources` maps state names to their Task resource as `resourceType:resource` the history writes it
 * (e.g. `batch:submitJob.sync`); see resourceLabel in asl-graph.ts.
 */
export function pictureFromHistory(graph: DagGraph, events: readonly HistoryEventLike[]): ExecutionPicture {
  const ids = stateIds(graph);
  const resourceOf = new Map(graph.nodes.filter((n) => n.stateType === 'Task').map((n) => [n.name, n.detail ?? '']));
  const status = new Map<string, DagStatus>();
  const jobs = new Map<string, string[]>();
  const open: Open[] = [];
  const runs = new Map<string, StateRun[]>();
  const mapRuns = new Map<string, string>();
  let execution = 'RUNNING';
  let failure: ExecutionPicture['failure'];
  let now: number | undefined;
  const ran = (o: Open, status: StateRun['status']) => {
    const id = ids.get(o.name);
    if (!id || o.start === undefined) return;
    const list = runs.get(id) ?? [];
    list.push({ start: o.start, ...(status !== 'RUNNING' && now !== undefined ? { end: now } : {}), status });
    runs.set(id, list);
  };

  const set = (name: string, s: DagStatus) => {
    const id = ids.get(name);
    if (id) status.set(id, s);
  };
  const addJob = (name: string, jobId: string | undefined) => {
    const id = ids.get(name);
    if (!id || !jobId) return;
    const list = jobs.get(id) ?? [];
    if (!list.includes(jobId)) list.push(jobId);
    jobs.set(id, list);
  };
  const latestOpen = (accept: (o: Open) => boolean): Open | undefined => {
    for (let i = open.length - 1; i >= 0; i--) if (accept(open[i])) return open[i];
    return undefined;
  };
  // The run of a state each event belongs to, by event id, through previousEventId.
  const owner = new Map<number, Open>();
  const chained = (e: HistoryEventLike): Open | undefined => {
    const o = e.previousEventId !== undefined ? owner.get(e.previousEventId) : undefined;
    return o && !o.done ? o : undefined;
  };
  const taskOf = (e: HistoryEventLike, d: Obj): Open | undefined => {
    const byChain = chained(e);
    if (byChain?.type === 'Task') return byChain;
    const resource = `${String(d.resourceType ?? '')}:${String(d.resource ?? '')}`;
    return latestOpen((o) => o.type === 'Task' && resourceOf.get(o.name) === resource) ?? latestOpen((o) => o.type === 'Task');
  };
  const endAll = (s: DagStatus) => {
    for (const o of open.splice(0)) {
      o.done = true;
      set(o.name, s);
      ran(o, s === 'ABORTED' ? 'ABORTED' : 'FAILED');
    }
  };

  for (const e of events) {
    const type = e.type ?? '';
    now = millis(e.timestamp) ?? now;
    const d = details(e);
    // Every event belongs to the run its chain comes from (a StateEntered starts a run of its own).
    const inherited = chained(e);
    if (e.id !== undefined && inherited) owner.set(e.id, inherited);
    const entered = /^(\w+)StateEntered$/.exec(type);
    const exited = /^(\w+)StateExited$/.exec(type);
    if (type === 'ExecutionStarted') {
      status.set(START_ID, 'SUCCEEDED');
    } else if (entered && typeof d.name === 'string') {
      const o: Open = { name: d.name, type: entered[1], failed: false, ...(now !== undefined ? { start: now } : {}) };
      open.push(o);
      if (e.id !== undefined) owner.set(e.id, o);
      // Rows in the order the states were first entered.
      const id = ids.get(d.name);
      if (id && now !== undefined && !runs.has(id)) runs.set(id, []);
      set(d.name, entered[1] === 'Fail' ? 'FAILED' : 'RUNNING');
    } else if (exited && typeof d.name === 'string') {
      const name = d.name;
      const byChain = chained(e);
      const i = byChain?.name === name ? open.indexOf(byChain) : open.map((o) => o.name).lastIndexOf(name);
      const o = i >= 0 ? open.splice(i, 1)[0] : undefined;
      if (o) o.done = true;
      set(name, o?.failed ? 'CAUGHT' : 'SUCCEEDED');
      if (o) ran(o, o.failed ? 'CAUGHT' : 'SUCCEEDED');
    } else if (type === 'TaskScheduled') {
      const o = taskOf(e, d);
      if (o) {
        o.failed = false;
        set(o.name, 'RUNNING');
      }
    } else if (type === 'TaskSubmitted' || type === 'TaskSucceeded') {
      const o = taskOf(e, d);
      if (o) addJob(o.name, jobIdIn(d.output));
    } else if (type === 'TaskFailed' || type === 'TaskTimedOut') {
      const o = taskOf(e, d);
      if (o) {
        o.failed = true;
        addJob(o.name, jobIdIn(d.cause));
        set(o.name, 'FAILED');
      }
    } else if (type === 'MapRunStarted' || type === 'MapRunRedriven') {
      const byChain = chained(e);
      const o = byChain?.type === 'Map' ? byChain : latestOpen((x) => x.type === 'Map');
      const id = o && ids.get(o.name);
      if (id && typeof d.mapRunArn === 'string') mapRuns.set(id, d.mapRunArn);
    } else if (type === 'ParallelStateFailed' || type === 'MapStateFailed' || type === 'MapRunFailed') {
      const o = latestOpen((x) => x.type === (type.startsWith('Parallel') ? 'Parallel' : 'Map'));
      if (o) {
        o.failed = true;
        set(o.name, 'FAILED');
      }
    } else if (type === 'ExecutionSucceeded') {
      execution = 'SUCCEEDED';
      status.set(END_ID, 'SUCCEEDED');
    } else if (type === 'ExecutionFailed' || type === 'ExecutionTimedOut') {
      execution = type === 'ExecutionFailed' ? 'FAILED' : 'TIMED_OUT';
      failure = eventFailure(e);
      endAll('FAILED');
      status.set(END_ID, 'FAILED');
    } else if (type === 'ExecutionRedriven') {
      // (RedriveExecution: the run goes on from its unsuccessful states; its end is to come)
      execution = 'RUNNING';
      failure = undefined;
      status.delete(END_ID);
    } else if (type === 'ExecutionAborted') {
      execution = 'ABORTED';
      failure = eventFailure(e);
      endAll('ABORTED');
      status.set(END_ID, 'ABORTED');
    }
  }
  const updates: DagNodeUpdate[] = [];
  for (const n of graph.nodes) {
    if (n.stateType === 'Branch') continue;
    const jobIds = jobs.get(n.id);
    updates.push({ id: n.id, status: status.get(n.id) ?? 'PLANNED', ...(jobIds?.length ? { jobId: jobIds[jobIds.length - 1] } : {}) });
  }
  // States still running: open segments, in the order they were entered.
  for (const o of open) ran(o, 'RUNNING');
  // Each state's runs in the order they started (they are recorded as they end).
  for (const list of runs.values()) list.sort((a, b) => a.start - b.start);
  return { updates, jobs, status: execution, runs, mapRuns, ...(failure ? { failure } : {}) };
}

const SEGMENT: Record<StateRun['status'], TimelineSegment['status']> = { RUNNING: 'RUNNING', SUCCEEDED: 'SUCCEEDED', CAUGHT: 'FAILED', FAILED: 'FAILED', ABORTED: 'FAILED' };
const REASON: Partial<Record<StateRun['status'], string>> = { CAUGHT: 'failed; a Catch took over', ABORTED: 'the execution was stopped in it', FAILED: 'the execution failed in it' };

/**
 * The Timeline tab of a state machine graph: one row per state that ran (in the order the states were
 * first entered), one bar each time it ran (a Map's iterations, a loop), coloured by how that run
 * ended. A row's job id is the last Batch job its Task started.
 */
export function timelineFromPicture(graph: DagGraph, picture: ExecutionPicture, now: number): Timeline {
  const names = new Map(graph.nodes.map((n) => [n.id, n.name]));
  const status = new Map(picture.updates.map((u) => [u.id, u.status]));
  const rows: TimelineRow[] = [];
  for (const [id, list] of picture.runs) {
    const s = status.get(id);
    const rowStatus = s === 'RUNNING' ? 'RUNNING' : s === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED';
    const segments = list.map((r, i): TimelineSegment => ({ start: r.start, ...(r.end !== undefined ? { end: r.end } : {}), status: SEGMENT[r.status], attempt: i + 1, ...(REASON[r.status] ? { reason: REASON[r.status] } : {}) }));
    rows.push({ jobId: picture.jobs.get(id)?.at(-1) ?? '', nodeId: id, label: names.get(id) ?? id, status: rowStatus, segments });
  }
  return { ...timelineOf(rows, () => picture.status === 'RUNNING', now), unit: 'state' };
}
