/**
 * Runs one execution of a state machine: every state type, JSONPath and JSONata processing,
 * Retry/Catch, timeouts, stop. Pure: time comes from the clock port, tasks from `runTask`, and each
 * step is reported as an AWS history event through `emit`.
 */
import { randomBytes } from 'node:crypto';
import { evaluateRule } from './choice';
import { asStatesError, errorMatches, StatesError } from './errors';
import { evaluateTemplate, isJsonataExpression, QueryEvaluationError } from './jsonata';
import { applyResultPath, mustRead, type PathScope } from './paths';
import { applyTemplate, selectPath } from './payload';
import { AbortedError, childController, sleep } from './timing';
import { runTask, resourceParts, type TaskRunContext } from './task';
import { failedEvent, runMap, runParallel } from './branches';
import { History, type Chain } from './history';
import { runWait } from './wait';
import { ABORTABLE, RunningStates } from './running';
import type { ExitRecord, Resume } from './redrive';
import type { ExecutionIdentity, InterpreterPorts, QueryLanguage, StateDef, StateMachineDef } from './types';

/** Step Functions' limit on a state's input or output, in bytes. */
const MAX_PAYLOAD_BYTES = 262_144;

export { History, type Chain };

export type Outcome =
  | { readonly status: 'SUCCEEDED'; readonly output: unknown }
  | { readonly status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; readonly error: string; readonly cause: string };

/** One level of states: the whole machine, a Parallel branch or a Map iteration. */
export interface Frame {
  readonly def: StateMachineDef;
  readonly language: QueryLanguage;
  readonly variables: Map<string, unknown>;
  readonly keyPrefix: string;
  /** Its place in the run without the attempts of the states around it (a redrive's keys: redrive.ts). */
  readonly exitPrefix: string;
  readonly signal: AbortSignal;
  readonly mapItem?: { Index: number; Value: unknown };
  /**
   * Where this level's history events go: the execution's own history, or a distributed Map
   * child's (an execution of its own); none for a child that is not recorded.
   */
  readonly history?: History;
  /**
   * The last history event of this branch or iteration: each event it records names it as its
   * previousEventId, so the events of concurrent branches form separate chains, as on AWS.
   */
  readonly chain?: Chain;
  /**
   * The distributed Map child execution whose states this level runs, when it is recorded (its ARN):
   * a distributed Map in it is a map run of that child. None: the execution's own states.
   */
  readonly owner?: string;
  /**
   * A redrive: the states of this level (and the levels in it) that had exited, passed over (the
   * execution's, or a redriven child execution's own: core/redrive.ts).
   */
  readonly exits?: ReadonlyMap<string, ExitRecord>;
  /** What the running state's Assign computed: set once the state's output is made (AWS: Output sees the old values). */
  pendingAssign?: Map<string, unknown>;
  /** When the running state was entered (`$$.State.EnteredTime`: the same in each of its retries). */
  enteredAt?: number;
}

interface StepResult {
  readonly output: unknown;
  readonly next?: string;
}

export class Execution {
  private readonly controller = new AbortController();
  private stopReason: { error: string; cause: string } | undefined;
  /** The execution's own history (a distributed Map's children each have theirs). */
  readonly history: History;
  readonly callbacks = new Map<string, { resolve: (v: unknown) => void; reject: (e: StatesError) => void; heartbeat: () => void }>();

