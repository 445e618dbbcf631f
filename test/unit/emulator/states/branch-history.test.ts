/**
 * The history events of Parallel, Map and Wait states as AWS records them, matched to histories
 * recorded against AWS (fake clock: FakeClock; the task runner is a function in the test, and
 * readItems a fake ItemReader): one ParallelStateFailed / MapStateFailed
 * after the retries, a distributed Map's map-run events, and AWS's words for bad Path values.
 */
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { Execution } from '../../../../src/emulator/states/core/interpreter';
import { StatesError } from '../../../../src/emulator/states/core/errors';
import { validateDefinition } from '../../../../src/emulator/states/core/validate';
import type { HistoryEventInput, InterpreterPorts, StateMachineDef } from '../../../../src/emulator/states/core/types';
import { EXECUTION_IDENTITY } from '../../../support/states-identity';

const identity = EXECUTION_IDENTITY;

async function run(def: unknown, input: unknown = {}, ports: Partial<InterpreterPorts> = {}) {
  const clock = new FakeClock();
  const events: Array<{ type: string; details?: Record<string, unknown> }> = [];
  const ex = new Execution(def as StateMachineDef, input, identity, { clock, runTask: async () => 'ok', emit: (e: HistoryEventInput) => events.push({ type: e.type, details: e.details }), ...ports });
  const done = ex.run();
  await clock.runAll();
  const result = (await done) as { status: string; error?: string; cause?: string; output?: unknown };
  return { result, types: events.map((e) => e.type), events };
}

const pass = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
const fail = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom', Cause: 'no' } } };
const retry = [{ ErrorEquals: ['Boom'], IntervalSeconds: 1, MaxAttempts: 2 }];
const cause = (state: string, id: number, text: string) => `An error occurred while executing the state '${state}' (entered at the event id #${id}). ${text}`;

