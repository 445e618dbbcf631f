/**
 * CDK container image assets read from a real synth (aws-cdk-lib in-process `app.synth()`, offline):
 * the stack's `*.assets.json` `dockerImages` with their build options, and the job definition image
 * the template names resolved back to its asset; a registry image is no asset.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Size, Stack } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { parseTemplateDocument, readIac } from '../../src/model/iac';
import { assetForImage, readAssetManifest } from '../../src/model/iac/cdk-assets';

describe('CDK container image assets from a real synth (integration, offline)', function () {
  this.timeout(300_000);
  let dir: string;
  let out: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-cdk-assets-'));
    const appDir = path.join(dir, 'app');
    mkdirSync(appDir);
    writeFileSync(path.join(appDir, 'Dockerfile'), 'FROM localbatch-busybox:latest\nCMD ["echo", "hello from the default Dockerfile"]\n');
    writeFileSync(path.join(appDir, 'Job.Dockerfile'), 'FROM localbatch-busybox:latest AS base\nFROM base AS job\nARG GREETING\nCMD ["sh", "-c", "echo $GREETING"]\n');
    out = path.join(dir, 'cdk.out');
    const app = new App({ outdir: out });
    // No env: destinations keep ${AWS::AccountId} / ${AWS::Region} placeholders.
    const stack = new Stack(app, 'AssetStack');
    const ec2 = new batch.EcsEc2ContainerDefinition(stack, 'Ec2Container', {
      image: ecs.ContainerImage.fromAsset(appDir, { file: 'Job.Dockerfile', target: 'job', buildArgs: { GREETING: 'hi from an asset' } }),
      cpu: 1, memory: Size.mebibytes(256),
    });
    new batch.EcsJobDefinition(stack, 'FromAsset', { jobDefinitionName: 'from-asset', container: ec2 });
    const fargate = new batch.EcsFargateContainerDefinition(stack, 'FargateContainer', { image: ecs.ContainerImage.fromAsset(appDir), cpu: 0.25, memory: Size.mebibytes(512) });
    new batch.EcsJobDefinition(stack, 'FargateAsset', { jobDefinitionName: 'fargate-asset', container: fargate });
    const registry = new batch.EcsEc2ContainerDefinition(stack, 'RegistryContainer', { image: ecs.ContainerImage.fromRegistry('localbatch-busybox:latest'), cpu: 1, memory: Size.mebibytes(256) });
    new batch.EcsJobDefinition(stack, 'FromRegistry', { jobDefinitionName: 'from-registry', container: registry });
    app.synth();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads dockerImages with their build options, and maps each job definition image to its asset', () => {
    const manifest = readAssetManifest(JSON.parse(readFileSync(path.join(out, 'AssetStack.assets.json'), 'utf8')), 'AssetStack.assets.json');
    assert.deepEqual(manifest.problems, []);
    assert.equal(manifest.images.size, 2, 'two different assets (Dockerfile, target and args differ)');
    const template = readIac(parseTemplateDocument('cdk.out/AssetStack.template.json', readFileSync(path.join(out, 'AssetStack.template.json'), 'utf8')))!;
    const imageOf = (name: string) => {
      const r = template.resources.find((x) => x.name === name);
      assert.ok(r, name);
      return String((r.value as { containerProperties: { image: string } }).containerProperties.image);
    };
    const ec2 = assetForImage(imageOf('from-asset'), manifest);
    assert.ok(ec2, imageOf('from-asset'));
    assert.equal(ec2.source.dockerFile, 'Job.Dockerfile');
    assert.equal(ec2.source.dockerBuildTarget, 'job');
    assert.deepEqual(ec2.source.dockerBuildArgs, { GREETING: 'hi from an asset' });
    assert.ok(existsSync(path.join(out, ec2.source.directory!, 'Job.Dockerfile')), 'the build context is in cdk.out');
    assert.match(imageOf('from-asset'), new RegExp(`container-assets-.*:${ec2.hash}$`));
    const fargate = assetForImage(imageOf('fargate-asset'), manifest);
    assert.ok(fargate);
    assert.notEqual(fargate.hash, ec2.hash);
    assert.equal(fargate.source.dockerFile, undefined);
    assert.equal(assetForImage(imageOf('from-registry'), manifest), undefined, 'a registry image is no asset');
    assert.equal(assetForImage(imageOf('from-asset').replace(/:[^:]+$/, ':0000'), manifest), undefined, 'another tag is no asset');
  });

  it('reports a manifest it cannot read, saying what to do', () => {
    assert.match(readAssetManifest('nope', 'x.assets.json').problems[0], /run `cdk synth` again/);
    assert.match(readAssetManifest({ dockerImages: { abc: { source: {} } } }, 'x.assets.json').problems[0], /neither a directory nor an executable/);
    assert.deepEqual(readAssetManifest({ version: '55.0.0', files: {} }).images.size, 0);
  });
});
