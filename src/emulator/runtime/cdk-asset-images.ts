/**
 * Makes a CDK container image asset (model/iac/cdk-assets.ts) on the local Docker engine, tagged by
 * its asset hash so an unchanged asset is made once and reused (the hash covers the context and the
 * options; for an `executable` source, the hash the CDK recorded). A directory asset is built from
 * `cdk.out/<source.directory>` with the options the CDK recorded, through the Engine API, or with
 * `docker buildx build` when it needs BuildKit (build secrets, ssh, build contexts); an executable
 * source runs its command in cdk.out and the image it prints is tagged (cdk-asset-commands.ts).
 * A failure rejects with the build's or the command's own error.
 */
import path from 'node:path';
import type Docker from 'dockerode';
import type { ImageProgress } from '../batch/core/ports';
import type { ContainerAsset } from '../../model/iac/cdk-assets';
import { buildImage, imageExists } from './images';
import { buildKitOptions, buildxArgs, commandLine, dockerCli, printedImageName, runCommand } from './cdk-asset-commands';

const REPOSITORY = 'localbatch-cdk-asset';

/** The local tag of an asset's image. */
export function assetImageName(asset: ContainerAsset): string {
  return `${REPOSITORY}:${asset.hash}`;
}

/** Builds the asset's image unless one with its hash exists; resolves to its local name and whether it was built now. */
export async function ensureAssetImage(docker: Docker, asset: ContainerAsset, cdkOut: string, onProgress?: (p: ImageProgress) => void): Promise<{ image: string; built: boolean }> {
  const image = assetImageName(asset);
  const say = (message: string) => onProgress?.({ image, message });
  if (await imageExists(docker, image)) return { image, built: false };
  const { source } = asset;
  if (!source.directory) {
    await fromExecutable(docker, asset, cdkOut, say);
    return { image, built: true };
  }
  const contextDir = path.resolve(cdkOut, source.directory);
  if (path.relative(path.resolve(cdkOut), contextDir).startsWith('..')) throw new Error(`CDK asset ${asset.hash}: its directory ${source.directory} is outside ${cdkOut}; run \`cdk synth\` again`);
  const labels = { 'localbatch.cdk-asset': asset.hash };
  const needs = buildKitOptions(source);
  if (needs.length > 0) {
    await buildWithBuildx(asset, contextDir, image, labels, needs, say);
    return { image, built: true };
  }
  await buildImage(docker, {
    name: image,
    contextDir,
    dockerfile: source.dockerFile,
    buildArgs: source.dockerBuildArgs,
    target: source.dockerBuildTarget,
    platform: source.platform,
    networkMode: source.networkMode,
    labels,
  }, onProgress);
  return { image, built: true };
}

/** Runs the asset's command in cdk.out and tags the image it printed (its last line) with the asset's local name. */
async function fromExecutable(docker: Docker, asset: ContainerAsset, cdkOut: string, say: (line: string) => void): Promise<void> {
  const argv = asset.source.executable ?? [];
  if (argv.length === 0) throw new Error('its source names neither a directory nor a command; run `cdk synth` again');
  const shown = commandLine(argv);
  say(`running ${shown} (in ${cdkOut})`);
  const r = await runCommand(argv, cdkOut, say);
  if (r.startError) throw new Error(`cannot run ${shown}: ${r.startError.code === 'ENOENT' ? `${argv[0]} is not on PATH` : r.startError.message}; install it or put it on PATH`);
  if (r.code !== 0) throw new Error(`${shown} exited with ${r.code ?? 'a signal'}${r.stderrTail ? `: ${r.stderrTail}` : ''}`);
  const printed = printedImageName(r.stdout);
  if (!printed) throw new Error(`${shown} printed no image name (the CDK takes its last line of output as the image)`);
  if (!(await imageExists(docker, printed))) throw new Error(`${shown} printed ${printed}, which is no image on this Docker engine (the CDK takes the command's last line of output as the image)`);
  await docker.getImage(printed).tag({ repo: REPOSITORY, tag: asset.hash });
  say(`tagged ${printed} as ${assetImageName(asset)}`);
}

/** Builds with `docker buildx build --load` in the asset's directory; a clear message when buildx is missing. */
async function buildWithBuildx(asset: ContainerAsset, contextDir: string, image: string, labels: Record<string, string>, needs: string[], say: (line: string) => void): Promise<void> {
  const docker = dockerCli();
  const why = `it uses ${needs.join(', ')}, which need BuildKit`;
  const probe = await runCommand([docker, 'buildx', 'version'], contextDir, () => undefined);
  if (probe.startError || probe.code !== 0) {
    const reason = probe.startError
      ? probe.startError.code === 'ENOENT' ? `the docker CLI (${docker}) is not on PATH` : probe.startError.message
      : `\`${docker} buildx version\` failed${probe.stderrTail ? `: ${probe.stderrTail}` : ''}`;
    throw new Error(`${why}; localbatch builds such assets with \`docker buildx build\`, but ${reason}. Install the Docker CLI with its buildx plugin (Docker Desktop, or the docker-buildx-plugin package; CDK_DOCKER may name the CLI), or build the image yourself and name it under imageOverrides in localbatch.yaml`);
  }
  const argv = [docker, ...buildxArgs(asset.source, image, labels)];
  say(`${why}: ${commandLine(argv)} (in ${contextDir})`);
  const r = await runCommand(argv, contextDir, say);
  if (r.startError) throw new Error(`cannot run ${docker}: ${r.startError.message}`);
  if (r.code !== 0) throw new Error(`docker buildx build exited with ${r.code ?? 'a signal'}${r.stderrTail ? `: ${r.stderrTail}` : ''}`);
}
