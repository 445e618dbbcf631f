/**
 * Builds the images `localbatch.yaml` lists under `images:`, in an order where an entry built FROM
 * another entry comes after it. A base image the engine lacks is pulled first (with credentials for
 * ECR); the seed image (busybox:latest) is built from the host's busybox when it cannot be pulled;
 * any other missing base stops the build with one message naming it and what to do.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import type { LocalImage } from '../../model/types';
import { dockerMessage } from './docker';
import { withDefaultTag } from './docker-spec';
import { dockerfileBaseImages } from './dockerfile';
import type { RegistryAuth } from './ecr-auth';
import { buildImage, imageExists } from './images';
import { isSeedImage, pullImage } from './pull';
import { seedBaseImage } from './seed';

export interface BuildLocalImagesOptions {
  readonly images: readonly LocalImage[];
  /** Folder holding localbatch.yaml (contexts are relative to it). */
  readonly root: string;
  readonly auth?: RegistryAuth;
  /** Progress, one line at a time. */
  readonly say: (line: string) => void;
}

export class ImageBuildError extends Error {}

export async function buildLocalImages(docker: Docker, o: BuildLocalImagesOptions): Promise<void> {
  const byName = new Map(o.images.map((i) => [withDefaultTag(i.name), i]));
  const done = new Map<LocalImage, Promise<void>>();
  const checkedBases = new Map<string, Promise<void>>();

  const build = (image: LocalImage, chain: readonly string[]): Promise<void> => {
    if (chain.includes(image.name)) throw new ImageBuildError(`images: in localbatch.yaml build FROM each other in a cycle: ${[...chain, image.name].join(' → ')}`);
    let p = done.get(image);
    if (!p) {
      p = (async () => {
        const contextDir = path.resolve(o.root, image.context);
        const dockerfile = path.join(contextDir, image.dockerfile ?? 'Dockerfile');
        let text: string;
        try {
          text = await fsp.readFile(dockerfile, 'utf8');
        } catch (err) {
          throw new ImageBuildError(`Cannot build image ${image.name}: cannot read its Dockerfile ${dockerfile} (${(err as Error).message})`);
        }
        for (const base of dockerfileBaseImages(text, image.buildArgs)) {
          const entry = byName.get(withDefaultTag(base));
          if (entry) await build(entry, [...chain, image.name]);
          else {
            let checked = checkedBases.get(base);
            if (!checked) checkedBases.set(base, (checked = ensureBase(docker, base, image, dockerfile, o)));
            await checked;
          }
        }
        o.say(`Building image ${image.name} from ${image.context}…`);
        await buildImage(docker, { name: image.name, contextDir, dockerfile: image.dockerfile, buildArgs: image.buildArgs }, (p) => {
          if (/^Step \d+\/\d+/.test(p.message)) o.say(`  ${p.message}`);
        });
      })();
      done.set(image, p);
    }
    return p;
  };
  for (const image of o.images) await build(image, []);
}

async function ensureBase(docker: Docker, base: string, image: LocalImage, dockerfile: string, o: BuildLocalImagesOptions): Promise<void> {
  if (await imageExists(docker, base)) return;
  o.say(`Pulling base image ${base} of ${image.name}…`);
  try {
    await pullImage(docker, base, { auth: o.auth, onProgress: (p) => o.say(`  ${p.message}`) });
    return;
  } catch (err) {
    const reason = dockerMessage(err);
    if (isSeedImage(base)) {
      o.say(`  ${base} cannot be pulled (${reason}): building it from this machine's busybox instead, as \`localbatch images seed\` does`);
      await seedBaseImage(docker, { name: base, pull: false, say: (line) => o.say(`  ${line}`) });
      return;
    }
    throw new ImageBuildError(
      `Cannot build image ${image.name}: its base image ${base} (FROM in ${path.relative(o.root, dockerfile) || dockerfile}) is not in the local Docker engine and cannot be pulled (${reason}). ` +
        `To fix: pull or load it where a registry is reachable (docker pull ${base}, or docker save / docker load), list an image named ${base} under images: in localbatch.yaml so it is built first, ` +
        'or build FROM busybox:latest, which `localbatch images seed` makes from the host\'s busybox-static.',
    );
  }
}
