/**
 * Spot interruption rehearsal on a real Docker engine: `localbatch interrupt` against a running
 * `localbatch serve`, and `localbatch run --interrupt-rate 1`. A checkpointing job resumes on its
 * second attempt, as it would after a Spot reclaim on AWS.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchClient, DescribeJobsCommand, RegisterJobDefinitionCommand, SubmitJobCommand, type JobDetail } from '@aws-sdk/client-batch';
import type Docker from 'dockerode';
import { readEndpoint } from '../../src/client/endpoint';
import { dockerForTests, TEST_IMAGE } from '../support/docker';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'localbatch.js');
const HOST = /^Host EC2 \(instance i-[0-9a-f]{17}\) terminated\.$/;

async function until<T>(check: () => Promise<T | undefined> | T | undefined, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Spot interruption rehearsal (integration)', function () {
  this.timeout(180_000);
  let docker: Docker;
  let dir: string;
  let serve: ChildProcess | undefined;

  before(async function () {
    docker = await dockerForTests(this);
    if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-interrupt-'));
  });
  afterEach(async () => {
    if (serve && serve.exitCode === null) {
      serve.kill('SIGTERM');
      await new Promise((r) => serve!.once('exit', r));
    }
    serve = undefined;
    const left = await docker.listContainers({ all: true, filters: { label: ['dev.localbatch.managed=true', `dev.localbatch.state-dir=${path.join(dir, 'state')}`] } });
    for (const c of left) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('`localbatch interrupt` kills the container; the attempt fails "Host EC2 ... terminated." and the job resumes from its checkpoint', async () => {
    const state = path.join(dir, 'state');
    serve = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--state-dir', state], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    serve.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await until(() => existsSync(path.join(state, 'endpoint.json')) || undefined, 60_000, `serve to start (${stderr})`);
    const endpoint = await readEndpoint(state);
    const batch = new BatchClient({ endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials, maxAttempts: 1 });
    try {
      await batch.send(new RegisterJobDefinitionCommand({
        jobDefinitionName: 'ckpt',
        type: 'container',
        containerProperties: {
          image: TEST_IMAGE,
          // Attempt 1 works "forever"; a later attempt finds the checkpoint and finishes.
          command: ['sh', '-c', 'if [ "$AWS_BATCH_JOB_ATTEMPT" = 1 ]; then echo checkpoint; sleep 120; else echo resumed; fi'],
          resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }],
        },
        retryStrategy: { attempts: 2, evaluateOnExit: [{ onStatusReason: 'Host EC2*', action: 'RETRY' }, { onExitCode: '*', action: 'EXIT' }] },
      }));
      const { jobId } = await batch.send(new SubmitJobCommand({ jobName: 'ckpt', jobQueue: 'local', jobDefinition: 'ckpt' }));
      const describe = async (): Promise<JobDetail> => (await batch.send(new DescribeJobsCommand({ jobs: [jobId!] }))).jobs![0];
      await until(async () => ((await describe()).status === 'RUNNING' ? true : undefined), 60_000, 'RUNNING');
      const r = spawnSync(process.execPath, [BIN, 'interrupt', jobId!, '--state-dir', state], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout.trim(), new RegExp(`^${jobId}: Host EC2 \\(instance i-[0-9a-f]{17}\\) terminated\\.$`));
      const done = await until(async () => {
        const d = await describe();
        return d.status === 'SUCCEEDED' || d.status === 'FAILED' ? d : undefined;
      }, 60_000, 'the job to finish');
      assert.equal(done.status, 'SUCCEEDED');
      assert.equal(done.attempts!.length, 2);
      assert.match(done.attempts![0].statusReason!, HOST);
      const again = spawnSync(process.execPath, [BIN, 'interrupt', jobId!, '--state-dir', state], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      assert.equal(again.status, 1);
      assert.match(again.stderr, /only a STARTING or RUNNING job can be interrupted/);
    } finally {
      batch.destroy();
    }
  });

  it('`localbatch run --interrupt-rate 1` interrupts every attempt, and retries follow evaluateOnExit', () => {
    writeFileSync(path.join(dir, 'long.jobdef.json'), JSON.stringify({
      jobDefinitionName: 'long',
      type: 'container',
      containerProperties: { image: TEST_IMAGE, command: ['sleep', '60'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] },
      retryStrategy: { attempts: 2, evaluateOnExit: [{ onStatusReason: 'Host EC2*', action: 'RETRY' }] },
    }));
    const r = spawnSync(process.execPath, [BIN, 'run', 'long.jobdef.json', '--json', '--interrupt-rate', '1', '--state-dir', path.join(dir, 'state')], { cwd: dir, encoding: 'utf8', timeout: 150_000, env: { ...process.env, CI: '1' } });
    assert.equal(r.status, 1, r.stderr);
    const [job] = JSON.parse(r.stdout) as JobDetail[];
    assert.equal(job.status, 'FAILED');
    assert.equal(job.attempts!.length, 2);
    for (const a of job.attempts!) assert.match(a.statusReason!, HOST);
    assert.match(r.stderr, /interrupted \(simulated Spot interruption\)/);
    const bad = spawnSync(process.execPath, [BIN, 'run', 'long.jobdef.json', '--interrupt-rate', '2'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--interrupt-rate takes a probability/);
    assert.equal(readFileSync(path.join(dir, 'long.jobdef.json'), 'utf8').includes('long'), true);
  });
});
