/**
 * Logs where the job definition puts them: a real `localbatch serve` on Docker, a job definition
 * with `logConfiguration: awslogs` naming a group and a stream prefix, read back through the real
 * AWS SDK CloudWatch Logs client, `localbatch logs` (live and from saved state).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchClient, DescribeJobsCommand, RegisterJobDefinitionCommand, SubmitJobCommand, type JobDetail } from '@aws-sdk/client-batch';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { readEndpoint, type EmulatorEndpoint } from '../../src/client/endpoint';
import { dockerForTests, TEST_IMAGE } from '../support/docker';

const ROOT = path.resolve(__dirname, '../..');
const RUNNER = "require('./src/cli/main.ts').main(process.argv.slice(1)).then((c)=>{process.exitCode=c},(e)=>{console.error(e);process.exitCode=1})";
const cli = (...args: string[]) => ['--import', 'tsx', '-e', RUNNER, ...args];

async function until<T>(check: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('log groups and stream prefixes of job definitions, through localbatch serve (integration)', function () {
  this.timeout(180_000);
  const GROUP = `/localbatch-it/custom-${process.pid}`;
  let dir: string;
  let stateDir: string;
  let child: ChildProcess | undefined;
  let endpoint: EmulatorEndpoint;
  let batch: BatchClient;
  let logs: CloudWatchLogsClient;

  before(async function () {
    this.timeout(90_000);
    await dockerForTests(this);
    dir = mkdtempSync(path.join(tmpdir(), 'lb-log-groups-'));
    stateDir = path.join(dir, 'state');
    child = spawn(process.execPath, cli('serve', '--port', '0', '--state-dir', stateDir), { cwd: ROOT, stdio: ['ignore', 'ignore', 'ignore'] });
    endpoint = await until(async () => (existsSync(path.join(stateDir, 'endpoint.json')) ? readEndpoint(stateDir).catch(() => undefined) : undefined), 60_000, 'serve');
    const config = { endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials, maxAttempts: 1 };
    batch = new BatchClient(config);
    logs = new CloudWatchLogsClient(config);
  });
  after(async () => {
    batch?.destroy();
    logs?.destroy();
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function runJob(name: string, logConfiguration?: { logDriver: 'awslogs'; options: Record<string, string> }): Promise<JobDetail> {
    await batch.send(new RegisterJobDefinitionCommand({
      jobDefinitionName: name,
      type: 'container',
      containerProperties: { image: TEST_IMAGE, command: ['sh', '-c', `echo first line of ${name}; echo second line of ${name}`], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }], logConfiguration },
    }));
    const { jobId } = await batch.send(new SubmitJobCommand({ jobName: name, jobQueue: 'local', jobDefinition: name }));
    return until(async () => {
      const job = (await batch.send(new DescribeJobsCommand({ jobs: [jobId!] }))).jobs?.[0];
      return job?.status === 'SUCCEEDED' || job?.status === 'FAILED' ? job : undefined;
    }, 60_000, `job ${name}`);
  }

  it('writes to awslogs-group as <prefix>/default/<task id>, and to /aws/batch/job as <definition>/default/<task id> by default', async () => {
    const custom = await runJob('custom-logs', { logDriver: 'awslogs', options: { 'awslogs-group': GROUP, 'awslogs-stream-prefix': 'etl', 'awslogs-region': 'us-east-1' } });
    const plain = await runJob('plain-logs');
    assert.equal(custom.status, 'SUCCEEDED', custom.statusReason);
    assert.equal(plain.status, 'SUCCEEDED', plain.statusReason);
    const taskId = custom.attempts![0].container!.taskArn!.split('/').pop();
    assert.equal(custom.container?.logStreamName, `etl/default/${taskId}`);
    assert.equal(custom.attempts![0].container!.logStreamName, custom.container?.logStreamName);
    assert.deepEqual(custom.container?.logConfiguration?.options?.['awslogs-group'], GROUP);
    assert.match(plain.container!.logStreamName!, /^plain-logs\/default\/[0-9a-f]{32}$/);

    const groups = await logs.send(new DescribeLogGroupsCommand({}));
    assert.deepEqual(groups.logGroups?.map((g) => g.logGroupName), ['/aws/batch/job', GROUP].sort());
    const prefixed = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/localbatch-it/' }));
    assert.deepEqual(prefixed.logGroups?.map((g) => [g.logGroupName, g.arn]), [[GROUP, `arn:aws:logs:${endpoint.region}:000000000000:log-group:${GROUP}:*`]]);

    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
    assert.deepEqual(streams.logStreams?.map((s) => s.logStreamName), [custom.container?.logStreamName]);
    const events = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: custom.container!.logStreamName!, startFromHead: true }));
    assert.deepEqual(events.events?.map((e) => e.message), ['first line of custom-logs', 'second line of custom-logs']);
    const byArn = await logs.send(new GetLogEventsCommand({ logGroupIdentifier: `arn:aws:logs:${endpoint.region}:000000000000:log-group:${GROUP}`, logStreamName: custom.container!.logStreamName!, startFromHead: true }));
    assert.equal(byArn.events?.length, 2);
    const filtered = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: 'second' }));
    assert.deepEqual(filtered.events?.map((e) => e.message), ['second line of custom-logs']);

    // Each stream is only in its own group.
    await assert.rejects(logs.send(new GetLogEventsCommand({ logGroupName: '/aws/batch/job', logStreamName: custom.container!.logStreamName! })), ResourceNotFoundException);
    const defaults = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/batch/job' }));
    assert.deepEqual(defaults.logStreams?.map((s) => s.logStreamName), [plain.container?.logStreamName]);
    await assert.rejects(logs.send(new DescribeLogStreamsCommand({ logGroupName: '/no/such/group' })), ResourceNotFoundException);

    // `localbatch logs` reads the job's group, from the running server and from saved state.
    const live = spawnSync(process.execPath, cli('logs', custom.jobId!, '--state-dir', stateDir), { cwd: ROOT, encoding: 'utf8' });
    assert.equal(live.stdout, 'first line of custom-logs\nsecond line of custom-logs\n', live.stderr);
    const exited = new Promise((r) => child!.once('exit', r));
    child!.kill('SIGTERM');
    await exited;
    const saved = spawnSync(process.execPath, cli('logs', custom.jobId!, '--state-dir', stateDir), { cwd: ROOT, encoding: 'utf8' });
    assert.equal(saved.stdout, 'first line of custom-logs\nsecond line of custom-logs\n', saved.stderr);
  });
});
