import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobDetail } from '@aws-sdk/client-batch';
import { ECRClient } from '@aws-sdk/client-ecr';
import type Docker from 'dockerode';
import type { ImageProgress } from '../../../src/emulator/batch/core/ports';
import { DockerRuntime } from '../../../src/emulator/runtime/docker';
import { ecrRegistryAuth } from '../../../src/emulator/runtime/ecr-auth';
import { imageExists } from '../../../src/emulator/runtime/images';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../../support/moto';
import { MemoryLogSink } from '../../support/runtime-conformance';
import { cli, write } from './moto-workspace';

/** Follows a dockerode progress stream (push) to its end; rejects on an error event. */
function follow(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let error: string | undefined;
    docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : error ? reject(new Error(error)) : resolve()), (e: { error?: string }) => {
      if (e.error) error = e.error;
    });
  });
}

/**
 * Private ECR images missing locally: pulled with ECR's authorization token (GetAuthorizationToken
 * answered by moto_server, through localbatch.yaml's aws.endpoints.ecr), from Debian's
 * docker-registry on loopback (through LOCALBATCH_ECR_REGISTRY_OVERRIDE, since moto's token names a
 * host that does not exist), with progress; and imageOverrides running a local image instead.
 */
describe('private ECR images and imageOverrides in local runs (integration)', function () {
  this.timeout(180_000);
  let moto: Moto;
  let docker: Docker;
  let registry: ChildProcess | undefined;
  let dir: string;
  const port = 17000 + (process.pid % 1000);
  const repo = `lb-it-private-${process.pid}`;
  const ecrHost = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
  const ecrImage = `${ecrHost}/${repo}:v1`;
  const onRegistry = `127.0.0.1:${port}/${repo}:v1`;
  const env = () => ({ LOCALBATCH_ECR_REGISTRY_OVERRIDE: `127.0.0.1:${port}` });

  before(async function () {
    this.timeout(90_000);
    docker = await dockerForTests(this);
    moto = await startMoto(this);
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-ecr-pull-'));
    writeFileSync(path.join(dir, 'registry.yml'), `version: 0.1\nstorage: {filesystem: {rootdirectory: ${dir}/data}}\nhttp: {addr: 127.0.0.1:${port}}\nlog: {level: error}\n`);
    registry = spawn('docker-registry', ['serve', path.join(dir, 'registry.yml')], { stdio: 'ignore' });
    const spawned = await new Promise<boolean>((resolve) => {
      registry!.once('error', () => resolve(false));
      registry!.once('spawn', () => resolve(true));
    });
    if (!spawned) {
      if (process.env.CI) throw new Error('docker-registry is not installed (.ci/setup-docker.sh installs it)');
      console.log('    (skipped: docker-registry is not installed: apt-get install docker-registry)');
      this.skip();
    }
    for (let i = 0; !(await fetch(`http://127.0.0.1:${port}/v2/`).then(() => true, () => false)); i++) {
      if (i > 100) throw new Error('docker-registry did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    await docker.getImage(TEST_IMAGE).tag({ repo: onRegistry.slice(0, onRegistry.lastIndexOf(':')), tag: 'v1' });
    await follow(docker, await docker.getImage(onRegistry).push({ authconfig: { serveraddress: `127.0.0.1:${port}` } }));
    await docker.getImage(onRegistry).remove();
  });

  after(async () => {
    await moto?.stop();
    if (docker) for (const ref of [ecrImage, onRegistry]) await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
    if (registry?.exitCode === null) registry.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const jobdef = (name: string, image: string) =>
    `jobDefinitionName: ${name}\ntype: container\ncontainerProperties:\n  image: ${image}\n  command: [sh, -c, 'echo ran $0', '${name}']\n  resourceRequirements:\n    - { type: VCPU, value: "1" }\n    - { type: MEMORY, value: "64" }\n`;

  it('localbatch run pulls a missing ECR image with the token from aws: settings, with progress, and runs it', async () => {
    await docker.getImage(ecrImage).remove({ force: true }).catch(() => undefined);
    const ws = path.join(dir, 'pull');
    write(ws, {
      'localbatch.yaml': `aws:\n  region: us-east-1\n  endpoints: { ecr: "${moto.url}" }\n`,
      'private.jobdef.yaml': jobdef('private', ecrImage),
    });
    const r = cli(ws, ['run', 'private.jobdef.yaml', '--json'], env());
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`Pulling image ${ecrImage.replace(/\./g, '\\.')}…`));
    assert.match(r.stderr, /Pull complete|Download complete|Downloaded newer image/);
    const [job] = JSON.parse(r.stdout) as JobDetail[];
    assert.equal(job.status, 'SUCCEEDED');
    assert.equal(job.container?.image, ecrImage);
    assert.equal(cli(ws, ['logs', job.jobId!]).stdout, 'ran private\n');
    assert.ok(await imageExists(docker, ecrImage), 'the pulled image carries its ECR name');
  });

  it('without a token the run stops before submitting, naming the image, the registry and the fix', () => {
    const ws = path.join(dir, 'denied');
    write(ws, {
      // No endpoint: the SDK would ask the real ECR, which is not reachable here (and has no such credentials).
      'localbatch.yaml': `aws:\n  profile: localbatch-it-missing-profile\n`,
      'denied.jobdef.yaml': jobdef('denied', `${ecrHost}/${repo}-absent:v1`),
    });
    const r = cli(ws, ['run', 'denied.jobdef.yaml'], { ...env(), AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none') });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`image ${ecrHost.replace(/\./g, '\\.')}/${repo}-absent:v1 of job definition denied cannot be used: cannot get an ECR authorization token for ${ecrHost.replace(/\./g, '\\.')} with profile localbatch-it-missing-profile`));
    assert.match(r.stderr, /imageOverrides/);
    assert.match(r.stderr, /Nothing was run\./);
    assert.doesNotMatch(r.stdout, /SUBMITTED/);
  });

  it('the runtime (as under localbatch serve) pulls an ECR image with the token, reporting progress', async () => {
    await docker.getImage(ecrImage).remove({ force: true }).catch(() => undefined);
    const progress: ImageProgress[] = [];
    // The real ECR client against moto, with moto's keys instead of the default chain.
    const auth = ecrRegistryAuth({ aws: { endpoints: { ecr: moto.url } }, registryOverride: `127.0.0.1:${port}`, client: (config) => new ECRClient({ ...config, credentials: MOTO_CREDENTIALS }) });
    const rt = new DockerRuntime(docker, new MemoryLogSink(), { registryAuth: auth, onImageProgress: (p) => progress.push(p) });
    await rt.ensureImage(ecrImage);
    assert.ok(await imageExists(docker, ecrImage));
    assert.ok(progress.length > 0 && progress.every((p) => p.image === ecrImage), JSON.stringify(progress));
  });

  it('imageOverrides runs a local image for a definition naming an ECR image; DescribeJobs shows the definition image', () => {
    const ws = path.join(dir, 'override');
    const named = `${ecrHost}/never-pushed-${process.pid}:v1`;
    write(ws, {
      'localbatch.yaml': `imageOverrides:\n  "${named}": ${TEST_IMAGE}\n`,
      'app.jobdef.yaml': jobdef('app', named),
    });
    const r = cli(ws, ['run', 'app.jobdef.yaml', '--json']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const [job] = JSON.parse(r.stdout) as JobDetail[];
    assert.equal(job.status, 'SUCCEEDED', job.statusReason);
    assert.equal(job.container?.image, named);
    assert.equal(cli(ws, ['logs', job.jobId!]).stdout, 'ran app\n');
  });
});
