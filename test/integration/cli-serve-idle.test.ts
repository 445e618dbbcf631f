/**
 * `localbatch serve --idle-shutdown S` as a real process: it stays up while a client holds the event
 * stream (as an editor window does) and while a job runs, and stops by itself, gracefully and with
 * its state kept, once neither has been so for S seconds. `localbatch stop` finds it meanwhile.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchClient, DescribeJobsCommand, RegisterJobDefinitionCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import type { EmulatorEndpoint } from '../../src/client/endpoint';
import { subscribeEvents } from '../../src/client/events';
import { checkHealth } from '../../src/client/signed-http';
import { runCli, startServe, type ServeChild } from '../support/serve-process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const client = (e: EmulatorEndpoint) => new BatchClient({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 });
/** Whether the process is still there after `ms` (without touching its API: a request is activity). */
async function exitsWithin(s: ServeChild, ms: number): Promise<boolean> {
  return Promise.race([s.exit.then(() => true), sleep(ms).then(() => false)]);
}

describe('localbatch serve --idle-shutdown (integration, real process, scripted runtime)', function () {
  this.timeout(180_000);
  let dir: string;
  let stateDir: string;
  const started: ServeChild[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-idle-'));
    stateDir = path.join(dir, 'state');
  });
  afterEach(() => {
    for (const s of started.splice(0)) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('stays up while a client holds the event stream, then stops by itself once it lets go', async () => {
    const s = await startServe(['--runtime', 'scripted', '--port', '0', '--idle-shutdown', '2'], dir, stateDir);
    started.push(s);
    let opened = false;
    const sub = subscribeEvents(s.endpoint, { onEvent: () => undefined, onOpen: () => (opened = true) });
    while (!opened) await sleep(20);
    assert.equal(await exitsWithin(s, 6000), false, `attached for 3× the idle time: still serving\n${s.output()}`);
    sub.close();
    assert.equal(await exitsWithin(s, 60_000), true, `stopped after the stream closed\n${s.output()}`);
    assert.equal(await s.exit, 0, s.output());
    assert.match(s.output(), /idle for 2 s .*stopping/);
    assert.equal(existsSync(path.join(stateDir, 'endpoint.json')), false, 'endpoint.json removed: nothing points at a dead server');
  });

  it('stays up while a job runs with no client, stops after it ends, and keeps its state', async () => {
    const s = await startServe(['--runtime', 'scripted', '--port', '0', '--idle-shutdown', '1'], dir, stateDir);
    started.push(s);
    const batch = client(s.endpoint);
    await batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'nap', type: 'container', containerProperties: { image: 'busybox', command: ['sleep', '6'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } }));
    const { jobId } = await batch.send(new SubmitJobCommand({ jobName: 'nap', jobQueue: 'local', jobDefinition: 'nap' }));
    batch.destroy();
    assert.equal(await exitsWithin(s, 60_000), true, `stopped once idle\n${s.output()}`);
    assert.equal(await s.exit, 0, s.output());
    // Had it stopped while the job ran, the scripted container would be gone and the job not SUCCEEDED.
    const again = await startServe(['--runtime', 'scripted', '--port', '0'], dir, stateDir);
    started.push(again);
    const after = client(again.endpoint);
    const { jobs } = await after.send(new DescribeJobsCommand({ jobs: [jobId!] }));
    after.destroy();
    assert.equal(jobs?.[0]?.status, 'SUCCEEDED', JSON.stringify(jobs?.[0]?.statusReason));
  });

  it('is found by `localbatch stop` while it waits, and 0 means never', async () => {
    const s = await startServe(['--runtime', 'scripted', '--port', '0', '--idle-shutdown', '0'], dir, stateDir);
    started.push(s);
    assert.equal(await exitsWithin(s, 3000), false, '--idle-shutdown 0: no idle stop');
    assert.equal((await checkHealth(s.endpoint)).ok, true);
    const stop = await runCli(['stop', '--state-dir', stateDir], dir);
    assert.equal(stop.code, 0, stop.output);
    assert.equal(await s.exit, 0);
  });

  it('refuses a bad --idle-shutdown', async () => {
    const r = await runCli(['serve', '--state-dir', stateDir, '--idle-shutdown', 'soon'], dir);
    assert.equal(r.code, 2);
    assert.match(r.output, /--idle-shutdown must be a number of seconds/);
  });
});