  constructor(
    readonly def: StateMachineDef,
    readonly input: unknown,
    readonly identity: ExecutionIdentity,
    readonly ports: InterpreterPorts,
    /** A redrive: the states that had exited are passed over (redrive.ts). */
    readonly resume?: Resume,
  ) {
    this.history = new History(ports.emit);
    if (resume) this.history.last = resume.lastEventId;
    this.running = new RunningStates();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Records an event of the execution's own history (its start and end). */
  emit(type: string, details?: Record<string, unknown>): number {
    return this.history.emit(type, details);
  }

  /**
   * Runs to the end; never throws: an event that cannot be written (a value nested too deeply to
   * serialise) fails the execution with States.Runtime instead of leaving it running.
   */
  async run(): Promise<Outcome> {
    try {
      return await this.runToEnd();
    } catch (err) {
      const cause = `localbatch could not record this execution's events: ${err instanceof Error ? err.message : String(err)}`;
      try {
        this.emit('ExecutionFailed', { executionFailedEventDetails: { error: 'States.Runtime', cause } });
      } catch {
        // (the outcome below still ends the execution)
      }
      return { status: 'FAILED', error: 'States.Runtime', cause };
    }
  }

  private async runToEnd(): Promise<Outcome> {
    const started = this.resume
      ? this.emit('ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount: this.resume.redriveCount } })
      : this.emit('ExecutionStarted', { executionStartedEventDetails: { input: JSON.stringify(this.input), inputDetails: { truncated: false }, roleArn: this.identity.roleArn } });
    const language = this.def.QueryLanguage ?? 'JSONPath';
    const frame: Frame = { def: this.def, language, variables: new Map(), keyPrefix: '', exitPrefix: '', exits: this.resume?.exits, signal: this.controller.signal, history: this.history, chain: { last: started } };
    let timer: { id: number } | undefined;
    if (typeof this.def.TimeoutSeconds === 'number' && this.def.TimeoutSeconds > 0) {
      timer = this.ports.clock.setTimer(this.def.TimeoutSeconds * 1000, () => this.stop('States.Timeout', `The execution timed out after ${this.def.TimeoutSeconds} seconds`, 'TIMED_OUT'));
    }
    try {
      const output = await this.runStates(frame, this.input);
      this.emit('ExecutionSucceeded', { executionSucceededEventDetails: { output: JSON.stringify(output), outputDetails: { truncated: false } } });
      return { status: 'SUCCEEDED', output };
    } catch (err) {
      if (this.stopReason || err instanceof AbortedError) {
        const r = this.stopReason ?? { error: 'States.Aborted', cause: '' };
        const timedOut = this.timedOut;
        this.emit(timedOut ? 'ExecutionTimedOut' : 'ExecutionAborted', { [timedOut ? 'executionTimedOutEventDetails' : 'executionAbortedEventDetails']: { error: r.error, cause: r.cause } });
        return { status: timedOut ? 'TIMED_OUT' : 'ABORTED', error: r.error, cause: r.cause };
      }
      const e = asStatesError(err);
      // (a Fail state without Error or Cause: AWS records neither)
      this.emit('ExecutionFailed', { executionFailedEventDetails: { ...(e.error ? { error: e.error } : {}), ...(e.cause ? { cause: e.cause } : {}) } });
      return { status: 'FAILED', error: e.error, cause: e.cause };
    } finally {
      if (timer) this.ports.clock.clearTimer(timer);
    }
  }

  private timedOut = false;

  /** StopExecution (or the execution's own timeout): every running state is interrupted. */
  stop(error = '', cause = '', status: 'ABORTED' | 'TIMED_OUT' = 'ABORTED'): void {
    if (this.stopReason) return;
    this.timedOut = status === 'TIMED_OUT';
    this.stopReason = { error, cause };
    // (what runs is recorded as aborted first: running.ts)
    this.running.abortAll();
    this.controller.abort();
  }

  /** The states and map runs running in the execution's own history (what a stop records as aborted). */
  readonly running: RunningStates;

  /** Runs a level of states from its StartAt to an End / Succeed; returns its output. */
  async runStates(frame: Frame, input: unknown): Promise<unknown> {
    let name = frame.def.StartAt;
    let value = input;
    const entries = new Map<string, number>();
    for (;;) {
      if (frame.signal.aborted) throw new AbortedError();
      const state = frame.def.States[name];
      if (!state) throw new StatesError('States.Runtime', `The state '${name}' does not exist in the state machine`);
      const entry = (entries.get(name) ?? 0) + 1;
      entries.set(name, entry);
      const exitKey = `${frame.exitPrefix}/${name}#${entry}`;
      const exited = frame.exits?.get(exitKey);
      if (exited) {
        // (a redrive passes over a state that had exited: what it left, recording nothing)
        for (const [k, v] of exited.assigned ?? []) frame.variables.set(k, v);
        value = exited.output;
        if (exited.next === undefined) return value;
        name = exited.next;
        continue;
      }
      const beforeEntered = frame.chain?.last ?? frame.history?.last ?? 0;
      frame.enteredAt = this.ports.clock.now();
      const enteredId = frame.history?.emit(`${state.Type}StateEntered`, { stateEnteredEventDetails: { name, input: JSON.stringify(value), inputDetails: { truncated: false } } }, frame.chain) ?? 0;
      const key = `${frame.keyPrefix}/${name}#${entry}`;
      let step: StepResult;
      frame.pendingAssign = undefined;
      const running = ABORTABLE.has(state.Type) ? this.running.mark(frame.history, frame.chain, `${state.Type}StateAborted`) : undefined;
      try {
        step = await this.runState(name, state, frame, value, key, exitKey);
      } catch (err) {
        frame.pendingAssign = undefined;
        throw this.stateFailure(err, name, enteredId, beforeEntered, frame.history);
      } finally {
        this.running.ended(running);
      }
      const assigned = frame.pendingAssign as Map<string, unknown> | undefined;
      frame.pendingAssign = undefined;
      for (const [k, v] of assigned ?? []) frame.variables.set(k, v);
      if (state.Type === 'Fail') throw new StatesError('States.Runtime', 'unreachable');
      const next = state.Type === 'Succeed' || (state.End && !step.next) ? undefined : (step.next ?? state.Next);
      if (frame.history) {
        const output = JSON.stringify(step.output) ?? 'null';
        // Step Functions' payload limit (256 KiB) on what a state passes on: terminal, not caught by States.ALL
        if (output.length > MAX_PAYLOAD_BYTES / 4 && Buffer.byteLength(output) > MAX_PAYLOAD_BYTES) {
          throw new StatesError('States.DataLimitExceeded', `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit (${Buffer.byteLength(output)} bytes; at most ${MAX_PAYLOAD_BYTES}).`);
        }
        const variables = assigned ? { assignedVariables: Object.fromEntries([...assigned].map(([k, v]) => [k, JSON.stringify(v)])), assignedVariablesDetails: { truncated: false } } : {};
        frame.history.emit(`${state.Type}StateExited`, { stateExitedEventDetails: { name, output, outputDetails: { truncated: false }, ...variables } }, frame.chain, { key: exitKey, next });
      }
      value = step.output;
      if (state.Type === 'Succeed' || (state.End && !step.next)) return value;
      if (!next) throw new StatesError('States.Runtime', `The state '${name}' has neither Next nor End`);
      name = next;
    }
  }

  /**
   * A state's error as it leaves the state: a States.Runtime or JSONata evaluation error names the
   * state and where it was entered (AWS's wording), and an evaluation error is recorded as
   * EvaluationFailed (naming the field), chained to the event before the state was entered.
   */
  private stateFailure(err: unknown, name: string, enteredId: number, beforeEntered: number, history: History | undefined): unknown {
    if (!(err instanceof StatesError) || (err.error !== 'States.Runtime' && err.error !== 'States.QueryEvaluationError')) return err;
    if (err.cause.startsWith('An error occurred while executing the state')) return err;
    const cause = `An error occurred while executing the state '${name}' (entered at the event id #${enteredId}). ${err.cause}`;
    if (history && err instanceof QueryEvaluationError) {
      const id = history.emit('EvaluationFailed', { evaluationFailedEventDetails: { error: err.error, cause, ...(err.location !== undefined ? { location: err.location } : {}), state: name } }, { last: err.afterEntered ? enteredId : beforeEntered });
      if (err.followedBy) history.emit(err.followedBy, undefined, { last: id });
    }
    return new StatesError(err.error, cause);
  }

  /** `retryCount`: for Task, Parallel and Map (the states with Retry); AWS gives other states none. */
  contextObject(frame: Frame, stateName: string, retryCount: number | undefined, token?: string): Record<string, unknown> {
    const id = this.identity;
    const ctx: Record<string, unknown> = {
      Execution: { Id: id.executionArn, Input: this.input, Name: id.name, RoleArn: id.roleArn, StartTime: id.startTime, RedriveCount: this.resume?.redriveCount ?? 0, ...(this.resume ? { RedriveTime: new Date(this.resume.redriveDate).toISOString() } : {}) },
      StateMachine: { Id: id.stateMachineArn, Name: id.stateMachineName },
      State: { Name: stateName, EnteredTime: new Date(frame.enteredAt ?? this.ports.clock.now()).toISOString(), ...(retryCount !== undefined ? { RetryCount: retryCount } : {}) },
    };
    if (token) ctx.Task = { Token: token };
    if (frame.mapItem) ctx.Map = { Item: frame.mapItem };
    return ctx;
  }

  private async runState(name: string, state: StateDef, frame: Frame, input: unknown, key: string, exitKey: string): Promise<StepResult> {
    const language: QueryLanguage = state.QueryLanguage ?? frame.language;
    const jsonata = language === 'JSONata';
    const context = this.contextObject(frame, name, state.Type === 'Task' || state.Type === 'Parallel' || state.Type === 'Map' ? 0 : undefined);
    const scope: PathScope = { input, context, variables: frame.variables };
    const jscope = { states: { input, context }, variables: frame.variables };
    switch (state.Type) {
      case 'Pass': {
        if (jsonata) {
          await this.assign(state.Assign, frame, jsonata, jscope, scope);
          return { output: state.Output !== undefined ? await evaluateTemplate(state.Output, jscope, 'Output') : input };
        }
        const effective = selectPath(state.InputPath, scope, 'InputPath');
        let result = state.Parameters !== undefined ? this.template(state.Parameters, { ...scope, input: effective }) : effective;
        if ('Result' in state) result = state.Result;
        await this.assign(state.Assign, frame, jsonata, jscope, { ...scope, input: result });
        return { output: selectPath(state.OutputPath, { ...scope, input: applyResultPath(input, result, state.ResultPath) }, 'OutputPath') };
      }
      case 'Succeed': {
        if (jsonata) return { output: state.Output !== undefined ? await evaluateTemplate(state.Output, jscope, 'Output') : input };
        const effective = selectPath(state.InputPath, scope, 'InputPath');
        return { output: selectPath(state.OutputPath, { ...scope, input: effective }, 'OutputPath') };
      }
      case 'Fail': {
        let error = state.Error;
        let cause = state.Cause;
        if (jsonata) {
          if (isJsonataExpression(error)) error = String(await evaluateTemplate(error, jscope, 'Error'));
          if (isJsonataExpression(cause)) cause = String(await evaluateTemplate(cause, jscope, 'Cause'));
        } else {
          if (state.ErrorPath) error = String(this.pathOrIntrinsic(state.ErrorPath, scope, 'ErrorPath'));
          if (state.CausePath) cause = String(this.pathOrIntrinsic(state.CausePath, scope, 'CausePath'));
        }
        throw new StatesError(error ?? '', cause ?? '');
      }
      case 'Choice':
        return this.runChoice(state, frame, input, scope, jscope, jsonata);
      case 'Wait':
        return runWait(this, state, frame, input, { scope, jscope, jsonata }, key);
      case 'Task':
      case 'Parallel':
      case 'Map':
        return this.withRetryCatch(name, state, frame, input, jsonata, (retryCount) => this.runWork(name, state, frame, input, { key, exitKey }, jsonata, retryCount));
      default:
        throw new StatesError('States.Runtime', `The state '${name}' has an unknown Type ${JSON.stringify((state as { Type: unknown }).Type)}`);
    }
  }

  template(template: unknown, scope: PathScope): unknown {
    return applyTemplate(template, scope, { random: this.ports.random, uuid: this.ports.uuid });
  }

  private pathOrIntrinsic(path: string, scope: PathScope, field: string): unknown {
    return (this.template({ 'v.$': path }, scope) as { v: unknown }).v ?? mustRead(path, scope, () => `The ${field} '${path}' selects nothing`);
  }

  /** Assign: every value is computed from the variables as the state found them; they are set when the state's output is made. */
  async assign(assign: Record<string, unknown> | undefined, frame: Frame, jsonata: boolean, jscope: Parameters<typeof evaluateTemplate>[1], scope: PathScope): Promise<void> {
    if (!assign) return;
    const values = jsonata ? ((await evaluateTemplate(assign, jscope, 'Assign')) as Record<string, unknown>) : (this.template(assign, scope) as Record<string, unknown>);
    const pending = frame.pendingAssign ?? new Map<string, unknown>();
    for (const [k, v] of Object.entries(values)) pending.set(k, v);
    frame.pendingAssign = pending;
  }

  private async runChoice(state: StateDef, frame: Frame, input: unknown, scope: PathScope, jscope: Parameters<typeof evaluateTemplate>[1], jsonata: boolean): Promise<StepResult> {
    const effective = jsonata ? input : selectPath(state.InputPath, scope, 'InputPath');
    const inner = { ...scope, input: effective };
    for (const rule of state.Choices ?? []) {
      let matched: boolean;
      if (jsonata) {
        const c = await evaluateTemplate(rule.Condition, jscope, 'Condition');
        if (typeof c !== 'boolean') throw new StatesError('States.QueryEvaluationError', `The Condition of a choice rule must evaluate to a boolean, not ${JSON.stringify(c)}`);
        matched = c;
      } else matched = evaluateRule(rule, inner);
      if (matched) {
        await this.assign(rule.Assign as Record<string, unknown> | undefined, frame, jsonata, jscope, inner);
        if (jsonata) return { output: rule.Output !== undefined ? await evaluateTemplate(rule.Output, jscope, 'Output') : input, next: String(rule.Next) };
        return { output: selectPath(state.OutputPath, inner, 'OutputPath'), next: String(rule.Next) };
      }
    }
    if (!state.Default) throw new StatesError('States.NoChoiceMatched', 'No Matches!');
    await this.assign(state.Assign, frame, jsonata, jscope, inner);
    if (jsonata) return { output: state.Output !== undefined ? await evaluateTemplate(state.Output, jscope, 'Output') : input, next: state.Default };
    return { output: selectPath(state.OutputPath, inner, 'OutputPath'), next: state.Default };
  }

  /** Task, Parallel and Map: their processing around the work itself. */
  private async runWork(name: string, state: StateDef, frame: Frame, input: unknown, { key, exitKey }: { key: string; exitKey: string }, jsonata: boolean, retryCount: number): Promise<unknown> {
    const callback = state.Type === 'Task' && (state.Resource ?? '').endsWith('.waitForTaskToken');
    const token = callback ? this.taskToken(`${key}.${retryCount}`) : undefined;
    const context = this.contextObject(frame, name, retryCount, token);
    const scope: PathScope = { input, context, variables: frame.variables };
    const jscope = { states: { input, context } as { input: unknown; context: unknown; result?: unknown }, variables: frame.variables };
    let args: unknown;
    let effective = input;
    if (jsonata) args = state.Arguments !== undefined && state.Type !== 'Map' ? await evaluateTemplate(state.Arguments, jscope, 'Arguments') : input;
    else {
      effective = selectPath(state.InputPath, scope, 'InputPath');
      // A Map's Parameters are its legacy ItemSelector (evaluated per item).
      args = state.Parameters !== undefined && state.Type !== 'Map' ? this.template(state.Parameters, { ...scope, input: effective }) : effective;
    }
    const run: TaskRunContext = { execution: this, frame, name, state, key: `${key}.${retryCount}`, exitKey, attempt: retryCount, jsonata, scope: { ...scope, input: effective }, jscope, token };
    let result: unknown;
    if (state.Type === 'Task') result = await runTask(run, args);
    else if (state.Type === 'Parallel') result = await runParallel(run, args);
    else result = await runMap(run, effective, args);
    if (jsonata) {
      jscope.states.result = result;
      await this.assign(state.Assign, frame, true, jscope, scope);
      return state.Output !== undefined ? evaluateTemplate(state.Output, jscope, 'Output') : result;
    }
    const selected = state.ResultSelector !== undefined ? this.template(state.ResultSelector, { ...scope, input: result }) : result;
    await this.assign(state.Assign, frame, false, jscope, { ...scope, input: selected });
    return selectPath(state.OutputPath, { ...scope, input: applyResultPath(input, selected, state.ResultPath) }, 'OutputPath');
  }

  private async withRetryCatch(name: string, state: StateDef, frame: Frame, input: unknown, jsonata: boolean, attempt: (retryCount: number) => Promise<unknown>): Promise<StepResult> {
    const counts = new Map<number, number>();
    let retryCount = 0;
    for (;;) {
      try {
        return { output: await attempt(retryCount) };
      } catch (err) {
        if (err instanceof AbortedError || frame.signal.aborted) throw err instanceof AbortedError ? err : new AbortedError();
        // (what the failed attempt's Assign computed is dropped: only a catcher's Assign is set)
        frame.pendingAssign = undefined;
        const e = asStatesError(err);
        // A Map's or Parallel's failed event: recorded once the error leaves the state, not per attempt.
        const failed = failedEvent(err);
        const index = (state.Retry ?? []).findIndex((r) => matches(r.ErrorEquals, e.error));
        if (index >= 0) {
          const r = state.Retry![index];
          const done = counts.get(index) ?? 0;
          if (done < (r.MaxAttempts ?? 3)) {
            counts.set(index, done + 1);
            retryCount++;
            let delay = (r.IntervalSeconds ?? 1) * Math.pow(r.BackoffRate ?? 2, done);
            if (r.MaxDelaySeconds !== undefined) delay = Math.min(delay, r.MaxDelaySeconds);
            if (r.JitterStrategy === 'FULL') delay = (this.ports.random ?? Math.random)() * delay;
            await sleep(this.ports.clock, delay * 1000, frame.signal);
            continue;
          }
        }
        if (failed) frame.history?.emit(failed, undefined, frame.chain);
        const catcher = (state.Catch ?? []).find((c) => matches(c.ErrorEquals, e.error));
        if (!catcher) throw e;
        const errorOutput = { Error: e.error, Cause: e.cause };
        const context = this.contextObject(frame, name, retryCount);
        if (jsonata) {
          const jscope = { states: { input, context, errorOutput }, variables: frame.variables };
          await this.assign(catcher.Assign, frame, true, jscope, { input, context, variables: frame.variables });
          return { output: catcher.Output !== undefined ? await evaluateTemplate(catcher.Output, jscope, 'Output') : errorOutput, next: catcher.Next };
        }
        await this.assign(catcher.Assign, frame, false, { states: { input, context }, variables: frame.variables }, { input: errorOutput, context, variables: frame.variables });
        return { output: applyResultPath(input, errorOutput, catcher.ResultPath === undefined ? '$' : catcher.ResultPath), next: catcher.Next };
      }
    }
  }

  /**
   * The task token of a `.waitForTaskToken` attempt: the execution (so the API finds it), the
   * attempt, and a random part remembered across restarts (a replay gives the same token), so a
   * token cannot be made from the execution's ARN and state names: only one given out works.
   */
  private taskToken(k: string): string {
    const secret = () => randomBytes(16).toString('base64url');
    const n = this.ports.memo ? this.ports.memo(`token:${k}`, secret) : secret();
    return Buffer.from(JSON.stringify({ e: this.identity.executionArn, k, n })).toString('base64url');
  }

  /** SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat for a token of this execution; false when no task waits on it. */
  complete(token: string, outcome: { output: unknown } | { error: string; cause: string } | 'heartbeat'): boolean {
    const waiter = this.callbacks.get(token);
    if (!waiter) return false;
    if (outcome === 'heartbeat') waiter.heartbeat();
    else if ('output' in outcome) waiter.resolve(outcome.output);
    else waiter.reject(new StatesError(outcome.error, outcome.cause));
    return true;
  }

  /**
   * A Parallel branch's level (recorded where its parent records), or a Map item's: `item.history`
   * is where its events go (none: not recorded), `item.chain` its own chain of events.
   */
  childFrame(frame: Frame, def: StateMachineDef, keys: { readonly key: string; readonly exit: string }, signal: AbortSignal, item?: { mapItem: NonNullable<Frame['mapItem']>; history: History | undefined; chain?: Chain; owner?: string; exits?: ReadonlyMap<string, ExitRecord> }): Frame {
    const history = item ? item.history : frame.history;
    const chain = item?.chain ?? { last: frame.chain?.last ?? history?.last ?? 0 };
    return { def, language: def.QueryLanguage ?? frame.language, variables: new Map(frame.variables), keyPrefix: keys.key, exitPrefix: keys.exit, owner: item && 'owner' in item ? item.owner : frame.owner, exits: item && 'owner' in item ? item.exits : frame.exits, signal, mapItem: item?.mapItem, history, chain };
  }

  controllerFor(signal: AbortSignal): AbortController {
    return childController(signal);
  }
}

function matches(errorEquals: readonly string[], error: string): boolean {
  return errorMatches(errorEquals, error);
}

export { resourceParts };
