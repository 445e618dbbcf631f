/**
 * Step Functions' state: state machines, executions (each an interpreter run), their histories and
 * task tokens, journaled. The API handlers (api/) call this; tasks reach other services only
 * through the `runTask` port the composition root gives.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../batch/core/ports';
import { Execution, type Outcome } from './core/interpreter';
import type { MapRunProgress, MapRunRecord, MapRunSettings } from './core/map-run-progress';
import { MapRunChildren } from './map-run-children';
import { exitsOf, historyBeforeRedrive, taskCallsOf, unredrivableHistory, type Resume } from './core/redrive';
import type { EarlierMapRun, InterpreterPorts, StateMachineDef, TaskInvocation } from './core/types';
import type { StatesJournal } from './store';

export interface StateMachineRecord {
  stateMachineArn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  creationDate: number;
  updateDate?: number;
  revisionId: string;
  loggingConfiguration?: unknown;
  tracingConfiguration?: unknown;
  /** DeleteStateMachine was called while executions ran: it is deleted once the last one ends. */
  deleting?: boolean;
}

export interface HistoryEvent {
  timestamp: number;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  startDate: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  definition: string;
  roleArn: string;
  history: HistoryEvent[];
  /** An execution that had ended before a restart: its history is read from the journal when asked for. */
  historySaved?: boolean;
  run?: Execution;
  done?: Promise<Outcome>;
  memo: Map<string, unknown>;
  /** Step Functions Local's test case (StartExecution on `<arn>#<TestCase>`). */
  testCase?: string;
  /** Task calls per state so far (mocked responses are picked by this number). */
  calls?: Map<string, number>;
  /** RedriveExecution: how many times, the last one's date, and the last client tokens given (newest last). */
  redriveCount?: number;
  redriveDate?: number;
  redriveTokens?: Array<{ readonly token: string; readonly redriveDate: number }>;
}

export interface StatesServiceOptions {
  readonly clock: Clock;
  readonly account: string;
  readonly region: string;
  readonly journal: StatesJournal;
  /** Runs a Task's Resource (Batch, mocks...); `memo` remembers what it started across restarts. */
  readonly runTask: (
    inv: TaskInvocation,
    memory: { get(key: string): string | undefined; set(key: string, v: string): void },
    execution: { readonly stateMachineName: string; readonly testCase?: string; readonly invocation: number },
  ) => Promise<unknown>;
  /** Why a Task's parameters would be refused before the call, if they would (InterpreterPorts.checkTask). */
  readonly checkTask?: (
    inv: { readonly resource: string; readonly parameters: unknown; readonly stateName: string },
    execution: { readonly stateMachineName: string; readonly testCase?: string },
  ) => string | undefined;
  readonly readItems?: InterpreterPorts['readItems'];
  readonly writeResults?: InterpreterPorts['writeResults'];
  /** Called once by close() (the wiring releases its clients). */
  readonly onClose?: () => void;
  /** Problems worth a line in the server's log (a history that could not be written). */
  readonly log?: (line: string) => void;
}

export class StatesService {
  readonly machines = new Map<string, StateMachineRecord>();
  readonly executions = new Map<string, ExecutionRecord>();
  readonly tags = new Map<string, Record<string, string>>();
  /** Distributed Map runs: a running one is its live progress, an ended one as journaled. */
  readonly mapRuns = new Map<string, MapRunRecord>();
  /** Their child workflow executions. */
  readonly mapRunChildren: MapRunChildren;
  /** The map runs running now, and what UpdateMapRun changed of each map run (applied again when a replay or a redrive runs it). */
  private readonly liveMapRuns = new Map<string, MapRunProgress>();
  private readonly mapRunUpdates = new Map<string, MapRunSettings>();

  constructor(readonly options: StatesServiceOptions) {
    this.mapRunChildren = new MapRunChildren(options.journal.childLogs, options.clock, options.log);
  }

  arn(kind: 'stateMachine' | 'execution' | 'express', rest: string): string {
    return `arn:aws:states:${this.options.region}:${this.options.account}:${kind}:${rest}`;
  }

