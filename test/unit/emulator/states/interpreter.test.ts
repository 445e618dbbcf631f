/**
 * The interpreter on a fake clock (named: FakeClock) and a fake task runner (a function in the test):
 * processing fields with AWS's documented examples, Choice, Wait, Retry backoff, Catch, timeouts,
 * Parallel, Map, JSONata with Assign, stop.
 */
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { Execution, type Outcome } from '../../../../src/emulator/states/core/interpreter';
import { StatesError } from '../../../../src/emulator/states/core/errors';
import type { HistoryEventInput, StateMachineDef, TaskInvocation } from '../../../../src/emulator/states/core/types';

const identity = {
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:ex1',
  name: 'ex1',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm',
  stateMachineName: 'sm',
  roleArn: 'arn:aws:iam::123456789012:role/r',
  startTime: '2026-01-01T00:00:00.000Z',
};

function start(def: StateMachineDef, input: unknown, runTask: (i: TaskInvocation) => Promise<unknown> = async (i) => i.parameters, clock = new FakeClock()) {
  const events: HistoryEventInput[] = [];
  const ex = new Execution(def, input, identity, { clock, runTask, emit: (e) => events.push(e), random: () => 0.5 });
  const done = ex.run();
  return { ex, done, events, clock };
}

async function runToEnd(def: StateMachineDef, input: unknown, runTask?: (i: TaskInvocation) => Promise<unknown>): Promise<Outcome> {
  const s = start(def, input, runTask);
  await s.clock.runAll();
  return s.done;
}

const ok = (o: Outcome) => {
  assert.equal(o.status, 'SUCCEEDED', JSON.stringify(o));
  return (o as { output: unknown }).output;
};

