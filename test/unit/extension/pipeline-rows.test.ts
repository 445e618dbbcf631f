/**
 * The Local view's pipeline groups as data (src/extension/views/pipeline/*Rows.ts): S3 listings as
 * folders and objects, where a downloaded object may go, rules and schedules joined with their next
 * firing and deliveries, their rows, and topic rows with their messages.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { downloadPath, formatBytes, listingNodes, looksLikeText, objectRow, parentPrefix } from '../../../src/extension/views/pipeline/bucketRows';
import type { NodeOf, PipelineNode } from '../../../src/extension/views/pipeline/nodes';
import { detailNodes, deliveryRow, ruleRow, ruleViews, scheduleRow, scheduleViews, targetText } from '../../../src/extension/views/pipeline/ruleRows';
import { messageDocument, messageRow, subscriptionRow, topicChildren } from '../../../src/extension/views/pipeline/topicRows';

const NOW = Date.parse('2026-12-05T14:00:00Z');
const at = (hhmmss: string) => new Date(`2026-12-05T${hhmmss}`).toISOString(); // local time today

describe('Local view pipeline rows (unit)', () => {
  describe('buckets', () => {
    it('lists folders first, then objects, sorted, without the folder\'s own marker', () => {
      const nodes = listingNodes('raw', 'in/', ['in/b/', 'in/a/'], [{ Key: 'in/', Size: 0 }, { Key: 'in/z.csv', Size: 3 }, { Key: 'in/m.csv', Size: 1 }]);
      assert.deepEqual(nodes.map((n) => (n.type === 'folder' ? n.prefix : n.type === 'object' ? n.key : n.type)), ['in/a/', 'in/b/', 'in/m.csv', 'in/z.csv']);
      assert.deepEqual(nodes.map((n) => n.id), ['s3:raw/in/a/', 's3:raw/in/b/', 's3:raw/in/m.csv', 's3:raw/in/z.csv']);
    });

    it('labels an object by its name below its folder, with size and time', () => {
      const [n] = listingNodes('raw', 'in/', [], [{ Key: 'in/data.csv', Size: 1536, LastModified: new Date(at('13:05:09')) }]);
      const row = objectRow(n as NodeOf<'object'>, parentPrefix('in/data.csv'), NOW);
      assert.equal(row.label, 'data.csv');
      assert.equal(row.description, '1.5 KB · 13:05:09');
      assert.equal(row.command?.id, 'localbatch.openObject');
      assert.equal(parentPrefix('a/b/'), 'a/');
      assert.equal(parentPrefix('top.txt'), '');
    });

    it('formats sizes in powers of 1024', () => {
      assert.deepEqual([0, 999, 1024, 20 * 1024 * 1024].map(formatBytes), ['0 B', '999 B', '1.0 KB', '20.0 MB']);
    });

    it('downloads under <storage>/s3/<bucket>/ only', () => {
      const root = path.resolve('/tmp/storage');
      assert.equal(downloadPath(root, 'results', 'out/a b.txt'), path.join(root, 's3', 'results', 'out', 'a b.txt'));
      for (const key of ['../escape.txt', 'a/../../x', 'dir/', '', 'nul\0x', './here']) assert.throws(() => downloadPath(root, 'results', key), /aws s3 cp/, JSON.stringify(key));
      assert.throws(() => downloadPath(root, '../etc', 'x'), /not a bucket name/);
    });

    it('opens text as text: UTF-8 without NUL, a character cut at the sample\'s end included', () => {
      assert.equal(looksLikeText(new TextEncoder().encode('rows: 42\nünïcode')), true);
      assert.equal(looksLikeText(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01])), false);
      assert.equal(looksLikeText(Uint8Array.from([0xff, 0xfe, 0x41])), false);
      const long = new TextEncoder().encode('a'.repeat(8191) + 'é' + 'b'.repeat(10)); // é straddles byte 8192
      assert.equal(looksLikeText(long), true);
    });
  });

  describe('rules and schedules', () => {
    const local = {
      Rules: [{ Name: 'nightly', State: 'ENABLED', ScheduleExpression: 'cron(0 3 * * ? *)', Next: at('03:00:00').replace('T', 'T'), LastDeliveries: [{ time: at('13:59:00'), status: 'failed', detail: 'no queue q' }] }],
      Schedules: [{ Name: 'hourly', State: 'DISABLED', ScheduleExpression: 'rate(1 hour)', Timezone: 'Europe/Paris', Next: undefined, LastDeliveries: [] }],
    };

    it('joins ListRules with the next firing and deliveries by name, sorted', () => {
      const views = ruleViews([{ Name: 'on-fail', State: 'ENABLED', EventPattern: '{"source":["aws.batch"]}' }, { Name: 'nightly', State: 'ENABLED', ScheduleExpression: 'cron(0 3 * * ? *)' }, {}], local);
      assert.deepEqual(views.map((v) => [v.Name, v.Next !== undefined, v.LastDeliveries.length]), [['nightly', true, 1], ['on-fail', false, 0]]);
    });

    it('shows a scheduled rule\'s next firing and how its last delivery went', () => {
      const [rule] = ruleViews([{ Name: 'nightly', State: 'ENABLED', ScheduleExpression: 'cron(0 3 * * ? *)' }], local);
      const row = ruleRow({ kind: 'pipeline', type: 'rule', id: 'rule:nightly', rule }, NOW);
      assert.equal(row.description, 'cron(0 3 * * ? *), next 03:00:00 · last failed 13:59:00');
      assert.equal(row.contextValue, 'pipelineRule.ENABLED');
      assert.equal(row.color, 'testing.iconFailed');
      assert.match(row.tooltip ?? '', /failed: no queue q/);
    });

    it('shows a pattern rule as firing on events, and a disabled one as disabled', () => {
      const [rule] = ruleViews([{ Name: 'on-fail', State: 'DISABLED', EventPattern: '{}' }], undefined);
      const row = ruleRow({ kind: 'pipeline', type: 'rule', id: 'r', rule }, NOW);
      assert.equal(row.description, 'disabled · on matching events');
      assert.equal(row.contextValue, 'pipelineRule.DISABLED');
      assert.equal(row.icon, 'circle-slash');
    });

    it('joins ListSchedules with their expression and time zone; a disabled schedule has no next firing', () => {
      const [s] = scheduleViews([{ Name: 'hourly', State: 'DISABLED', GroupName: 'default', Target: { Arn: 'arn:aws:scheduler:::aws-sdk:batch:submitJob' } }], local);
      assert.equal(s.TargetArn, 'arn:aws:scheduler:::aws-sdk:batch:submitJob');
      const row = scheduleRow({ kind: 'pipeline', type: 'schedule', id: 's', schedule: s }, NOW);
      assert.equal(row.description, 'rate(1 hour), disabled');
      assert.equal(row.contextValue, 'pipelineSchedule.DISABLED');
    });

    it('names targets in words', () => {
      assert.equal(targetText('arn:aws:batch:us-east-1:123456789012:job-queue/main'), 'job queue main');
      assert.equal(targetText('arn:aws:sns:us-east-1:123456789012:alerts'), 'topic alerts');
      assert.equal(targetText('arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/x:*'), 'log group /aws/events/x');
      assert.equal(targetText('arn:aws:states:us-east-1:123456789012:stateMachine:etl'), 'state machine etl');
      assert.equal(targetText('arn:aws:scheduler:::aws-sdk:batch:submitJob'), 'Batch SubmitJob');
      assert.equal(targetText('arn:aws:lambda:us-east-1:123456789012:function:f'), 'arn:aws:lambda:us-east-1:123456789012:function:f');
    });

    it('lists targets, then deliveries newest first, each with its own id', () => {
      const deliveries = [{ time: at('13:00:02'), status: 'delivered', detail: 'submitted job j 1' }, { time: at('12:00:00'), status: 'retrying' }];
      const nodes = detailNodes('rule:r', [{ Id: 't1', Arn: 'arn:aws:sns:us-east-1:1:a' }, { Id: 'x' }], deliveries);
      assert.deepEqual(nodes.map((n) => n.type), ['target', 'delivery', 'delivery']);
      assert.equal(new Set(nodes.map((n) => n.id)).size, 3);
      const row = deliveryRow(nodes[1] as NodeOf<'delivery'>, NOW);
      assert.equal(row.label, 'delivered 13:00:02');
      assert.equal(row.description, 'submitted job j 1');
      assert.equal(row.icon, 'pass');
      assert.equal(deliveryRow(nodes[2] as NodeOf<'delivery'>, NOW).icon, 'sync');
    });
  });

  describe('topics', () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:alerts';
    const failed = JSON.stringify({ 'detail-type': 'Batch Job State Change', source: 'aws.batch', detail: { jobId: 'j-1', jobName: 'boom', status: 'FAILED', statusReason: 'Essential container in task exited', container: { exitCode: 1 } } });

    it('lists subscriptions, then this topic\'s messages', () => {
      const messages = [{ TopicArn: topic, MessageId: 'm2', Message: 'two' }, { TopicArn: `${topic}-other`, MessageId: 'm9', Message: 'elsewhere' }, { TopicArn: topic, MessageId: 'm1', Message: 'one' }];
      const nodes: PipelineNode[] = topicChildren(topic, [{ SubscriptionArn: 'PendingConfirmation', Protocol: 'http', Endpoint: 'http://127.0.0.1:9/hook' }], messages);
      assert.deepEqual(nodes.map((n) => (n.type === 'message' ? n.message.MessageId : n.type)), ['subscription', 'm2', 'm1']);
      assert.equal(subscriptionRow(nodes[0] as NodeOf<'subscription'>).description, 'pending confirmation');
    });

    it('shows a job state change message as the job\'s fate, with Show Job on it', () => {
      const row = messageRow({ kind: 'pipeline', type: 'message', id: 'm', message: { TopicArn: topic, MessageId: 'm', Message: failed, Timestamp: at('13:30:00') } }, NOW);
      assert.equal(row.label, 'job boom FAILED (exit 1: Essential container in task exited)');
      assert.equal(row.description, '13:30:00');
      assert.equal(row.contextValue, 'pipelineMessage.job');
      const plain = messageRow({ kind: 'pipeline', type: 'message', id: 'm', message: { TopicArn: topic, MessageId: 'm', Message: 'disk\n  full', Subject: 'Alarm' } }, NOW);
      assert.equal(plain.label, 'Alarm: disk full');
      assert.equal(plain.contextValue, 'pipelineMessage');
    });

    it('opens a message as its headers and its pretty-printed JSON', () => {
      const doc = messageDocument({ TopicArn: topic, MessageId: 'm1', Message: '{"a":1}', Subject: 'S' });
      assert.equal(doc, `Topic: ${topic}\nMessageId: m1\nSubject: S\n\n{\n  "a": 1\n}\n`);
      assert.match(messageDocument({ TopicArn: topic, MessageId: 'm1', Message: 'not json {' }), /\n\nnot json \{\n$/);
    });
  });
});
