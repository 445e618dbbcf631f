/**
 * What the editor reads from a real `localbatch serve` (scripted runtime) for its pipeline views and
 * notifications, through the clients it uses: SNS messages on the event stream (`onNotification`),
 * the recent messages per topic (`POST /localbatch/v1/sns-messages`, newest first), rules with their
 * last deliveries (LocalbatchList) and Fire Now (LocalbatchFire) publishing to a topic target.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { subscribeEvents, type EventSubscription } from '../../../src/client/events';
import { fireNow, listLocalRules } from '../../../src/client/rules';
import { recentMessages, type SnsNotification } from '../../../src/client/sns-messages';
import { postLocal } from '../../../src/client/signed-http';
import { killServe, startServe, type ServeChild } from '../../support/serve-process';

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the editor\'s pipeline feed from the emulator (integration)', function () {
  this.timeout(120_000);
  let dir: string;
  let serve: (ServeChild & { endpoint: EmulatorEndpoint }) | undefined;
  let stream: EventSubscription | undefined;
  const streamed: SnsNotification[] = [];
  let sns: SNSClient;
  let events: EventBridgeClient;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-feed-'));
    serve = await startServe(['--runtime', 'scripted', '--port', '0'], dir, path.join(dir, 'state'));
    const e = serve.endpoint;
    const config = { endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 };
    sns = new SNSClient(config);
    events = new EventBridgeClient(config);
    await new Promise<void>((resolve, reject) => {
      stream = subscribeEvents(e, { onEvent: () => undefined, onNotification: (m) => streamed.push(m), onOpen: resolve, onClose: (err) => reject(err ?? new Error('stream closed')) });
    });
  });

  after(async () => {
    stream?.close();
    sns?.destroy();
    events?.destroy();
    if (serve) await killServe(serve);
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams every published message and keeps the recent ones per topic, newest first', async () => {
    const { TopicArn: a } = await sns.send(new CreateTopicCommand({ Name: 'alerts' }));
    const { TopicArn: b } = await sns.send(new CreateTopicCommand({ Name: 'other' }));
    const first = await sns.send(new PublishCommand({ TopicArn: a, Message: 'first', Subject: 'One' }));
    const second = await sns.send(new PublishCommand({ TopicArn: a, Message: 'second' }));
    await sns.send(new PublishCommand({ TopicArn: b, Message: 'elsewhere' }));
    const got = await until('three streamed messages', () => (streamed.length >= 3 ? streamed : undefined));
    assert.deepEqual(got.map((m) => [m.TopicArn, m.Message, m.Subject]), [[a, 'first', 'One'], [a, 'second', undefined], [b, 'elsewhere', undefined]]);
    assert.equal(got[0].MessageId, first.MessageId);
    const recent = await recentMessages(serve!.endpoint, a);
    assert.deepEqual(recent.map((m) => m.MessageId), [second.MessageId, first.MessageId]);
    assert.match(recent[0].Timestamp ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.equal((await recentMessages(serve!.endpoint)).length, 3, 'all topics');
  });

  it('lists a rule with its last delivery after Fire Now published to its SNS target', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'fired' }));
    await events.send(new PutRuleCommand({ Name: 'every-hour', ScheduleExpression: 'rate(1 hour)' }));
    await events.send(new PutTargetsCommand({ Rule: 'every-hour', Targets: [{ Id: 't1', Arn: TopicArn! }] }));
    const before = await listLocalRules(serve!.endpoint);
    const rule = before.Rules.find((r) => r.Name === 'every-hour');
    assert.ok(rule?.Next, 'a scheduled rule has a next firing');
    assert.deepEqual(rule.LastDeliveries, []);
    assert.equal(await fireNow(serve!.endpoint, 'every-hour'), 'rule');
    const delivered = await until('the delivery', async () => (await listLocalRules(serve!.endpoint)).Rules.find((r) => r.Name === 'every-hour' && r.LastDeliveries.length > 0));
    assert.equal(delivered.LastDeliveries[0].status, 'delivered');
    const [message] = await until('the published message', async () => {
      const m = await recentMessages(serve!.endpoint, TopicArn);
      return m.length > 0 ? m : undefined;
    });
    assert.equal((JSON.parse(message.Message) as { 'detail-type': string })['detail-type'], 'Scheduled Event');
    await assert.rejects(fireNow(serve!.endpoint, 'no-such-rule'), /No rule or schedule is named no-such-rule/);
  });

  it('refuses a body that is not a JSON object on the local endpoint, and names the endpoints there are', async () => {
    await assert.rejects(postLocal(serve!.endpoint, '/localbatch/v1/sns-messages', [1]), /JSON object|object/i);
    await assert.rejects(postLocal(serve!.endpoint, '/localbatch/v1/nothing-here', {}), /POST interrupt, POST sns-messages/);
  });
});
