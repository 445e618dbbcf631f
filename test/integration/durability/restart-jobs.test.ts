/**
 * Restarts keep every kind of job whole, on real Docker with `localbatch serve` as a child process
 * (issue 17, items 1 and 2): a multi-container job, a multi-node job and a job with a role are
 * running when the server is SIGKILLed; after the restart each finishes as it would have (the role
 * job fetches its credentials with the token it was started with), and no container or network is
 * left. An interruption answered just before a SIGKILL still ends its attempt as host-terminated.
 * A TerminateJob answered just before a graceful stop is carried out by that stop.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchClient, DescribeJobsCommand, RegisterJobDefinitionCommand, SubmitJobCommand, TerminateJobCommand, type JobDetail, type RegisterJobDefinitionCommandInput } from '@aws-sdk/client-batch';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type Docker from 'dockerode';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { interruptJob } from '../../../src/client/interrupt';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';
import { killServe, runCli, startServe, type ServeChild } from '../../support/serve-process';

const RES = [{ type: 'VCPU' as const, value: '0.25' }, { type: 'MEMORY' as const, value: '32' }];
/** Waits for a file the test creates with `docker exec` after the restart, so the work spans it. */
const WAIT_GO = 'until [ -e /go ]; do sleep 0.2; done';

function clients(e: EmulatorEndpoint): { batch: BatchClient; logs: CloudWatchLogsClient } {
  const config = { endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 };
  return { batch: new BatchClient(config), logs: new CloudWatchLogsClient(config) };
}

