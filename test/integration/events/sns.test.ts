/**
 * SNS on a real `localbatch serve` (scripted runtime) through @aws-sdk/client-sns: an http
 * subscriber on this machine gets a SubscriptionConfirmation and is confirmed with its token; email
 * subscribers get files in the outbox; filter policies hold; an EventBridge rule's SNS target
 * publishes; acknowledged CreateTopic and Subscribe survive SIGKILL; an http(s) delivery that fails
 * is retried by the subscription's delivery policy (a 4xx is not), and one waiting for its retry
 * survives a SIGKILL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { ConfirmSubscriptionCommand, CreateTopicCommand, DeleteTopicCommand, UnsubscribeCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand, SetSubscriptionAttributesCommand, SetTopicAttributesCommand, ListSubscriptionsByTopicCommand, ListTopicsCommand, NotFoundException, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { killServe, startServe, type ServeChild } from '../../support/serve-process';

async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('SNS on the emulator endpoint (integration)', function () {
  this.timeout(180_000);
  let dir: string;
  let stateDir: string;
  let serve: (ServeChild & { endpoint: EmulatorEndpoint }) | undefined;
  let http: Server;
  let httpUrl: string;
  const received: Array<{ headers: Record<string, unknown>; body: Record<string, string> }> = [];
  const args = ['--runtime', 'scripted', '--port', '0'];
  const sns = (e: EmulatorEndpoint) => new SNSClient({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 });
  const outbox = () => path.join(stateDir, 'sns', 'outbox');
  const mails = () => {
    try {
      return readdirSync(outbox()).map((f) => readFileSync(path.join(outbox(), f), 'utf8'));
    } catch {
      return [];
    }
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-sns-'));
    stateDir = path.join(dir, 'state');
    http = createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(b) as Record<string, string> });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    httpUrl = `http://127.0.0.1:${(http.address() as { port: number }).port}/hook`;
    serve = await startServe(args, dir, stateDir);
  });
  after(async () => {
    if (serve) {
      serve.child.kill('SIGTERM');
      await serve.exit;
    }
    http.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('confirms http subscribers as AWS does, delivers to them and to email outbox files, with filter policies', async () => {
    const c = sns(serve!.endpoint);
    const { TopicArn } = await c.send(new CreateTopicCommand({ Name: 'job-alerts' }));
    assert.equal(TopicArn, `arn:aws:sns:${serve!.endpoint.region}:000000000000:job-alerts`);
    const pending = await c.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: httpUrl }));
    assert.equal(pending.SubscriptionArn, 'pending confirmation');
    const confirmation = await until('the SubscriptionConfirmation', () => received.find((r) => r.body.Type === 'SubscriptionConfirmation'));
    assert.equal(confirmation.headers['x-amz-sns-message-type'], 'SubscriptionConfirmation');
    assert.match(confirmation.body.SubscribeURL!, /Action=ConfirmSubscription/);
    const confirmed = await c.send(new ConfirmSubscriptionCommand({ TopicArn, Token: confirmation.body.Token! }));
    assert.match(confirmed.SubscriptionArn!, /^arn:aws:sns:.*:job-alerts:/);
    assert.equal((await c.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: confirmed.SubscriptionArn }))).Attributes?.ConfirmationWasAuthenticated, 'true', 'confirmed by a signed request');
    await c.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'team@example.com' }));
    await c.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'oncall@example.com', Attributes: { FilterPolicy: JSON.stringify({ severity: ['high'] }) } }));
    await c.send(new PublishCommand({ TopicArn, Subject: 'Job failed', Message: 'job nightly failed', MessageAttributes: { severity: { DataType: 'String', StringValue: 'low' } } }));
    const note = await until('the notification', () => received.find((r) => r.body.Type === 'Notification'));
    assert.equal(note.body.Message, 'job nightly failed');
    assert.equal(note.body.Subject, 'Job failed');
    const mail = await until('the mail', () => (mails().length > 0 ? mails() : undefined));
    assert.equal(mail.length, 1, 'the filter policy kept the low-severity message from oncall');
    assert.match(mail[0]!, /^To: team@example.com$/m);
    assert.match(mail[0]!, /job nightly failed/);
    // A message for both email subscribers: a file each.
    await c.send(new PublishCommand({ TopicArn, Message: 'disk full', MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } } }));
    const both = await until('a mail to each subscriber', () => {
      const m = mails().filter((x) => x.includes('disk full'));
      return m.length >= 2 ? m : undefined;
    });
    assert.deepEqual(both.map((m) => /^To: (.*)$/m.exec(m)?.[1]).sort(), ['oncall@example.com', 'team@example.com']);
    await assert.rejects(c.send(new PublishCommand({ TopicArn: `${TopicArn!}-missing`, Message: 'x' })), NotFoundException);
    // A key the emulator does not know: SNS's own code for it.
    const stranger = new SNSClient({ endpoint: serve!.endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 });
    await assert.rejects(stranger.send(new ListTopicsCommand({})), (e: Error) => e.name === 'InvalidClientTokenId');
    stranger.destroy();

    // RawMessageDelivery set afterwards: the http subscriber gets the message itself as the body.
    await c.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: confirmed.SubscriptionArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'true' }));
    assert.equal((await c.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: confirmed.SubscriptionArn }))).Attributes?.RawMessageDelivery, 'true');
    await c.send(new PublishCommand({ TopicArn, Message: '{"raw":1}' }));
    const raw = await until('the raw message', () => received.find((r) => r.headers['x-amz-sns-rawdelivery'] === 'true'));
    assert.deepEqual(raw.body, { raw: 1 });
    await assert.rejects(c.send(new PublishCommand({ TopicArn, Message: 'x', MessageAttributes: { a: { DataType: 'Weird', StringValue: 'x' } } })), /invalid message attribute type/);
    await c.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'DisplayName', AttributeValue: 'Job alerts' }));
    assert.equal((await c.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes?.DisplayName, 'Job alerts');
  });

  it('an EventBridge rule with an SNS target publishes; CreateTopic and Subscribe survive SIGKILL', async () => {
    const e = serve!.endpoint;
    const events = new EventBridgeClient({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 });
    const c = sns(e);
    const { TopicArn } = await c.send(new CreateTopicCommand({ Name: 'kept' }));
    await c.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'kept@example.com' }));
    await events.send(new PutRuleCommand({ Name: 'to-sns', EventPattern: '{"source":["my.app"]}' }));
    await events.send(new PutTargetsCommand({ Rule: 'to-sns', Targets: [{ Id: 'sns', Arn: TopicArn!, InputTransformer: { InputPathsMap: { job: '$.detail.job' }, InputTemplate: '"Job <job> failed"' } }] }));
    await events.send(new PutEventsCommand({ Entries: [{ Source: 'my.app', DetailType: 'x', Detail: '{"job":"nightly"}' }] }));
    await until('the rule-published mail', () => mails().find((m) => m.includes('To: kept@example.com')));
    assert.match(mails().find((m) => m.includes('To: kept@example.com'))!, /"Job nightly failed"/);
    await killServe(serve!);
    serve = await startServe(args, dir, stateDir);
    const c2 = sns(serve.endpoint);
    const topics = await c2.send(new ListTopicsCommand({}));
    assert.deepEqual(topics.Topics?.map((t) => t.TopicArn?.split(':').pop()), ['job-alerts', 'kept']);
    const subs = await c2.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    assert.deepEqual(subs.Subscriptions?.map((s) => [s.Protocol, s.Endpoint]), [['email', 'kept@example.com']]);
  });
  it('a plain unsigned GET of the SubscribeURL confirms the subscription, as on AWS; a wrong token does not', async () => {
    const c = sns(serve!.endpoint);
    const { TopicArn } = await c.send(new CreateTopicCommand({ Name: 'by-url' }));
    await c.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: `${httpUrl}?by-url` }));
    const confirmation = await until('the SubscriptionConfirmation', () => received.find((r) => r.body.Type === 'SubscriptionConfirmation' && r.body.TopicArn === TopicArn));
    const url = confirmation.body.SubscribeURL!;
    const wrong = await fetch(url.replace(/Token=[^&]+/, 'Token=not-the-token'));
    assert.equal(wrong.status, 400);
    const pendingSubs = await c.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    assert.equal(pendingSubs.Subscriptions?.[0]?.SubscriptionArn, 'PendingConfirmation');
    const res = await fetch(url);
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.match(text, /<ConfirmSubscriptionResult><SubscriptionArn>arn:aws:sns:[^<]*:by-url:/);
    const subs = await c.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    assert.match(subs.Subscriptions?.[0]?.SubscriptionArn ?? '', /^arn:aws:sns:.*:by-url:/);
    const attrs = (await c.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subs.Subscriptions![0]!.SubscriptionArn! }))).Attributes!;
    assert.deepEqual([attrs.PendingConfirmation, attrs.ConfirmationWasAuthenticated], ['false', 'false'], 'confirmed by an unsigned request');
    // Every notification carries an UnsubscribeURL, which works unsigned too.
    await c.send(new PublishCommand({ TopicArn, Message: 'hello by url' }));
    const note = await until('the Notification', () => received.find((r) => r.body.Type === 'Notification' && r.body.TopicArn === TopicArn));
    const unsubscribe = await fetch(note.body.UnsubscribeURL!);
    assert.equal(unsubscribe.status, 200, await unsubscribe.text());
    assert.deepEqual((await c.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions ?? [], []);
    // Nothing else is served unsigned.
    const listing = await fetch(`${serve!.endpoint.url}/?Action=ListTopics`);
    assert.notEqual(listing.status, 200);
  });
  it("retries a failed http delivery by the subscription's DeliveryPolicy, not a 4xx, and across a SIGKILL", async () => {
    const hits: Array<{ id: string; type: string; body: string; at: number; status: number }> = [];
    let answers: number[] = [];
    const flaky = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const status = answers.shift() ?? 200;
        hits.push({ id: String(req.headers['x-amz-sns-message-id']), type: String(req.headers['x-amz-sns-message-type']), body, at: Date.now(), status });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(flaky.address() as { port: number }).port}/flaky`;
      const c = sns(serve!.endpoint);
      const { TopicArn } = await c.send(new CreateTopicCommand({ Name: 'retried' }));
      const policy = { healthyRetryPolicy: { numRetries: 3, minDelayTarget: 1, maxDelayTarget: 1 } };
      // ReturnSubscriptionArn: the ARN even while the confirmation is pending, as on AWS.
      const pendingArn = (await c.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: url, Attributes: { DeliveryPolicy: JSON.stringify(policy) }, ReturnSubscriptionArn: true }))).SubscriptionArn;
      assert.match(pendingArn ?? '', /^arn:aws:sns:.*:retried:/);
      const confirmation = await until('the confirmation', () => hits.find((h) => h.type === 'SubscriptionConfirmation'));
      const { SubscriptionArn: subArn } = await c.send(new ConfirmSubscriptionCommand({ TopicArn, Token: (JSON.parse(confirmation.body) as { Token: string }).Token }));
      assert.equal(subArn, pendingArn);
      const effective = JSON.parse((await c.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subArn }))).Attributes!.EffectiveDeliveryPolicy!);
      assert.equal(effective.healthyRetryPolicy.numRetries, 3);
      await assert.rejects(c.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: 'DeliveryPolicy', AttributeValue: '{"healthyRetryPolicy":{"minDelayTarget":9,"maxDelayTarget":1}}' })), /maxDelayTarget/);

      // Two 503s, then delivered on the third attempt, a second apart.
      answers = [503, 503];
      const { MessageId: flakyId } = await c.send(new PublishCommand({ TopicArn, Message: 'try again' }));
      await until('the delivery on the third attempt', () => (hits.filter((h) => h.id === flakyId).length === 3 ? true : undefined));
      const times = hits.filter((h) => h.id === flakyId).map((h) => h.at);
      assert.ok(times[1]! - times[0]! >= 900 && times[2]! - times[1]! >= 900, `retries a second apart: ${times.join(', ')}`);

      // A refusal (403) is not retried.
      answers = [403];
      const { MessageId: refusedId } = await c.send(new PublishCommand({ TopicArn, Message: 'refused' }));
      await until('the refused attempt', () => (hits.some((h) => h.id === refusedId) ? true : undefined));
      await new Promise((r) => setTimeout(r, 2_500));
      assert.equal(hits.filter((h) => h.id === refusedId).length, 1);

      // Waiting for its retry when the server is SIGKILLed: delivered after the restart.
      answers = [503, 503, 503, 503];
      const { MessageId: keptId } = await c.send(new PublishCommand({ TopicArn, Message: 'kept across a kill' }));
      await until('the first failed attempt', () => (hits.some((h) => h.id === keptId) ? true : undefined));
      await killServe(serve!);
      answers = [];
      serve = await startServe(args, dir, stateDir);
      await until('the delivery after the restart', () => (hits.some((h) => h.id === keptId && h.status === 200) ? true : undefined));
      assert.ok(serve.output().includes('http(s) delivery left unfinished'), serve.output());
    } finally {
      flaky.close();
    }
  });

  it('CreateTopic again with other attributes is refused; a FIFO topic needs its .fifo name, and its Publish a group id and a deduplication id; no SMS', async () => {
    const c = sns(serve!.endpoint);
    try {
      const invalid = (text: RegExp) => (err: Error) => err.name === 'InvalidParameterException' && text.test(err.message);
      const { TopicArn } = await c.send(new CreateTopicCommand({ Name: 'shaped', Attributes: { DisplayName: 'one' } }));
      assert.equal((await c.send(new CreateTopicCommand({ Name: 'shaped', Attributes: { DisplayName: 'one' } }))).TopicArn, TopicArn);
      await assert.rejects(c.send(new CreateTopicCommand({ Name: 'shaped', Attributes: { DisplayName: 'two' } })), invalid(/Topic already exists with different attributes/));
      await assert.rejects(c.send(new CreateTopicCommand({ Name: 'plain', Attributes: { FifoTopic: 'true' } })), invalid(/FIFO topic's name ends with \.fifo/));
      const fifo = (await c.send(new CreateTopicCommand({ Name: 'orders.fifo', Attributes: { FifoTopic: 'true' } }))).TopicArn!;
      await assert.rejects(c.send(new PublishCommand({ TopicArn: fifo, Message: 'hi' })), invalid(/MessageGroupId parameter is required/));
      await assert.rejects(c.send(new PublishCommand({ TopicArn: fifo, Message: 'hi', MessageGroupId: 'g' })), invalid(/ContentBasedDeduplication enabled or MessageDeduplicationId/));
      assert.ok((await c.send(new PublishCommand({ TopicArn: fifo, Message: 'hi', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }))).MessageId);
      // A standard topic takes no deduplication id (a group id it does: SNS's fair queues).
      await assert.rejects(c.send(new PublishCommand({ TopicArn, Message: 'hi', MessageDeduplicationId: 'd1' })), invalid(/^Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type$/));
      await assert.rejects(c.send(new PublishCommand({ PhoneNumber: '+15555550100', Message: 'hi' })), invalid(/sends no SMS/));
      await assert.rejects(c.send(new CreateTopicCommand({ Name: 'maybe', Attributes: { FifoTopic: 'maybe' } })), invalid(/FifoTopic: Invalid value \[maybe\]/));
      await assert.rejects(c.send(new CreateTopicCommand({ Name: 'typo', Attributes: { DisplayNme: 'x' } })), invalid(/AttributeName DisplayNme/));
      // The values the API reference documents, at creation and later.
      await assert.rejects(c.send(new CreateTopicCommand({ Name: 'sig', Attributes: { SignatureVersion: '3' } })), invalid(/SignatureVersion: Invalid value \[3\]\. Must be 1 or 2/));
      const { TopicArn: signed } = await c.send(new CreateTopicCommand({ Name: 'sig', Attributes: { SignatureVersion: '2' } }));
      await assert.rejects(c.send(new SetTopicAttributesCommand({ TopicArn: signed, AttributeName: 'TracingConfig', AttributeValue: 'Bogus' })), invalid(/TracingConfig: Invalid value \[Bogus\]\. Must be PassThrough or Active/));
      await assert.rejects(c.send(new SetTopicAttributesCommand({ TopicArn: signed, AttributeName: 'DisplayName', AttributeValue: 'x'.repeat(101) })), invalid(/DisplayName: at most 100 characters/));
      await c.send(new SetTopicAttributesCommand({ TopicArn: signed, AttributeName: 'DisplayName', AttributeValue: 'x'.repeat(100) }));
    } finally {
      c.destroy();
    }
  });

  it('pages ListTopics by 100 with a token naming the last topic; refuses a forged token and malformed ARNs', async () => {
    const c = sns(serve!.endpoint);
    try {
      const invalid = (text: RegExp) => (err: Error) => err.name === 'InvalidParameterException' && text.test(err.message);
      for (let i = 0; i < 120; i++) await c.send(new CreateTopicCommand({ Name: `paged-${String(i).padStart(3, '0')}` }));
      const first = await c.send(new ListTopicsCommand({}));
      assert.equal(first.Topics?.length, 100);
      assert.ok(first.NextToken);
      // A topic deleted between two pages neither repeats one nor hides another.
      await c.send(new DeleteTopicCommand({ TopicArn: first.Topics![99].TopicArn }));
      const second = await c.send(new ListTopicsCommand({ NextToken: first.NextToken }));
      const all = [...first.Topics!, ...second.Topics!].map((t) => t.TopicArn!);
      assert.equal(second.NextToken, undefined);
      assert.equal(new Set(all).size, all.length);
      assert.equal(all.filter((a) => /:paged-\d+$/.test(a)).length, 120);
      await assert.rejects(c.send(new ListTopicsCommand({ NextToken: 'bm90LWEtdG9rZW4' })), invalid(/NextToken/));
      await assert.rejects(c.send(new DeleteTopicCommand({ TopicArn: 'not-an-arn' })), invalid(/TopicArn/));
      for (const TopicArn of ['arn:aws:sns:::uploads', 'arn:aws:sns:us-east-1:000000000000:bad name']) await assert.rejects(c.send(new DeleteTopicCommand({ TopicArn })), invalid(/TopicArn/), TopicArn);
      const fifo = (await c.send(new CreateTopicCommand({ Name: 'dedup.fifo', Attributes: { FifoTopic: 'true' } }))).TopicArn!;
      await assert.rejects(c.send(new SetTopicAttributesCommand({ TopicArn: fifo, AttributeName: 'ContentBasedDeduplication', AttributeValue: 'maybe' })), invalid(/ContentBasedDeduplication: Invalid value \[maybe\]/));
      await c.send(new DeleteTopicCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:never-was' }));
      await assert.rejects(c.send(new UnsubscribeCommand({ SubscriptionArn: 'nope' })), invalid(/SubscriptionArn/));
      await assert.rejects(c.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: 'nope' })), invalid(/SubscriptionArn/));
    } finally {
      c.destroy();
    }
  });
});
