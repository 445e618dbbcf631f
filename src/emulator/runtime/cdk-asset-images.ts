/**
 * Builds a CDK container image asset (model/iac/cdk-assets.ts) on the local Docker engine, from
 * `cdk.out/<source.directory>` with the options the CDK recorded, tagged by its asset hash so an
 * unchanged asset is built once and reused (the hash covers the context and the options). A failed
 * build rejects with the build's own error. Not handled yet: `executable` sources and
 * `dockerBuildSecrets` (these need BuildKit); both reject with a message saying so.
 */
import path from 'node:path';
import type Docker from 'dockerode';
import type { ImageProgress } from '../batch/core/ports';
import type { ContainerAsset } from '../../model/iac/cdk-assets';
import { buildImage, imageExists } from './images';

/** The local tag of an asset's image. */
export function assetImageName(asset: ContainerAsset): string {
  return `localbatch-cdk-asset:${asset.hash}`;
}

/** Builds the asset's image unless one with its hash exists; resolves to its local name and whether it was built now. */
export async function ensureAssetImage(docker: Docker, asset: ContainerAsset, cdkOut: string, onProgress?: (p: ImageProgress) => void): Promise<{ image: string; built: boolean }> {
  const image = assetImageName(asset);
  const { source } = asset;
  if (!source.directory) throw new Error(`CDK asset ${asset.displayName ?? asset.hash} is built by a command (executable source); localbatch builds only directory assets yet: build it yourself and use imageOverrides`);
  if (source.dockerBuildSecrets && Object.keys(source.dockerBuildSecrets).length > 0) throw new Error(`CDK asset ${asset.displayName ?? asset.hash} uses build secrets, which need BuildKit; localbatch cannot build it yet: build it yourself and use imageOverrides`);
  if (await imageExists(docker, image)) return { image, built: false };
  const contextDir = path.resolve(cdkOut, source.directory);
  if (path.relative(path.resolve(cdkOut), contextDir).startsWith('..')) throw new Error(`CDK asset ${asset.hash}: its directory ${source.directory} is outside ${cdkOut}; run \`cdk synth\` again`);
  await buildImage(docker, {
    name: image,
    contextDir,
    dockerfile: source.dockerFile,
    buildArgs: source.dockerBuildArgs,
    target: source.dockerBuildTarget,
    platform: source.platform,
    networkMode: source.networkMode,
    labels: { 'localbatch.cdk-asset': asset.hash },
  }, onProgress);
  return { image, built: true };
}
