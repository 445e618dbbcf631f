import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeJobDefinitionsCommand, type BatchClient } from '@aws-sdk/client-batch';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import type Docker from 'dockerode';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../../support/moto';
import { cli, write } from './moto-workspace';

/**
 * --push-images: ECR's GetAuthorizationToken and CreateRepository answered by moto_server; the push
 * itself goes to Debian's docker-registry on loopback, through the registry override seam
 * (LOCALBATCH_ECR_REGISTRY_OVERRIDE), since moto's proxyEndpoint names a host that does not exist.
 */
describe('localbatch deploy --push-images to a registry on loopback (integration)', function () {
  this.timeout(180_000);
  let moto: Moto;
  let batch: BatchClient;
  let docker: Docker;
  let registry: ChildProcess | undefined;
  let dir: string;
  const port = 16000 + (process.pid % 1000);
  const image = `lb-deploy-app-${process.pid}:v1`;

  before(async function () {
    this.timeout(90_000);
    docker = await dockerForTests(this);
    moto = await startMoto(this);
    batch = moto.batch();
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-deploy-images-'));
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
    write(dir, {
      'ws/localbatch.yaml': `images:\n  - name: ${image}\n    context: app\n`,
      'ws/app/Dockerfile': `FROM ${TEST_IMAGE}\nCMD ["echo", "hello from the app"]\n`,
      'ws/app.jobdef.yaml': `jobDefinitionName: app\ntype: container\ncontainerProperties:\n  image: ${image}\n  resourceRequirements:\n    - { type: VCPU, value: "1" }\n    - { type: MEMORY, value: "128" }\n`,
    });
  });

  after(async () => {
    batch?.destroy();
    await moto?.stop();
    if (docker) for (const ref of [image, `127.0.0.1:${port}/${image}`]) await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
    if (registry?.exitCode === null) registry.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('warns that AWS cannot pull a locally built image', () => {
    const r = cli(path.join(dir, 'ws'), ['deploy', '--region', moto.region, '--endpoint-url', moto.url, '--dry-run']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`warning: image ${image} of job definition app is built locally \\(localbatch.yaml\\): AWS cannot pull it; pass --push-images`));
  });

  it('builds, creates the ECR repository, pushes with progress and registers the pushed URI', async () => {
    const env = { LOCALBATCH_ECR_REGISTRY_OVERRIDE: `127.0.0.1:${port}` };
    const r = cli(path.join(dir, 'ws'), ['deploy', '--region', moto.region, '--endpoint-url', moto.url, '--yes', '--push-images'], env);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const repo = image.slice(0, image.indexOf(':'));
    const pushed = `127.0.0.1:${port}/${repo}:v1`;
    assert.match(r.stdout, new RegExp(`image ${image} → ${pushed.replace(/\./g, '\\.')}`));
    assert.match(r.stderr, /creating ECR repository/);
    assert.match(r.stderr, new RegExp(`pushing ${pushed.replace(/\./g, '\\.')}`));
    const tags = (await (await fetch(`http://127.0.0.1:${port}/v2/${repo}/tags/list`)).json()) as { tags: string[] };
    assert.deepEqual(tags.tags, ['v1']);
    const ecr = new ECRClient({ region: moto.region, endpoint: moto.url, credentials: MOTO_CREDENTIALS });
    const repos = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repo] }));
    ecr.destroy();
    assert.equal(repos.repositories?.length, 1);
    const jd = (await batch.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: 'app', status: 'ACTIVE' }))).jobDefinitions!;
    assert.deepEqual(jd.map((d) => d.containerProperties?.image), [pushed]);
  });
});