  /** Loads the journal; executions that were running are replayed (their tasks find what they started). */
  restore(): void {
    const ended = new Map<string, Record<string, unknown>>();
    const redriven = new Map<string, { redriveCount: number; redriveDate: number; clientToken?: string }>();
    const redriveTokens = new Map<string, Array<{ token: string; redriveDate: number }>>();
    const started: Array<Record<string, unknown>> = [];
    const memos = new Map<string, Map<string, unknown>>();
    for (const r of this.options.journal.load()) {
      if (r.k === 'sm') this.machines.set(String(r.v.stateMachineArn), r.v as unknown as StateMachineRecord);
      else if (r.k === 'sm-del') this.machines.delete(r.arn);
      else if (r.k === 'tags') this.tags.set(r.arn, r.tags);
      else if (r.k === 'ex') started.push(r.v);
      else if (r.k === 'end') ended.set(r.arn, r.v);
      // (a redrive's end is journaled after it)
      else if (r.k === 'redrive') {
        ended.delete(r.arn);
        redriven.set(r.arn, r.v);
        if (r.v.clientToken) redriveTokens.set(r.arn, keepTokens(redriveTokens.get(r.arn), { token: r.v.clientToken, redriveDate: r.v.redriveDate }));
      }
      else if (r.k === 'maprun') this.mapRuns.set(String(r.v.mapRunArn), r.v as unknown as MapRunRecord);
      else if (r.k === 'maprun-update') this.mapRunUpdates.set(r.arn, { ...this.mapRunUpdates.get(r.arn), ...r.v });
      else if (r.k === 'memo') {
        const m = memos.get(r.arn) ?? new Map<string, unknown>();
        m.set(r.key, r.v);
        memos.set(r.arn, m);
      }
    }
    for (const v of started) {
      const arn = String(v.executionArn);
      const end = ended.get(arn);
      const rec: ExecutionRecord = { ...(v as unknown as ExecutionRecord), status: 'RUNNING', history: [], memo: memos.get(arn) ?? new Map() };
      this.executions.set(arn, rec);
      const redrive = redriven.get(arn);
      if (redrive) Object.assign(rec, { redriveCount: redrive.redriveCount, redriveDate: redrive.redriveDate, redriveTokens: redriveTokens.get(arn) });
      if (end) Object.assign(rec, end, { historySaved: true });
      else if (redrive) this.launch(rec, this.resumeOf(rec, this.options.journal.loadHistory(arn) ?? [], redrive));
      else this.launch(rec);
    }
    // A machine being deleted whose last execution ended just before the restart.
    for (const m of [...this.machines.values()]) if (m.deleting) this.deleteIfIdle(m.stateMachineArn);
  }

  /**
   * DeleteStateMachine: at once when none of its executions runs; else it is DELETING (it starts
   * no more) until the last one ends, as on AWS.
   */
  deleteMachineWhenIdle(arn: string): void {
    const m = this.machines.get(arn);
    if (!m) return;
    if (!m.deleting && this.running(arn)) this.putMachine({ ...m, deleting: true });
    else this.deleteIfIdle(arn);
  }

  private running(machineArn: string): boolean {
    for (const e of this.executions.values()) if (e.stateMachineArn === machineArn && e.status === 'RUNNING') return true;
    return false;
  }

  private deleteIfIdle(arn: string): void {
    if (this.machines.has(arn) && !this.running(arn)) this.deleteMachine(arn);
  }

  /** An execution's history; one that had ended before a restart is read back once, when first asked for. */
  historyOf(rec: ExecutionRecord): readonly HistoryEvent[] {
    if (rec.historySaved) {
      rec.history = this.options.journal.loadHistory(rec.executionArn) ?? [];
      rec.historySaved = false;
    }
    return rec.history;
  }

