/**
 * Images of deployed job definitions. AWS pulls images from a registry, so an image built locally
 * (listed under `images:` in localbatch.yaml) or named without a registry host gets a warning. With
 * `--push-images` such an image is built (when localbatch.yaml lists it), tagged for the account's
 * ECR repository of the same name (created when missing), pushed through dockerode with ECR's
 * authorization token, and the pushed URI replaces the image in the registered definition.
 *
 * Seam for tests: `registry` overrides the host that GetAuthorizationToken's proxyEndpoint names
 * (moto answers with `<account>.dkr.ecr.<region>.amazonaws.com`, which is not reachable here); the
 * CLI reads it from LOCALBATCH_ECR_REGISTRY_OVERRIDE. Leave it unset against AWS.
 */
import path from 'node:path';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, GetAuthorizationTokenCommand, type ECRClient } from '@aws-sdk/client-ecr';
import type Docker from 'dockerode';
import type { LocalImage } from '../model/types';
import { buildImage, imageExists } from '../emulator/runtime/images';
import { isObject, type Json, type JsonObject } from '../model/definition-normalize';

/** One warning per image (however many job definitions use it), so the plan says each thing once. */
export interface ImageWarning {
  readonly jobDefinitions: readonly string[];
  readonly image: string;
  readonly message: string;
}

/** Every image of a job definition request (container, multi-node, ECS and EKS properties), in order. */
export function imagesOf(request: JsonObject): string[] {
  const out: string[] = [];
  walkImages(request, (img) => {
    out.push(img);
    return img;
  });
  return [...new Set(out)];
}

/** A copy of the request with each image mapped through `map` (images absent from it are kept). */
export function substituteImages(request: JsonObject, map: ReadonlyMap<string, string>): JsonObject {
  const copy = JSON.parse(JSON.stringify(request)) as JsonObject;
  walkImages(copy, (img) => map.get(img) ?? img);
  return copy;
}

function walkImages(node: Json, fn: (image: string) => string, key?: string): void {
  if (Array.isArray(node)) node.forEach((n) => walkImages(n, fn));
  else if (isObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'image' && typeof v === 'string' && key !== 'parameters') node[k] = fn(v);
      else if (k !== 'parameters' && k !== 'tags') walkImages(v, fn, k);
    }
  }
}

/** The registry host of an image reference (`123.dkr.ecr…`, `localhost:5000`), or undefined for Docker Hub names. */
export function registryHost(image: string): string | undefined {
  const slash = image.indexOf('/');
  if (slash < 0) return undefined;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}

export function imageWarnings(jobDefinitions: ReadonlyArray<{ name: string; request: JsonObject }>, localImages: readonly LocalImage[]): ImageWarning[] {
  const built = new Set(localImages.map((i) => i.name));
  const users = new Map<string, string[]>();
  for (const jd of jobDefinitions) {
    for (const image of imagesOf(jd.request)) {
      if (!built.has(image) && (registryHost(image) !== undefined || image.startsWith('resolve:ssm:'))) continue;
      const names = users.get(image) ?? [];
      if (!names.includes(jd.name)) names.push(jd.name);
      users.set(image, names);
    }
  }
  return [...users].map(([image, names]) => {
    const of = `image ${image} of job definition${names.length === 1 ? '' : 's'} ${names.join(', ')}`;
    const message = built.has(image)
      ? `${of} is built locally (localbatch.yaml): AWS cannot pull it; pass --push-images to push it to ECR`
      : `${of} names no registry host: AWS pulls it from Docker Hub, which works only for public images (and is rate-limited); a local image of that name cannot be pulled: pass --push-images to push it to ECR`;
    return { jobDefinitions: names, image, message };
  });
}

export interface PushOptions {
  readonly docker: Docker;
  readonly ecr: ECRClient;
  /** Images to push (those with warnings). */
  readonly images: readonly string[];
  readonly localImages: readonly LocalImage[];
  /** Folder holding localbatch.yaml (contexts are relative to it). */
  readonly root: string;
  /** Registry host to push to instead of ECR's proxyEndpoint (tests only; see the file comment). */
  readonly registry?: string;
  readonly onProgress?: (line: string) => void;
}

/** Repository name and tag for an image reference: `team/app:1.2` → [`team/app`, `1.2`]. */
export function repositoryAndTag(image: string): [string, string] {
  const noDigest = image.split('@')[0];
  const host = registryHost(noDigest);
  const rest = host ? noDigest.slice(host.length + 1) : noDigest;
  const colon = rest.lastIndexOf(':');
  return colon > rest.lastIndexOf('/') && colon >= 0 ? [rest.slice(0, colon).toLowerCase(), rest.slice(colon + 1)] : [rest.toLowerCase(), 'latest'];
}

/** Builds and pushes; resolves to image → pushed URI. Images neither listed nor present locally are left as they are. */
export async function pushImages(o: PushOptions): Promise<Map<string, string>> {
  const say = o.onProgress ?? (() => undefined);
  const pushed = new Map<string, string>();
  if (o.images.length === 0) return pushed;
  const auth = await o.ecr.send(new GetAuthorizationTokenCommand({}));
  const data = auth.authorizationData?.[0];
  if (!data?.authorizationToken) throw new Error('ECR returned no authorization token');
  const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
  const sep = decoded.indexOf(':');
  const authconfig = { username: decoded.slice(0, sep), password: decoded.slice(sep + 1), serveraddress: '' };
  const registry = o.registry ?? new URL(data.proxyEndpoint ?? '').host;
  authconfig.serveraddress = registry;
  for (const image of o.images) {
    const local = o.localImages.find((i) => i.name === image);
    if (local) {
      say(`building ${image} from ${local.context}`);
      await buildImage(o.docker, { name: image, contextDir: path.resolve(o.root, local.context), dockerfile: local.dockerfile, buildArgs: local.buildArgs }, (p) => say(`  ${p.message}`));
    } else if (!(await imageExists(o.docker, image))) {
      say(`not pushing ${image}: it is not built locally nor present in the local Docker engine`);
      continue;
    }
    const [repo, tag] = repositoryAndTag(image);
    await ensureRepository(o.ecr, repo, say);
    const target = `${registry}/${repo}`;
    await o.docker.getImage(image).tag({ repo: target, tag });
    say(`pushing ${target}:${tag}`);
    const stream = await o.docker.getImage(`${target}:${tag}`).push({ tag, authconfig });
    await new Promise<void>((resolve, reject) => {
      let failure: string | undefined;
      o.docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : failure ? reject(new Error(`pushing ${target}:${tag} failed: ${failure}`)) : resolve()),
        (e: { status?: string; id?: string; progress?: string; error?: string; errorDetail?: { message?: string } }) => {
          if (e.error) failure = e.errorDetail?.message ?? e.error;
          else if (e.status && !e.progress) say(`  ${e.id ? `${e.id}: ` : ''}${e.status}`);
        },
      );
    });
    pushed.set(image, `${target}:${tag}`);
  }
  return pushed;
}

async function ensureRepository(ecr: ECRClient, repositoryName: string, say: (line: string) => void): Promise<void> {
  try {
    await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }));
  } catch (err) {
    if ((err as { name?: string }).name !== 'RepositoryNotFoundException') throw err;
    say(`creating ECR repository ${repositoryName}`);
    await ecr.send(new CreateRepositoryCommand({ repositoryName }));
  }
}
