/**
 * `localbatch run <template>` of an event-driven template (the CLI as a child process, scripted
 * runtime): the rules, schedule, topic, email subscription and bucket notification setting are
 * loaded into the emulator through its APIs and said; an object copied into the bucket's
 * `incoming/` folder (S3 SDK) starts the rule's array job with the InputTransformer's parameters; a
 * failed job mails the team through SNS (outbox); Ctrl-C stops with exit 0 and the rules stay
 * journaled.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchClient, DescribeJobsCommand } from '@aws-sdk/client-batch';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readEndpoint } from '../../../src/client/endpoint';
import { bundledCli } from '../../support/serve-process';

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Compute:
    Type: AWS::Batch::ComputeEnvironment
    Properties:
      Type: MANAGED
      ComputeResources: { Type: FARGATE, MaxvCpus: 4, Subnets: [subnet-0123456789abcdef0], SecurityGroupIds: [sg-0123456789abcdef0] }
  Queue:
    Type: AWS::Batch::JobQueue
    Properties:
      JobQueueName: ingest
      Priority: 1
      ComputeEnvironmentOrder: [{ Order: 1, ComputeEnvironment: !Ref Compute }]
  Ingest:
    Type: AWS::Batch::JobDefinition
    Properties:
      JobDefinitionName: ingest
      Type: container
      PlatformCapabilities: [FARGATE]
      Parameters: { key: none }
      ContainerProperties:
        Image: localbatch-busybox:latest
        Command: [echo, Ref::key]
        ExecutionRoleArn: arn:aws:iam::000000000000:role/exec
        ResourceRequirements: [{ Type: VCPU, Value: "0.25" }, { Type: MEMORY, Value: "512" }]
  Broken:
    Type: AWS::Batch::JobDefinition
    Properties:
      JobDefinitionName: broken
      Type: container
      PlatformCapabilities: [FARGATE]
      ContainerProperties:
        Image: localbatch-busybox:latest
        Command: [sh, -c, "exit 3"]
        ExecutionRoleArn: arn:aws:iam::000000000000:role/exec
        ResourceRequirements: [{ Type: VCPU, Value: "0.25" }, { Type: MEMORY, Value: "512" }]
  Raw:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: raw-data
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } }
  OnUpload:
    Type: AWS::Events::Rule
    Properties:
      EventPattern:
        source: [aws.s3]
        detail-type: [Object Created]
        detail: { bucket: { name: [!Ref Raw] }, object: { key: [{ prefix: incoming/ }] } }
      Targets:
        - Id: ingest
          Arn: !GetAtt Queue.JobQueueArn
          BatchParameters: { JobDefinition: !Ref Ingest, JobName: ingest, ArrayProperties: { Size: "2" } }
          InputTransformer:
            InputPathsMap: { key: $.detail.object.key }
            InputTemplate: '{"Parameters": {"key": <key>}}'
  OnBroken:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: { source: [aws.s3], detail-type: [Object Created], detail: { object: { key: [{ prefix: broken/ }] } } }
      Targets:
        - Id: broken
          Arn: !Ref Queue
          BatchParameters: { JobDefinition: !Ref Broken, JobName: broken }
  OnFailure:
    Type: AWS::Events::Rule
    Properties:
      Name: mail-on-failure
      EventPattern: { source: [aws.batch], detail-type: [Batch Job State Change], detail: { status: [FAILED] } }
      Targets:
        - Id: mail
          Arn: !Ref Alerts
          InputTransformer:
            InputPathsMap: { job: $.detail.jobName }
            InputTemplate: '"Job <job> failed"'
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      Subscription: [{ Protocol: email, Endpoint: team@example.com }]
  Hourly:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: rate(1 hour)
      FlexibleTimeWindow: { Mode: "OFF" }
      Target:
        Arn: arn:aws:scheduler:::aws-sdk:batch:submitJob
        RoleArn: arn:aws:iam::000000000000:role/scheduler
        Input: '{"JobName": "hourly", "JobQueue": "ingest", "JobDefinition": "ingest"}'
`;

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, out: () => string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${out()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `template` as stack.yaml (and a localbatch.yaml) in `dir`; the bundled CLI's runner script and the state folder. */
async function workspaceWith(dir: string, template: string): Promise<{ stateDir: string; runner: string }> {
  writeFileSync(path.join(dir, 'localbatch.yaml'), 'region: us-east-1\n');
  writeFileSync(path.join(dir, 'stack.yaml'), template);
  const cli = await bundledCli();
  const runner = `require(${JSON.stringify(cli)}).main(process.argv.slice(1)).then((c)=>{process.exitCode=c},(e)=>{console.error(e);process.exitCode=1})`;
  return { stateDir: path.join(dir, 'state'), runner };
}