  /**
   * RedriveExecution of an execution that ended unsuccessfully (the API checks that it may be): it
   * runs again at once, passing over the states that had exited (core/redrive.ts). Journaled first.
   */
  redrive(rec: ExecutionRecord, clientToken?: string): void {
    const redriveCount = (rec.redriveCount ?? 0) + 1;
    const redriveDate = this.options.clock.now();
    const resume = this.resumeOf(rec, this.historyOf(rec), { redriveCount, redriveDate });
    this.options.journal.append({ k: 'redrive', arn: rec.executionArn, v: { redriveCount, redriveDate, ...(clientToken ? { clientToken } : {}) } });
    const redriveTokens = clientToken ? keepTokens(rec.redriveTokens, { token: clientToken, redriveDate }) : rec.redriveTokens;
    Object.assign(rec, { status: 'RUNNING', redriveCount, redriveDate, redriveTokens, stopDate: undefined, output: undefined, error: undefined, cause: undefined });
    this.launch(rec, resume);
  }

  /** Why an ended execution's history cannot be redriven (read when first asked for), if it cannot. */
  redriveBlocker(rec: ExecutionRecord): string | undefined {
    // (asked by each DescribeExecution of an ended execution: its history is read once, until it changes)
    const history = this.historyOf(rec);
    const known = this.blockers.get(history);
    if (known && known.length === history.length) return known.reason;
    const reason = unredrivableHistory(history);
    this.blockers.set(history, { length: history.length, reason });
    return reason;
  }

  private readonly blockers = new WeakMap<readonly HistoryEvent[], { readonly length: number; readonly reason: string | undefined }>();

  /** UpdateMapRun of a running map run: journaled, then told to the run. False when it is not running here. */
  updateMapRun(mapRunArn: string, changes: MapRunSettings): boolean {
    const run = this.liveMapRuns.get(mapRunArn);
    if (!run || run.record.status !== 'RUNNING') return false;
    this.options.journal.append({ k: 'maprun-update', arn: mapRunArn, v: { ...changes } });
    this.mapRunUpdates.set(mapRunArn, { ...this.mapRunUpdates.get(mapRunArn), ...changes });
    run.update(changes);
    return true;
  }

  /** The last map run a distributed Map (at `key` in the run; in the child execution `owner`, or the execution's own) started, for its redrive. */
  private earlierMapRun(rec: ExecutionRecord, key: string, owner?: string): EarlierMapRun | undefined {
    let last: MapRunRecord | undefined;
    const of = owner ?? rec.executionArn;
    for (const r of this.mapRuns.values()) if (r.executionArn === of && r.key === key && (!last || r.startDate >= last.startDate)) last = r;
    if (!last) return undefined;
    const run = last;
    const childPrefix = run.mapRunArn.replace(':mapRun:', ':execution:');
    return {
      id: run.mapRunArn.slice(run.mapRunArn.lastIndexOf(':') + 1),
      startDate: run.startDate,
      // (a replay of this redrive finds the run it had started, or ended, counted already)
      redriveCount: (run.redriveCount ?? 0) + (run.executionRedrive === (rec.redriveCount ?? 0) ? 0 : 1),
      child: (name) => {
        const c = this.mapRunChildren.get(run.mapRunArn, `${childPrefix}:${name}`);
        if (!c) return undefined;
        const { output, events } = this.mapRunChildren.data(c);
        return { status: c.status, ...(output !== undefined ? { output: JSON.parse(output) as unknown } : {}), startDate: c.startDate, stopDate: c.stopDate ?? c.startDate, events };
      },
    };
  }

  /**
   * A redrive's start: the history before it (kept), what its states left, and its Tasks' calls so
   * far (a mock's responses go on from there, with or without a restart between).
   */
  private resumeOf(rec: ExecutionRecord, history: readonly HistoryEvent[], { redriveCount, redriveDate }: { redriveCount: number; redriveDate: number }): Resume {
    const before = historyBeforeRedrive(history, redriveCount);
    const resume = { redriveCount, redriveDate, lastEventId: before.length, exits: exitsOf(before) };
    rec.history = before;
    rec.calls = taskCallsOf(before);
    return resume;
  }

  putMachine(rec: StateMachineRecord): void {
    this.machines.set(rec.stateMachineArn, rec);
    this.options.journal.append({ k: 'sm', v: rec as unknown as Record<string, unknown> });
  }

