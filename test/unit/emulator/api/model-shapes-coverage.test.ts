/**
 * Every operation the emulator serves has an input shape in its SDK client's model, so none of its
 * requests goes unchecked (edge/model-shapes.ts checks nothing for an operation it cannot find: a
 * change in how the SDK ships its schemas would otherwise turn every check off unseen).
 */
import assert from 'node:assert/strict';
import { batchHandlers } from '../../../../src/emulator/batch/api';
import { checkRequestShape } from '../../../../src/emulator/batch/api/request-shapes';
import { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { checkEventsShape } from '../../../../src/emulator/events/api';
import { ScriptedRuntime } from '../../../../src/emulator/runtime/scripted';
import { checkSchedulerShape } from '../../../../src/emulator/scheduler/api';
import { checkSfnShape } from '../../../../src/emulator/states/api/handlers';

describe('request checks from the SDK models cover every served operation (unit)', () => {
  it('Batch: every handler', () => {
    const clock = new FakeClock();
    const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: { append: () => undefined }, record: false }) });
    const ops = Object.keys(batchHandlers(engine));
    assert.ok(ops.length > 30);
    assert.deepEqual(ops.filter((op) => !checkRequestShape.covers(op)), []);
  });

  it('Step Functions, EventBridge and Scheduler: the operations they serve', () => {
    const sfn = ['CreateStateMachine', 'UpdateStateMachine', 'DescribeStateMachine', 'ListStateMachines', 'DeleteStateMachine', 'StartExecution', 'StartSyncExecution', 'DescribeExecution', 'ListExecutions', 'GetExecutionHistory', 'StopExecution', 'DescribeStateMachineForExecution', 'SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat', 'ValidateStateMachineDefinition', 'TagResource', 'UntagResource', 'ListTagsForResource'];
    assert.deepEqual(sfn.filter((op) => !checkSfnShape.covers(op)), []);
    const events = ['PutRule', 'DescribeRule', 'ListRules', 'DeleteRule', 'EnableRule', 'DisableRule', 'PutTargets', 'RemoveTargets', 'ListTargetsByRule', 'PutEvents', 'TestEventPattern', 'ListRuleNamesByTarget'];
    assert.deepEqual(events.filter((op) => !checkEventsShape.covers(op)), []);
    assert.deepEqual(['CreateSchedule', 'UpdateSchedule', 'GetSchedule', 'DeleteSchedule', 'ListSchedules'].filter((op) => !checkSchedulerShape.covers(op)), []);
    // (and one that is not an operation is not covered: the check is real)
    assert.equal(checkSfnShape.covers('NoSuchOperation'), false);
    // A wrong type in a Scheduler request is the protocol's SerializationException.
    assert.throws(() => checkSchedulerShape('CreateSchedule', { ScheduleExpression: 5 }), (e: unknown) => e instanceof Error && e.name === 'SerializationException' && /^ScheduleExpression must be a string, not number 5$/.test(e.message));
  });
});
