/**
 * A Task state's work: TaskScheduled → TaskStarted → (TaskSubmitted) → TaskSucceeded / TaskFailed /
 * TaskTimedOut, with TimeoutSeconds(Path), HeartbeatSeconds(Path) and the callback pattern
 * (`.waitForTaskToken`: the call's response is TaskSubmitted's output, then the task waits for
 * SendTaskSuccess / SendTaskFailure on its token). A `.sync` task reports what it started itself.
 */
import { asStatesError, StatesError } from './errors';
import { evaluateTemplate, isJsonataExpression } from './jsonata';
import { mustRead, type PathScope } from './paths';
import { AbortedError, whenAborted } from './timing';
import type { Execution, Frame } from './interpreter';
import type { StateDef } from './types';

export interface TaskRunContext {
  readonly execution: Execution;
  readonly frame: Frame;
  readonly name: string;
  readonly state: StateDef;
  readonly key: string;
  /** The state's place in the run without its attempt (redrive.ts). */
  readonly exitKey: string;
  /** Which attempt this is (its retrier's count: 0 for the first). */
  readonly attempt: number;
  readonly jsonata: boolean;
  readonly scope: PathScope;
  readonly jscope: Parameters<typeof evaluateTemplate>[1];
  readonly token?: string;
}

/** History's resourceType / resource for a Task's Resource (e.g. batch / submitJob.sync). */
export function resourceParts(resource: string): { resourceType: string; resource: string } {
  if (/^arn:aws[\w-]*:states:[^:]*:[^:]*:activity:.+$/.test(resource)) return { resourceType: 'activity', resource };
  const optimized = /^arn:aws[\w-]*:states:[^:]*:[^:]*:(aws-sdk:[^:]+|[^:]+):(.+)$/.exec(resource);
  if (optimized) return { resourceType: optimized[1], resource: optimized[2] };
  if (/^arn:aws[\w-]*:lambda:/.test(resource)) return { resourceType: 'lambda', resource };
  return { resourceType: 'unknown', resource };
}

/** TimeoutSeconds / HeartbeatSeconds from the field, its Path, or a JSONata expression. */
async function seconds(run: TaskRunContext, field: 'TimeoutSeconds' | 'HeartbeatSeconds'): Promise<number | undefined> {
  const s = run.state;
  let v: unknown = s[field];
  const path = s[`${field}Path`];
  if (path !== undefined) v = mustRead(path, run.scope, () => `The ${field}Path '${path}' selects nothing in the input`);
  else if (run.jsonata && isJsonataExpression(v)) v = await evaluateTemplate(v, run.jscope, field);
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new StatesError('States.Runtime', `The ${field} must be a positive integer, not ${JSON.stringify(v)}`);
  }
  return v;
}

export async function runTask(run: TaskRunContext, parameters: unknown): Promise<unknown> {
  const { execution, frame, state } = run;
  const resource = state.Resource ?? '';
  const parts = resourceParts(resource);
  const timeout = await seconds(run, 'TimeoutSeconds');
  const heartbeat = await seconds(run, 'HeartbeatSeconds');
  // AWS checks an optimized integration's parameters before scheduling the task (no TaskScheduled).
  const refused = execution.ports.checkTask?.(resource, parameters, run.name);
  if (refused !== undefined) throw new StatesError('States.Runtime', `The Parameters '${JSON.stringify(parameters)}' could not be used to start the Task: [${refused}]`);
  const history = frame.history;
  if (history) {
    history.emit('TaskScheduled', {
      taskScheduledEventDetails: {
        resourceType: parts.resourceType,
        resource: parts.resource,
        region: /^arn:[^:]+:[^:]+:([^:]*):/.exec(execution.identity.executionArn)?.[1] ?? '',
        parameters: JSON.stringify(parameters),
        ...(timeout !== undefined ? { timeoutInSeconds: timeout } : {}),
        ...(heartbeat !== undefined ? { heartbeatInSeconds: heartbeat } : {}),
      },
    }, frame.chain);
    history.emit('TaskStarted', { taskStartedEventDetails: { resourceType: parts.resourceType, resource: parts.resource } }, frame.chain);
  }
  const controller = execution.controllerFor(frame.signal);
  const clock = execution.ports.clock;
  const timers: Array<{ id: number }> = [];
  let expiry: ((e: StatesError) => void) | undefined;
  const expired = new Promise<never>((_, reject) => (expiry = reject));
  expired.catch(() => undefined);
  if (timeout !== undefined) timers.push(clock.setTimer(timeout * 1000, () => expiry!(new StatesError('States.Timeout', ''))));
  let heartbeatTimer: { id: number } | undefined;
  const armHeartbeat = () => {
    if (heartbeat === undefined) return;
    if (heartbeatTimer) clock.clearTimer(heartbeatTimer);
    heartbeatTimer = clock.setTimer(heartbeat * 1000, () => expiry!(new StatesError('States.HeartbeatTimeout', '')));
  };
  let wasSubmitted = false;
  const submit = (output: unknown) => {
    wasSubmitted = true;
    // (a call that answers after the task ended, by a timeout or a stop, is not recorded)
    if (history && !controller.signal.aborted) history.emit('TaskSubmitted', { taskSubmittedEventDetails: { resourceType: parts.resourceType, resource: parts.resource, output: JSON.stringify(output), outputDetails: { truncated: false } } }, frame.chain);
  };
  try {
    const work = (async () => {
      let callbackResult: Promise<unknown> | undefined;
      if (run.token) {
        const token = run.token;
        callbackResult = new Promise((resolve, reject) => {
          execution.callbacks.set(token, { resolve, reject, heartbeat: armHeartbeat });
        });
        callbackResult.catch(() => undefined);
        armHeartbeat();
      }
      const response = await execution.ports.runTask({
        resource,
        parameters,
        stateName: run.name,
        key: run.key,
        signal: controller.signal,
        taskToken: run.token,
        executionArn: execution.identity.executionArn,
        submitted: (output) => submit(output),
      });
      // A callback task's call has been made: AWS records its response as submitted, then waits.
      if (callbackResult && !wasSubmitted) submit(response);
      return callbackResult ? await callbackResult : response;
    })();
    // The task's own signal (aborted with the frame's, and when the task ends): a listener on the
    // frame's signal would stay there for every task the frame ever ran.
    const result = await Promise.race([work, expired, whenAborted(controller.signal)]);
    history?.emit('TaskSucceeded', { taskSucceededEventDetails: { resourceType: parts.resourceType, resource: parts.resource, output: JSON.stringify(result), outputDetails: { truncated: false } } }, frame.chain);
    return result;
  } catch (err) {
    if (err instanceof AbortedError || frame.signal.aborted) throw new AbortedError();
    const e = asStatesError(err);
    const timedOut = e.error === 'States.Timeout' || e.error === 'States.HeartbeatTimeout';
    history?.emit(timedOut ? 'TaskTimedOut' : 'TaskFailed', { [timedOut ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails']: { resourceType: parts.resourceType, resource: parts.resource, error: e.error, cause: e.cause } }, frame.chain);
    throw e;
  } finally {
    // The state is over: a `.sync` task still running (timeout, stop) is told to end its work.
    controller.abort();
    for (const t of timers) clock.clearTimer(t);
    if (heartbeatTimer) clock.clearTimer(heartbeatTimer);
    if (run.token) execution.callbacks.delete(run.token);
  }
}
