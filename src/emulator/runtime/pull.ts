/**
 * Pulling an image through the Docker Engine API, with registry credentials when a RegistryAuth
 * answers for it (ECR), progress line by line, and the one sentence that tells a user what to do
 * when an image is neither present nor pullable.
 */
import type Docker from 'dockerode';
import type { ImageProgress } from '../batch/core/ports';
import { withDefaultTag } from './docker-spec';
import type { RegistryAuth } from './ecr-auth';

export interface PullOptions {
  readonly auth?: RegistryAuth;
  readonly onProgress?: (p: ImageProgress) => void;
}

/** Pulls `image` (tagging it with its own name when it came from another registry). Rejects with the engine's reason. */
export async function pullImage(docker: Docker, image: string, o: PullOptions = {}): Promise<void> {
  const source = (await o.auth?.(image)) ?? { ref: image };
  const ref = withDefaultTag(source.ref);
  const stream = await docker.pull(ref, source.authconfig ? { authconfig: source.authconfig } : {});
  const failure = await new Promise<string | undefined>((resolve, reject) => {
    let error: string | undefined;
    let last = '';
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve(error)),
      (e: { status?: string; progress?: string; id?: string; error?: string }) => {
        if (e.error !== undefined) error = e.error;
        const message = [e.id, e.status, e.progress].filter(Boolean).join(' ');
        // Byte counters repeat many times a second: pass each status change once.
        const key = `${e.id ?? ''} ${e.status ?? ''}`;
        if (message !== '' && o.onProgress && (key !== last || e.progress === undefined)) o.onProgress({ image, message });
        last = key;
      },
    );
  });
  if (failure !== undefined) throw new Error(failure);
  if (ref !== withDefaultTag(image) && !image.includes('@')) {
    const tagged = withDefaultTag(image);
    const colon = tagged.lastIndexOf(':');
    await docker.getImage(ref).tag({ repo: tagged.slice(0, colon), tag: tagged.slice(colon + 1) });
  }
}

/** The default base image `localbatch images seed` makes: Docker Hub's name, so a connected machine simply pulls it. */
export const SEED_IMAGE = 'busybox:latest';

/** True for the image names `localbatch images seed` can provide. */
export function isSeedImage(image: string): boolean {
  return withDefaultTag(image.replace(/^(docker\.io\/)?(library\/)?/, '')) === SEED_IMAGE;
}

/** What to do about an image that is missing locally and could not be pulled. */
export function missingImageHint(image: string): string {
  const ways = [
    ...(isSeedImage(image) ? ["run `localbatch images seed` (builds it from the host's busybox-static)"] : []),
    `pull or load it (docker pull ${image})`,
    'list it under images: in localbatch.yaml to build it from a Dockerfile',
    `run a local image instead with imageOverrides: { "${image}": "<local image>" } in localbatch.yaml`,
  ];
  return `It is not in the local Docker engine and cannot be pulled; to fix: ${ways.join(', or ')}.`;
}
