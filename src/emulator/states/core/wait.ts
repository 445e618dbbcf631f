/** The Wait state: Seconds(Path) or Timestamp(Path), its deadline fixed across restarts (the memo port). */
import { evaluateTemplate, isJsonataExpression, QueryEvaluationError } from './jsonata';
import { mustRead, type PathScope } from './paths';
import { selectPath } from './payload';
import { StatesError } from './errors';
import { sleep } from './timing';
import { parseTimestamp } from '../../../model/asl/timestamps';
import type { Execution, Frame } from './interpreter';
import type { StateDef } from './types';

export async function runWait(execution: Execution, state: StateDef, frame: Frame, input: unknown, { scope, jscope, jsonata }: { scope: PathScope; jscope: Parameters<typeof evaluateTemplate>[1]; jsonata: boolean }, key: string): Promise<{ output: unknown }> {
  const effective = jsonata ? input : selectPath(state.InputPath, scope, 'InputPath');
  const inner = { ...scope, input: effective };
  const now = execution.ports.clock.now();
  let until: number;
  const value = async (v: unknown, field: string) => (jsonata && isJsonataExpression(v) ? evaluateTemplate(v, jscope, field) : v);
  if (state.Seconds !== undefined || state.SecondsPath !== undefined) {
    const s = state.SecondsPath !== undefined ? mustRead(state.SecondsPath, inner, () => `The SecondsPath '${state.SecondsPath}' selects nothing in the input`) : await value(state.Seconds, 'Seconds');
    if (state.SecondsPath !== undefined && (typeof s !== 'number' || !Number.isInteger(s))) throw new StatesError('States.Runtime', `The SecondsPath parameter cannot be parsed as a long value: ${state.SecondsPath} == ${typeof s === 'string' ? s : JSON.stringify(s)}`);
    if (state.SecondsPath !== undefined && (s as number) < 0) throw new StatesError('States.Runtime', `The SecondsPath parameter references a negative value: ${state.SecondsPath} == ${String(s)}`);
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) throw new StatesError(jsonata ? 'States.QueryEvaluationError' : 'States.Runtime', `The Wait state's seconds must be a non-negative integer, not ${JSON.stringify(s)}`);
    until = now + s * 1000;
  } else {
    const t = state.TimestampPath !== undefined ? mustRead(state.TimestampPath, inner, () => `The TimestampPath '${state.TimestampPath}' selects nothing in the input`) : await value(state.Timestamp, 'Timestamp');
    const at = parseTimestamp(t);
    if (at === undefined) throw badTimestamp(state, t, jsonata);
    until = at;
  }
  // (AWS refuses a wait of more than 2^31 - 1 seconds, about 68 years)
  if (until - now > MAX_WAIT_MS) throw new StatesError('States.Runtime', 'Wait state delay is too long.');
  const due = execution.ports.memo ? execution.ports.memo(`wait:${key}`, () => until) : until;
  await sleep(execution.ports.clock, due - execution.ports.clock.now(), frame.signal);
  await execution.assign(state.Assign, frame, jsonata, jscope, inner);
  if (jsonata) return { output: state.Output !== undefined ? await evaluateTemplate(state.Output, jscope, 'Output') : input };
  return { output: selectPath(state.OutputPath, inner, 'OutputPath') };
}

const MAX_WAIT_MS = (2 ** 31 - 1) * 1000;

/** A Wait's timestamp that is not an ISO-8601 extended offset date-time, in AWS's words. */
function badTimestamp(state: StateDef, t: unknown, jsonata: boolean): StatesError {
  const shown = typeof t === 'string' ? t : JSON.stringify(t);
  if (state.TimestampPath !== undefined) return new StatesError('States.Runtime', `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${state.TimestampPath} == ${shown}`);
  const message = `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${shown}`;
  return jsonata ? new QueryEvaluationError(message, { location: 'Timestamp', afterEntered: true }) : new StatesError('States.Runtime', message);
}