describe('Parallel, Map and Wait history events (unit)', () => {
  it('a Parallel records ParallelStateSucceeded, and one ParallelStateFailed after its retries', async () => {
    const ok = await run({ StartAt: 'Par', States: { Par: { Type: 'Parallel', Branches: [pass], End: true } } });
    assert.deepEqual(ok.types, ['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'PassStateEntered', 'PassStateExited', 'ParallelStateSucceeded', 'ParallelStateExited', 'ExecutionSucceeded']);
    const retried = await run({ StartAt: 'Par', States: { Par: { Type: 'Parallel', Branches: [fail], Retry: retry, End: true } } });
    assert.deepEqual(retried.types, ['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'FailStateEntered', 'ParallelStateStarted', 'FailStateEntered', 'ParallelStateStarted', 'FailStateEntered', 'ParallelStateFailed', 'ExecutionFailed']);
    assert.equal(retried.events.find((e) => e.type === 'ParallelStateFailed')!.details, undefined);
    const caught = await run({ StartAt: 'Par', States: { Par: { Type: 'Parallel', Branches: [fail], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }], End: true }, Done: { Type: 'Succeed' } } });
    assert.deepEqual(caught.types.slice(3), ['FailStateEntered', 'ParallelStateFailed', 'ParallelStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
  });

  it('an inline Map records one MapStateFailed after its retries', async () => {
    const r = await run({ StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: fail, Retry: retry, End: true } } }, [1]);
    const attempt = ['MapStateStarted', 'MapIterationStarted', 'FailStateEntered', 'MapIterationFailed'];
    assert.deepEqual(r.types, ['ExecutionStarted', 'MapStateEntered', ...attempt, ...attempt, ...attempt, 'MapStateFailed', 'ExecutionFailed']);
  });

  it('two Maps failing with one error object each record their MapStateFailed', async () => {
    const shared = new StatesError('Boom', 'shared');
    const inner = { StartAt: 'IM', States: { IM: { Type: 'Map', ItemsPath: '$.xs', ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob', End: true } } }, End: true } } };
    const r = await run({ StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: inner, End: true } } }, [{ xs: [1] }, { xs: [2] }], { runTask: () => Promise.reject(shared) });
    assert.equal(r.types.filter((t) => t === 'MapStateFailed').length, 3, r.types.join(','));
  });

  it('a distributed Map (also a legacy Iterator in DISTRIBUTED mode) records MapStateStarted, then its map run', async () => {
    for (const key of ['ItemProcessor', 'Iterator']) {
      const r = await run({ StartAt: 'M', States: { M: { Type: 'Map', [key]: { ...pass, ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } }, End: true } } }, [1, 2]);
      assert.deepEqual(r.types, ['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted', 'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded'], key);
      assert.deepEqual(r.events[2].details, { mapStateStartedEventDetails: { length: 2 } });
      assert.deepEqual(r.result.output, [1, 2]);
    }
  });

  it("a distributed Map whose ItemReader fails records MapRunFailed with the error, then MapStateFailed", async () => {
    const def = { StartAt: 'M', States: { M: { Type: 'Map', ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }, Parameters: { Bucket: 'b', Key: 'k' } }, ItemProcessor: { ...pass, ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } }, End: true } } };
    const r = await run(def, {}, { readItems: async () => { throw new StatesError('States.ItemReaderFailed', 'CSV headers cannot contain duplicates.'); } });
    assert.deepEqual(r.types, ['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted', 'MapRunFailed', 'MapStateFailed', 'ExecutionFailed']);
    assert.deepEqual(r.events[2].details, { mapStateStartedEventDetails: { length: 0 } });
    assert.deepEqual(r.events[4].details, { mapRunFailedEventDetails: { error: 'States.ItemReaderFailed', cause: 'CSV headers cannot contain duplicates.' } });
  });

  it("names a Path's value that is not a whole number, or a negative one, in AWS's words", async () => {
    const tolerated = (v: unknown) => run({ StartAt: 'M', States: { M: { Type: 'Map', ToleratedFailureCountPath: '$.n', ItemsPath: '$.items', ItemProcessor: pass, End: true } } }, { n: v, items: [1] });
    const bad = await tolerated('NoNumber');
    assert.deepEqual([bad.result.error, bad.result.cause], ['States.Runtime', cause('M', 2, 'The ToleratedFailureCountPath field refers to value "NoNumber" which is not a valid integer: $.n')]);
    // (read after MapStateStarted, and no MapStateFailed for a States.Runtime)
    assert.deepEqual(bad.types, ['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'ExecutionFailed']);
    assert.equal((await tolerated({})).result.cause, cause('M', 2, 'The ToleratedFailureCountPath field refers to value "{}" which is not a valid integer: $.n'));
    assert.equal((await tolerated(-1)).result.cause, cause('M', 2, 'ToleratedFailureCount cannot be negative.'));
    assert.equal((await tolerated(1)).result.status, 'SUCCEEDED');
    const concurrency = await run({ StartAt: 'M', States: { M: { Type: 'Map', MaxConcurrencyPath: '$.c', ItemProcessor: pass, End: true } } }, { c: 'NoNumber' });
    assert.equal(concurrency.result.cause, cause('M', 2, 'The MaxConcurrencyPath field refers to value "NoNumber" which is not a valid integer: $.c'));
    assert.deepEqual(concurrency.types, ['ExecutionStarted', 'MapStateEntered', 'ExecutionFailed']);
    const seconds = (v: unknown) => run({ StartAt: 'W', States: { W: { Type: 'Wait', SecondsPath: '$.input.waitSeconds', End: true } } }, { input: { waitSeconds: v } });
    assert.equal((await seconds(-1)).result.cause, cause('W', 2, 'The SecondsPath parameter references a negative value: $.input.waitSeconds == -1'));
    assert.equal((await seconds(1.5)).result.cause, cause('W', 2, 'The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == 1.5'));
    assert.equal((await seconds(-1.5)).result.cause, cause('W', 2, 'The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == -1.5'));
  });

  it('a stop (or the execution timing out) records the running states as aborted, innermost first, then ExecutionAborted', async () => {
    // (the event types AWS's API names; their order here is not checked against histories recorded on AWS)
    const stopped = async (def: unknown) => {
      const clock = new FakeClock();
      const events: string[] = [];
      const ex = new Execution(def as StateMachineDef, {}, identity, { clock, runTask: () => new Promise(() => undefined), emit: (e: HistoryEventInput) => events.push(e.type) });
      const done = ex.run();
      await clock.advance(1000);
      ex.stop('Stopped', 'by the test');
      await clock.runAll();
      await done;
      return events;
    };
    const waits = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } };
    assert.deepEqual(await stopped(waits), ['ExecutionStarted', 'WaitStateEntered', 'WaitStateAborted', 'ExecutionAborted']);
    const task = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } };
    assert.deepEqual((await stopped({ StartAt: 'Par', States: { Par: { Type: 'Parallel', Branches: [task, pass], End: true } } })).slice(-3), ['TaskStateAborted', 'ParallelStateAborted', 'ExecutionAborted']);
    const distributed = { StartAt: 'M', States: { M: { Type: 'Map', ItemsPath: '$$.Execution.Input', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...waits }, End: true } } };
    const clock = new FakeClock();
    const events: string[] = [];
    const ex = new Execution(distributed as unknown as StateMachineDef, [1, 2], identity, { clock, runTask: async () => 'ok', emit: (e: HistoryEventInput) => events.push(e.type) });
    const done = ex.run();
    await clock.advance(1000);
    ex.stop();
    await clock.runAll();
    await done;
    assert.deepEqual(events, ['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapRunStarted', 'MapRunAborted', 'MapStateAborted', 'ExecutionAborted']);
    // A state that ended is not aborted; a timeout records the same.
    const timedOut = await run({ TimeoutSeconds: 5, StartAt: 'P', States: { P: { Type: 'Pass', Next: 'W' }, W: { Type: 'Wait', Seconds: 60, End: true } } });
    assert.deepEqual(timedOut.types, ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'WaitStateEntered', 'WaitStateAborted', 'ExecutionTimedOut']);
    // A failing branch's sibling is not recorded as aborted (only a stop is).
    const failing = await run({ StartAt: 'Par', States: { Par: { Type: 'Parallel', Branches: [fail, waits], End: true } } });
    assert.ok(!failing.types.some((t) => t.endsWith('Aborted')), failing.types.join());
  });

  it('a Fail state without Error or Cause records neither', async () => {
    const r = await run({ StartAt: 'F', States: { F: { Type: 'Fail' } } });
    assert.deepEqual(r.events.at(-1), { type: 'ExecutionFailed', details: { executionFailedEventDetails: {} } });
    const named = await run({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E' } } });
    assert.deepEqual(named.events.at(-1)!.details, { executionFailedEventDetails: { error: 'E' } });
  });

  it('refuses a wait of more than 2^31 - 1 seconds', async () => {
    const wait = (s: number) => run({ StartAt: 'W', States: { W: { Type: 'Wait', SecondsPath: '$.s', End: true } } }, { s });
    assert.deepEqual([(await wait(2 ** 31)).result.error, (await wait(2 ** 31)).result.cause], ['States.Runtime', cause('W', 2, 'Wait state delay is too long.')]);
    // Just under the bound: the execution waits (here, a second of it).
    const clock = new FakeClock();
    const types: string[] = [];
    const ex = new Execution({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 2 ** 31 - 1, End: true } } } as StateMachineDef, {}, identity, { clock, runTask: async () => 'ok', emit: (e) => types.push(e.type) });
    void ex.run();
    await clock.advance(1000);
    assert.deepEqual(types, ['ExecutionStarted', 'WaitStateEntered']);
    ex.stop();
  });

  it("takes a Fail state's ErrorPath and CausePath as intrinsic functions at create time", async () => {
    const def = { StartAt: 'F', States: { F: { Type: 'Fail', ErrorPath: "States.Format('{}', $.Error)", CausePath: "States.Format('caused by {}', $.Cause)" } } };
    assert.deepEqual(validateDefinition(JSON.stringify(def)), []);
    const r = await run(def, { Error: 'E1', Cause: 'disk' });
    assert.deepEqual([r.result.error, r.result.cause], ['E1', 'caused by disk']);
    const bad = { StartAt: 'F', States: { F: { Type: 'Fail', ErrorPath: 'States.Nope($.Error)' } } };
    assert.deepEqual(validateDefinition(JSON.stringify(bad)).map((p) => p.location), ['/States/F/ErrorPath']);
  });
});
