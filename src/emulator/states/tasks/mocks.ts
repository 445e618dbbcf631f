/**
 * Stand-ins for the services localbatch does not emulate (Lambda, SQS, DynamoDB, other aws-sdk
 * tasks), read from a file in the format of AWS Step Functions Local's mocked service integrations:
 * `StateMachines.<machine>.TestCases.<case>.<state> = <response name>` and
 * `MockedResponses.<response name>.<"0" | "1-2" | ...> = { Return } | { Throw: { Error, Cause } }`.
 * An execution picks its test case as Step Functions Local does: StartExecution on
 * `<stateMachineArn>#<TestCase>`.
 */
import { StatesError } from '../core/errors';

export interface MockConfig {
  readonly StateMachines?: Record<string, { TestCases?: Record<string, Record<string, string>> }>;
  readonly MockedResponses?: Record<string, Record<string, { Return?: unknown; Throw?: { Error?: string; Cause?: string } }>>;
}

/** Checks a parsed mock file's shape; returns what is wrong, or nothing. */
export function mockConfigProblems(config: unknown): string[] {
  const out: string[] = [];
  if (!config || typeof config !== 'object') return ['the mock file must be a JSON object with StateMachines and MockedResponses'];
  const c = config as MockConfig;
  for (const [machine, m] of Object.entries(c.StateMachines ?? {})) {
    for (const [tc, states] of Object.entries(m.TestCases ?? {})) {
      for (const [state, response] of Object.entries(states)) {
        if (!c.MockedResponses?.[response]) out.push(`StateMachines.${machine}.TestCases.${tc}.${state} names the response '${response}', which MockedResponses does not define`);
      }
    }
  }
  for (const [name, r] of Object.entries(c.MockedResponses ?? {})) {
    for (const key of Object.keys(r)) if (!/^\d+(-\d+)?$/.test(key)) out.push(`MockedResponses.${name} has the key '${key}': keys are invocation numbers like "0" or ranges like "1-2"`);
  }
  return out;
}

/** Whether a test case mocks `state` (its calls never reach a service). */
export function isMocked(config: MockConfig | undefined, machine: string, testCase: string | undefined, state: string): boolean {
  return !!(config && testCase && config.StateMachines?.[machine]?.TestCases?.[testCase]?.[state]);
}

/**
 * The mocked answer for the `invocation`-th call (0-based, retries included) of `state` in a test
 * case; undefined when the test case does not mock that state.
 */
export function mockedResponse(config: MockConfig | undefined, machine: string, testCase: string | undefined, state: string, invocation: number): { found: boolean; value?: unknown } {
  if (!config || !testCase) return { found: false };
  const name = config.StateMachines?.[machine]?.TestCases?.[testCase]?.[state];
  if (!name) return { found: false };
  const responses = config.MockedResponses?.[name] ?? {};
  for (const [key, r] of Object.entries(responses)) {
    const [from, to] = key.split('-').map(Number);
    if (invocation === from || (to !== undefined && invocation >= from && invocation <= to)) {
      if (r.Throw) throw new StatesError(r.Throw.Error ?? 'States.TaskFailed', r.Throw.Cause ?? '');
      return { found: true, value: r.Return };
    }
  }
  throw new StatesError('States.Runtime', `The mocked response '${name}' has no entry for invocation ${invocation} of the state '${state}' (add a key "${invocation}" to MockedResponses.${name})`);
}
