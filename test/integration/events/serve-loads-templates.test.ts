/**
 * `localbatch serve` loads the workspace's templates' rules, topics and subscriptions at start
 * (through its own APIs) and says so; they are then served like any other (the CLI as a child
 * process, scripted runtime). When the template changes they are loaded again: a rule renamed in
 * it is created under its new name and the old one deleted. A template added while it serves is
 * loaded; another JSON file added is not a reason to load again. A template saved with a syntax
 * error keeps its rules until it is fixed, and the fix is loaded. A subscription's changed or
 * dropped FilterPolicy is applied to it, and topics and subscriptions dropped are deleted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeRuleCommand, EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { startServe, type ServeChild } from '../../support/serve-process';

const TEMPLATE = `Resources:
  Queue:
    Type: AWS::Batch::JobQueue
    Properties:
      JobQueueName: nightly
      Priority: 1
      ComputeEnvironmentOrder: [{ Order: 1, ComputeEnvironment: arn:aws:batch:us-east-1:000000000000:compute-environment/local }]
  Job:
    Type: AWS::Batch::JobDefinition
    Properties:
      JobDefinitionName: nightly-report
      Type: container
      ContainerProperties: { Image: localbatch-busybox:latest, Command: [echo, hi], ResourceRequirements: [{ Type: VCPU, Value: "1" }, { Type: MEMORY, Value: "128" }] }
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      Name: nightly
      ScheduleExpression: cron(0 3 * * ? *)
      Targets: [{ Id: report, Arn: !Ref Queue, BatchParameters: { JobDefinition: !Ref Job, JobName: report } }]
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: alerts
      Subscription: [{ Protocol: email, Endpoint: ops@example.com }]
`;

describe('localbatch serve loads the templates\' pipeline (integration)', function () {
  this.timeout(120_000);
  let dir: string;
  let serve: (ServeChild & { endpoint: { url: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } }) | undefined;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-serve-pipeline-'));
    writeFileSync(path.join(dir, 'localbatch.yaml'), 'region: us-east-1\n');
    writeFileSync(path.join(dir, 'stack.yaml'), TEMPLATE);
  });
  after(async () => {
    if (serve) {
      serve.child.kill('SIGTERM');
      await serve.exit;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('says what it loaded, and serves the rule (with its target) and the topic\'s subscription', async () => {
    serve = await startServe(['--runtime', 'scripted', '--port', '0'], dir, path.join(dir, '.localbatch'));
    const deadline = Date.now() + 30_000;
    while (!serve.output().includes('rule nightly') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const out = serve.output();
    assert.match(out, /loaded from the workspace's templates:/, out);
    assert.match(out, /rule nightly \(cron\(0 3 \* \* \? \*\)\) → job queue nightly \(nightly-report\)/);
    assert.match(out, /subscription email ops@example.com to alerts/);
    const config = { endpoint: serve.endpoint.url, region: serve.endpoint.region, credentials: serve.endpoint.credentials, maxAttempts: 1 };
    const eb = new EventBridgeClient(config);
    assert.equal((await eb.send(new DescribeRuleCommand({ Name: 'nightly' }))).ScheduleExpression, 'cron(0 3 * * ? *)');
    const { Targets } = await eb.send(new ListTargetsByRuleCommand({ Rule: 'nightly' }));
    assert.equal(Targets?.[0]?.Arn, 'arn:aws:batch:us-east-1:000000000000:job-queue/nightly');
    const sns = new SNSClient(config);
    const subs = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:alerts' }));
    assert.equal(subs.Subscriptions?.[0]?.Endpoint, 'ops@example.com');
    eb.destroy();
    sns.destroy();
  });

  it('loads the template again when it changes: a renamed rule is created, the old one deleted', async () => {
    const before = serve!.output().length;
    writeFileSync(path.join(dir, 'stack.yaml'), TEMPLATE.replace('Name: nightly\n      ScheduleExpression', 'Name: weekly\n      ScheduleExpression').replace('cron(0 3 * * ? *)', 'cron(0 3 ? * MON *)'));
    const deadline = Date.now() + 30_000;
    while (!/rule nightly deleted/.test(serve!.output().slice(before)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const out = serve!.output().slice(before);
    assert.match(out, /a template changed; loaded again:/, out);
    assert.match(out, /rule weekly \(cron\(0 3 \? \* MON \*\)\) → job queue nightly \(nightly-report\)/);
    assert.match(out, /rule nightly deleted \(no longer in the templates\)/);
    const eb = new EventBridgeClient({ endpoint: serve!.endpoint.url, region: serve!.endpoint.region, credentials: serve!.endpoint.credentials, maxAttempts: 1 });
    try {
      const names = ((await eb.send(new ListRulesCommand({}))).Rules ?? []).map((r) => r.Name);
      assert.deepEqual(names, ['weekly']);
      assert.equal((await eb.send(new ListTargetsByRuleCommand({ Rule: 'weekly' }))).Targets?.[0]?.Arn, 'arn:aws:batch:us-east-1:000000000000:job-queue/nightly');
    } finally {
      eb.destroy();
    }
  });

  it('loads a template added while it serves, and not again for a JSON file that is no template', async () => {
    const before = serve!.output().length;
    writeFileSync(path.join(dir, 'notes.json'), '{"not": "a template"}');
    // The folder is scanned every 5 s: two scans' time, and nothing is loaded again.
    await new Promise((r) => setTimeout(r, 11_000));
    assert.doesNotMatch(serve!.output().slice(before), /loaded again/);
    writeFileSync(path.join(dir, 'more.yaml'), `Resources:
  Later:
    Type: AWS::Events::Rule
    Properties:
      Name: added-later
      EventPattern: { source: [my.app] }
      Targets: [{ Id: report, Arn: arn:aws:batch:us-east-1:000000000000:job-queue/nightly, BatchParameters: { JobDefinition: nightly-report, JobName: later } }]
`);
    const deadline = Date.now() + 30_000;
    while (!/rule added-later/.test(serve!.output().slice(before)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(serve!.output().slice(before), /a template changed; loaded again:[\s\S]*rule added-later/);
    const eb = new EventBridgeClient({ endpoint: serve!.endpoint.url, region: serve!.endpoint.region, credentials: serve!.endpoint.credentials, maxAttempts: 1 });
    try {
      const names = ((await eb.send(new ListRulesCommand({}))).Rules ?? []).map((r) => r.Name);
      assert.deepEqual(names, ['added-later', 'weekly']);
    } finally {
      eb.destroy();
    }
  });

  it('a template saved with a syntax error keeps its rules and is loaded again once fixed', async () => {
    const file = path.join(dir, 'more.yaml');
    const good = readFileSync(file, 'utf8');
    let before = serve!.output().length;
    writeFileSync(file, good.replace('Properties:\n      Name: added-later', 'Properties:\n    Name: [added-later\n      Name2: x'));
    const deadline = Date.now() + 30_000;
    while (!/does not parse/.test(serve!.output().slice(before)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(serve!.output().slice(before), /more\.yaml:\d+:\d+: error: .*\n.*does not parse .*: what it declared stays/);
    assert.doesNotMatch(serve!.output().slice(before), /no longer in the templates/);
    const eb = new EventBridgeClient({ endpoint: serve!.endpoint.url, region: serve!.endpoint.region, credentials: serve!.endpoint.credentials, maxAttempts: 1 });
    try {
      assert.deepEqual(((await eb.send(new ListRulesCommand({}))).Rules ?? []).map((r) => r.Name), ['added-later', 'weekly']);
      before = serve!.output().length;
      writeFileSync(file, good.replace('Name: added-later', 'Name: added-fixed'));
      const fixed = Date.now() + 30_000;
      while (!/rule added-later deleted/.test(serve!.output().slice(before)) && Date.now() < fixed) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(((await eb.send(new ListRulesCommand({}))).Rules ?? []).map((r) => r.Name), ['added-fixed', 'weekly']);
    } finally {
      eb.destroy();
    }
  });

  it('follows a template\'s SNS: a changed FilterPolicy is applied, a dropped one removed, dropped topics and subscriptions deleted', async () => {
    const file = path.join(dir, 'sns.yaml');
    const template = (filter: string) => `Resources:
  Audit:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: audit
  Filtered:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: arn:aws:sns:us-east-1:000000000000:alerts
      Protocol: email
      Endpoint: oncall@example.com
${filter}`;
    const sns = new SNSClient({ endpoint: serve!.endpoint.url, region: serve!.endpoint.region, credentials: serve!.endpoint.credentials, maxAttempts: 1 });
    const alerts = 'arn:aws:sns:us-east-1:000000000000:alerts';
    const waitFor = async (pattern: RegExp, from: number) => {
      const deadline = Date.now() + 30_000;
      while (!pattern.test(serve!.output().slice(from)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.match(serve!.output().slice(from), pattern);
    };
    const oncall = async () => {
      const subs = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: alerts }))).Subscriptions ?? [];
      const s = subs.find((x) => x.Endpoint === 'oncall@example.com');
      return s ? (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn }))).Attributes : undefined;
    };
    try {
      let before = serve!.output().length;
      writeFileSync(file, template('      FilterPolicy: { kind: [failure] }\n'));
      await waitFor(/subscription email oncall@example.com to alerts\n/, before);
      assert.equal((await oncall())?.FilterPolicy, '{"kind":["failure"]}');
      const topics = async () => ((await sns.send(new ListTopicsCommand({}))).Topics ?? []).map((t) => t.TopicArn!.split(':').pop()).sort();
      assert.deepEqual(await topics(), ['alerts', 'audit']);

      before = serve!.output().length;
      writeFileSync(file, template('      FilterPolicy: { kind: [failure, timeout] }\n      FilterPolicyScope: MessageBody\n'));
      await waitFor(/subscription email oncall@example.com to alerts \(attributes updated\)/, before);
      const changed = await oncall();
      assert.deepEqual([changed?.FilterPolicy, changed?.FilterPolicyScope], ['{"kind":["failure","timeout"]}', 'MessageBody']);

      before = serve!.output().length;
      writeFileSync(file, template(''));
      await waitFor(/subscription email oncall@example.com to alerts \(attributes updated\)/, before);
      const dropped = await oncall();
      assert.deepEqual([dropped?.FilterPolicy, dropped?.FilterPolicyScope], [undefined, undefined]);

      before = serve!.output().length;
      writeFileSync(file, 'Resources:\n  Other:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: other\n');
      await waitFor(/subscription email oncall@example.com to alerts deleted \(no longer in the templates\)/, before);
      assert.match(serve!.output().slice(before), /topic audit deleted, with its subscriptions \(no longer in the templates\)/);
      assert.deepEqual(await topics(), ['alerts', 'other']);
      assert.equal(await oncall(), undefined);
      const left = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: alerts }))).Subscriptions ?? [];
      assert.deepEqual(left.map((x) => x.Endpoint), ['ops@example.com'], 'the subscription the other template declares stays');
    } finally {
      sns.destroy();
    }
  });
});
