/**
 * EventBridge on a real `localbatch serve` (child process, scripted runtime): the SDK and the AWS
 * CLI against the same endpoint as Batch; a rule with an InputTransformer submits a Batch job
 * through a Batch target; the engine's "Batch Job State Change" events reach a Logs target; an
 * acknowledged PutRule/PutTargets survives SIGKILL; a real rate(1 minute) rule fires.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchClient, ListJobsCommand, DescribeJobsCommand, RegisterJobDefinitionCommand } from '@aws-sdk/client-batch';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  InvalidEventPatternException,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { DEFAULT_ACCOUNT_ID } from '../../../src/model/types';
import { signedFetch } from '../../support/api-harness';
import { listLocalRules } from '../../../src/client/rules';
import { killServe, startServe, type ServeChild } from '../../support/serve-process';

const ACCOUNT = DEFAULT_ACCOUNT_ID;

function clients(e: EmulatorEndpoint) {
  const common = { endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 };
  return { events: new EventBridgeClient(common), batch: new BatchClient(common), logs: new CloudWatchLogsClient(common) };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function logMessages(logs: CloudWatchLogsClient, group: string): Promise<string[] | undefined> {
  try {
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
    const out: string[] = [];
    for (const s of streams.logStreams ?? []) {
      const ev = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: s.logStreamName!, startFromHead: true }));
      out.push(...(ev.events ?? []).map((e) => e.message!));
    }
    return out.length > 0 ? out : undefined;
  } catch {
    return undefined;
  }
}

describe('EventBridge on the emulator endpoint (integration)', function () {
  this.timeout(180_000);
  let dir: string;
  let stateDir: string;
  let serve: (ServeChild & { endpoint: EmulatorEndpoint }) | undefined;
  const args = ['--runtime', 'scripted', '--port', '0'];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-events-'));
    stateDir = path.join(dir, 'state');
    serve = await startServe(args, dir, stateDir);
    const c1 = clients(serve.endpoint).events;
    await c1.send(new PutRuleCommand({ Name: 'tick', ScheduleExpression: 'rate(1 minute)' }));
    await c1.send(new PutTargetsCommand({ Rule: 'tick', Targets: [{ Id: 'log', Arn: tickGroup(), Input: '{"tick":true}' }] }));
  });
  const tickGroup = () => `arn:aws:logs:${serve!.endpoint.region}:${ACCOUNT}:log-group:/aws/events/tick`;
  after(async () => {
    if (serve) {
      serve.child.kill('SIGTERM');
      await serve.exit;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('a PutEvents entry matched by a rule submits a Batch job with the transformed Parameters', async () => {
    const { events, batch } = clients(serve!.endpoint);
    await batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'ingest', type: 'container', parameters: { key: 'none' }, containerProperties: { image: 'busybox', command: ['echo', 'Ref::key'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '32' }] } }));
    const rule = await events.send(new PutRuleCommand({ Name: 'on-upload', EventPattern: JSON.stringify({ source: ['my.app'], 'detail-type': ['Object Created'], detail: { object: { key: [{ suffix: '.csv' }] } } }) }));
    assert.equal(rule.RuleArn, `arn:aws:events:${serve!.endpoint.region}:${ACCOUNT}:rule/on-upload`);
    const queueArn = `arn:aws:batch:${serve!.endpoint.region}:${ACCOUNT}:job-queue/local`;
    const put = await events.send(
      new PutTargetsCommand({
        Rule: 'on-upload',
        Targets: [{ Id: 'batch', Arn: queueArn, RoleArn: `arn:aws:iam::${ACCOUNT}:role/events`, BatchParameters: { JobDefinition: 'ingest', JobName: 'from-event' }, InputTransformer: { InputPathsMap: { key: '$.detail.object.key' }, InputTemplate: '{"Parameters": {"key": <key>}}' } }],
      }),
    );
    assert.equal(put.FailedEntryCount, 0);
    const sent = await events.send(new PutEventsCommand({ Entries: [{ Source: 'my.app', DetailType: 'Object Created', Detail: JSON.stringify({ object: { key: 'in/a.csv' } }) }, { Source: 'my.app', DetailType: 'Object Created', Detail: JSON.stringify({ object: { key: 'in/a.txt' } }) }] }));
    assert.equal(sent.FailedEntryCount, 0);
    const jobs = await until('the job the rule submits', async () => {
      const all = await batch.send(new ListJobsCommand({ jobQueue: 'local', filters: [{ name: 'JOB_NAME', values: ['from-event'] }] }));
      return all.jobSummaryList?.length ? all.jobSummaryList : undefined;
    });
    assert.equal(jobs.length, 1, 'only the .csv object matches');
    const detail = (await batch.send(new DescribeJobsCommand({ jobs: [jobs[0]!.jobId!] }))).jobs![0]!;
    assert.equal(detail.parameters?.key, 'in/a.csv');
    // A target's SubmitJob gets the API's checks: a GPU count of 'one' fails the delivery (not retried),
    // where it used to leave a job RUNNABLE for ever at the head of the queue.
    await events.send(new PutRuleCommand({ Name: 'gpu-typo', EventPattern: JSON.stringify({ source: ['typo.app'] }) }));
    await events.send(new PutTargetsCommand({ Rule: 'gpu-typo', Targets: [{ Id: 'batch', Arn: queueArn, BatchParameters: { JobDefinition: 'ingest', JobName: 'gpu-typo' }, Input: JSON.stringify({ ContainerOverrides: { ResourceRequirements: [{ Type: 'GPU', Value: 'one' }] } }) }] }));
    await events.send(new PutEventsCommand({ Entries: [{ Source: 'typo.app', DetailType: 'x', Detail: '{}' }] }));
    const failed = await until('the failed delivery', async () => (await listLocalRules(serve!.endpoint)).Rules.find((r) => r.Name === 'gpu-typo' && r.LastDeliveries.length > 0));
    assert.equal(failed.LastDeliveries[0]!.status, 'failed');
    assert.match(failed.LastDeliveries[0]!.detail ?? '', /containerOverrides\.resourceRequirements\[0\]\.value "one" is not a valid GPU value/);
    const typo = await batch.send(new ListJobsCommand({ jobQueue: 'local', filters: [{ name: 'JOB_NAME', values: ['gpu-typo'] }] }));
    assert.deepEqual(typo.jobSummaryList, []);
    await events.send(new RemoveTargetsCommand({ Rule: 'gpu-typo', Ids: ['batch'] }));
    await events.send(new DeleteRuleCommand({ Name: 'gpu-typo' }));
  });

  it('Batch Job State Change events reach a rule with a CloudWatch Logs target', async () => {
    const { events, logs } = clients(serve!.endpoint);
    await events.send(new PutRuleCommand({ Name: 'job-events', EventPattern: JSON.stringify({ source: ['aws.batch'], 'detail-type': ['Batch Job State Change'], detail: { jobName: ['from-event'], status: ['RUNNABLE'] } }) }));
    await events.send(new PutTargetsCommand({ Rule: 'job-events', Targets: [{ Id: 'log', Arn: `arn:aws:logs:${serve!.endpoint.region}:${ACCOUNT}:log-group:/aws/events/jobs` }] }));
    await events.send(new PutEventsCommand({ Entries: [{ Source: 'my.app', DetailType: 'Object Created', Detail: JSON.stringify({ object: { key: 'in/b.csv' } }) }] }));
    const messages = await until('the job event in the log group', () => logMessages(logs, '/aws/events/jobs'));
    const event = JSON.parse(messages[0]!) as { source: string; time: string; 'detail-type': string; detail: { status: string; jobName: string; parameters: Record<string, string> } };
    assert.equal(event.source, 'aws.batch');
    // EventBridge's time, in whole seconds
    assert.match(event.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(event['detail-type'], 'Batch Job State Change');
    assert.equal(event.detail.status, 'RUNNABLE');
    assert.equal(event.detail.parameters.key, 'in/b.csv');
  });

  it('answers AWS errors and TestEventPattern through the SDK', async () => {
    const { events } = clients(serve!.endpoint);
    await assert.rejects(events.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source":"x"}' })), (err: unknown) => err instanceof InvalidEventPatternException && /Event pattern is not valid/.test(err.message));
    await assert.rejects(events.send(new DescribeRuleCommand({ Name: 'missing' })), ResourceNotFoundException);
    const ev = { id: '1', account: ACCOUNT, source: 'a', time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [], 'detail-type': 'x', detail: { n: 7 } };
    const r = await events.send(new TestEventPatternCommand({ EventPattern: '{"detail":{"n":[{"numeric":[">",5]}]}}', Event: JSON.stringify(ev) }));
    assert.equal(r.Result, true);
    // A member of the wrong JSON type (the SDK would not send one): the protocol's SerializationException.
    const e = serve!.endpoint;
    const raw = await signedFetch(e.url, e.credentials, { method: 'POST', path: '/', service: 'events', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutRule' }, body: JSON.stringify({ Name: 42, ScheduleExpression: 'rate(1 hour)' }) });
    assert.equal(raw.status, 400);
    assert.match(raw.body, /SerializationException/);
    assert.match(raw.body, /Name must be a string, not number 42/);
    // At any depth, as the model @aws-sdk/client-eventbridge ships has it: an entry's Detail is a JSON string.
    const nested = await signedFetch(e.url, e.credentials, { method: 'POST', path: '/', service: 'events', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' }, body: JSON.stringify({ Entries: [{ Source: 'a', DetailType: 'x', Detail: { n: 1 } }] }) });
    assert.equal(nested.status, 400);
    assert.match(nested.body, /SerializationException.*Entries\[0\]\.Detail must be a string, not an object/);
    await assert.rejects(events.send(new ListRulesCommand({ Limit: 101 })), (err: Error) => err.name === 'ValidationException' && /limit/.test(err.message));
  });

  it('the AWS CLI creates, lists and tests rules', () => {
    const e = serve!.endpoint;
    const env = { ...process.env, AWS_ACCESS_KEY_ID: e.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: e.credentials.secretAccessKey, AWS_DEFAULT_REGION: e.region, AWS_PAGER: '' };
    const aws = (...a: string[]) => {
      const r = spawnSync('aws', ['--endpoint-url', e.url, '--output', 'json', 'events', ...a], { env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout || '{}') as Record<string, unknown>;
    };
    aws('put-rule', '--name', 'cli-rule', '--event-pattern', '{"source":["cli.app"]}', '--description', 'from the CLI');
    const listed = aws('list-rules', '--name-prefix', 'cli-') as { Rules: Array<{ Name: string; Description: string; State: string }> };
    assert.deepEqual(listed.Rules.map((r) => [r.Name, r.Description, r.State]), [['cli-rule', 'from the CLI', 'ENABLED']]);
    const tested = aws('test-event-pattern', '--event-pattern', '{"source":["cli.app"]}', '--event', JSON.stringify({ id: '1', account: ACCOUNT, source: 'cli.app', time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [], 'detail-type': 'x', detail: {} }));
    assert.equal(tested.Result, true);
    aws('disable-rule', '--name', 'cli-rule');
    assert.equal((aws('describe-rule', '--name', 'cli-rule') as { State: string }).State, 'DISABLED');
  });

  it('an acknowledged PutRule and PutTargets survive SIGKILL, and a rate(1 minute) rule fires', async () => {
    // The tick rule was put in before(): its first firing, a minute later, overlaps the other tests.
    const group = tickGroup();
    await killServe(serve!);
    serve = await startServe(args, dir, stateDir);
    const { events, logs } = clients(serve.endpoint);
    const rules = await events.send(new ListRulesCommand({}));
    assert.deepEqual(rules.Rules?.map((r) => r.Name), ['cli-rule', 'job-events', 'on-upload', 'tick']);
    const targets = await events.send(new ListTargetsByRuleCommand({ Rule: 'tick' }));
    assert.deepEqual(targets.Targets?.map((t) => [t.Id, t.Arn, t.Input]), [['log', group, '{"tick":true}']]);
    assert.equal((await events.send(new DescribeRuleCommand({ Name: 'tick' }))).ScheduleExpression, 'rate(1 minute)');
    const messages = await until('the scheduled firing', () => logMessages(logs, '/aws/events/tick'), 90_000);
    assert.deepEqual(JSON.parse(messages[0]!), { tick: true });
  });
});
