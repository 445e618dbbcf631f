import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchClient, DescribeJobQueuesCommand, DescribeJobsCommand, ListJobsCommand, RegisterJobDefinitionCommand, SubmitJobCommand } from '@aws-sdk/client-batch';
import { readEndpoint } from '../../src/client/endpoint';
import { checkHealth } from '../../src/client/signed-http';

const ROOT = path.resolve(__dirname, '../..');
/** Runs the CLI from source (no build needed), as bin/localbatch.js runs dist/cli.js. */
const RUNNER = "require('./src/cli/main.ts').main(process.argv.slice(1)).then((c)=>{process.exitCode=c},(e)=>{console.error(e);process.exitCode=1})";
const cliArgs = (...args: string[]) => ['--import', 'tsx', '-e', RUNNER, ...args];

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('localbatch serve CLI (integration)', () => {
  let dir: string;
  let stateDir: string;
  let child: ChildProcess | undefined;
  let stdout = '';
  let exit: Promise<number | null>;

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-serve-'));
    stateDir = path.join(dir, 'state');
    child = spawn(process.execPath, cliArgs('serve', '--runtime', 'scripted', '--port', '0', '--state-dir', stateDir), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.resume();
    exit = new Promise((resolve) => child!.once('exit', (code) => resolve(code)));
    await until(() => existsSync(path.join(stateDir, 'endpoint.json')) && stdout.includes('describe-job-queues'), 45_000);
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes endpoint.json (0600) and prints how to reach it', () => {
    const file = path.join(stateDir, 'endpoint.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const info = JSON.parse(readFileSync(file, 'utf8')) as { url: string; pid: number; version: string; port: number };
    assert.equal(info.pid, child!.pid);
    assert.equal(info.url, `http://127.0.0.1:${info.port}`);
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.ok(stdout.includes(`AWS_SHARED_CREDENTIALS_FILE=${path.join(stateDir, 'credentials')} aws --profile localbatch --endpoint-url ${info.url} batch describe-job-queues`), stdout);
  });

  it('serves the Batch API with the local queue ready, and health with a docker field', async () => {
    const endpoint = await readEndpoint(stateDir);
    const health = await checkHealth(endpoint);
    assert.equal(health.ok, true);
    assert.deepEqual({ ...(health.body as object), pid: 0 }, { status: 'ok', version: endpoint.version, pid: 0, docker: 'not used (scripted runtime)' });
    const client = new BatchClient({ endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials, maxAttempts: 1 });
    try {
      const queues = await client.send(new DescribeJobQueuesCommand({}));
      assert.deepEqual(queues.jobQueues!.map((q) => [q.jobQueueName, q.status]), [['local', 'VALID']]);
      await client.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'hi', type: 'container', containerProperties: { image: 'busybox', command: ['echo', 'hi'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '32' }] } }));
      const { jobId } = await client.send(new SubmitJobCommand({ jobName: 'hi', jobQueue: 'local', jobDefinition: 'hi' }));
      await until(async () => (await client.send(new DescribeJobsCommand({ jobs: [jobId!] }))).jobs?.[0]?.status === 'SUCCEEDED', 10_000);
    } finally {
      client.destroy();
    }
  });

  it('refuses a second server on the same state directory, and bad options', () => {
    const second = spawnSync(process.execPath, cliArgs('serve', '--runtime', 'scripted', '--port', '0', '--state-dir', stateDir), { cwd: ROOT, encoding: 'utf8', timeout: 45_000 });
    assert.equal(second.status, 1);
    assert.match(second.stderr, /already serving .*state at http:\/\/127\.0\.0\.1:\d+/);
    const bad = spawnSync(process.execPath, cliArgs('serve', '--runtime', 'podman'), { cwd: ROOT, encoding: 'utf8', timeout: 45_000 });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--runtime must be docker or scripted/);
  });

  it('stops cleanly on SIGTERM: exit 0, endpoint.json removed, state saved', async () => {
    child!.kill('SIGTERM');
    const code = await Promise.race([exit, new Promise<string>((r) => setTimeout(() => r('timeout'), 20_000))]);
    assert.equal(code, 0);
    assert.equal(existsSync(path.join(stateDir, 'endpoint.json')), false);
    assert.equal(existsSync(path.join(stateDir, 'serve.lock')), false);
    assert.equal(existsSync(path.join(stateDir, 'state.json')), true);
  });
});

