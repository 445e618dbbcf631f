/**
 * A CDK container image asset built on real Docker from a real synth's cdk.out (offline: the base is
 * localbatch-busybox:latest): the recorded Dockerfile, target and build args are used, an unchanged
 * hash reuses the image, and a broken Dockerfile rejects with the build's own error.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Size, Stack } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type Docker from 'dockerode';
import { parseTemplateDocument, readIac } from '../../../src/model/iac';
import { assetForImage, readAssetManifest, type ContainerAsset } from '../../../src/model/iac/cdk-assets';
import { ensureAssetImage } from '../../../src/emulator/runtime/cdk-asset-images';
import { dockerForTests, ensureTestImage } from '../../support/docker';

describe('CDK asset images built on real Docker (integration)', function () {
  this.timeout(300_000);
  let docker: Docker;
  let dir: string;
  let out: string;
  const assets = new Map<string, ContainerAsset>();
  const made: string[] = [];

  before(async function () {
    docker = await dockerForTests(this);
    await ensureTestImage(docker);
    dir = mkdtempSync(path.join(tmpdir(), 'lb-cdk-build-'));
    const good = path.join(dir, 'good');
    const broken = path.join(dir, 'broken');
    mkdirSync(good);
    mkdirSync(broken);
    // A unique file makes a unique asset hash, so this run builds its own images (removed after).
    writeFileSync(path.join(good, 'run-id'), randomUUID());
    writeFileSync(path.join(good, 'Job.Dockerfile'), 'FROM localbatch-busybox:latest AS base\nENV STAGE=base\nFROM base AS job\nARG GREETING\nENV STAGE=job GREETING=$GREETING\nCOPY run-id /run-id\nCMD ["sh", "-c", "echo $GREETING"]\nFROM base AS other\nENV STAGE=other\n');
    writeFileSync(path.join(broken, 'run-id'), randomUUID());
    writeFileSync(path.join(broken, 'Dockerfile'), 'FROM localbatch-busybox:latest\nCOPY no-such-file /x\n');
    out = path.join(dir, 'cdk.out');
    const app = new App({ outdir: out });
    const stack = new Stack(app, 'BuildStack');
    const job = (id: string, image: ecs.ContainerImage) => new batch.EcsJobDefinition(stack, id, { jobDefinitionName: id, container: new batch.EcsEc2ContainerDefinition(stack, `${id}Container`, { image, cpu: 1, memory: Size.mebibytes(128) }) });
    job('good', ecs.ContainerImage.fromAsset(good, { file: 'Job.Dockerfile', target: 'job', buildArgs: { GREETING: 'hi from a cdk asset' } }));
    job('broken', ecs.ContainerImage.fromAsset(broken));
    app.synth();
    const manifest = readAssetManifest(JSON.parse(readFileSync(path.join(out, 'BuildStack.assets.json'), 'utf8')));
    const template = readIac(parseTemplateDocument('BuildStack.template.json', readFileSync(path.join(out, 'BuildStack.template.json'), 'utf8')))!;
    for (const r of template.resources) {
      const image = (r.value as { containerProperties?: { image?: string } }).containerProperties?.image;
      const asset = image && assetForImage(image, manifest);
      if (asset) assets.set(r.name, asset);
    }
    assert.deepEqual([...assets.keys()].sort(), ['broken', 'good']);
  });

  after(async () => {
    for (const image of made) await docker?.getImage(image).remove({ force: true }).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds with the recorded Dockerfile, target and build args, then reuses the image of an unchanged hash', async () => {
    const progress: string[] = [];
    const first = await ensureAssetImage(docker, assets.get('good')!, out, (p) => progress.push(p.message));
    made.push(first.image);
    assert.equal(first.built, true);
    assert.ok(progress.length > 0, 'build progress is reported');
    const info = await docker.getImage(first.image).inspect();
    assert.ok(info.Config.Env.includes('GREETING=hi from a cdk asset'), info.Config.Env.join(' '));
    assert.ok(info.Config.Env.includes('STAGE=job'), 'the job target, not the last stage');
    assert.equal(info.Config.Labels?.['localbatch.cdk-asset'], assets.get('good')!.hash);
    const second = await ensureAssetImage(docker, assets.get('good')!, out);
    assert.deepEqual(second, { image: first.image, built: false });
  });

  it('a broken Dockerfile rejects with the build\'s own error', async () => {
    const asset = assets.get('broken')!;
    made.push(`localbatch-cdk-asset:${asset.hash}`);
    await assert.rejects(ensureAssetImage(docker, asset, out), /no-such-file/);
  });
});
