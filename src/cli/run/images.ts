/**
 * Before a run submits anything: the images localbatch.yaml lists are built (their base images
 * pulled, or seeded offline), and every other image the run's job definitions name (after
 * imageOverrides) is pulled when missing, with progress, so a missing image stops the run with one
 * message naming it and the fix instead of failing every job with CannotPullContainerError.
 */
import type Docker from 'dockerode';
import { referencedDefinitions } from '../../client/workflow-run';
import { imagesOf } from '../../deploy/images';
import type { JsonObject } from '../../model/definition-normalize';
import { imageToRun } from '../../emulator/batch/core/images';
import { dockerMessage } from '../../emulator/runtime/docker';
import { withDefaultTag } from '../../emulator/runtime/docker-spec';
import { registryAuthFromSettings } from '../../emulator/runtime/ecr-auth';
import { imageExists } from '../../emulator/runtime/images';
import { buildLocalImages } from '../../emulator/runtime/local-images';
import { missingImageHint, pullImage } from '../../emulator/runtime/pull';
import type { LocalSettingsFile } from '../../model/types';
import type { Workspace } from '../../model/workspace';
import { CliError } from '../errors';
import type { RunTarget } from './execute';

export interface PrepareImagesContext {
  readonly docker: Docker;
  readonly workspace: Workspace;
  readonly workspaceRoot: string;
  readonly target: RunTarget;
  readonly settings?: LocalSettingsFile;
  readonly say: (line: string) => void;
}

/** Builds the images localbatch.yaml lists (state machine runs too: their jobs' images may be among them). */
export async function buildListedImages(docker: Docker, settings: LocalSettingsFile | undefined, workspaceRoot: string, say: (line: string) => void): Promise<void> {
  try {
    await buildLocalImages(docker, { images: settings?.images ?? [], root: workspaceRoot, auth: registryAuthFromSettings(settings), say });
  } catch (err) {
    throw new CliError((err as Error).message, 1);
  }
}

export async function prepareImages(ctx: PrepareImagesContext): Promise<void> {
  const auth = registryAuthFromSettings(ctx.settings);
  const local = ctx.settings?.images ?? [];
  await buildListedImages(ctx.docker, ctx.settings, ctx.workspaceRoot, ctx.say);
  const built = new Set(local.map((i) => withDefaultTag(i.name)));
  const definitions =
    ctx.target.kind === 'workflow'
      ? referencedDefinitions(ctx.workspace, ctx.target.workflow).jobDefinitions.map((d) => ({ name: d.jobDefinitionName ?? '', request: d as unknown as JsonObject }))
      : [{ name: ctx.target.definition.name, request: ctx.target.definition.value as unknown as JsonObject }];
  const seen = new Set<string>();
  for (const def of definitions) {
    for (const named of imagesOf(def.request)) {
      const image = imageToRun(named, ctx.settings?.imageOverrides);
      if (seen.has(image) || built.has(withDefaultTag(image)) || image.startsWith('resolve:') || image.includes('Ref::')) continue;
      seen.add(image);
      if (await imageExists(ctx.docker, image)) continue;
      ctx.say(`Pulling image ${image}${image !== named ? ` (imageOverrides for ${named})` : ''}…`);
      try {
        await pullImage(ctx.docker, image, { auth, onProgress: (p) => ctx.say(`  ${p.message}`) });
      } catch (err) {
        const via = image !== named ? ` (its imageOverrides entry for ${named})` : '';
        throw new CliError(`image ${image} of job definition ${def.name}${via} cannot be used: ${dockerMessage(err)}. ${missingImageHint(image)} Nothing was run.`, 1);
      }
    }
  }
}
