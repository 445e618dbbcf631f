/**
 * `localbatch run cdk.out/<Stack>.template.json` of a job definition whose image is
 * `ecs.ContainerImage.fromAsset(...)`: the built CLI, a real Docker engine and a real aws-cdk-lib synth
 * (in-process, offline; the asset's base image is localbatch-busybox:latest). The asset is built
 * from cdk.out before any job starts and the job runs with it to SUCCEEDED while DescribeJobs shows
 * the definition's ECR image; a second run reuses the built image; a broken Dockerfile stops the run
 * with the build's own error and nothing submitted.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobDetail } from '@aws-sdk/client-batch';
import { App, Size, Stack } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type Docker from 'dockerode';
import type * as vscode from 'vscode';
import { buildImagesWithCli } from '../../src/extension/emulator/buildImages';
import { dockerForTests, ensureTestImage } from '../support/docker';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'localbatch.js');
const MANAGED = 'dev.localbatch.managed=true';

function cli(cwd: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, CI: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Synthesizes a stack with one fromAsset job definition `asset-job` built from `dockerfile`; returns the asset hash. */
function synth(dir: string, dockerfile: string, runId: string): string {
  const appDir = path.join(dir, 'app');
  mkdirSync(appDir);
  // A unique file makes a unique asset hash: this test builds (and removes) its own images.
  writeFileSync(path.join(appDir, 'run-id'), runId);
  writeFileSync(path.join(appDir, 'Dockerfile'), dockerfile);
  const app = new App({ outdir: path.join(dir, 'cdk.out') });
  const stack = new Stack(app, 'AssetJobs');
  const container = new batch.EcsEc2ContainerDefinition(stack, 'Container', { image: ecs.ContainerImage.fromAsset(appDir), cpu: 1, memory: Size.mebibytes(128) });
  new batch.EcsJobDefinition(stack, 'AssetJob', { jobDefinitionName: 'asset-job', container });
  app.synth();
  const manifest = JSON.parse(readFileSync(path.join(dir, 'cdk.out', 'AssetJobs.assets.json'), 'utf8')) as { dockerImages: Record<string, unknown> };
  const hashes = Object.keys(manifest.dockerImages);
  assert.equal(hashes.length, 1);
  return hashes[0];
}

