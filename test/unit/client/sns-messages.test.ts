/**
 * The editor's SNS messages (src/client/sns-messages.ts): which event-stream messages are SNS
 * messages, which messages are about a job, what a notification says, and how many show at once.
 */
import assert from 'node:assert/strict';
import { jobOfMessage, messageSummary, NotificationGate, notificationText, toSnsNotification } from '../../../src/client/sns-messages';

const topic = 'arn:aws:sns:us-east-1:123456789012:job-failures';
const event = (detail: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ version: '0', id: 'e', 'detail-type': 'SNS Notification', source: 'localbatch.sns', time: '2026-12-05T10:00:00.000Z', detail, ...extra });
const jobChange = (detail: Record<string, unknown>) => JSON.stringify({ version: '0', 'detail-type': 'Batch Job State Change', source: 'aws.batch', detail });

describe('SNS messages for the editor (unit)', () => {
  it('reads SNS messages from the event stream and nothing else', () => {
    assert.deepEqual(toSnsNotification(event({ TopicArn: topic, MessageId: 'm1', Message: 'hi', Subject: 'S' })), { TopicArn: topic, MessageId: 'm1', Subject: 'S', Message: 'hi', Timestamp: '2026-12-05T10:00:00.000Z' });
    assert.equal(toSnsNotification(event({ TopicArn: topic, MessageId: 'm1' })), undefined, 'no Message');
    assert.equal(toSnsNotification(event({ TopicArn: topic, MessageId: 'm1', Message: 'x' }, { source: 'aws.sns' })), undefined, 'another source');
    assert.equal(toSnsNotification(jobChange({ jobId: 'j', status: 'FAILED' })), undefined, 'a job event');
    assert.equal(toSnsNotification('not json'), undefined);
  });

  it('finds the job in a Batch Job State Change message', () => {
    assert.deepEqual(jobOfMessage(jobChange({ jobId: 'j-1', jobName: 'boom', status: 'FAILED', statusReason: 'Essential container in task exited', container: { exitCode: 1 } })), { jobId: 'j-1', jobName: 'boom', status: 'FAILED', statusReason: 'Essential container in task exited', exitCode: 1 });
    assert.equal(jobOfMessage(JSON.stringify({ 'detail-type': 'Scheduled Event', detail: { jobId: 'j' } })), undefined);
    assert.equal(jobOfMessage('{"detail-type":"Batch Job State Change","detail":{}}'), undefined);
    assert.equal(jobOfMessage('job j-1 failed'), undefined);
  });

  it('says what happened in one line: the job\'s fate, or the message folded and cut', () => {
    assert.equal(notificationText({ TopicArn: topic, MessageId: 'm', Message: jobChange({ jobId: 'j-1', jobName: 'boom', status: 'FAILED', statusReason: 'Essential container in task exited', container: { exitCode: 1 } }) }), 'LocalBatch SNS job-failures: job boom FAILED (exit 1: Essential container in task exited)');
    assert.equal(messageSummary({ Message: jobChange({ jobId: 'j-2', status: 'SUCCEEDED', container: { exitCode: 0 } }) }), 'job j-2 SUCCEEDED');
    assert.equal(messageSummary({ Subject: 'Build', Message: 'line one\n\tline two' }), 'Build: line one line two');
    const long = messageSummary({ Message: 'x'.repeat(1000) });
    assert.equal(long.length, 300);
    assert.ok(long.endsWith('…'));
  });

  it('shows at most three notifications per 10 s and announces the rest together', () => {
    const gate = new NotificationGate(3, 10_000);
    assert.deepEqual([0, 1, 2, 3, 4].map((t) => gate.admit(t)), [true, true, true, false, false]);
    assert.equal(gate.flushAt(), 10_000);
    assert.equal(gate.flush(), 2);
    assert.equal(gate.flush(), 0);
    assert.equal(gate.flushAt(), undefined);
    assert.equal(gate.admit(10_000), true, 'the window has moved on');
  });
});
