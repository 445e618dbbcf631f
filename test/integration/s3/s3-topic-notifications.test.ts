/**
 * S3 notifications to SNS topics on a real `localbatch serve` (scripted runtime), configured with the
 * real AWS CLI: S3 checks the events, filters and topics as AWS does, sends each newly named topic an
 * s3:TestEvent, then publishes its event message (structure 2.1) for each matching write or delete,
 * through the API or by hand in a declared bucket's folder; the configuration survives a restart.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { startServe, type ServeChild } from '../../support/serve-process';
import { outboxMessages, type OutboxMessage } from '../../support/sns-outbox';

describe('S3 notifications to SNS topics (integration)', function () {
  this.timeout(180_000);
  let dir: string;
  let stateDir: string;
  let serve: (ServeChild & { endpoint: EmulatorEndpoint }) | undefined;
  const mails = () => outboxMessages(stateDir);
  async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 15_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = fn();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; mails: ${JSON.stringify(mails())}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const cli = (...args: string[]) => {
    const e = serve!.endpoint;
    const env = { ...process.env, AWS_ACCESS_KEY_ID: e.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: e.credentials.secretAccessKey, AWS_DEFAULT_REGION: e.region, AWS_PAGER: '' };
    return spawnSync('aws', ['--endpoint-url', e.url, '--output', 'json', 's3api', ...args], { env, encoding: 'utf8', timeout: 60_000 });
  };
  const records = (m: OutboxMessage) => (JSON.parse(m.Message) as { Records: Array<{ eventName: string; eventVersion: string; eventSource: string; userIdentity: { principalId: string }; s3: { configurationId: string; bucket: { name: string; arn: string }; object: { key: string; size?: number; eTag?: string } } }> }).Records;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-s3-sns-'));
    stateDir = path.join(dir, 'state');
    mkdirSync(path.join(dir, 'drops'));
    writeFileSync(path.join(dir, 'localbatch.yaml'), 'buckets:\n  drops: ./drops\n');
    serve = await startServe(['--runtime', 'scripted', '--port', '0'], dir, stateDir);
  });
  after(async () => {
    if (serve) {
      serve.child.kill('SIGTERM');
      await serve.exit;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks the configuration as S3 does, then publishes a test event and each matching change to the topic', async () => {
    const e = serve!.endpoint;
    const common = { endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 };
    const sns = new SNSClient(common);
    const s3 = new S3Client({ ...common, forcePathStyle: true });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'uploads' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email-json', Endpoint: 'ops@example.com' }));
    const conf = (c: unknown) => cli('put-bucket-notification-configuration', '--bucket', 'drops', '--notification-configuration', JSON.stringify(c));

    const missing = conf({ TopicConfigurations: [{ TopicArn: `${TopicArn!}-gone`, Events: ['s3:ObjectCreated:*'] }] });
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /\(InvalidArgument\) when calling the PutBucketNotificationConfiguration operation: Unable to validate the following destination configurations/);
    // No local SQS or Lambda: such a destination cannot be validated, so the whole configuration is refused.
    const queue = conf({ TopicConfigurations: [{ TopicArn, Events: ['s3:ObjectCreated:*'] }], QueueConfigurations: [{ QueueArn: 'arn:aws:sqs:us-east-1:000000000000:q', Events: ['s3:ObjectRemoved:*'] }] });
    assert.match(queue.stderr, /\(InvalidArgument\).*Unable to validate the following destination configurations/);
    const lambda = conf({ LambdaFunctionConfigurations: [{ LambdaFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f', Events: ['s3:ObjectRemoved:*'] }] });
    assert.match(lambda.stderr, /\(InvalidArgument\).*Unable to validate the following destination configurations/);
    // S3 publishes to standard topics only: an existing FIFO topic is no destination either.
    const { TopicArn: fifoArn } = await sns.send(new CreateTopicCommand({ Name: 'uploads.fifo', Attributes: { FifoTopic: 'true' } }));
    const fifo = await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'drops', NotificationConfiguration: { TopicConfigurations: [{ TopicArn: fifoArn, Events: ['s3:ObjectCreated:*'] }] } })).catch((err: Error & { ArgumentValue1?: string }) => err);
    assert.ok(fifo instanceof Error);
    assert.equal(fifo.name, 'InvalidArgument');
    assert.match(String((fifo as { ArgumentValue1?: string }).ArgumentValue1), /standard topics, not FIFO topics/);
    // ... and a FIFO topic takes no subscriber but an SQS queue (there is none locally).
    await assert.rejects(sns.send(new SubscribeCommand({ TopicArn: fifoArn, Protocol: 'email', Endpoint: 'ops@example.com' })), (err: Error) => err.name === 'InvalidParameterException' && /a FIFO topic delivers to Amazon SQS queues only, not email/.test(err.message));
    // SkipDestinationValidation: kept as given, unchecked (nothing is delivered to a topic that does not exist).
    const skipped = cli('put-bucket-notification-configuration', '--bucket', 'drops', '--skip-destination-validation', '--notification-configuration', JSON.stringify({ TopicConfigurations: [{ TopicArn: `${TopicArn!}-gone`, Events: ['s3:ObjectCreated:*'] }] }));
    assert.equal(skipped.status, 0, skipped.stderr);
    assert.match(cli('get-bucket-notification-configuration', '--bucket', 'drops').stdout, /-gone/);
    const unknown = conf({ TopicConfigurations: [{ TopicArn, Events: ['s3:ObjectCreated:Upload'] }] });
    assert.match(unknown.stderr, /\(InvalidArgument\).*The event is not supported for notifications/);
    const overlap = conf({ TopicConfigurations: [{ TopicArn, Events: ['s3:ObjectCreated:*'] }, { TopicArn, Events: ['s3:ObjectCreated:Put'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }] } } }] });
    assert.match(overlap.stderr, /\(InvalidArgument\).*Configurations overlap/);
    assert.equal(mails().length, 0, 'a refused configuration sends nothing');

    const ok = conf({ TopicConfigurations: [{ Id: 'csv-in', TopicArn, Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }, { Name: 'suffix', Value: '.csv' }] } } }] });
    assert.equal(ok.status, 0, ok.stderr);
    const test = await until('the s3:TestEvent', () => mails()[0]);
    assert.equal(test.Subject, 'Amazon S3 Notification');
    assert.deepEqual((({ Service, Event, Bucket }) => ({ Service, Event, Bucket }))(JSON.parse(test.Message) as Record<string, string>), { Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'drops' });
    const got = JSON.parse(cli('get-bucket-notification-configuration', '--bucket', 'drops').stdout) as { TopicConfigurations: Array<{ Id: string; TopicArn: string; Events: string[]; Filter: unknown }> };
    assert.deepEqual(got.TopicConfigurations, [{ Id: 'csv-in', TopicArn, Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'], Filter: { Key: { FilterRules: [{ Name: 'Prefix', Value: 'in/' }, { Name: 'Suffix', Value: '.csv' }] } } }]);

    await s3.send(new PutObjectCommand({ Bucket: 'drops', Key: 'in/skip.txt', Body: 'not csv' }));
    await s3.send(new PutObjectCommand({ Bucket: 'drops', Key: 'in/day 1.csv', Body: 'a,b\n' }));
    const put = records(await until('the put notification', () => mails()[1]))[0];
    assert.equal(put.eventName, 'ObjectCreated:Put');
    assert.deepEqual([put.eventVersion, put.eventSource, put.s3.configurationId], ['2.1', 'aws:s3', 'csv-in']);
    assert.deepEqual(put.s3.bucket, { name: 'drops', ownerIdentity: { principalId: '000000000000' }, arn: 'arn:aws:s3:::drops' });
    // The requester as S3 names it: `AWS:` and the unique id STS GetCallerIdentity gives the emulator's user.
    assert.match(put.userIdentity.principalId, /^AWS:AIDA[A-Z2-7]{17}$/);
    assert.deepEqual([put.s3.object.key, put.s3.object.size, put.s3.object.eTag], ['in/day+1.csv', 4, createHash('md5').update('a,b\n').digest('hex')]);
    await s3.send(new DeleteObjectCommand({ Bucket: 'drops', Key: 'in/day 1.csv' }));
    const removed = records(await until('the delete notification', () => mails()[2]))[0];
    assert.equal(removed.eventName, 'ObjectRemoved:Delete');
    // A file dropped into the bucket's folder by hand is an upload too.
    mkdirSync(path.join(dir, 'drops', 'in'), { recursive: true });
    writeFileSync(path.join(dir, 'drops', 'in', 'by-hand.csv'), 'x,y\n');
    const dropped = records(await until('the notification of the dropped file', () => mails()[3], 20_000))[0];
    assert.deepEqual([dropped.eventName, dropped.s3.object.key], ['ObjectCreated:Put', 'in/by-hand.csv']);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(mails().length, 4, 'in/skip.txt matched no filter');
    sns.destroy();
    s3.destroy();
  });

  it('keeps the configuration across a restart, and sends no second test event for a topic already named', async () => {
    serve!.child.kill('SIGTERM');
    await serve!.exit;
    serve = await startServe(['--runtime', 'scripted', '--port', '0'], dir, stateDir);
    const before = mails().length;
    const e = serve.endpoint;
    const s3 = new S3Client({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1, forcePathStyle: true });
    await s3.send(new PutObjectCommand({ Bucket: 'drops', Key: 'in/after.csv', Body: '1' }));
    const m = records(await until('the notification after the restart', () => mails()[before]))[0];
    assert.equal(m.s3.object.key, 'in/after.csv');
    s3.destroy();
  });
});