describe('localbatch run <template> with rules (integration, scripted runtime)', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'localbatch-run-pipeline-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads rules, schedule, topic and bucket; an upload starts the array job with the transformed input; a failure mails', async () => {
    const { stateDir, runner } = await workspaceWith(dir, TEMPLATE);
    const child = spawn(process.execPath, ['-e', runner, 'run', 'stack.yaml', '--runtime', 'scripted', '--state-dir', stateDir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await until('the rules to be live', () => (out.includes('Rules and schedules are live') ? true : undefined), () => out);
      assert.match(out, /rule stack-OnUpload \(on events\) → job queue ingest \(ingest\)/);
      assert.match(out, /rule mail-on-failure \(on events\) → sns:us-east-1:000000000000:stack-Alerts/);
      assert.match(out, /schedule stack-Hourly \(rate\(1 hour\)\) → scheduler:::aws-sdk:batch:submitJob/);
      assert.match(out, /topic stack-Alerts/);
      assert.match(out, /subscription email team@example.com to stack-Alerts/);
      assert.match(out, /bucket raw-data \(created\), EventBridge notifications on/);

      const endpoint = await readEndpoint(stateDir);
      const config = { endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials, maxAttempts: 1 };
      const eb = new EventBridgeClient(config);
      const rule = await eb.send(new DescribeRuleCommand({ Name: 'stack-OnUpload' }));
      assert.equal(rule.State, 'ENABLED');
      const { Targets } = await eb.send(new ListTargetsByRuleCommand({ Rule: 'stack-OnUpload' }));
      assert.equal(Targets?.[0]?.BatchParameters?.JobDefinition, 'ingest', 'the template job definition ARN became its local name');

      const s3 = new S3Client({ ...config, forcePathStyle: true });
      await s3.send(new PutObjectCommand({ Bucket: 'raw-data', Key: 'incoming/day1.csv', Body: 'a,b\n1,2\n' }));
      await s3.send(new PutObjectCommand({ Bucket: 'raw-data', Key: 'elsewhere/skip.csv', Body: 'x' }));
      const line = await until('the ingest job to succeed', () => /ingest SUCCEEDED \(([0-9a-f-]+)\)/.exec(out) ?? undefined, () => out);
      const batch = new BatchClient(config);
      const [job] = (await batch.send(new DescribeJobsCommand({ jobs: [line[1]] }))).jobs ?? [];
      assert.equal(job.arrayProperties?.size, 2);
      assert.deepEqual(job.parameters, { key: 'incoming/day1.csv' });
      assert.match(out, /ingest\[1\] SUCCEEDED/);
      const parents = new Set([...out.matchAll(/ ingest [A-Z]+ \(([0-9a-f-]+)\)/g)].map((m) => m[1]));
      assert.equal(parents.size, 1, 'one upload under incoming/, one job (the other key does not match)');

      await s3.send(new PutObjectCommand({ Bucket: 'raw-data', Key: 'broken/x', Body: 'x' }));
      await until('the broken job to fail', () => (/broken FAILED/.test(out) ? true : undefined), () => out);
      const outbox = path.join(stateDir, 'sns', 'outbox');
      const mail = await until('the failure mail', () => {
        try {
          const files = readdirSync(outbox);
          return files.length > 0 ? readFileSync(path.join(outbox, files[0]), 'utf8') : undefined;
        } catch {
          return undefined;
        }
      }, () => out);
      assert.match(mail, /^To: team@example.com$/m);
      assert.match(mail, /Job broken failed/);
      [eb, s3, batch].forEach((c) => c.destroy());
    } finally {
      child.kill('SIGINT');
      await exit;
    }
    assert.equal(await exit, 0, out);
    assert.match(out, /Stopped\./);
  });
  it('stays live through a restart of the serve it uses: it waits for one to serve again, then shows the jobs its rules start there', async () => {
    const { stateDir, runner } = await workspaceWith(dir, TEMPLATE);
    const launch = (...args: string[]) => {
      const child = spawn(process.execPath, ['-e', runner, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
      const o = { child, text: '', exit: new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))) };
      child.stdout!.on('data', (c: Buffer) => (o.text += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (o.text += c.toString()));
      return o;
    };
    const serve = () => launch('serve', '--runtime', 'scripted', '--port', '0', '--state-dir', stateDir);
    let server = serve();
    await until('the serve', () => readEndpoint(stateDir).then(() => true, () => undefined), () => server.text);
    const run = launch('run', 'stack.yaml', '--state-dir', stateDir);
    try {
      await until('the rules to be live', () => (run.text.includes('Rules and schedules are live') ? true : undefined), () => run.text);
      assert.match(run.text, /Emulator: localbatch serve at/);
      const stop = launch('stop', '--state-dir', stateDir);
      assert.equal(await stop.exit, 0, stop.text);
      await server.exit;
      await until('the run to wait', () => (/Waiting up to 5 min/.test(run.text) ? true : undefined), () => run.text);
      assert.match(run.text, /stopped while the run was in progress \(.*\); the rules, schedules and their jobs are kept\. Waiting up to 5 min/);
      server = serve();
      await until('the run to follow the new serve', () => (/The emulator is back at http:\/\/127\.0\.0\.1:\d+: following the run again/.test(run.text) ? true : undefined), () => run.text);
      const endpoint = await readEndpoint(stateDir);
      const s3 = new S3Client({ endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials, maxAttempts: 1, forcePathStyle: true });
      await s3.send(new PutObjectCommand({ Bucket: 'raw-data', Key: 'incoming/after-restart.csv', Body: 'a\n' }));
      s3.destroy();
      await until('the ingest job to succeed', () => (/ingest SUCCEEDED/.test(run.text.slice(run.text.indexOf('is back at'))) ? true : undefined), () => run.text);
    } finally {
      run.child.kill('SIGINT');
      server.child.kill('SIGTERM');
    }
    assert.equal(await run.exit, 0, run.text);
    assert.match(run.text, /Stopped\./);
    assert.doesNotMatch(run.text, /unexpected error|\n\s+at /);
    await server.exit;
  });

  it('a template with rules and a state machine stays live (the rules run it); --input runs the state machine once', async () => {
    const { stateDir, runner } = await workspaceWith(dir, `${TEMPLATE}  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition: { StartAt: P, States: { P: { Type: Pass, End: true } } }
`);
    const start = (...extra: string[]) => spawn(process.execPath, ['-e', runner, 'run', 'stack.yaml', '--runtime', 'scripted', '--state-dir', stateDir, ...extra], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
    const outputOf = (child: ReturnType<typeof start>) => {
      const o = { text: '', exit: new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))) };
      child.stdout!.on('data', (c: Buffer) => (o.text += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (o.text += c.toString()));
      return o;
    };
    const live = start();
    const l = outputOf(live);
    try {
      await until('the rules to be live', () => (l.text.includes('Rules and schedules are live') ? true : undefined), () => l.text);
      assert.doesNotMatch(l.text, /Execution/);
    } finally {
      live.kill('SIGINT');
    }
    assert.equal(await l.exit, 0, l.text);
    const once = outputOf(start('--input', '{"a":1}'));
    assert.equal(await once.exit, 0, once.text);
    assert.match(once.text, /SUCCEEDED/);
  });
});
