/**
 * `localbatch run` of CDK job definitions whose image asset is not a plain directory build: the built
 * CLI, real Docker, the real docker CLI and a real aws-cdk-lib synth (offline).
 * - `executable` sources: a real `ContainerImage.fromTarball` (its `docker load` command), and the
 *   synthesizer's addDockerImageAsset with a command of our own that runs in cdk.out, `docker tag`s the
 *   seeded busybox and prints the name; the jobs run that image to SUCCEEDED, a second run reuses it,
 *   and a failing command stops the run with its error.
 * - `dockerBuildSecrets` (BuildKit): built with `docker buildx build --secret` when the docker CLI has
 *   buildx, else the run stops saying what to install; this machine decides which. The other branch is
 *   checked with a recording fake docker CLI (CDK_DOCKER) standing in for buildx: the arguments and the
 *   folder it is run in (secrets' src= paths are relative to the asset folder), and a CLI not on PATH.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobDetail } from '@aws-sdk/client-batch';
import { App, DockerBuildSecret, Size, Stack } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type Docker from 'dockerode';
import { dockerForTests, ensureTestImage } from '../support/docker';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'localbatch.js');
const MANAGED = 'dev.localbatch.managed=true';

function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, CI: '1', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A stack with one job definition `job` whose image is `image(stack)`. */
function synth(dir: string, image: (stack: Stack) => ecs.ContainerImage, command?: string[]): void {
  const app = new App({ outdir: path.join(dir, 'cdk.out') });
  const stack = new Stack(app, 'Jobs');
  const container = new batch.EcsEc2ContainerDefinition(stack, 'Container', { image: image(stack), cpu: 1, memory: Size.mebibytes(128), command });
  new batch.EcsJobDefinition(stack, 'Job', { jobDefinitionName: 'job', container });
  app.synth();
}

/** An executable-source asset (what fromTarball makes, with any command): the image is the CDK's ECR URI for `hash`. */
const executableImage = (hash: string, script: string) => (stack: Stack) =>
  ecs.ContainerImage.fromRegistry(stack.synthesizer.addDockerImageAsset({ sourceHash: hash, executable: ['sh', '-c', script], displayName: 'Tagged' }).imageUri);

