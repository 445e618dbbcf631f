/**
 * No log the product writes holds the credentials it used: `localbatch serve` (real Docker) with
 * `run`, `logs`, `validate` and SDK calls against it, including refused ones (a wrong secret, a
 * tampered request), then every output and every file of the state directory but the credentials
 * file itself is scanned for the emulator's secret key.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchClient, DescribeJobQueuesCommand, DescribeJobsCommand } from '@aws-sdk/client-batch';
import type Docker from 'dockerode';
import { readEndpoint } from '../../src/client/endpoint';
import { dockerForTests, TEST_IMAGE } from '../support/docker';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'localbatch.js');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('credentials never appear in logs (integration)', function () {
  this.timeout(180_000);
  let docker: Docker;
  let dir: string;
  let serve: ChildProcess | undefined;

  before(async function () {
    docker = await dockerForTests(this);
    if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  });
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'lb-creds-'))));
  afterEach(async () => {
    serve?.kill('SIGKILL');
    const left = await docker.listContainers({ all: true, filters: { label: [`dev.localbatch.state-dir=${path.join(dir, 'state')}`] } });
    for (const c of left) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the secret key out of serve output, CLI output and the state directory', async () => {
    const state = path.join(dir, 'state');
    const outputs: string[] = [];
    serve = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--state-dir', state], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let served = '';
    serve.stdout!.on('data', (d: Buffer) => (served += d.toString()));
    serve.stderr!.on('data', (d: Buffer) => (served += d.toString()));
    const serveExit = new Promise<void>((resolve) => serve!.on('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    while (!existsSync(path.join(state, 'endpoint.json'))) {
      if (Date.now() > deadline) throw new Error(`serve did not start: ${served}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const endpoint = await readEndpoint(state);
    const secret = endpoint.credentials.secretAccessKey;
    assert.ok(secret.length >= 20);

    // A job that prints its whole environment, run through the CLI against the server.
    writeFileSync(path.join(dir, 'env.jobdef.json'), JSON.stringify({ jobDefinitionName: 'printenv', type: 'container', containerProperties: { image: TEST_IMAGE, command: ['sh', '-c', 'env; echo done'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } }));
    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: '1' } });
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    const run = cli('run', 'env.jobdef.json', '--state-dir', state, '--json');
    assert.equal(run.status, 0, run.stderr);
    const jobId = (JSON.parse(run.stdout) as Array<{ jobId: string }>)[0].jobId;
    const logs = cli('logs', jobId, '--state-dir', state);
    assert.match(logs.stdout, /AWS_BATCH_JOB_ID=/);
    cli('validate', dir);
    cli('logs', 'nojob', '--state-dir', state);

    // SDK calls: a good one, one with a wrong secret, one whose signature does not match its body.
    const good = new BatchClient({ endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials, maxAttempts: 1 });
    await good.send(new DescribeJobQueuesCommand({}));
    await good.send(new DescribeJobsCommand({ jobs: [jobId] }));
    const wrong = new BatchClient({ endpoint: endpoint.url, region: endpoint.region, credentials: { accessKeyId: endpoint.credentials.accessKeyId, secretAccessKey: 'x'.repeat(40) }, maxAttempts: 1 });
    await assert.rejects(wrong.send(new DescribeJobQueuesCommand({})));
    const tampered = new BatchClient({ endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials, maxAttempts: 1 });
    tampered.middlewareStack.add((next) => async (args) => {
      const req = args.request as { body?: unknown };
      req.body = '{"jobQueues":["tampered"]}';
      return next(args);
    }, { step: 'finalizeRequest', priority: 'low' });
    await assert.rejects(tampered.send(new DescribeJobQueuesCommand({})));
    for (const c of [good, wrong, tampered]) c.destroy();

    serve.kill('SIGTERM');
    await serveExit;
    serve = undefined;

    const haystacks: Array<[string, string]> = [['serve output', served], ...outputs.map((o, i): [string, string] => [`CLI output ${i}`, o])];
    const stateFiles = filesUnder(state).filter((f) => path.basename(f) !== 'credentials');
    assert.ok(stateFiles.length >= 2, `state files: ${stateFiles.join(', ')}`);
    for (const f of stateFiles) haystacks.push([path.relative(state, f), readFileSync(f, 'latin1')]);
    assert.ok(haystacks.some(([, text]) => text.includes('AWS_BATCH_JOB_ID=')), 'the job output was scanned');
    assert.match(served, /refused/, 'the refused requests were logged');
    const needles = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
    for (const [where, text] of haystacks) {
      for (const needle of needles) assert.ok(!text.includes(needle), `the secret key appears in ${where}`);
    }
    // The scan can fail: the credentials file itself holds the key.
    assert.ok(readFileSync(path.join(state, 'credentials'), 'utf8').includes(secret));
  });
});
