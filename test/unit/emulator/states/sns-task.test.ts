/** sns:publish tasks against a fake SNS port (pure logic): parameters, result, errors, no double publish on replay. */
import assert from 'node:assert/strict';
import { isSnsPublish, runSnsPublish, type SnsPort } from '../../../../src/emulator/states/tasks/sns';
import { StatesError } from '../../../../src/emulator/states/core/errors';
import type { TaskInvocation } from '../../../../src/emulator/states/core/types';

function fakeSns(): SnsPort & { sent: Array<[string, string, string | undefined]> } {
  const sent: Array<[string, string, string | undefined]> = [];
  return {
    sent,
    publish(topicArn, message, subject) {
      if (!topicArn.endsWith(':alerts')) throw Object.assign(new Error('Topic does not exist'), { code: 'NotFound' });
      sent.push([topicArn, message, subject]);
      return `m-${sent.length}`;
    },
  };
}
const memory = () => {
  const m = new Map<string, string>();
  return { get: (k: string) => m.get(k), set: (k: string, v: string) => void m.set(k, v) };
};
const inv = (parameters: unknown, key = 'k1'): TaskInvocation => ({ resource: 'arn:aws:states:::sns:publish', parameters, stateName: 'Notify', key, signal: new AbortController().signal, executionArn: 'arn', submitted: () => undefined });

describe('sns:publish task (unit, fake SNS port)', () => {
  it('recognises the optimized and SDK resources only, also as callbacks (.waitForTaskToken; SNS has no .sync)', () => {
    assert.ok(isSnsPublish('arn:aws:states:::sns:publish'));
    assert.ok(isSnsPublish('arn:aws:states:::aws-sdk:sns:publish'));
    assert.ok(isSnsPublish('arn:aws:states:::sns:publish.waitForTaskToken'));
    assert.ok(!isSnsPublish('arn:aws:states:::sns:publish.sync'));
    assert.ok(!isSnsPublish('arn:aws:states:::sqs:sendMessage'));
  });

  it('publishes Message (an object as JSON) and Subject, returning the MessageId; a replay does not publish again', async () => {
    const sns = fakeSns();
    const mem = memory();
    const out = (await runSnsPublish(inv({ TopicArn: 'arn:aws:sns:us-east-1:1:alerts', Message: { a: 1 }, Subject: 'S' }), sns, mem)) as { MessageId: string };
    assert.equal(out.MessageId, 'm-1');
    assert.deepEqual(sns.sent, [['arn:aws:sns:us-east-1:1:alerts', '{"a":1}', 'S']]);
    const again = (await runSnsPublish(inv({ TopicArn: 'arn:aws:sns:us-east-1:1:alerts', Message: { a: 1 } }), sns, mem)) as { MessageId: string };
    assert.equal(again.MessageId, 'm-1');
    assert.equal(sns.sent.length, 1);
  });

  it('maps SNS errors to SNS.<Code>Exception and refuses a missing TopicArn', async () => {
    await assert.rejects(runSnsPublish(inv({ TopicArn: 'arn:aws:sns:us-east-1:1:nope', Message: 'x' }), fakeSns(), memory()), (e: unknown) => e instanceof StatesError && e.error === 'SNS.NotFoundException');
    await assert.rejects(runSnsPublish(inv({ Message: 'x' }), fakeSns(), memory()), (e: unknown) => e instanceof StatesError && e.error === 'SNS.InvalidParameterException');
    // The SDK form names errors as every AWS SDK integration does: the service in PascalCase.
    const sdk = { ...inv({ TopicArn: 'arn:aws:sns:us-east-1:1:nope', Message: 'x' }), resource: 'arn:aws:states:::aws-sdk:sns:publish' };
    await assert.rejects(runSnsPublish(sdk, fakeSns(), memory()), (e: unknown) => e instanceof StatesError && e.error === 'Sns.NotFoundException');
  });
});
