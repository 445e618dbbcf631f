/**
 * The live colours of a state machine graph from an execution's history (GetExecutionHistory events,
 * in order): each state's status (RUNNING once entered, SUCCEEDED when it exits, FAILED, CAUGHT when it
 * failed and a Catch took it on, ABORTED when the execution was stopped in it) and the Batch jobs each
 * Task started (the JobId in TaskSubmitted / TaskSucceeded outputs and TaskFailed causes). Recomputed
 * from the whole history each time, so it is the same however the history was read. Pure.
 *
 * Task events name no state: they belong to the state entered last that is still running and whose
 * Resource is the event's (exact for one branch at a time; with Parallel branches or Map iterations
 * running the same resource at once, a job may be shown under its sibling).
 */
import { END_ID, START_ID, stateIds } from './asl-graph';
import type { DagGraph, DagNodeUpdate, DagStatus } from './dag';

/** One GetExecutionHistory event, as the SDK returns it (only what is read here). */
export interface HistoryEventLike {
  readonly type?: string;
  readonly id?: number;
}

export interface ExecutionPicture {
  /** One update per state node (PLANNED for states not entered), plus Start and End. */
  readonly updates: DagNodeUpdate[];
  /** Batch job ids by node id, in the order they were started. */
  readonly jobs: ReadonlyMap<string, readonly string[]>;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED (from the history's last execution event). */
  readonly status: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JobId in a task's output or cause (a JSON text), if there is one. */
export function jobIdIn(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObj(v)) return undefined;
  const id = v.JobId ?? v.jobId;
  return typeof id === 'string' && id ? id : undefined;
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
  let execution = 'RUNNING';

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
  const taskOf = (d: Obj): Open | undefined => {
    const resource = `${String(d.resourceType ?? '')}:${String(d.resource ?? '')}`;
    return latestOpen((o) => o.type === 'Task' && resourceOf.get(o.name) === resource) ?? latestOpen((o) => o.type === 'Task');
  };
  const endAll = (s: DagStatus) => {
    for (const o of open.splice(0)) set(o.name, s);
  };

  for (const e of events) {
    const type = e.type ?? '';
    const d = details(e);
    const entered = /^(\w+)StateEntered$/.exec(type);
    const exited = /^(\w+)StateExited$/.exec(type);
    if (type === 'ExecutionStarted') {
      status.set(START_ID, 'SUCCEEDED');
    } else if (entered && typeof d.name === 'string') {
      open.push({ name: d.name, type: entered[1], failed: false });
      set(d.name, entered[1] === 'Fail' ? 'FAILED' : 'RUNNING');
    } else if (exited && typeof d.name === 'string') {
      const name = d.name;
      const i = open.map((o) => o.name).lastIndexOf(name);
      const o = i >= 0 ? open.splice(i, 1)[0] : undefined;
      set(name, o?.failed ? 'CAUGHT' : 'SUCCEEDED');
    } else if (type === 'TaskScheduled') {
      const o = taskOf(d);
      if (o) {
        o.failed = false;
        set(o.name, 'RUNNING');
      }
    } else if (type === 'TaskSubmitted' || type === 'TaskSucceeded') {
      const o = taskOf(d);
      if (o) addJob(o.name, jobIdIn(d.output));
    } else if (type === 'TaskFailed' || type === 'TaskTimedOut') {
      const o = taskOf(d);
      if (o) {
        o.failed = true;
        addJob(o.name, jobIdIn(d.cause));
        set(o.name, 'FAILED');
      }
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
      endAll('FAILED');
      status.set(END_ID, 'FAILED');
    } else if (type === 'ExecutionAborted') {
      execution = 'ABORTED';
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
  return { updates, jobs, status: execution };
}