async function until<T>(what: string, get: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Restarts keep every kind of job whole (integration, Docker)', function () {
  this.timeout(240_000);
  let docker: Docker;
  let dir: string;
  let stateDir: string;
  let serve: (ServeChild & { endpoint: EmulatorEndpoint }) | undefined;
  const opened: Array<{ destroy(): void }> = [];

  before(async function () {
    docker = await dockerForTests(this);
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-restart-'));
    stateDir = path.join(dir, 'state');
  });
  afterEach(async () => {
    for (const c of opened.splice(0)) c.destroy();
    if (serve) {
      await runCli(['stop', '--terminate-all', '--state-dir', stateDir], dir);
      await serve.exit;
      serve = undefined;
    }
    const labels = { label: ['dev.localbatch.managed=true', `dev.localbatch.state-dir=${stateDir}`] };
    const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters: labels }), docker.listNetworks({ filters: labels })]);
    for (const c of containers) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    for (const n of networks) await docker.getNetwork(n.Id).remove().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<{ batch: BatchClient; logs: CloudWatchLogsClient }> {
    serve = await startServe(['--port', '0'], dir, stateDir);
    const c = clients(serve.endpoint);
    opened.push(c.batch, c.logs);
    return c;
  }

  async function leftovers(): Promise<{ containers: string[]; networks: string[] }> {
    const labels = { label: ['dev.localbatch.managed=true', `dev.localbatch.state-dir=${stateDir}`] };
    const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters: labels }), docker.listNetworks({ filters: labels })]);
    return { containers: containers.map((c) => c.Names[0]), networks: networks.map((n) => n.Name) };
  }

  const describeJob = async (batch: BatchClient, id: string): Promise<JobDetail> => (await batch.send(new DescribeJobsCommand({ jobs: [id] }))).jobs![0];
  const finished = async (batch: BatchClient, id: string) => {
    let last: JobDetail | undefined;
    return until(`job ${id} to finish`, async () => {
      const d = (last = await describeJob(batch, id));
      return d.status === 'SUCCEEDED' || d.status === 'FAILED' ? d : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(last)}\n${serve?.output() ?? ''}`);
    });
  };
  const lines = async (logs: CloudWatchLogsClient, stream: string) =>
    ((await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/batch/job', logStreamName: stream, startFromHead: true }))).events ?? []).map((e) => e.message);

  /** `docker exec touch /go` in every running container of the job (any attempt, node or task container). */
  async function go(jobId: string): Promise<number> {
    const list = await docker.listContainers({ filters: { label: [`dev.localbatch.job-id=${jobId}`, `dev.localbatch.state-dir=${stateDir}`] } });
    for (const c of list) {
      const exec = await docker.getContainer(c.Id).exec({ Cmd: ['touch', '/go'] });
      const stream = await exec.start({});
      await new Promise((r) => (stream.on('end', r), stream.on('error', r), stream.resume()));
    }
    return list.length;
  }

  async function register(batch: BatchClient, input: RegisterJobDefinitionCommandInput): Promise<void> {
    await batch.send(new RegisterJobDefinitionCommand(input));
  }

  it('after a SIGKILL, multi-container, multi-node and role jobs finish as they would have; credentials still work; nothing is left', async () => {
    let { batch } = await start();
    await register(batch, {
      jobDefinitionName: 'mc',
      type: 'container',
      ecsProperties: {
        taskProperties: [{
          containers: [
            { name: 'init', essential: false, image: TEST_IMAGE, command: ['sh', '-c', 'echo init'], resourceRequirements: RES },
            { name: 'sidecar', essential: false, image: TEST_IMAGE, command: ['sh', '-c', 'echo side; sleep 1000'], resourceRequirements: RES, linuxParameters: { initProcessEnabled: true }, dependsOn: [{ containerName: 'init', condition: 'COMPLETE' }] },
            { name: 'app', image: TEST_IMAGE, command: ['sh', '-c', `echo before; ${WAIT_GO}; echo after`], resourceRequirements: RES, dependsOn: [{ containerName: 'sidecar', condition: 'START' }] },
          ],
        }],
      },
    });
    await register(batch, {
      jobDefinitionName: 'mn',
      type: 'multinode',
      nodeProperties: {
        numNodes: 2,
        mainNode: 0,
        nodeRangeProperties: [
          { targetNodes: '0', container: { image: TEST_IMAGE, command: ['sh', '-c', `echo main; ${WAIT_GO}; echo main done`], resourceRequirements: RES } },
          { targetNodes: '1', container: { image: TEST_IMAGE, command: ['sh', '-c', 'sleep 1000'], resourceRequirements: RES, linuxParameters: { initProcessEnabled: true } } },
        ],
      },
    });
    await register(batch, {
      jobDefinitionName: 'role',
      type: 'container',
      containerProperties: {
        image: TEST_IMAGE,
        jobRoleArn: 'arn:aws:iam::123456789012:role/reader',
        resourceRequirements: RES,
        // After the restart: its credentials, and the local APIs at the AWS_ENDPOINT_URL it was
        // started with (any HTTP answer, here to an unsigned request, shows the port still serves).
        command: ['sh', '-c', `${WAIT_GO}; wget -qO- --header "authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI" | grep -o '"AccessKeyId"'; wget -S -O /dev/null "$AWS_ENDPOINT_URL/" 2>&1 | grep -o -m1 'HTTP/1.1 [0-9]*'`],
      },
    });
    const submit = async (def: string) => (await batch.send(new SubmitJobCommand({ jobName: def, jobQueue: 'local', jobDefinition: def }))).jobId!;
    const [mc, mn, role] = [await submit('mc'), await submit('mn'), await submit('role')];
    await until('all three running with every container', async () => {
      const all = await Promise.all([mc, mn, role].map((id) => docker.listContainers({ filters: { label: [`dev.localbatch.job-id=${id}`] } })));
      const [, mnC, roleC] = all;
      const mcAll = await docker.listContainers({ all: true, filters: { label: [`dev.localbatch.job-id=${mc}`] } });
      return mcAll.length === 3 && all[0].length >= 2 && mnC.length === 2 && roleC.length === 1 ? true : undefined;
    });
    await killServe(serve!);
    serve = undefined;

    const restarted = await start();
    batch = restarted.batch;
    const logs = restarted.logs;
    assert.match(serve!.output(), /re-attached/);
    // The work goes on after the restart, in the containers started before it.
    for (const id of [mc, mn, role]) assert.ok((await go(id)) >= 1, `job ${id} still has its containers`);
    const [m, n, r] = [await finished(batch, mc), await finished(batch, mn), await finished(batch, role)];

    assert.equal(m.status, 'SUCCEEDED', JSON.stringify(m.attempts));
    const byName = new Map(m.attempts![0].taskProperties![0].containers!.map((c) => [c.name!, c]));
    assert.deepEqual([byName.get('init')!.exitCode, byName.get('app')!.exitCode], [0, 0]);
    assert.notEqual(byName.get('sidecar')!.exitCode, 0, 'the sidecar was stopped when the essential app exited');
    assert.deepEqual(await lines(logs, byName.get('app')!.logStreamName!), ['before', 'after'], "the app's stream goes on, no line repeated");
    assert.deepEqual(await lines(logs, byName.get('init')!.logStreamName!), ['init']);
    assert.deepEqual(await lines(logs, byName.get('sidecar')!.logStreamName!), ['side']);
    // `localbatch logs` shows the main container's log and names the others; --container picks one.
    const main = await runCli(['logs', mc, '--state-dir', stateDir], dir);
    assert.match(main.output, /has the containers init, sidecar, app/);
    const side = await runCli(['logs', mc, '--container', 'sidecar', '--state-dir', stateDir], dir);
    assert.equal(side.code, 0, side.output);
    assert.match(side.output, /^side$/m);
    const none = await runCli(['logs', mc, '--container', 'nope', '--state-dir', stateDir], dir);
    assert.match(none.output, /has no container 'nope' \(it has init, sidecar, app\)/);

    assert.equal(n.status, 'SUCCEEDED', JSON.stringify(n.attempts));
    const mainNode = await describeJob(batch, `${mn}#0`);
    assert.deepEqual(await lines(logs, mainNode.container!.logStreamName!), ['main', 'main done'], "the main node's stream goes on, no line repeated");

    assert.equal(r.status, 'SUCCEEDED', `the role job fetched its credentials and reached the API after the restart: ${JSON.stringify(r.attempts)}`);
    const roleLines = await lines(logs, r.container!.logStreamName!);
    assert.equal(roleLines[0], '"AccessKeyId"');
    assert.match(roleLines[1] ?? '', /^HTTP\/1\.1 [0-9]{3}$/, `the job's AWS_ENDPOINT_URL still answers after the restart: ${JSON.stringify(roleLines)}`);

    await until('containers and networks removed', async () => {
      const left = await leftovers();
      return left.containers.length + left.networks.length === 0 ? true : undefined;
    }, 30_000).catch(async () => assert.deepEqual(await leftovers(), { containers: [], networks: [] }));
  });

  it('an interruption answered just before a SIGKILL still ends the attempt as host-terminated, not exit 137', async () => {
    const { batch } = await start();
    await register(batch, { jobDefinitionName: 'spot', type: 'container', containerProperties: { image: TEST_IMAGE, command: ['sh', '-c', 'echo up; sleep 1000'], resourceRequirements: RES, linuxParameters: { initProcessEnabled: true } } });
    const id = (await batch.send(new SubmitJobCommand({ jobName: 'spot', jobQueue: 'local', jobDefinition: 'spot' }))).jobId!;
    await until('running', async () => ((await describeJob(batch, id)).status === 'RUNNING' ? true : undefined));
    const answer = await interruptJob(serve!.endpoint, id);
    await killServe(serve!);
    serve = undefined;
    const again = await start();
    const d = await finished(again.batch, id);
    assert.equal(d.status, 'FAILED');
    assert.equal(d.statusReason, answer.statusReason);
    assert.match(d.statusReason!, /^Host EC2 \(instance i-[0-9a-f]{17}\) terminated\.$/);
    assert.equal(d.attempts![0].container?.exitCode, undefined, 'not exit 137');
    await until('its container removed', async () => ((await leftovers()).containers.length === 0 ? true : undefined), 30_000);
  });

  it('a TerminateJob answered just before a graceful stop: the stop ends the container (SIGTERM, then SIGKILL) and records it', async () => {
    const { batch } = await start();
    // PID 1 without an init ignores SIGTERM: only the SIGKILL after the grace period ends it. The
    // grace is the container's ECS stopTimeout (2 s, the least AWS takes) rather than 30 s.
    await register(batch, { jobDefinitionName: 'stubborn', type: 'container', ecsProperties: { taskProperties: [{ containers: [{ name: 'main', image: TEST_IMAGE, command: ['sh', '-c', 'echo up; sleep 1000'], resourceRequirements: RES, stopTimeout: 2 }] }] } });
    const id = (await batch.send(new SubmitJobCommand({ jobName: 'stubborn', jobQueue: 'local', jobDefinition: 'stubborn' }))).jobId!;
    await until('running', async () => ((await describeJob(batch, id)).status === 'RUNNING' ? true : undefined));
    await batch.send(new TerminateJobCommand({ jobId: id, reason: 'no longer needed' }));
    const stopped = await runCli(['stop', '--state-dir', stateDir], dir);
    assert.equal(stopped.code, 0, stopped.output);
    assert.equal(await serve!.exit, 0);
    serve = undefined;
    assert.deepEqual((await leftovers()).containers, [], 'no container left running (or exited) after the stop');
    const again = await start();
    const d = await describeJob(again.batch, id);
    assert.deepEqual([d.status, d.statusReason], ['FAILED', 'no longer needed']);
    assert.equal(d.attempts?.length, 1, 'the attempt was recorded by the stop');
    assert.equal(d.attempts![0].container?.exitCode, 137, 'SIGKILL after the grace period');
  });
});
