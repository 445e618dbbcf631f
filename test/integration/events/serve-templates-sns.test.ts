/**
 * `localbatch serve` following a template's SNS as a stack update would (the CLI as a child
 * process, scripted runtime): an `sqs` subscription is not loaded and says so; a bad FilterPolicy
 * is a problem naming the template's file and line while the rest loads; an emptied template keeps
 * what it declared and is loaded again once restored; and edits made while serve was stopped are
 * applied when it starts again (what it loaded is remembered in the state folder), while one broken
 * meanwhile keeps what it declared and holds no other template back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { startServe, type ServeChild } from '../../support/serve-process';

const ALERTS = 'arn:aws:sns:us-east-1:000000000000:alerts';

function template(o: { filter?: string; audit?: boolean } = {}): string {
  return `Resources:
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: alerts
${o.audit === false ? '' : `  Audit:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: audit
  Hook:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Audit
      Protocol: http
      Endpoint: http://127.0.0.1:9/hook
`}  Oncall:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: ${ALERTS}
      Protocol: email
      Endpoint: oncall@example.com
${o.filter !== undefined ? `      FilterPolicy: ${o.filter}\n` : ''}  Queue:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: ${ALERTS}
      Protocol: sqs
      Endpoint: arn:aws:sqs:us-east-1:000000000000:work
`;
}

describe('localbatch serve follows a template\'s SNS (integration)', function () {
  this.timeout(180_000);
  let dir: string;
  let stateDir: string;
  let serve: (ServeChild & { endpoint: EmulatorEndpoint }) | undefined;
  const file = () => path.join(dir, 'sns.yaml');
  const waitFor = async (pattern: RegExp, from: number) => {
    const deadline = Date.now() + 30_000;
    while (!pattern.test(serve!.output().slice(from)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(serve!.output().slice(from), pattern);
  };
  const withSns = async <T>(f: (sns: SNSClient) => Promise<T>): Promise<T> => {
    const e = serve!.endpoint;
    const sns = new SNSClient({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 });
    try {
      return await f(sns);
    } finally {
      sns.destroy();
    }
  };
  const topics = () => withSns(async (sns) => ((await sns.send(new ListTopicsCommand({}))).Topics ?? []).map((t) => t.TopicArn!.split(':').pop()).sort());
  const oncall = () =>
    withSns(async (sns) => {
      const s = ((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: ALERTS }))).Subscriptions ?? []).find((x) => x.Endpoint === 'oncall@example.com');
      return s ? (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn }))).Attributes : undefined;
    });

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-serve-sns-'));
    stateDir = path.join(dir, '.localbatch');
    writeFileSync(path.join(dir, 'localbatch.yaml'), 'region: us-east-1\n');
    writeFileSync(file(), template({ filter: '{ level: [warn] }' }));
  });
  after(async () => {
    if (serve) {
      serve.child.kill('SIGTERM');
      await serve.exit;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads what the local SNS delivers and says which subscription it does not; a bad FilterPolicy is named at its line while the rest loads', async () => {
    serve = await startServe(['--runtime', 'scripted'], dir, stateDir);
    await waitFor(/subscription email oncall@example.com to alerts/, 0);
    assert.match(serve.output(), /subscription sqs arn:aws:sqs:us-east-1:000000000000:work to alerts: not loaded \(the local SNS delivers to http, https, email and email-json\)/);
    assert.match(serve.output(), /subscription http http:\/\/127\.0\.0\.1:9\/hook to audit \(pending confirmation: the endpoint was sent a SubscriptionConfirmation to confirm\)/);
    assert.doesNotMatch(serve.output(), /oncall@example\.com to alerts \(pending/, 'an email subscription is confirmed at once locally');
    assert.deepEqual(await topics(), ['alerts', 'audit']);
    assert.equal((await oncall())?.FilterPolicy, '{"level":["warn"]}');

    const before = serve.output().length;
    const broken = template({ filter: '{ level: warn }' });
    writeFileSync(file(), broken);
    await waitFor(/the rest is loaded/, before);
    // at the FilterPolicy's own line, as `localbatch validate` points at it
    const line = broken.split('\n').findIndex((l) => l.includes('FilterPolicy:')) + 1;
    assert.match(serve.output().slice(before), new RegExp(`sns\\.yaml:${line}: subscription email oncall@example\\.com: .*FilterPolicy`));
    assert.match(serve.output().slice(before), /topic audit\n/, 'the topics still load');
    assert.equal((await oncall())?.FilterPolicy, '{"level":["warn"]}', 'the subscription keeps what it had');
  });

  it('an emptied template (or one commented out whole) keeps what it declared, and is loaded again once it declares it again', async () => {
    let before = serve!.output().length;
    writeFileSync(file(), '');
    await waitFor(/sns\.yaml:1:1: warning: the template is empty[\s\S]*what it declared stays/, before);
    before = serve!.output().length;
    writeFileSync(file(), template({}).split('\n').map((l) => `# ${l}`).join('\n'));
    await waitFor(/sns\.yaml:1:1: warning: the template is empty[\s\S]*what it declared stays/, before);
    assert.doesNotMatch(serve!.output().slice(before), /error/);
    assert.deepEqual(await topics(), ['alerts', 'audit']);
    before = serve!.output().length;
    writeFileSync(file(), template({ filter: '{ level: [warn, error] }' }));
    await waitFor(/subscription email oncall@example.com to alerts \(attributes updated\)/, before);
    assert.equal((await oncall())?.FilterPolicy, '{"level":["warn","error"]}');
  });

  it('applies the edits made while it was stopped when it starts again: a dropped topic deleted, a dropped FilterPolicy removed', async () => {
    serve!.child.kill('SIGTERM');
    await serve!.exit;
    writeFileSync(file(), template({ audit: false }));
    serve = await startServe(['--runtime', 'scripted'], dir, stateDir);
    await waitFor(/topic audit deleted, with its subscriptions \(no longer in the templates\)/, 0);
    assert.match(serve.output(), /subscription email oncall@example.com to alerts \(attributes updated\)/);
    assert.deepEqual(await topics(), ['alerts']);
    assert.equal((await oncall())?.FilterPolicy, undefined);
  });

  it('a template broken while it was stopped keeps what it declared at the next start, and holds no other template back', async () => {
    serve!.child.kill('SIGTERM');
    await serve!.exit;
    writeFileSync(file(), template({ audit: false }).replace('Properties:\n      TopicName: alerts', 'Properties:\n    TopicName: [alerts'));
    serve = await startServe(['--runtime', 'scripted'], dir, stateDir);
    await waitFor(/does not parse or is empty/, 0);
    assert.doesNotMatch(serve.output(), /no longer in the templates/);
    assert.deepEqual(await topics(), ['alerts']);
    // Another template, created empty and filled in later (the scan notices its change), loads meanwhile.
    const before = serve.output().length;
    const other = path.join(dir, 'other.yaml');
    writeFileSync(other, '');
    await new Promise((r) => setTimeout(r, 6_000));
    writeFileSync(other, 'Resources:\n  Late:\n    Type: AWS::SNS::Topic\n    Properties: { TopicName: late }\n');
    await waitFor(/topic late\n/, before);
    assert.deepEqual(await topics(), ['alerts', 'late']);
    assert.doesNotMatch(serve.output().slice(before), /no longer in the templates/, 'nothing is deleted while a template does not parse');
  });
});
