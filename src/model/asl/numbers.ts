/**
 * The number fields of a state and of its retriers, as the Amazon States Language defines them:
 * Task TimeoutSeconds and HeartbeatSeconds positive integers (the heartbeat under the timeout),
 * Wait Seconds a non-negative integer, Map MaxConcurrency and ToleratedFailureCount non-negative
 * integers and ToleratedFailurePercentage 0 to 100; a retrier's IntervalSeconds and MaxDelaySeconds
 * positive integers, MaxAttempts a non-negative integer and BackoffRate at least 1.0; a number and
 * its Path (TimeoutSeconds and TimeoutSecondsPath, ...) not both. A JSONata expression (`{% %}`) in
 * such a field is checked when it runs; any other value that is not a number (`"two"`) is refused.
 * Shared by `localbatch validate` and the emulator's CreateStateMachine. Pure.
 */

export interface NumberProblem {
  /** The field's path inside the state: ['MaxConcurrency'] or ['Retry', 0, 'BackoffRate']. */
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

type Rule = 'positive' | 'non-negative' | 'percentage' | 'backoff';

const STATE_RULES: Readonly<Record<string, ReadonlyArray<[string, Rule]>>> = {
  Task: [['TimeoutSeconds', 'positive'], ['HeartbeatSeconds', 'positive']],
  Wait: [['Seconds', 'non-negative']],
  Map: [['MaxConcurrency', 'non-negative'], ['ToleratedFailureCount', 'non-negative'], ['ToleratedFailurePercentage', 'percentage']],
};
const PAIRS: Readonly<Record<string, ReadonlyArray<[string, string]>>> = {
  Task: [['TimeoutSeconds', 'TimeoutSecondsPath'], ['HeartbeatSeconds', 'HeartbeatSecondsPath']],
  Map: [['ToleratedFailureCount', 'ToleratedFailureCountPath'], ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'], ['MaxConcurrency', 'MaxConcurrencyPath']],
};
const RETRIER_RULES: ReadonlyArray<[string, Rule]> = [['IntervalSeconds', 'positive'], ['MaxAttempts', 'non-negative'], ['BackoffRate', 'backoff'], ['MaxDelaySeconds', 'positive']];

const DESCRIBE: Readonly<Record<Rule, string>> = {
  positive: 'a whole number of 1 or more',
  'non-negative': 'a whole number of 0 or more',
  percentage: 'a number from 0 to 100',
  backoff: 'a number of 1.0 or more',
};

function fits(v: number, rule: Rule): boolean {
  if (rule === 'percentage') return v >= 0 && v <= 100;
  if (rule === 'backoff') return v >= 1;
  return Number.isInteger(v) && v >= (rule === 'positive' ? 1 : 0);
}

export function numberProblems(state: Readonly<Record<string, unknown>>, stateName: string): NumberProblem[] {
  const out: NumberProblem[] = [];
  const check = (owner: Readonly<Record<string, unknown>>, rules: ReadonlyArray<[string, Rule]>, at: ReadonlyArray<string | number>) => {
    for (const [field, rule] of rules) {
      const v = owner[field];
      // (a JSONata expression is checked when it runs; a template value not resolved locally is
      // reported where the template is read)
      const deferred = typeof v === 'string' && (/^\{%[\s\S]*%\}$/.test(v.trim()) || v.startsWith('unresolved:') || v.includes('${'));
      if (v === undefined || v === null || deferred || (typeof v === 'number' && fits(v, rule))) continue;
      out.push({ path: [...at, field], message: `${field} of the state '${stateName}' must be ${DESCRIBE[rule]}, not ${JSON.stringify(v)}` });
    }
  };
  check(state, STATE_RULES[String(state.Type)] ?? [], []);
  const { TimeoutSeconds: timeout, HeartbeatSeconds: heartbeat } = state;
  if (state.Type === 'Task' && typeof timeout === 'number' && typeof heartbeat === 'number' && heartbeat >= timeout) {
    out.push({ path: ['HeartbeatSeconds'], message: `HeartbeatSeconds of the state '${stateName}' must be less than its TimeoutSeconds (${timeout})` });
  }
  // A number and its Path: one or the other (the language's "exactly one of" for these pairs).
  for (const [field, path] of PAIRS[String(state.Type)] ?? []) {
    if (state[field] !== undefined && state[path] !== undefined) out.push({ path: [path], message: `The state '${stateName}' has both ${field} and ${path}: keep one` });
  }
  const retry = state.Retry;
  if (Array.isArray(retry)) {
    retry.forEach((r, i) => {
      if (typeof r === 'object' && r !== null) check(r as Record<string, unknown>, RETRIER_RULES, ['Retry', i]);
    });
  }
  return out;
}