describe('Step Functions interpreter', () => {
  it('InputPath, Parameters, ResultSelector, ResultPath, OutputPath (documented examples)', async () => {
    const input = { comment: 'Example for InputPath.', dataset1: { val1: 1, val2: 2, val3: 3 }, dataset2: { val1: 'a', val2: 'b', val3: 'c' } };
    assert.deepEqual(ok(await runToEnd({ StartAt: 'P', States: { P: { Type: 'Pass', InputPath: '$.dataset2', End: true } } }, input)), { val1: 'a', val2: 'b', val3: 'c' });

    const hello = { comment: 'This is a test of the input and output of a Task state.', details: 'Default example', who: 'AWS Step Functions' };
    const task = async () => 'Hello, AWS Step Functions!';
    const withResultPath = ok(await runToEnd({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:HelloFunction', ResultPath: '$.taskresult', End: true } } }, hello, task));
    assert.deepEqual(withResultPath, { ...hello, taskresult: 'Hello, AWS Step Functions!' });
    const nullPath = ok(await runToEnd({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:1:function:f', ResultPath: null, End: true } } }, hello, task));
    assert.deepEqual(nullPath, hello);

    const params = ok(
      await runToEnd(
        {
          StartAt: 'T',
          States: {
            T: {
              Type: 'Task',
              Resource: 'arn:aws:states:::batch:submitJob',
              Parameters: { comment: 'Selecting what I care about.', MyDetails: { 'size.$': '$.product.details.size', 'exists.$': '$.product.availability', 'StaticValue': 'foo' }, 'name.$': '$$.Execution.Name' },
              ResultSelector: { 'sz.$': '$.MyDetails.size', 'n.$': '$.name' },
              ResultPath: '$.out',
              OutputPath: '$.out',
              End: true,
            },
          },
        },
        { product: { details: { color: 'blue', size: 'small', material: 'cotton' }, availability: 'in stock', sku: '2317', cost: '$23' } },
      ),
    );
    assert.deepEqual(params, { sz: 'small', n: 'ex1' });
  });

  it('a state whose output is over 256 KiB fails the execution with States.DataLimitExceeded, which States.ALL does not catch', async () => {
    const pad = 'x'.repeat(150_000);
    const doubled: StateMachineDef = { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'a.$': '$.pad', 'b.$': '$.pad' }, End: true } } };
    const o = await runToEnd(doubled, { pad });
    assert.equal(o.status, 'FAILED');
    assert.equal((o as { error: string }).error, 'States.DataLimitExceeded');
    assert.match((o as { cause: string }).cause, /The state\/task 'P' returned a result with a size exceeding the maximum number of bytes service limit/);
    const caught: StateMachineDef = { StartAt: 'Par', States: { Par: { Type: 'Parallel', Branches: [doubled], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true }, Caught: { Type: 'Succeed' } } };
    assert.equal((await runToEnd(caught, { pad })).status, 'FAILED');
    assert.deepEqual(ok(await runToEnd(doubled, { pad: 'x'.repeat(100_000) })), { a: 'x'.repeat(100_000), b: 'x'.repeat(100_000) });
  });

  it("a path may end with one of Jayway's functions, as Step Functions' JSONPath has them (length(), sum(), keys(), ...)", async () => {
    const input = { items: ['a', 'b', 'c'], nums: [1, 2, 3, 6], obj: { x: 1, y: 2 }, s: 'hello' };
    const out = ok(await runToEnd({
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.items.length()', NumericGreaterThan: 2, Next: 'P' }], Default: 'F' },
        P: {
          Type: 'Pass',
          Parameters: { 'n.$': '$.items.length()', 'sum.$': '$.nums.sum()', 'avg.$': '$.nums.avg()', 'min.$': '$.nums.min()', 'max.$': '$.nums.max()', 'keys.$': '$.obj.keys()', 'first.$': '$.items.first()', 'last.$': '$.items.last()', 'chars.$': '$.s.length()', 'all.$': '$.nums[*].length()' },
          End: true,
        },
        F: { Type: 'Fail' },
      },
    }, input));
    assert.deepEqual(out, { n: 3, sum: 12, avg: 3, min: 1, max: 6, keys: ['x', 'y'], first: 'a', last: 'c', chars: 5, all: 4 });
    const bad = await runToEnd({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'x.$': '$.obj.sum()' }, End: true } } }, input);
    assert.match((bad as { cause: string }).cause, /The JSONPath function sum\(\) in '\$\.obj\.sum\(\)' needs a list/);
  });

  it('a missing path is States.Runtime with AWS message; Pass with Result', async () => {
    const o = await runToEnd({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'x.$': '$.missing' }, End: true } } }, { a: 1 });
    assert.equal(o.status, 'FAILED');
    assert.equal((o as { error: string }).error, 'States.Runtime');
    assert.match((o as { cause: string }).cause, /^An error occurred while executing the state 'P' \(entered at the event id #2\)\. The JSONPath '\$\.missing' specified for the field 'x\.\$' could not be found in the input '\{"a":1\}'$/);
    assert.deepEqual(ok(await runToEnd({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { x: 1 }, ResultPath: '$.r', End: true } } }, { a: 1 })), { a: 1, r: { x: 1 } });
  });

  it('Choice: operators, And/Or/Not, Default, NoChoiceMatched', async () => {
    const def = (choices: Array<Record<string, unknown>>, dflt?: string): StateMachineDef => ({
      StartAt: 'C',
      States: { C: { Type: 'Choice', Choices: choices, Default: dflt }, Yes: { Type: 'Pass', Result: 'yes', End: true }, No: { Type: 'Pass', Result: 'no', End: true } },
    });
    const input = { n: 5, s: 'abc.log', t: '2026-01-01T00:00:00Z', b: true, nul: null, other: 5 };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ Variable: '$.n', NumericGreaterThan: 4, Next: 'Yes' }, 'yes'],
      [{ Variable: '$.n', NumericLessThanEquals: 4, Next: 'Yes' }, 'no'],
      [{ Variable: '$.n', NumericEqualsPath: '$.other', Next: 'Yes' }, 'yes'],
      [{ Variable: '$.s', StringMatches: '*.log', Next: 'Yes' }, 'yes'],
      [{ Variable: '$.s', StringEquals: 5, Next: 'Yes' }, 'no'],
      [{ Variable: '$.n', StringEquals: 'abc', Next: 'Yes' }, 'no'],
      [{ Variable: '$.t', TimestampLessThan: '2026-06-01T00:00:00Z', Next: 'Yes' }, 'yes'],
      [{ Variable: '$.b', BooleanEquals: true, Next: 'Yes' }, 'yes'],
      [{ Variable: '$.nul', IsNull: true, Next: 'Yes' }, 'yes'],
      [{ Variable: '$.nope', IsPresent: false, Next: 'Yes' }, 'yes'],
      [{ Variable: '$.t', IsTimestamp: true, Next: 'Yes' }, 'yes'],
      [{ And: [{ Variable: '$.n', IsNumeric: true }, { Not: { Variable: '$.s', StringEquals: 'x' } }], Next: 'Yes' }, 'yes'],
      [{ Or: [{ Variable: '$.n', NumericEquals: 1 }, { Variable: '$.b', BooleanEquals: false }], Next: 'Yes' }, 'no'],
    ];
    for (const [rule, expected] of cases) assert.equal(ok(await runToEnd(def([rule], 'No'), input)), expected, JSON.stringify(rule));
    const none = await runToEnd(def([{ Variable: '$.n', NumericEquals: 1, Next: 'Yes' }]), input);
    assert.deepEqual([none.status, (none as { error: string }).error], ['FAILED', 'States.NoChoiceMatched']);
  });

  it('Wait waits on the clock (Seconds, TimestampPath)', async () => {
    const s = start({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 30, Next: 'W2' }, W2: { Type: 'Wait', TimestampPath: '$.at', End: true } } }, { at: '2026-01-01T00:01:00Z' });
    await s.clock.advance(29_000);
    assert.equal(s.events.some((e) => e.type === 'WaitStateExited'), false);
    await s.clock.advance(1_000);
    assert.equal(s.events.filter((e) => e.type === 'WaitStateExited').length, 1);
    await s.clock.advance(29_000);
    assert.equal(s.events.filter((e) => e.type === 'WaitStateExited').length, 1);
    await s.clock.advance(1_000);
    assert.equal((await s.done).status, 'SUCCEEDED');
  });

  it('Retry: IntervalSeconds × BackoffRate^n capped by MaxDelaySeconds, then Catch', async () => {
    const times: number[] = [];
    const clock = new FakeClock(0);
    const s = start(
      {
        StartAt: 'T',
        States: {
          T: {
            Type: 'Task',
            Resource: 'arn:aws:states:::batch:submitJob.sync',
            Retry: [{ ErrorEquals: ['Custom.Error'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 3, MaxDelaySeconds: 10 }],
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled', ResultPath: '$.error' }],
            End: true,
          },
          Handled: { Type: 'Pass', End: true },
        },
      },
      { keep: 1 },
      async () => {
        times.push(clock.now());
        throw new StatesError('Custom.Error', 'boom');
      },
      clock,
    );
    await clock.runAll();
    assert.deepEqual(times, [0, 2000, 8000, 18000]);
    assert.deepEqual(ok(await s.done), { keep: 1, error: { Error: 'Custom.Error', Cause: 'boom' } });
  });

  it('TimeoutSeconds: States.Timeout aborts the task; HeartbeatSeconds on a callback', async () => {
    let aborted = false;
    const s = start({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', TimeoutSeconds: 5, End: true } } }, {}, (i) => {
      i.signal.addEventListener('abort', () => (aborted = true));
      return new Promise(() => undefined);
    });
    await s.clock.advance(5000);
    const o = await s.done;
    assert.deepEqual([o.status, (o as { error: string }).error, aborted], ['FAILED', 'States.Timeout', true]);
    assert.ok(s.events.some((e) => e.type === 'TaskTimedOut'));

    let token: string | undefined;
    const cb = start({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:batch:submitJob.waitForTaskToken', HeartbeatSeconds: 10, Parameters: { 'token.$': '$$.Task.Token' }, End: true } } }, {}, async (i) => {
      token = (i.parameters as { token: string }).token;
      return { JobId: 'j' };
    });
    await cb.clock.advance(9000);
    // A token made from the execution's ARN and the state's key alone (what tokens once were) is not the one given out.
    const { e, k } = JSON.parse(Buffer.from(token!, 'base64url').toString('utf8')) as { e: string; k: string };
    assert.equal(cb.ex.complete(Buffer.from(JSON.stringify({ e, k })).toString('base64url'), { output: { forged: true } }), false);
    assert.ok(token && cb.ex.complete(token, 'heartbeat'));
    await cb.clock.advance(9000);
    assert.ok(cb.ex.complete(token, { output: { done: true } }));
    assert.deepEqual(ok(await cb.done), { done: true });
    // The call's response is recorded as submitted (as AWS records it), then the callback's result.
    const tasks = cb.events.filter((x) => x.type.startsWith('Task') && !x.type.startsWith('TaskState'));
    assert.deepEqual(tasks.map((x) => x.type), ['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
    const details = (x: HistoryEventInput, k: string) => (x.details as Record<string, { output: string; resource: string }>)[k]!;
    assert.deepEqual(JSON.parse(details(tasks[2]!, 'taskSubmittedEventDetails').output), { JobId: 'j' });
    assert.equal(details(tasks[2]!, 'taskSubmittedEventDetails').resource, 'submitJob.waitForTaskToken');
    // A .sync task reports what it started itself, once; a request-response task submits nothing.
    const sync = start({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', End: true } } }, {}, async (i) => {
      i.submitted?.({ JobId: 'started' });
      return { Status: 'SUCCEEDED' };
    });
    await sync.clock.runAll();
    ok(await sync.done);
    assert.deepEqual(sync.events.filter((x) => x.type === 'TaskSubmitted').map((x) => JSON.parse(details(x, 'taskSubmittedEventDetails').output)), [{ JobId: 'started' }]);
    const plain = start({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob', End: true } } }, {});
    await plain.clock.runAll();
    ok(await plain.done);
    assert.equal(plain.events.filter((x) => x.type === 'TaskSubmitted').length, 0);
  });

  it('the context object\'s State: RetryCount for a Task (counting its retries), none for a Pass', async () => {
    const pass = ok(await runToEnd({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'state.$': '$$.State' }, End: true } } }, {})) as { state: Record<string, unknown> };
    assert.deepEqual(Object.keys(pass.state).sort(), ['EnteredTime', 'Name']);
    let calls = 0;
    const flaky = async (i: TaskInvocation) => {
      if (++calls < 3) throw new StatesError('Flaky', 'not yet');
      return i.parameters;
    };
    const task = ok(await runToEnd({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'retry.$': '$$.State.RetryCount', 'name.$': '$$.State.Name', 'entered.$': '$$.State.EnteredTime', 'execution.$': '$$.Execution.StartTime' }, Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 3 }], End: true } } }, {}, flaky)) as Record<string, unknown>;
    // (the retries came 1 s and 2 s later: EnteredTime is when the state was entered, not the attempt)
    assert.deepEqual(task, { retry: 2, name: 'T', entered: new Date(new FakeClock().now()).toISOString(), execution: identity.startTime });

    // A Map being retried: its ItemSelector sees the Map's RetryCount.
    let mapCalls = 0;
    const failsOnce = async (i: TaskInvocation) => {
      if (++mapCalls === 1) throw new StatesError('Flaky', 'first try');
      return i.parameters;
    };
    const map = ok(await runToEnd({ StartAt: 'M', States: { M: { Type: 'Map', ItemsPath: '$.items', ItemSelector: { 'retry.$': '$$.State.RetryCount', 'v.$': '$$.Map.Item.Value' }, ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'in.$': '$' }, OutputPath: '$.in', End: true } } }, Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1 }], End: true } } }, { items: ['a'] }, failsOnce));
    assert.deepEqual(map, [{ retry: 1, v: 'a' }]);
  });

  it('Parallel and Map (MaxConcurrency, ItemSelector with $$.Map.Item, ItemBatcher, tolerated failures)', async () => {
    const par = ok(await runToEnd({ StartAt: 'P', States: { P: { Type: 'Parallel', End: true, Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', Result: 1, End: true } } }, { StartAt: 'B', States: { B: { Type: 'Pass', InputPath: '$.x', End: true } } }] } } }, { x: 2 }));
    assert.deepEqual(par, [1, 2]);
    let running = 0;
    let peak = 0;
    const map = ok(
      await runToEnd(
        {
          StartAt: 'M',
          States: {
            M: {
              Type: 'Map',
              ItemsPath: '$.items',
              MaxConcurrency: 2,
              ItemSelector: { 'v.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index', 'k.$': '$.k' },
              ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', End: true } } },
              End: true,
            },
          },
        },
        { items: ['a', 'b', 'c'], k: 9 },
        async (i) => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setImmediate(r));
          running--;
          return i.parameters;
        },
      ),
    );
    assert.deepEqual(map, [{ v: 'a', i: 0, k: 9 }, { v: 'b', i: 1, k: 9 }, { v: 'c', i: 2, k: 9 }]);
    assert.equal(peak, 2);
    const batched = ok(await runToEnd({ StartAt: 'M', States: { M: { Type: 'Map', ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { f: 1 } }, ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } } }, [1, 2, 3]));
    assert.deepEqual(batched, [{ BatchInput: { f: 1 }, Items: [1, 2] }, { BatchInput: { f: 1 }, Items: [3] }]);
    const failing = { StartAt: 'C', States: { C: { Type: 'Choice' as const, Choices: [{ Variable: '$', NumericGreaterThan: 1, Next: 'F' }], Default: 'P' }, F: { Type: 'Fail' as const, Error: 'Bad' }, P: { Type: 'Pass' as const, End: true } } };
    const tolerated = await runToEnd({ StartAt: 'M', States: { M: { Type: 'Map', ToleratedFailureCount: 1, ItemProcessor: failing, End: true } } }, [1, 2]);
    assert.deepEqual(ok(tolerated), [1, { Error: 'Bad', Cause: '' }]);
    const exceeded = await runToEnd({ StartAt: 'M', States: { M: { Type: 'Map', ToleratedFailureCount: 1, ItemProcessor: failing, End: true } } }, [2, 3]);
    assert.equal((exceeded as { error: string }).error, 'States.ExceedToleratedFailureThreshold');
    const strict = await runToEnd({ StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: failing, End: true } } }, [1, 2]);
    assert.equal((strict as { error: string }).error, 'Bad');
  });

  it('JSONata: Arguments, Output, Assign and variables, $states, Condition, catch errorOutput', async () => {
    const out = ok(
      await runToEnd(
        {
          QueryLanguage: 'JSONata',
          StartAt: 'A',
          States: {
            A: { Type: 'Pass', Assign: { total: '{% $sum($states.input.xs) %}', first: '{% $states.input.xs[0] %}' }, Next: 'C' },
            C: { Type: 'Choice', Choices: [{ Condition: '{% $total > 5 %}', Next: 'T', Assign: { big: true } }], Default: 'T' },
            T: {
              Type: 'Task',
              Resource: 'arn:aws:states:::batch:submitJob',
              Arguments: { JobName: "{% 'job-' & $string($total) %}", n: '{% $states.context.Execution.Name %}' },
              Output: { name: '{% $states.result.JobName %}', big: '{% $big %}', first: '{% $first %}', n: '{% $states.result.n %}' },
              Next: 'Boom',
            },
            Boom: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob', Arguments: {}, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done', Output: { err: '{% $states.errorOutput.Error %}', prev: '{% $states.input.name %}' } }], End: true },
            Done: { Type: 'Succeed' },
          },
        },
        { xs: [1, 2, 3] },
        async (i) => {
          if (i.stateName === 'Boom') throw new StatesError('Batch.ClientException', 'nope');
          return i.parameters;
        },
      ),
    );
    assert.deepEqual(out, { err: 'Batch.ClientException', prev: 'job-6' });
  });

  it('JSONata: an expression that returns nothing fails the state with States.QueryEvaluationError naming the field (the cases AWS recorded)', async () => {
    const failed = async (def: StateMachineDef, runTask?: (i: TaskInvocation) => Promise<unknown>) => {
      const s = start(def, {}, runTask);
      await s.clock.runAll();
      const o = (await s.done) as { status: string; error: string; cause: string };
      return { o, events: s.events };
    };
    const cases: Array<[StateMachineDef, string, string]> = [
      [{ QueryLanguage: 'JSONata', StartAt: 'State0', States: { State0: { Type: 'Pass', Output: '{% $doesNotExist %}', End: true } } }, 'Output', 'Pass'],
      [{ QueryLanguage: 'JSONata', StartAt: 'State0', States: { State0: { Type: 'Pass', Output: { result: '{% $doesNotExist %}' }, End: true } } }, 'Output/result', 'Pass'],
      [{ QueryLanguage: 'JSONata', StartAt: 'State0', States: { State0: { Type: 'Pass', Assign: { result: '{% $doesNotExist %}' }, End: true } } }, 'Assign/result', 'Pass'],
      [{ QueryLanguage: 'JSONata', StartAt: 'State0', States: { State0: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: '{% $doesNotExist %}' }, End: true } } }, 'Arguments/FunctionName', 'Task'],
    ];
    for (const [def, location] of cases) {
      const { o, events } = await failed(def);
      const cause = `An error occurred while executing the state 'State0' (entered at the event id #2). The JSONata expression '$doesNotExist' specified for the field '${location}' returned nothing (undefined).`;
      assert.deepEqual([o.status, o.error, o.cause], ['FAILED', 'States.QueryEvaluationError', cause], location);
      // EvaluationFailed, chained (as AWS chains it) to the event the state's entry was chained to.
      const ev = events.find((e) => e.type === 'EvaluationFailed')!;
      const entered = events.find((e) => e.type.endsWith('StateEntered'))!;
      assert.deepEqual([ev.previousEventId, ev.details], [entered.previousEventId, { evaluationFailedEventDetails: { error: 'States.QueryEvaluationError', cause, location, state: 'State0' } }], location);
    }
    // An array element is named by its index; null and false are values, not nothing.
    const arr = await failed({ QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: { a: [1, '{% $states.input.x %}'] }, End: true } } });
    assert.match(arr.o.cause, /specified for the field 'Output\/a\[1\]' returned nothing/);
    assert.deepEqual(ok(await runToEnd({ QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: { n: '{% null %}', f: '{% false %}' }, End: true } } }, {})), { n: null, f: false });
    // A Task's own Catch takes it.
    const caught = ok(await runToEnd({ QueryLanguage: 'JSONata', StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob', Arguments: { JobName: '{% $states.input.name %}' }, Catch: [{ ErrorEquals: ['States.QueryEvaluationError'], Next: 'C', Output: '{% $states.errorOutput.Error %}' }], End: true }, C: { Type: 'Succeed' } } }, {}));
    assert.equal(caught, 'States.QueryEvaluationError');
  });

  it("Assign: the state's own Output/OutputPath sees the variables as the state found them; later states see the new values (recorded in StateExited)", async () => {
    // AWS's recorded case (JSONPath): State1's OutputPath reads $answer as 42, not the value its Assign sets.
    const s = start({
      StartAt: 'State0',
      States: {
        State0: { Type: 'Pass', Result: { theQuestion: 'What is the answer?' }, Assign: { 'question.$': '$.theQuestion', answer: 42 }, Next: 'State1' },
        State1: { Type: 'Pass', InputPath: '$answer', ResultPath: '$.theAnswer', OutputPath: '$answer', Assign: { answer: '<omitted>' }, End: true },
      },
    }, {});
    await s.clock.runAll();
    assert.equal(ok(await s.done), 42);
    const exited = s.events.filter((e) => e.type === 'PassStateExited').map((e) => (e.details as { stateExitedEventDetails: Record<string, unknown> }).stateExitedEventDetails);
    assert.deepEqual(exited.map((d) => d.assignedVariables), [{ question: '"What is the answer?"', answer: '42' }, { answer: '"<omitted>"' }]);
    // JSONata: Output and the other Assign values read the old x; the next state reads the new one.
    const out = ok(await runToEnd({
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
        B: { Type: 'Pass', Assign: { x: 2, y: '{% $x %}' }, Output: { xOut: '{% $x %}' }, Next: 'C' },
        C: { Type: 'Pass', Output: { x: '{% $x %}', y: '{% $y %}', before: '{% $states.input.xOut %}' }, End: true },
      },
    }, {}));
    assert.deepEqual(out, { x: 2, y: 1, before: 1 });
    // A failed attempt's Assign is dropped; the catcher's is kept.
    const caught = ok(await runToEnd({
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob', Assign: { a: 'task' }, Output: '{% $states.result.missing %}', Catch: [{ ErrorEquals: ['States.ALL'], Assign: { b: 'catch' }, Next: 'E' }], End: true },
        E: { Type: 'Pass', Output: { a: '{% $exists($a) %}', b: '{% $b %}' }, End: true },
      },
    }, {}));
    assert.deepEqual(caught, { a: false, b: 'catch' });
  });

  it('States.Runtime is never retried or caught, even where ErrorEquals names it', async () => {
    const def: StateMachineDef = {
      StartAt: 'Par',
      States: {
        Par: { Type: 'Parallel', Branches: [{ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'r.$': '$.nope' }, End: true } } }], Retry: [{ ErrorEquals: ['States.Runtime'] }], Catch: [{ ErrorEquals: ['States.Runtime'], Next: 'C' }], End: true },
        C: { Type: 'Succeed' },
      },
    };
    const o = (await runToEnd(def, {})) as { status: string; error: string };
    assert.deepEqual([o.status, o.error], ['FAILED', 'States.Runtime']);
  });

  it('stop aborts the running task and records ExecutionAborted', async () => {
    let aborted = false;
    const s = start({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', End: true } } }, {}, (i) => {
      i.signal.addEventListener('abort', () => (aborted = true));
      return new Promise(() => undefined);
    });
    await s.clock.settle();
    s.ex.stop('Cancelled', 'by user');
    const o = await s.done;
    assert.deepEqual([o.status, aborted, s.events.at(-1)?.type], ['ABORTED', true, 'ExecutionAborted']);
  });

  it('never throws: an event it cannot write fails the execution with States.Runtime instead of leaving it running', async () => {
    let writes = 0;
    const ex = new Execution({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, {}, identity, {
      clock: new FakeClock(),
      runTask: async () => undefined,
      emit: (e) => {
        writes++;
        if (e.type === 'ExecutionStarted') throw new RangeError('Maximum call stack size exceeded');
        return writes;
      },
      random: () => 0.5,
    });
    const o = await ex.run();
    assert.equal(o.status, 'FAILED');
    assert.deepEqual([(o as { error: string }).error, /Maximum call stack size exceeded/.test((o as { cause: string }).cause)], ['States.Runtime', true]);
  });
});
