/**
 * Stopping is not failing: `localbatch stop` (SIGTERM) leaves a queued job queued for the next
 * start; `localbatch stop --terminate-all` terminates it first; `stop` after a SIGKILL says the server
 * ended without stopping and removes its stale endpoint.json. Scripted runtime (no Docker).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchClient, CreateComputeEnvironmentCommand, CreateJobQueueCommand, DescribeJobsCommand, RegisterJobDefinitionCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { killServe, runCli, startServe } from '../../support/serve-process';

function client(e: EmulatorEndpoint): BatchClient {
  return new BatchClient({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 });
}

async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('localbatch stop keeps jobs; --terminate-all ends them (integration)', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'localbatch-stop-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a queued job queued across stop and start, and terminates it on stop --terminate-all', async () => {
    const stateDir = path.join(dir, 'state');
    const args = ['--runtime', 'scripted', '--port', '0'];
    let serve = await startServe(args, dir, stateDir);
    let batch = client(serve.endpoint);
    // A queue whose only compute environment is DISABLED: its job waits in RUNNABLE.
    await batch.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'off', type: 'UNMANAGED', state: 'DISABLED' }));
    await batch.send(new CreateJobQueueCommand({ jobQueueName: 'parked', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'off' }] }));
    await batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'd', type: 'container', containerProperties: { image: 'busybox', command: ['echo', 'hi'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '32' }] } }));
    const parked = (await batch.send(new SubmitJobCommand({ jobName: 'parked', jobQueue: 'parked', jobDefinition: 'd' }))).jobId!;
    const done = (await batch.send(new SubmitJobCommand({ jobName: 'done', jobQueue: 'local', jobDefinition: 'd' }))).jobId!;
    const status = async (id: string) => (await batch.send(new DescribeJobsCommand({ jobs: [id] }))).jobs?.[0]?.status;
    await until(async () => (await status(parked)) === 'RUNNABLE' && (await status(done)) === 'SUCCEEDED', 20_000);

    const stopped = await runCli(['stop', '--state-dir', stateDir], dir);
    assert.equal(stopped.code, 0, stopped.output);
    assert.equal(await serve.exit, 0);
    batch.destroy();

    serve = await startServe(args, dir, stateDir);
    batch = client(serve.endpoint);
    assert.equal(await status(parked), 'RUNNABLE', 'a graceful stop leaves queued jobs queued');
    assert.equal(await status(done), 'SUCCEEDED', 'and finished work finished');

    const ended = await runCli(['stop', '--terminate-all', '--state-dir', stateDir], dir);
    assert.equal(ended.code, 0, ended.output);
    assert.match(ended.output, /terminating 1 unfinished job/);
    await serve.exit;
    batch.destroy();
    serve = await startServe(args, dir, stateDir);
    batch = client(serve.endpoint);
    try {
      const [p] = (await batch.send(new DescribeJobsCommand({ jobs: [parked] }))).jobs!;
      assert.equal(p.status, 'FAILED');
      assert.equal(p.statusReason, 'Terminated by the user (terminate all)');
      assert.equal(await status(done), 'SUCCEEDED');
    } finally {
      batch.destroy();
      serve.child.kill('SIGTERM');
      await serve.exit;
    }
  });

  it('after a SIGKILL, says the server ended without stopping and removes its stale endpoint.json', async () => {
    const stateDir = path.join(dir, 'killed');
    const serve = await startServe(['--runtime', 'scripted', '--port', '0'], dir, stateDir);
    await killServe(serve);
    assert.ok(existsSync(path.join(stateDir, 'endpoint.json')), 'a killed server leaves its endpoint.json');
    const stopped = await runCli(['stop', '--state-dir', stateDir], dir);
    assert.equal(stopped.code, 1, stopped.output);
    assert.match(stopped.output, new RegExp(`the last one \\(pid ${serve.child.pid}\\) ended without stopping`));
    assert.ok(!existsSync(path.join(stateDir, 'endpoint.json')), 'the stale endpoint.json is removed');
    const again = await runCli(['stop', '--state-dir', stateDir], dir);
    assert.match(again.output, /no emulator is running on .*killed$/m);
  });
});
