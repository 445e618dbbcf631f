/**
 * A Task state's history events as Step Functions records them (fake clock: FakeClock; the task
 * runner is a function in the test): TaskScheduled with its resource, region, parameters and bounds,
 * TaskStarted, TaskSucceeded with the output, TaskFailed with the error and cause, TaskTimedOut for
 * TimeoutSeconds and HeartbeatSeconds; and how a Resource names its resourceType / resource.
 */
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { Execution } from '../../../../src/emulator/states/core/interpreter';
import { StatesError } from '../../../../src/emulator/states/core/errors';
import { resourceParts } from '../../../../src/emulator/states/core/task';
import type { HistoryEventInput, StateMachineDef, TaskInvocation } from '../../../../src/emulator/states/core/types';
import { EXECUTION_IDENTITY } from '../../../support/states-identity';

const identity = EXECUTION_IDENTITY;

async function history(def: StateMachineDef, runTask: (i: TaskInvocation) => Promise<unknown>, advanceMs?: number, toTheEnd = true) {
  const clock = new FakeClock();
  const events: HistoryEventInput[] = [];
  const ex = new Execution(def, { a: 1 }, identity, { clock, runTask, emit: (e) => events.push(e), random: () => 0.5 });
  const done = ex.run();
  if (advanceMs !== undefined) await clock.advance(advanceMs);
  else await clock.runAll();
  if (toTheEnd) await done;
  return events.filter((e) => e.type.startsWith('Task') && !e.type.startsWith('TaskState')).map((e) => ({ type: e.type, ...e.details }));
}

const task = (extra: Record<string, unknown>): StateMachineDef => ({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { 'JobName.$': '$.a' }, End: true, ...extra } } });
const parts = { resourceType: 'batch', resource: 'submitJob.sync' };

describe('Task history events (unit)', () => {
  it('records TaskScheduled (resource, region, parameters, bounds), TaskStarted and TaskSucceeded (output)', async () => {
    const events = await history(task({ TimeoutSeconds: 60, HeartbeatSeconds: 30 }), async () => ({ JobId: 'j' }));
    assert.deepEqual(events, [
      { type: 'TaskScheduled', taskScheduledEventDetails: { ...parts, region: 'eu-west-2', parameters: '{"JobName":1}', timeoutInSeconds: 60, heartbeatInSeconds: 30 } },
      { type: 'TaskStarted', taskStartedEventDetails: parts },
      { type: 'TaskSucceeded', taskSucceededEventDetails: { ...parts, output: '{"JobId":"j"}', outputDetails: { truncated: false } } },
    ]);
    const plain = await history(task({}), async () => 'ok');
    assert.deepEqual(plain[0], { type: 'TaskScheduled', taskScheduledEventDetails: { ...parts, region: 'eu-west-2', parameters: '{"JobName":1}' } });
  });

  it('records TaskFailed with the error and cause, and TaskTimedOut for TimeoutSeconds and HeartbeatSeconds', async () => {
    const failed = await history(task({}), async () => {
      throw new StatesError('Batch.ClientException', 'no queue');
    });
    assert.deepEqual(failed.at(-1), { type: 'TaskFailed', taskFailedEventDetails: { ...parts, error: 'Batch.ClientException', cause: 'no queue' } });
    const forever = () => new Promise<never>(() => undefined);
    const timedOut = await history(task({ TimeoutSeconds: 5 }), forever, 5000);
    assert.deepEqual(timedOut.at(-1), { type: 'TaskTimedOut', taskTimedOutEventDetails: { ...parts, error: 'States.Timeout', cause: '' } });
    // A callback task with no heartbeat in time: States.HeartbeatTimeout, also a TaskTimedOut; not before the heartbeat is due.
    const callback: StateMachineDef = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish.waitForTaskToken', HeartbeatSeconds: 3, TimeoutSeconds: 100, Parameters: { 'Message.$': '$$.Task.Token' }, End: true } } };
    const early = await history(callback, async () => ({ MessageId: 'm' }), 2900, false);
    assert.equal(early.some((e) => e.type === 'TaskTimedOut'), false);
    const heartbeat = await history(callback, async () => ({ MessageId: 'm' }), 3000);
    assert.deepEqual(heartbeat.at(-1), { type: 'TaskTimedOut', taskTimedOutEventDetails: { resourceType: 'sns', resource: 'publish.waitForTaskToken', error: 'States.HeartbeatTimeout', cause: '' } });
  });

  it('parameters the service would refuse fail the execution with States.Runtime, unscheduled and uncaught', async () => {
    const clock = new FakeClock();
    const events: HistoryEventInput[] = [];
    let called = 0;
    const def = task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }] });
    (def.States as Record<string, unknown>).Caught = { Type: 'Succeed' };
    const checked: unknown[] = [];
    const ex = new Execution(def, { a: 1 }, identity, {
      clock,
      runTask: async () => (called += 1),
      checkTask: (resource, parameters, stateName) => (checked.push([resource, parameters, stateName]), 'The value for the field \'JobName\' must be a string, not number 1'),
      emit: (e) => events.push(e),
    });
    const done = ex.run();
    await clock.runAll();
    const result = (await done) as { error?: string; cause?: string };
    assert.deepEqual(checked, [['arn:aws:states:::batch:submitJob.sync', { JobName: 1 }, 'T']]);
    assert.equal(called, 0);
    assert.deepEqual(events.map((e) => e.type), ['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed']);
    assert.equal(result.error, 'States.Runtime');
    assert.equal(result.cause, `An error occurred while executing the state 'T' (entered at the event id #2). The Parameters '{"JobName":1}' could not be used to start the Task: [The value for the field 'JobName' must be a string, not number 1]`);
  });

  it('names resources as the history does: optimized and SDK integrations, Lambda functions, activities', () => {
    assert.deepEqual(resourceParts('arn:aws:states:::batch:submitJob.sync'), parts);
    assert.deepEqual(resourceParts('arn:aws-us-gov:states:us-gov-west-1:123456789012:sns:publish'), { resourceType: 'sns', resource: 'publish' });
    assert.deepEqual(resourceParts('arn:aws:states:::aws-sdk:batch:describeJobs'), { resourceType: 'aws-sdk:batch', resource: 'describeJobs' });
    const fn = 'arn:aws:lambda:us-east-1:123456789012:function:f';
    assert.deepEqual(resourceParts(fn), { resourceType: 'lambda', resource: fn });
    const activity = 'arn:aws:states:us-east-1:123456789012:activity:a';
    assert.deepEqual(resourceParts(activity), { resourceType: 'activity', resource: activity });
    assert.deepEqual(resourceParts('urn:other'), { resourceType: 'unknown', resource: 'urn:other' });
  });
});