describe('localbatch serve: one emulator per state directory (integration)', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  const serve = (stateDir: string) => {
    const child = spawn(process.execPath, cliArgs('serve', '--runtime', 'scripted', '--port', '0', '--state-dir', stateDir), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stdout!.resume();
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exit, stderr: () => stderr };
  };

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-serve-lock-'));
  });
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('of two started together on a new state directory, one serves and the other is refused; a killed one\'s lock is taken over at once', async function () {
    this.timeout(120_000);
    const stateDir = path.join(dir, 'state');
    const a = serve(stateDir);
    const b = serve(stateDir);
    // The loser exits 1; the winner keeps serving and writes endpoint.json.
    const first = await Promise.race([a.exit.then(() => a), b.exit.then(() => b)]);
    const winner = first === a ? b : a;
    assert.equal(await first.exit, 1, first.stderr());
    assert.match(first.stderr(), /already serving .*state/);
    await until(async () => {
      const endpoint = await readEndpoint(stateDir).catch(() => undefined);
      return endpoint?.pid === winner.child.pid && (await checkHealth(endpoint!, 2000).catch(() => undefined))?.ok === true;
    }, 45_000);
    assert.equal((JSON.parse(readFileSync(path.join(stateDir, 'serve.lock'), 'utf8')) as { pid: number }).pid, winner.child.pid);
    // Killed, it leaves its lock; the next start takes it over without waiting.
    winner.child.kill('SIGKILL');
    await winner.exit;
    assert.equal(existsSync(path.join(stateDir, 'serve.lock')), true);
    const next = serve(stateDir);
    await until(async () => (await readEndpoint(stateDir).catch(() => undefined))?.pid === next.child.pid, 45_000);
    next.child.kill('SIGTERM');
    assert.equal(await next.exit, 0, next.stderr());
    assert.equal(existsSync(path.join(stateDir, 'serve.lock')), false);
  });

  it('a `run` that finds the state directory locked by an emulator still starting waits; once the holder is gone it runs, and its job is kept', async function () {
    this.timeout(120_000);
    const work = path.join(dir, 'ws');
    const stateDir = path.join(work, '.localbatch');
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(path.join(work, 'hi.jobdef.json'), JSON.stringify({ jobDefinitionName: 'hi', type: 'container', containerProperties: { image: 'busybox', command: ['echo', 'hi'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '32' }] } }));
    // A live process holds the lock, as an emulator does while it opens its saved state.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
    children.push(holder);
    const holderGone = new Promise((resolve) => holder.once('exit', resolve));
    writeFileSync(path.join(stateDir, 'serve.lock'), JSON.stringify({ pid: holder.pid }));
    const run = spawn(process.execPath, cliArgs('run', path.join(work, 'hi.jobdef.json'), '--runtime', 'scripted', '--state-dir', stateDir), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(run);
    let out = '';
    run.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    run.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const runExit = new Promise<number | null>((resolve) => run.once('exit', (code) => resolve(code)));
    // It says it waits (however long the CLI takes to start on a loaded machine), and a few seconds
    // on it still waits: it neither started its own emulator nor gave up.
    await until(async () => /another emulator is starting or stopping on/.test(out) || run.exitCode !== null, 60_000);
    assert.match(out, /another emulator is starting or stopping on/);
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(run.exitCode, null, out);
    assert.equal(existsSync(path.join(stateDir, 'endpoint.json')), false);
    // The holder goes (as one that failed to start, or stopped): the waiting run starts its own.
    holder.kill('SIGKILL');
    await holderGone;
    assert.equal(await runExit, 0, out);
    assert.equal(existsSync(path.join(stateDir, 'serve.lock')), false, 'the run released the lock');
    const server = serve(stateDir);
    await until(async () => (await readEndpoint(stateDir).catch(() => undefined))?.pid === server.child.pid, 45_000);
    const endpoint = await readEndpoint(stateDir);
    const client = new BatchClient({ endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials, maxAttempts: 1 });
    try {
      const jobs = await client.send(new ListJobsCommand({ jobQueue: 'local', jobStatus: 'SUCCEEDED' }));
      assert.deepEqual(jobs.jobSummaryList?.map((j) => j.jobName), ['hi']);
    } finally {
      client.destroy();
    }
    server.child.kill('SIGTERM');
    assert.equal(await server.exit, 0, server.stderr());
  });
});