describe('localbatch run of CDK assets made by a command or with BuildKit (integration)', function () {
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
    const dir = mkdtempSync(path.join(tmpdir(), 'lb-cdk-asset-cmd-'));
    dirs.push(dir);
    return dir;
  };

  it('runs an executable source in cdk.out, uses the image it printed, and reuses it on the next run', () => {
    const dir = newDir();
    const hash = randomUUID();
    const tagged = `localbatch-cdk-exec-test:${hash}`;
    made.push(tagged, `localbatch-cdk-asset:${hash}`);
    // Like fromTarball's `docker load ... | tail -n 1`: progress first, the image name last; and it runs in cdk.out.
    synth(dir, executableImage(hash, `test -f manifest.json || exit 9; echo making the image >&2; docker tag localbatch-busybox:latest ${tagged} && echo progress && echo ${tagged}`), ['echo', 'hello from an executable asset']);
    const args = ['run', 'cdk.out/Jobs.template.json', '--state-dir', 'state', '--json'];
    const first = cli(dir, args);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /making the image/, 'the command\'s output is shown as progress');
    assert.match(first.stderr, new RegExp(`tagged ${tagged} as localbatch-cdk-asset:${hash}`));
    assert.match(first.stderr, new RegExp(`Built localbatch-cdk-asset:${hash} for job`));
    const jobs = JSON.parse(first.stdout) as JobDetail[];
    assert.deepEqual(jobs.map((j) => `${j.jobName} ${j.status}`), ['job SUCCEEDED']);
    assert.match(jobs[0].container?.image ?? '', new RegExp(`container-assets-[^:]+:${hash}$`), 'DescribeJobs shows the definition\'s image');
    assert.equal(cli(dir, ['logs', jobs[0].jobId!, '--state-dir', 'state']).stdout, 'hello from an executable asset\n');

    const second = cli(dir, args);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, new RegExp(`Reusing localbatch-cdk-asset:${hash} for job`));
    assert.doesNotMatch(second.stderr, /making the image/, 'the command did not run again');
  });

  it('runs a real ContainerImage.fromTarball (its `docker load` command, with an explicit stack env) and uses the loaded image', () => {
    const dir = newDir();
    const loaded = `localbatch-cdk-tarball-test:${randomUUID()}`;
    // The tarball holds the seeded busybox under a name of its own, which only `docker load` brings back.
    execFileSync('docker', ['tag', 'localbatch-busybox:latest', loaded]);
    execFileSync('docker', ['save', '-o', path.join(dir, 'image.tar'), loaded]);
    execFileSync('docker', ['rmi', loaded]);
    made.push(loaded);
    const app = new App({ outdir: path.join(dir, 'cdk.out') });
    const stack = new Stack(app, 'Jobs', { env: { account: '123456789012', region: 'eu-west-1' } });
    const container = new batch.EcsEc2ContainerDefinition(stack, 'Container', { image: ecs.ContainerImage.fromTarball(path.join(dir, 'image.tar')), cpu: 1, memory: Size.mebibytes(128), command: ['echo', 'from a tarball'] });
    new batch.EcsJobDefinition(stack, 'Job', { jobDefinitionName: 'job', container });
    app.synth();
    const r = cli(dir, ['run', 'cdk.out/Jobs.template.json', '--state-dir', 'state', '--json']);
    const built = /Built (\S+) for job/.exec(r.stderr)?.[1];
    if (built) made.push(built);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`tagged ${loaded} as localbatch-cdk-asset:`), 'the image docker load printed');
    const jobs = JSON.parse(r.stdout) as JobDetail[];
    assert.deepEqual(jobs.map((j) => j.status), ['SUCCEEDED']);
    assert.match(jobs[0].container?.image ?? '', /^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/cdk-hnb659fds-container-assets-123456789012-eu-west-1:/);
    assert.equal(cli(dir, ['logs', jobs[0].jobId!, '--state-dir', 'state']).stdout, 'from a tarball\n');
  });

  it('a failing executable stops the run with its exit code and error output before any job starts', () => {
    const dir = newDir();
    const hash = randomUUID();
    made.push(`localbatch-cdk-asset:${hash}`);
    synth(dir, executableImage(hash, 'echo cannot find image.tar >&2; exit 3'));
    const r = cli(dir, ['run', 'cdk.out/Jobs.template.json', '--state-dir', 'state']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /cannot build CDK asset Tagged, the image of job definition job, with its command \(run in .*cdk\.out\): sh -c .* exited with 3: cannot find image\.tar\. .*Nothing was run/s);
    assert.doesNotMatch(r.stdout + r.stderr, /SUBMITTED/);
    assert.equal(existsSync(path.join(dir, 'state')), false, 'no emulator was started');

    const dir2 = newDir();
    const hash2 = randomUUID();
    synth(dir2, executableImage(hash2, 'echo no-such-image-for-localbatch:1'));
    const r2 = cli(dir2, ['run', 'cdk.out/Jobs.template.json', '--state-dir', 'state']);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /printed no-such-image-for-localbatch:1, which is no image on this Docker engine/);
  });

  it('a fromAsset with build secrets is built with docker buildx and --secret, or stops saying to install buildx', () => {
    const dir = newDir();
    const appDir = path.join(dir, 'app');
    mkdirSync(appDir);
    const runId = randomUUID();
    writeFileSync(path.join(appDir, 'token.txt'), `secret ${runId}`);
    writeFileSync(path.join(appDir, 'Dockerfile'), 'FROM localbatch-busybox:latest\nRUN --mount=type=secret,id=token cp /run/secrets/token /token\nCMD ["cat", "/token"]\n');
    synth(dir, () => ecs.ContainerImage.fromAsset(appDir, { buildSecrets: { token: DockerBuildSecret.fromSrc('token.txt') } }));
    const hasBuildx = spawnSync('docker', ['buildx', 'version']).status === 0;
    const r = cli(dir, ['run', 'cdk.out/Jobs.template.json', '--state-dir', 'state', '--json']);
    if (hasBuildx) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /docker buildx build --load .*--secret id=token,src=token\.txt/);
      const jobs = JSON.parse(r.stdout) as JobDetail[];
      made.push(/Built (\S+) for job/.exec(r.stderr)![1]);
      assert.equal(cli(dir, ['logs', jobs[0].jobId!, '--state-dir', 'state']).stdout, `secret ${runId}`);
    } else {
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /cannot build CDK asset .*: it uses dockerBuildSecrets, which need BuildKit; localbatch builds such assets with `docker buildx build`, but .*Install the Docker CLI with its buildx plugin.*imageOverrides.*Nothing was run/s);
      assert.equal(existsSync(path.join(dir, 'state')), false, 'no emulator was started');
    }
  });

  it('with buildx (a recording fake docker CLI named by CDK_DOCKER), the secrets asset is built in its folder with --secret and the job runs the result', () => {
    const dir = newDir();
    const appDir = path.join(dir, 'app');
    mkdirSync(appDir);
    const runId = randomUUID();
    writeFileSync(path.join(appDir, 'token.txt'), `secret ${runId}`);
    writeFileSync(path.join(appDir, 'Dockerfile'), 'FROM localbatch-busybox:latest\nRUN --mount=type=secret,id=token cp /run/secrets/token /token\n');
    synth(dir, () => ecs.ContainerImage.fromAsset(appDir, { buildSecrets: { token: DockerBuildSecret.fromSrc('token.txt') }, buildArgs: { A: '1' } }), ['echo', 'built by the fake buildx']);
    // The fake: answers `buildx version`; for `buildx build` records its folder, its arguments and the
    // secret file it can read from there, then tags the seeded busybox with the --tag it was given.
    const fake = path.join(dir, 'fake-docker');
    const record = path.join(dir, 'record');
    writeFileSync(fake, [
      '#!/bin/sh',
      'if [ "$1 $2" = "buildx version" ]; then echo "fake buildx"; exit 0; fi',
      `pwd > ${record}.cwd; printf '%s\n' "$@" > ${record}.args; cat token.txt > ${record}.secret`,
      'tag=$(printf \'%s\\n\' "$@" | sed -n \'/^--tag$/{n;p;}\')',
      'echo "building $tag"; docker tag localbatch-busybox:latest "$tag"',
    ].join('\n'));
    chmodSync(fake, 0o755);
    const r = cli(dir, ['run', 'cdk.out/Jobs.template.json', '--state-dir', 'state', '--json'], { CDK_DOCKER: fake });
    const built = /Built (\S+) for job/.exec(r.stderr)?.[1];
    if (built) made.push(built);
    assert.equal(r.code, 0, r.stderr);
    const asset = readFileSync(`${record}.cwd`, 'utf8').trim();
    assert.equal(path.dirname(asset), path.join(dir, 'cdk.out'), 'run in the asset\'s folder in cdk.out');
    assert.match(path.basename(asset), /^asset\.[0-9a-f]{64}$/);
    assert.equal(readFileSync(`${record}.secret`, 'utf8'), `secret ${runId}`, 'the secret\'s src= is found from that folder');
    const args = readFileSync(`${record}.args`, 'utf8').trim().split('\n');
    assert.deepEqual(args.slice(0, 5), ['buildx', 'build', '--load', '--tag', built]);
    assert.ok(args.join(' ').includes('--build-arg A=1 --secret id=token,src=token.txt'), args.join(' '));
    assert.equal(args.at(-1), '.');
    assert.match(r.stderr, /building localbatch-cdk-asset:/, 'the build\'s output is shown as progress');
    const jobs = JSON.parse(r.stdout) as JobDetail[];
    assert.deepEqual(jobs.map((j) => j.status), ['SUCCEEDED']);
    assert.equal(cli(dir, ['logs', jobs[0].jobId!, '--state-dir', 'state']).stdout, 'built by the fake buildx\n');

    const noCli = { CDK_DOCKER: 'no-such-docker-for-localbatch' };
    const again = cli(dir, ['images', 'cdk-assets', 'cdk.out/Jobs.template.json'], noCli);
    assert.equal(again.code, 0, again.stderr);
    made.push(/^ready: (\S+)$/m.exec(again.stdout)?.[1] ?? 'none');
    assert.match(again.stderr, /Reusing localbatch-cdk-asset:/, 'an asset built before is reused without the CLI');
    assert.equal(spawnSync('docker', ['rmi', built!]).status, 0);
    const missing = cli(dir, ['images', 'cdk-assets', 'cdk.out/Jobs.template.json'], noCli);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /the docker CLI \(no-such-docker-for-localbatch\) is not on PATH\. Install the Docker CLI with its buildx plugin/);
  });
});
