/** The number fields of states and retriers (model/asl/numbers.ts): each rule at its boundaries. */
import assert from 'node:assert/strict';
import { numberProblems } from '../../../../src/model/asl/numbers';

const fields = (state: Record<string, unknown>) => numberProblems(state, 'S').map((p) => p.path.join('.'));

describe('state machine number fields (unit)', () => {
  it('takes each field at its boundary and refuses it just past, per state type', () => {
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ Type: 'Task', TimeoutSeconds: 1, HeartbeatSeconds: 1 }, ['HeartbeatSeconds']],
      [{ Type: 'Task', TimeoutSeconds: 2, HeartbeatSeconds: 1 }, []],
      [{ Type: 'Task', TimeoutSeconds: 0 }, ['TimeoutSeconds']],
      [{ Type: 'Task', TimeoutSeconds: 1.5 }, ['TimeoutSeconds']],
      [{ Type: 'Task', HeartbeatSeconds: 0 }, ['HeartbeatSeconds']],
      [{ Type: 'Wait', Seconds: 0 }, []],
      [{ Type: 'Wait', Seconds: -1 }, ['Seconds']],
      [{ Type: 'Wait', Seconds: 0.5 }, ['Seconds']],
      [{ Type: 'Map', MaxConcurrency: 0, ToleratedFailureCount: 0, ToleratedFailurePercentage: 0 }, []],
      [{ Type: 'Map', ToleratedFailurePercentage: 100 }, []],
      [{ Type: 'Map', ToleratedFailurePercentage: 100.5 }, ['ToleratedFailurePercentage']],
      [{ Type: 'Map', ToleratedFailurePercentage: -0.5 }, ['ToleratedFailurePercentage']],
      [{ Type: 'Map', ToleratedFailureCount: 1.5, MaxConcurrency: -1 }, ['MaxConcurrency', 'ToleratedFailureCount']],
      // Other types' fields of these names, and values that are not numbers (JSONata), are not checked here.
      [{ Type: 'Pass', TimeoutSeconds: -1, Seconds: -1 }, []],
      [{ Type: 'Map', MaxConcurrency: '{% $n %}' }, []],
      // A number and its Path: one or the other.
      [{ Type: 'Task', TimeoutSeconds: 5, TimeoutSecondsPath: '$.t' }, ['TimeoutSecondsPath']],
      [{ Type: 'Task', HeartbeatSeconds: 5, HeartbeatSecondsPath: '$.h' }, ['HeartbeatSecondsPath']],
      [{ Type: 'Task', TimeoutSecondsPath: '$.t', HeartbeatSeconds: 5 }, []],
      [{ Type: 'Map', MaxConcurrency: 1, MaxConcurrencyPath: '$.m' }, ['MaxConcurrencyPath']],
    ];
    for (const [state, expected] of cases) assert.deepEqual(fields(state).sort(), expected, JSON.stringify(state));
  });

  it("checks each retrier's IntervalSeconds, MaxAttempts, BackoffRate and MaxDelaySeconds", () => {
    const ok = { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 0, BackoffRate: 1, MaxDelaySeconds: 1 };
    assert.deepEqual(fields({ Type: 'Task', Retry: [ok] }), []);
    const bad = { ErrorEquals: ['States.ALL'], IntervalSeconds: 0, MaxAttempts: -1, BackoffRate: 0.99, MaxDelaySeconds: 0 };
    assert.deepEqual(fields({ Type: 'Task', Retry: [ok, bad] }), ['Retry.1.IntervalSeconds', 'Retry.1.MaxAttempts', 'Retry.1.BackoffRate', 'Retry.1.MaxDelaySeconds']);
    assert.deepEqual(fields({ Type: 'Task', Retry: 'not a list' }), []);
    assert.match(numberProblems({ Type: 'Task', Retry: [bad] }, 'Align')[2]!.message, /BackoffRate of the state 'Align' must be a number of 1\.0 or more, not 0\.99/);
  });
});
