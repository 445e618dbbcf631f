/** Which target failures are retried: a service refusing the request is not (retrying sends the same request). */
import assert from 'node:assert/strict';
import { ApiError } from '../../../../src/emulator/edge/errors';
import { DeliveryError } from '../../../../src/emulator/events/core/delivery';
import { targetPort } from '../../../../src/emulator/events/targets';
import { SnsError } from '../../../../src/emulator/sns/core';

const ctx = { ruleName: 's1', ruleArn: 'arn:aws:scheduler:us-east-1:1:schedule/default/s1', event: {} };
const topic = { Id: 't', Arn: 'arn:aws:sns:us-east-1:123456789012:alerts' };
const machine = { Id: 'm', Arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm' };
const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DeliveryError, String(err));
    return err;
  }
  throw new Error('delivered');
};

describe('target failures worth retrying (unit)', () => {
  it('SNS refusing a message (an empty one from a schedule without Input) is not retried; a missing topic (created later) and an outage are', async () => {
    const refuse = (e: Error) => targetPort({ now: () => 0, publishSns: () => { throw e; } });
    const empty = await failure(refuse(new SnsError('InvalidParameter', 400, 'Invalid parameter: Empty message')).deliver(topic, '', ctx));
    assert.equal(empty.retryable, false);
    assert.match(empty.message, /Publish failed: Invalid parameter: Empty message/);
    assert.equal((await failure(refuse(new SnsError('NotFound', 404, 'Topic does not exist')).deliver(topic, 'x', ctx))).retryable, true);
    assert.equal((await failure(refuse(new SnsError('Throttled', 429, 'slow down')).deliver(topic, 'x', ctx))).retryable, true);
    assert.equal((await failure(refuse(new Error('socket hang up')).deliver(topic, 'x', ctx))).retryable, true);
  });

  it('a state machine that does not exist yet is retried (created later, it gets the event: retry-after-kill.test.ts)', async () => {
    const port = targetPort({ now: () => 0, startExecution: () => { throw new ApiError('StateMachineDoesNotExist', 400, 'State Machine Does Not Exist'); } });
    await assert.rejects(port.deliver(machine, '{}', ctx), (e: unknown) => !(e instanceof DeliveryError) || e.retryable);
  });
});
