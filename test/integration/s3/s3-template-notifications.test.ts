/**
 * A template's bucket notifications to an SNS topic, loaded by `localbatch serve` (scripted runtime):
 * CloudFormation's TopicConfigurations become the bucket's configuration, checked and delivered as
 * one put through the API is; the load says so. A template that no longer sets them turns them off.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetBucketNotificationConfigurationCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { startServe, type ServeChild } from '../../support/serve-process';
import { outboxMessages } from '../../support/sns-outbox';

const TEMPLATE = `Resources:
  Uploads:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: uploads
  Ops:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Uploads
      Protocol: email-json
      Endpoint: ops@example.com
  Raw:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: tpl-raw
      NotificationConfiguration:
        TopicConfigurations:
          - Event: s3:ObjectCreated:*
            Topic: !Ref Uploads
            Filter:
              S3Key:
                Rules:
                  - Name: suffix
                    Value: .csv
`;

describe('a template\'s S3 notifications to a topic, loaded by serve (integration)', function () {
  this.timeout(120_000);
  let dir: string;
  let serve: (ServeChild & { endpoint: EmulatorEndpoint }) | undefined;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-s3-tpl-'));
    // The bucket is a folder localbatch.yaml declares with EventBridge notifications: the template's topic notifications add to them.
    writeFileSync(path.join(dir, 'localbatch.yaml'), 'region: us-east-1\nbuckets:\n  tpl-raw: { path: ./raw, eventBridge: true }\n');
    writeFileSync(path.join(dir, 'stack.yaml'), TEMPLATE);
    // A template whose only pipeline resource is a bucket with notifications is loaded too.
    writeFileSync(path.join(dir, 'bucket-only.yaml'), 'Resources:\n  Eb:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: tpl-eb\n      NotificationConfiguration:\n        EventBridgeConfiguration:\n          EventBridgeEnabled: true\n');
    serve = await startServe(['--runtime', 'scripted', '--port', '0'], dir, path.join(dir, '.localbatch'));
  });
  after(async () => {
    if (serve) {
      serve.child.kill('SIGTERM');
      await serve.exit;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the configuration after the topic, and a matching upload is published to it', async () => {
    const deadline = Date.now() + 30_000;
    while (!/bucket tpl-raw, notifications to topic uploads/.test(serve!.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(serve!.output(), /bucket tpl-raw, notifications to topic uploads/);
    assert.match(serve!.output(), /bucket tpl-eb \(created\), EventBridge notifications on/);
    const e = serve!.endpoint;
    const s3 = new S3Client({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1, forcePathStyle: true });
    try {
      const conf = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'tpl-raw' }));
      assert.deepEqual(conf.TopicConfigurations?.map((t) => [t.TopicArn, t.Events, t.Filter?.Key?.FilterRules]), [['arn:aws:sns:us-east-1:000000000000:uploads', ['s3:ObjectCreated:*'], [{ Name: 'Suffix', Value: '.csv' }]]]);
      assert.deepEqual(conf.EventBridgeConfiguration, {}, "localbatch.yaml's eventBridge: true stays on");
      // An Id made from what the configuration says (the template gives none), so a reload keeps it.
      assert.match(conf.TopicConfigurations![0].Id!, /^[A-Za-z0-9_-]{22}$/);
      await s3.send(new PutObjectCommand({ Bucket: 'tpl-raw', Key: 'skip.txt', Body: 'x' }));
      await s3.send(new PutObjectCommand({ Bucket: 'tpl-raw', Key: 'day.csv', Body: 'a,b\n' }));
    } finally {
      s3.destroy();
    }
    const messages = () => outboxMessages(path.join(dir, '.localbatch')).map((m) => m.Message);
    const until = Date.now() + 15_000;
    while (messages().length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const [test, put] = messages();
    assert.match(test!, /"Event":"s3:TestEvent"/);
    assert.match(put!, /"eventName":"ObjectCreated:Put".*"key":"day\.csv"/);
    assert.equal(messages().length, 2, 'skip.txt matched no filter');
  });

  it('turns the notifications off when the template no longer sets them (the bucket stays)', async () => {
    const before = outboxMessages(path.join(dir, '.localbatch')).length;
    writeFileSync(path.join(dir, 'stack.yaml'), TEMPLATE.slice(0, TEMPLATE.indexOf('      NotificationConfiguration:')));
    const deadline = Date.now() + 30_000;
    while (!/bucket tpl-raw notifications off \(no longer in the templates\)/.test(serve!.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(serve!.output(), /bucket tpl-raw notifications off \(no longer in the templates\)/);
    const e = serve!.endpoint;
    const s3 = new S3Client({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1, forcePathStyle: true });
    try {
      const conf = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'tpl-raw' }));
      assert.equal(conf.TopicConfigurations, undefined);
      assert.deepEqual(conf.EventBridgeConfiguration, {}, "localbatch.yaml's eventBridge: true stays on");
      await s3.send(new PutObjectCommand({ Bucket: 'tpl-raw', Key: 'later.csv', Body: 'c,d\n' }));
      assert.equal((await s3.send(new GetObjectCommand({ Bucket: 'tpl-raw', Key: 'day.csv' }))).ContentLength, 4, 'the bucket and its objects stay');
    } finally {
      s3.destroy();
    }
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(outboxMessages(path.join(dir, '.localbatch')).length, before, 'later.csv was not published');
  });
});

