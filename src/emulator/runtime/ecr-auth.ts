/**
 * Credentials for pulling private ECR images (`<account>.dkr.ecr.<region>.amazonaws.com/...`):
 * ECR's GetAuthorizationToken with the AWS profile, region and ECR endpoint of localbatch.yaml's
 * `aws:` settings (the SDK's default chain when no profile is named). Tokens are kept in memory
 * only, per registry, until shortly before they expire; they are never logged or written.
 *
 * Seam for tests: `registryOverride` (the CLI reads LOCALBATCH_ECR_REGISTRY_OVERRIDE) pulls from
 * another registry host than the image names, then tags the result with the image's own name, since
 * moto_server's tokens name a registry that does not exist. Leave it unset against AWS.
 */
import { ECRClient, GetAuthorizationTokenCommand, type ECRClientConfig } from '@aws-sdk/client-ecr';
import type Docker from 'dockerode';
import type { LocalAwsSettings, LocalSettingsFile } from '../../model/types';

/** Where to pull an image from, and with which credentials. */
export interface PullSource {
  /** The reference to pull (the image itself, or the same repository on the override registry). */
  readonly ref: string;
  readonly authconfig?: Docker.AuthConfig;
}

/** Resolves how to pull an image; undefined means "as it is, anonymously". */
export type RegistryAuth = (image: string) => Promise<PullSource | undefined>;

export interface EcrRegistry {
  readonly host: string;
  readonly account: string;
  readonly region: string;
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The ECR registry an image lives in, or undefined for any other image. */
export function ecrRegistryOf(image: string): EcrRegistry | undefined {
  const slash = image.indexOf('/');
  if (slash < 0) return undefined;
  const host = image.slice(0, slash);
  const m = ECR_HOST.exec(host);
  return m ? { host, account: m[1], region: m[2] } : undefined;
}

export interface EcrAuthOptions {
  readonly aws?: LocalAwsSettings;
  /** Registry host to pull from instead of the image's (tests only; see the file comment). */
  readonly registryOverride?: string;
  /** Makes the ECR client (tests may pass their own). */
  readonly client?: (config: ECRClientConfig) => Pick<ECRClient, 'send' | 'destroy'>;
}

/** Refresh a token this long before ECR says it expires. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/** A RegistryAuth that answers ECR images with a token and leaves every other image alone. */
export function ecrRegistryAuth(o: EcrAuthOptions = {}): RegistryAuth {
  const cache = new Map<string, { authconfig: Docker.AuthConfig; expiresAt: number }>();
  const makeClient = o.client ?? ((config: ECRClientConfig) => new ECRClient(config));
  return async (image) => {
    const registry = ecrRegistryOf(image);
    if (!registry) return undefined;
    const serveraddress = o.registryOverride ?? registry.host;
    let entry = cache.get(registry.host);
    if (!entry || entry.expiresAt - EXPIRY_MARGIN_MS < Date.now()) {
      const client = makeClient({
        // Tokens are regional: the registry's own region, unless the settings point elsewhere on purpose.
        region: registry.region,
        ...(o.aws?.profile ? { profile: o.aws.profile } : {}),
        ...(o.aws?.endpoints?.ecr ? { endpoint: o.aws.endpoints.ecr } : {}),
        maxAttempts: 2,
      });
      try {
        const res = await client.send(new GetAuthorizationTokenCommand({ registryIds: [registry.account] }));
        const data = res.authorizationData?.[0];
        if (!data?.authorizationToken) throw new Error('ECR returned no authorization token');
        const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
        const sep = decoded.indexOf(':');
        entry = {
          authconfig: { username: decoded.slice(0, sep), password: decoded.slice(sep + 1), serveraddress },
          expiresAt: data.expiresAt ? new Date(data.expiresAt).getTime() : Date.now() + 60 * 60_000,
        };
        cache.set(registry.host, entry);
      } catch (err) {
        const profile = o.aws?.profile ? `profile ${o.aws.profile}` : "the AWS SDK's default credentials";
        throw new Error(
          `cannot get an ECR authorization token for ${registry.host} with ${profile} (${(err as Error).message}); ` +
            'set aws.profile in localbatch.yaml to a profile that may pull from this registry, or map the image to a local one with imageOverrides',
          { cause: err },
        );
      } finally {
        client.destroy();
      }
    }
    const ref = o.registryOverride ? `${o.registryOverride}${image.slice(registry.host.length)}` : image;
    return { ref, authconfig: entry.authconfig };
  };
}

/** ECR credentials as localbatch.yaml's `aws:` settings say (and LOCALBATCH_ECR_REGISTRY_OVERRIDE, for tests). */
export function registryAuthFromSettings(settings: LocalSettingsFile | undefined): RegistryAuth {
  return ecrRegistryAuth({ aws: settings?.aws, registryOverride: process.env.LOCALBATCH_ECR_REGISTRY_OVERRIDE || undefined });
}