describe('localbatch run of a CDK fromAsset job definition (integration)', function () {
  this.timeout(300_000);
  let docker: Docker;
  const dirs: string[] = [];
  const made: string[] = [];

  before(async function () {
    docker = await dockerForTests(this);
    await ensureTestImage(docker);
    if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  });
  after(async () => {
    for (const image of made) await docker?.getImage(image).remove({ force: true }).catch(() => undefined);
    for (const dir of dirs) {
      const left = await docker.listContainers({ all: true, filters: { label: [MANAGED, `dev.localbatch.state-dir=${path.join(dir, 'state')}`] } });
      rmSync(dir, { recursive: true, force: true });
      assert.deepEqual(left.map((c) => c.Names), [], 'containers were left behind');
    }
  });
  const newDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lb-run-cdk-asset-'));
    dirs.push(dir);
    return dir;
  };

  it('builds the asset from cdk.out, runs the job with it to SUCCEEDED, and reuses the image on the next run', () => {
    const dir = newDir();
    const runId = randomUUID();
    const hash = synth(dir, 'FROM localbatch-busybox:latest\nCOPY run-id /run-id\nCMD ["sh", "-c", "echo hello from a cdk asset $(cat /run-id)"]\n', runId);
    made.push(`localbatch-cdk-asset:${hash}`);
    const args = ['run', 'cdk.out/AssetJobs.template.json', '--job-definition', 'asset-job', '--state-dir', 'state', '--json'];

    const first = cli(dir, args);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, new RegExp(`Built localbatch-cdk-asset:${hash} for asset-job`));
    assert.ok(first.stderr.indexOf('Built ') < first.stderr.indexOf('SUBMITTED'), 'built before the job was submitted');
    const jobs = JSON.parse(first.stdout) as JobDetail[];
    assert.deepEqual(jobs.map((j) => `${j.jobName} ${j.status}`), ['asset-job SUCCEEDED']);
    assert.match(jobs[0].container?.image ?? '', new RegExp(`/cdk-[a-z0-9]+-container-assets-[^:]+:${hash}$`), 'DescribeJobs shows the definition\'s image');
    const logs = cli(dir, ['logs', jobs[0].jobId!, '--state-dir', 'state']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, `hello from a cdk asset ${runId}\n`, 'the job ran the image built from the asset');

    const second = cli(dir, args);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, new RegExp(`Reusing localbatch-cdk-asset:${hash} for asset-job \\(asset ${hash} unchanged`));
    assert.doesNotMatch(second.stderr, /Built localbatch-cdk-asset/);
    assert.deepEqual((JSON.parse(second.stdout) as JobDetail[]).map((j) => j.status), ['SUCCEEDED']);
  });

  it('a broken Dockerfile stops the run with the build error before any job starts', () => {
    const dir = newDir();
    const hash = synth(dir, 'FROM localbatch-busybox:latest\nCOPY no-such-file /x\n', randomUUID());
    made.push(`localbatch-cdk-asset:${hash}`);
    const r = cli(dir, ['run', 'cdk.out/AssetJobs.template.json', '--state-dir', 'state']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /cannot build CDK asset .*job definition asset-job.*no-such-file.*Nothing was run/s);
    assert.doesNotMatch(r.stdout + r.stderr, /SUBMITTED|RUNNING/);
    assert.equal(existsSync(path.join(dir, 'state')), false, 'no emulator was started');
  });

  it('with a localbatch serve already running, the built image is tagged so that server runs it', async () => {
    const dir = newDir();
    const runId = randomUUID();
    const hash = synth(dir, 'FROM localbatch-busybox:latest\nCOPY run-id /run-id\nCMD ["sh", "-c", "echo served $(cat /run-id)"]\n', runId);
    made.push(`localbatch-cdk-asset:${hash}`);
    const serve = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--state-dir', 'state'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    serve.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise((resolve) => serve.once('exit', resolve));
    try {
      for (let i = 0; i < 300 && !out.includes('describe-job-queues'); i++) await new Promise((r) => setTimeout(r, 200));
      assert.ok(out.includes('describe-job-queues'), `serve did not start: ${out}`);
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'run', 'cdk.out/AssetJobs.template.json', '--state-dir', 'state', '--json'], { cwd: dir, env: { ...process.env, CI: '1' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
      assert.equal(r.code, 0, r.stderr);
      const jobs = JSON.parse(r.stdout) as JobDetail[];
      const named = jobs[0].container?.image ?? '';
      made.push(named);
      assert.match(r.stderr, new RegExp(`Tagged localbatch-cdk-asset:${hash} as ${named.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(for a running localbatch serve\\)`));
      assert.deepEqual(jobs.map((j) => j.status), ['SUCCEEDED']);
      const logs = cli(dir, ['logs', jobs[0].jobId!, '--state-dir', 'state']);
      assert.equal(logs.stdout, `served ${runId}\n`, logs.stderr);
    } finally {
      serve.kill('SIGTERM');
      await exited;
    }
  });

  it('`images cdk-assets` (what the editor\'s Run calls) builds a template\'s assets and tags them by the definitions\' image names', async () => {
    const dir = newDir();
    const hash = synth(dir, 'FROM localbatch-busybox:latest\nCOPY run-id /run-id\n', randomUUID());
    made.push(`localbatch-cdk-asset:${hash}`);
    const r = cli(dir, ['images', 'cdk-assets', 'cdk.out/AssetJobs.template.json']);
    assert.equal(r.code, 0, r.stderr);
    const named = /^ready: (\S+)$/m.exec(r.stdout)?.[1] ?? '';
    made.push(named);
    assert.match(named, new RegExp(`/cdk-[a-z0-9]+-container-assets-[^:]+:${hash}$`), r.stdout);
    assert.match(r.stderr, new RegExp(`Built localbatch-cdk-asset:${hash} for asset-job`));
    const tagged = await docker.getImage(named).inspect();
    const built = await docker.getImage(`localbatch-cdk-asset:${hash}`).inspect();
    assert.equal(tagged.Id, built.Id, 'the definition\'s image name is the built image');
    const again = cli(dir, ['images', 'cdk-assets', 'cdk.out/AssetJobs.template.json']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /Reusing localbatch-cdk-asset:/);
  });

  it('the editor\'s Run path (buildImagesWithCli with cdk-assets) builds the asset, and stops with the build error when it fails', async () => {
    // A recording stand-in for VS Code's LocalBatch output channel (only info is used).
    const lines: string[] = [];
    const log = { info: (line: string) => lines.push(line) } as unknown as vscode.LogOutputChannel;
    const cliJs = path.join(ROOT, 'dist', 'cli.js');
    const good = newDir();
    const goodHash = synth(good, 'FROM localbatch-busybox:latest\nCOPY run-id /run-id\n', randomUUID());
    made.push(`localbatch-cdk-asset:${goodHash}`);
    const template = path.join(good, 'cdk.out', 'AssetJobs.template.json');
    await buildImagesWithCli(cliJs, path.dirname(template), log, ['cdk-assets', template]);
    assert.ok(lines.some((l) => l.includes(`Built localbatch-cdk-asset:${goodHash} for asset-job`)), lines.join('\n'));
    const tagged = lines.map((l) => / as (\S+) \(for a running localbatch serve\)/.exec(l)?.[1]).find(Boolean);
    assert.ok(tagged, lines.join('\n'));
    made.push(tagged);

    const broken = newDir();
    const brokenHash = synth(broken, 'FROM localbatch-busybox:latest\nCOPY no-such-file /x\n', randomUUID());
    made.push(`localbatch-cdk-asset:${brokenHash}`);
    const brokenTemplate = path.join(broken, 'cdk.out', 'AssetJobs.template.json');
    await assert.rejects(buildImagesWithCli(cliJs, path.dirname(brokenTemplate), log, ['cdk-assets', brokenTemplate]), /cannot build CDK asset .*no-such-file/);
  });

  it('a workflow naming the template\'s fromAsset job definition builds it and runs it', () => {
    const dir = newDir();
    const runId = randomUUID();
    const hash = synth(dir, 'FROM localbatch-busybox:latest\nCOPY run-id /run-id\nCMD ["sh", "-c", "echo workflow $(cat /run-id)"]\n', runId);
    made.push(`localbatch-cdk-asset:${hash}`);
    writeFileSync(path.join(dir, 'pipeline.workflow.yaml'), 'jobs:\n  work:\n    jobDefinition: asset-job\n');
    const r = cli(dir, ['run', 'pipeline.workflow.yaml', '--state-dir', 'state', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`Built localbatch-cdk-asset:${hash} for asset-job`));
    const jobs = JSON.parse(r.stdout) as JobDetail[];
    assert.deepEqual(jobs.map((j) => `${j.jobName} ${j.status}`), ['work SUCCEEDED']);
    assert.equal(cli(dir, ['logs', jobs[0].jobId!, '--state-dir', 'state']).stdout, `workflow ${runId}\n`);
  });
});
