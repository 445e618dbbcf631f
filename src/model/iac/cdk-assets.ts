/**
 * CDK container image assets (issue 21, first part): `cdk.out/<stack>.assets.json` lists under
 * `dockerImages` every image `ecs.ContainerImage.fromAsset()` made, by asset hash, with how to build it
 * (`source`) and where `cdk deploy` publishes it (`destinations`: an ECR repository and the hash as
 * tag). A job definition's image that names one of those destinations is that asset: localbatch can
 * build it from `cdk.out/<source.directory>` instead of pulling an image that exists only after deploy.
 * Pure: takes parsed JSON, returns data and problems.
 */
import { asStr, isObj, type Obj } from '../values';

/** How to build a container image asset (the manifest's `source`), as the CDK writes it. */
export interface ContainerAssetSource {
  /** Build context, relative to the cloud assembly folder (cdk.out). */
  readonly directory?: string;
  /** Dockerfile path relative to the context (default Dockerfile). */
  readonly dockerFile?: string;
  readonly dockerBuildArgs?: Readonly<Record<string, string>>;
  readonly dockerBuildTarget?: string;
  /** `id` → `type=…,src=…` docker build --secret specs (BuildKit). */
  readonly dockerBuildSecrets?: Readonly<Record<string, string>>;
  /** docker build --ssh spec (BuildKit). */
  readonly dockerBuildSsh?: string;
  /** name → path: docker build --build-context (BuildKit). */
  readonly dockerBuildContexts?: Readonly<Record<string, string>>;
  readonly platform?: string;
  readonly networkMode?: string;
  /** A command that builds (or finds) the image and prints its name, run in cdk.out, instead of a directory. */
  readonly executable?: readonly string[];
}

export interface ContainerAsset {
  /** The asset hash: the manifest key, and the image tag of every destination. */
  readonly hash: string;
  readonly displayName?: string;
  readonly source: ContainerAssetSource;
  /** `repositoryName:imageTag` of each destination, `${AWS::…}` placeholders left in. */
  readonly destinations: readonly { readonly repositoryName: string; readonly imageTag: string }[];
}

export interface AssetManifest {
  readonly images: ReadonlyMap<string, ContainerAsset>;
  /** What could not be read, as messages that say what to do. */
  readonly problems: readonly string[];
}

const strings = (v: unknown): Record<string, string> | undefined => {
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
};

/** The `dockerImages` of a parsed `*.assets.json`. */
export function readAssetManifest(json: unknown, file = 'assets.json'): AssetManifest {
  const images = new Map<string, ContainerAsset>();
  const problems: string[] = [];
  if (!isObj(json)) return { images, problems: [`${file} is not a CDK asset manifest (a JSON object); run \`cdk synth\` again`] };
  const docker = json.dockerImages;
  if (docker === undefined) return { images, problems };
  if (!isObj(docker)) return { images, problems: [`${file}: dockerImages is not an object; run \`cdk synth\` again`] };
  for (const [hash, entry] of Object.entries(docker)) {
    const src = isObj(entry) && isObj(entry.source) ? (entry.source as Obj) : undefined;
    if (!src) {
      problems.push(`${file}: dockerImages.${hash} has no source; run \`cdk synth\` again`);
      continue;
    }
    const executable = Array.isArray(src.executable) && src.executable.every((x) => typeof x === 'string') ? (src.executable as string[]) : undefined;
    const directory = asStr(src.directory);
    if (!directory && !executable) {
      problems.push(`${file}: dockerImages.${hash}.source names neither a directory nor an executable; run \`cdk synth\` again`);
      continue;
    }
    const source: ContainerAssetSource = {
      directory,
      executable,
      dockerFile: asStr(src.dockerFile),
      dockerBuildArgs: strings(src.dockerBuildArgs),
      dockerBuildTarget: asStr(src.dockerBuildTarget),
      dockerBuildSecrets: strings(src.dockerBuildSecrets),
      dockerBuildSsh: asStr(src.dockerBuildSsh),
      dockerBuildContexts: strings(src.dockerBuildContexts),
      platform: asStr(src.platform),
      networkMode: asStr(src.networkMode),
    };
    const destinations = Object.values(isObj((entry as Obj).destinations) ? ((entry as Obj).destinations as Obj) : {}).flatMap((d) => {
      const repositoryName = isObj(d) ? asStr(d.repositoryName) : undefined;
      return repositoryName ? [{ repositoryName, imageTag: (isObj(d) ? asStr(d.imageTag) : undefined) ?? hash }] : [];
    });
    images.set(hash, { hash, displayName: asStr((entry as Obj).displayName), source, destinations });
  }
  return { images, problems };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A destination's repository name as a pattern: `${AWS::AccountId}` and friends match any value. */
function repositoryPattern(name: string): RegExp {
  return new RegExp(`^${name.split(/\$\{AWS::[A-Za-z]+\}/).map(escapeRe).join('[^/:]+')}$`);
}

/**
 * The container asset a job's image names: `<registry>/<repository>:<tag>` where some destination of
 * an asset has that repository (placeholders matching anything) and tag. Undefined for other images.
 */
export function assetForImage(image: string, manifest: AssetManifest): ContainerAsset | undefined {
  const m = /^[^/]+\/(.+):([^:/@]+)$/.exec(image);
  if (!m) return undefined;
  const [, repository, tag] = m;
  for (const asset of manifest.images.values()) {
    if (asset.destinations.some((d) => d.imageTag === tag && repositoryPattern(d.repositoryName).test(repository))) return asset;
  }
  return undefined;
}
