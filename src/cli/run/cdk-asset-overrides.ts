/**
 * Before a run starts anything: job definitions of a CDK stack (`cdk.out/<Stack>.template.json`)
 * whose image is one of the stack's container image assets (`cdk.out/<Stack>.assets.json`,
 * `dockerImages`) get that image made locally (runtime/cdk-asset-images.ts: built from
 * `cdk.out/<source.directory>` with the recorded options, or by the asset's command; reused when its
 * asset hash was made before), and the run uses it through the same
 * mechanism as localbatch.yaml's `imageOverrides`: DescribeJobs still shows the definition's image.
 * A build failure stops the run before any job starts, with the build's own error.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { imagesOf } from '../../deploy/images';
import type { JsonObject } from '../../model/definition-normalize';
import { assetForImage, readAssetManifest, type AssetManifest } from '../../model/iac/cdk-assets';
import { asStr } from '../../model/values';
import type { DefinitionEntry, Workspace } from '../../model/workspace';
import { assetImageName, ensureAssetImage } from '../../emulator/runtime/cdk-asset-images';
import { dockerMessage } from '../../emulator/runtime/docker';
import { loadWorkspace } from '../../node/load-workspace';
import { assetManifestFileFor } from '../../node/cdk-asset-manifest';
import { CliError } from '../errors';
import type { RunTarget } from './execute';

/**
 * Builds every asset image the definitions name and returns definition image → local image (merge it
 * into imageOverrides). Definitions that are no resource of a CDK template, and images that are no
 * asset, are left alone. Throws a CliError (exit 1) naming the job definition when a build fails.
 */
export async function buildCdkAssetImages(docker: Docker, definitions: readonly DefinitionEntry[], say: (line: string) => void): Promise<Record<string, string>> {
  const overrides: Record<string, string> = {};
  const manifests = new Map<string, AssetManifest | undefined>();
  const done = new Map<string, string>();
  for (const def of definitions) {
    if (!def.origin) continue;
    const manifestFile = assetManifestFileFor(path.resolve(def.doc.file));
    if (!manifestFile) continue;
    if (!manifests.has(manifestFile)) {
      let manifest: AssetManifest | undefined;
      try {
        manifest = readAssetManifest(JSON.parse(readFileSync(manifestFile, 'utf8')), path.basename(manifestFile));
      } catch (err) {
        throw new CliError(`cannot read ${manifestFile}: ${(err as Error).message}; run \`cdk synth\` again. Nothing was run.`, 1);
      }
      for (const p of manifest.problems) say(`warning: ${p}`);
      manifests.set(manifestFile, manifest);
    }
    const manifest = manifests.get(manifestFile)!;
    for (const image of imagesOf(def.value as unknown as JsonObject)) {
      const asset = assetForImage(image, manifest);
      if (!asset) continue;
      const known = done.get(asset.hash);
      if (known) {
        overrides[image] = known;
        continue;
      }
      const label = asset.displayName ?? asset.hash;
      const cdkOut = path.dirname(manifestFile);
      let result: { image: string; built: boolean };
      try {
        say(`CDK asset ${label} (image of job definition ${def.name}): ${assetImageName(asset)}…`);
        result = await ensureAssetImage(docker, asset, cdkOut, (p) => say(`  ${p.message}`));
      } catch (err) {
        const from = asset.source.directory ? `from ${path.join(cdkOut, asset.source.directory)}` : `with its command (run in ${cdkOut})`;
        throw new CliError(`cannot build CDK asset ${label}, the image of job definition ${def.name}, ${from}: ${dockerMessage(err)}. Fix it, run \`cdk synth\` again, then run again. Nothing was run.`, 1);
      }
      say(result.built ? `Built ${result.image} for ${def.name}` : `Reusing ${result.image} for ${def.name} (asset ${asset.hash} unchanged since it was built)`);
      done.set(asset.hash, result.image);
      overrides[image] = result.image;
    }
  }
  return overrides;
}

/** The job definitions a run target uses (a workflow's, or the one definition). */
export function targetDefinitions(ws: Workspace, target: RunTarget): DefinitionEntry[] {
  if (target.kind === 'jobDefinition') return [target.definition];
  const out = new Map<string, DefinitionEntry>();
  for (const job of target.workflow.jobs) {
    const jd = ws.jobDefinition(asStr(job.value.jobDefinition) ?? '');
    if (jd) out.set(jd.name, jd);
  }
  return [...out.values()];
}

/**
 * A `localbatch serve` that was already running has its own imageOverrides: the built image is also
 * tagged with the definition's image name, so that server finds it locally instead of pulling it.
 */
export async function tagForRunningServer(docker: Docker, overrides: Readonly<Record<string, string>>, say: (line: string) => void): Promise<void> {
  for (const [named, local] of Object.entries(overrides)) {
    const colon = named.lastIndexOf(':');
    if (colon <= named.lastIndexOf('/')) continue;
    try {
      await docker.getImage(local).tag({ repo: named.slice(0, colon), tag: named.slice(colon + 1) });
      say(`Tagged ${local} as ${named} (for a running localbatch serve)`);
    } catch (err) {
      throw new CliError(`cannot tag ${local} as ${named} for the running localbatch serve: ${dockerMessage(err)}. Stop it (localbatch stop) and run again. Nothing was run.`, 1);
    }
  }
}

/** `localbatch images cdk-assets`: builds the assets a template's job definitions use and tags them by the definitions' image names. */
export async function buildTemplateAssets(docker: Docker, templateFile: string, say: (line: string) => void): Promise<string[]> {
  if (!existsSync(templateFile)) throw new CliError(`no such file: ${templateFile}`, 2);
  const loaded = await loadWorkspace(path.dirname(templateFile), process.cwd());
  const defs = [...loaded.workspace.jobDefinitions.values()].filter((d) => d.origin && path.resolve(d.doc.file) === templateFile);
  const overrides = await buildCdkAssetImages(docker, defs, say);
  await tagForRunningServer(docker, overrides, say);
  return Object.keys(overrides);
}