  deleteMachine(arn: string): void {
    this.machines.delete(arn);
    this.options.journal.append({ k: 'sm-del', arn });
  }

  setTags(arn: string, tags: Record<string, string>): void {
    this.tags.set(arn, tags);
    this.options.journal.append({ k: 'tags', arn, tags });
  }

  start(machine: StateMachineRecord, name: string | undefined, input: string, testCase?: string): ExecutionRecord {
    const execName = name ?? randomUUID();
    const executionArn = this.arn(machine.type === 'EXPRESS' ? 'express' : 'execution', `${machine.name}:${execName}`);
    const rec: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.stateMachineArn,
      name: execName,
      input,
      startDate: this.options.clock.now(),
      status: 'RUNNING',
      definition: machine.definition,
      roleArn: machine.roleArn,
      history: [],
      memo: new Map(),
      testCase,
    };
    this.executions.set(executionArn, rec);
    const { history: _h, historySaved: _s, memo: _m, run: _r, done: _d, ...persisted } = rec;
    this.options.journal.append({ k: 'ex', v: persisted as unknown as Record<string, unknown> });
    this.launch(rec);
    return rec;
  }

  private launch(rec: ExecutionRecord, resume?: Resume): void {
    const clock = this.options.clock;
    const def = JSON.parse(rec.definition) as StateMachineDef;
    const machineName = rec.stateMachineArn.split(':').at(-1) ?? '';
    // (a redrive's tasks, Waits and tokens are its own: what the runs before it fixed is not found)
    const scoped = memoScope(rec);
    const remember = (key: string, value: unknown) => {
      rec.memo.set(scoped(key), value);
      if (!this.closed) this.options.journal.append({ k: 'memo', arn: rec.executionArn, key: scoped(key), v: value });
    };
    const ports: InterpreterPorts = {
      clock,
      emit: (e) => {
        const id = rec.history.length + 1;
        // (a redrive's event is dated as the redrive, also when a replay after a restart writes it again)
        const timestamp = e.type === 'ExecutionRedriven' && rec.redriveDate !== undefined ? rec.redriveDate : clock.now();
        rec.history.push({ timestamp, type: e.type, id, previousEventId: e.previousEventId ?? id - 1, ...(e.details ?? {}), ...(e.exit ? { exit: e.exit } : {}) });
        return id;
      },
      memo: <T>(key: string, compute: () => T): T => {
        if (rec.memo.has(scoped(key))) return rec.memo.get(scoped(key)) as T;
        const v = compute();
        remember(key, v);
        return v;
      },
      runTask: (inv) => {
        rec.calls ??= new Map();
        const invocation = rec.calls.get(inv.stateName) ?? 0;
        rec.calls.set(inv.stateName, invocation + 1);
        return this.options.runTask(
          inv,
          {
            get: (key) => rec.memo.get(scoped(`task:${key}`)) as string | undefined,
            set: (key, v) => remember(`task:${key}`, v),
          },
          { stateMachineName: machineName, testCase: rec.testCase, invocation },
        );
      },
      checkTask: (resource, parameters, stateName) => this.options.checkTask?.({ resource, parameters, stateName }, { stateMachineName: machineName, testCase: rec.testCase }),
      readItems: this.options.readItems,
      writeResults: this.options.writeResults,
      // (a replay after a restart runs a map run again under its ARN: one that had ended keeps its record)
      // (and its children are recorded again: the replay gives them the names they had)
      // (a redrive runs an ended one again: its children stay, those that run again are added)
      mapRunStarted: (p) => {
        // (what UpdateMapRun changed holds for any run of it: a replay takes the path it took)
        const updated = this.mapRunUpdates.get(p.record.mapRunArn);
        if (updated) p.update(updated);
        const before = this.mapRuns.get(p.record.mapRunArn);
        const redriven = before !== undefined && before.status !== 'RUNNING' && (p.record.redriveCount ?? 0) > (before.redriveCount ?? 0);
        if (before && before.status !== 'RUNNING' && !redriven) return;
        this.mapRuns.set(p.record.mapRunArn, p.record);
        this.liveMapRuns.set(p.record.mapRunArn, p);
        if (this.closed) return;
        if (redriven) this.mapRunChildren.resume(p.record.mapRunArn);
        else this.mapRunChildren.begin(p.record.mapRunArn);
      },
      earlierMapRun: (key, owner) => this.earlierMapRun(rec, key, owner),
      // (none once the server stops: its runs are closed then)
      mapRunChild: (run, child, redriven) => this.mapRunChildren.start(run, child, redriven),
      // (its children's log is durable before its end is journaled)
      mapRunEnded: (p) => {
        if (this.liveMapRuns.get(p.record.mapRunArn) === p) this.liveMapRuns.delete(p.record.mapRunArn);
        if (this.mapRuns.get(p.record.mapRunArn) !== p.record || this.closed) return;
        this.mapRunChildren.finish(p.record.mapRunArn);
        this.options.journal.append({ k: 'maprun', v: { ...p.record } as unknown as Record<string, unknown> });
      },
    };
    const run = new Execution(def, JSON.parse(rec.input) as unknown, {
      executionArn: rec.executionArn,
      name: rec.name,
      stateMachineArn: rec.stateMachineArn,
      stateMachineName: machineName,
      roleArn: rec.roleArn,
      startTime: new Date(rec.startDate).toISOString(),
    }, ports, resume);
    rec.run = run;
    rec.done = run.run().then(async (outcome) => {
      const stopDate = clock.now();
      const end: Record<string, unknown> = { status: outcome.status, stopDate, ...(outcome.status === 'SUCCEEDED' ? { output: JSON.stringify(outcome.output) } : { error: outcome.error, cause: outcome.cause }) };
      // The history first (an EXPRESS execution's is not kept: AWS answers none for it): a crash
      // between the two leaves the execution to be replayed, which writes it again. A history that
      // cannot be written is reported; the execution still ends.
      if (!this.closed && !rec.executionArn.includes(':express:')) {
        await this.options.journal.saveHistory(rec.executionArn, rec.history).catch((err: unknown) => {
          this.options.log?.(`localbatch states: the history of ${rec.executionArn} could not be saved (${err instanceof Error ? err.message : String(err)}); it is kept in memory until the server stops`);
        });
      }
      Object.assign(rec, end);
      rec.run = undefined;
      if (!this.closed) this.options.journal.append({ k: 'end', arn: rec.executionArn, v: end });
      if (!this.closed && this.machines.get(rec.stateMachineArn)?.deleting) this.deleteIfIdle(rec.stateMachineArn);
      return outcome;
    });
    // Nobody may be waiting for it: a failure here is logged, not an unhandled rejection.
    rec.done.catch((err: unknown) => this.options.log?.(`localbatch states: execution ${rec.executionArn} could not end cleanly: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** The execution a task token belongs to; none for a token it never gave out (its random part is remembered per attempt, see interpreter.ts). */
  byToken(token: string): ExecutionRecord | undefined {
    try {
      const { e, k, n } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { e?: unknown; k?: unknown; n?: unknown };
      const rec = typeof e === 'string' ? this.executions.get(e) : undefined;
      return rec && typeof n === 'string' && rec.memo.get(memoScope(rec)(`token:${String(k)}`)) === n ? rec : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stops every running execution's timers without ending them (a graceful server stop). */
  close(): void {
    // Executions stay RUNNING in the journal (nothing more is written): the next start replays them.
    if (!this.closed) {
      this.options.onClose?.();
      this.mapRunChildren.close();
    }
    this.closed = true;
  }

  private closed = false;
}

/** An execution's memo keys: a redrive's are apart from the runs' before it. */
function memoScope(rec: ExecutionRecord): (key: string) => string {
  const n = rec.redriveCount ?? 0;
  return n ? (key) => `redrive${n}:${key}` : (key) => key;
}

/** The client tokens a redrive answers again: AWS keeps an execution's last 10. */
function keepTokens(tokens: ReadonlyArray<{ token: string; redriveDate: number }> | undefined, added: { token: string; redriveDate: number }): Array<{ token: string; redriveDate: number }> {
  return [...(tokens ?? []), added].slice(-10);
}
