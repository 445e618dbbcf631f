/** Where pushed images go: the account's ECR registry host, and the URI an image gets there. */
import { GetAuthorizationTokenCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { repositoryAndTag } from './images';

/** The registry host (`<account>.dkr.ecr.<region>.amazonaws.com`), or `override` when given (tests). */
export async function ecrRegistryHost(ecr: ECRClient, override?: string): Promise<string> {
  if (override) return override;
  const res = await ecr.send(new GetAuthorizationTokenCommand({}));
  const endpoint = res.authorizationData?.[0]?.proxyEndpoint;
  if (!endpoint) throw new Error('ECR returned no registry endpoint');
  return new URL(endpoint).host;
}

/** The URI `pushImages` gives an image: `<registry>/<repository>:<tag>`. */
export function pushedUri(registry: string, image: string): string {
  const [repo, tag] = repositoryAndTag(image);
  return `${registry}/${repo}:${tag}`;
}
