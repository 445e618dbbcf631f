/**
 * AWS clients for deploy and submit. Credentials come from the SDK's standard chain
 * (`fromNodeProviderChain`: environment, shared config and credentials files with the profile, SSO,
 * credential_process, web identity, container and instance roles); they are resolved lazily by the
 * SDK and never logged or written anywhere by localbatch. The region is `--region`, else
 * AWS_REGION, else AWS_DEFAULT_REGION (the AWS CLI's variable, which the JavaScript SDK does not
 * read), else the profile's `region`.
 */
import { BatchClient } from '@aws-sdk/client-batch';
import { ECRClient } from '@aws-sdk/client-ecr';
import { SFNClient } from '@aws-sdk/client-sfn';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

export interface AwsTargetOptions {
  readonly region?: string;
  readonly profile?: string;
  /** Another endpoint for every service (moto_server, `localbatch serve`); default: AWS's regional endpoints. */
  readonly endpointUrl?: string;
}

export interface AwsTarget {
  readonly region: string;
  readonly profile?: string;
  readonly endpointUrl?: string;
  readonly batch: BatchClient;
  ecr(): ECRClient;
  /** Step Functions, for state machine files. */
  sfn(): SFNClient;
  /** `us-east-1 (profile dev, endpoint http://…)`: for messages; holds no secret. */
  readonly label: string;
  destroy(): void;
}

export class AwsConfigError extends Error {}

export async function openAwsTarget(options: AwsTargetOptions): Promise<AwsTarget> {
  const profile = options.profile || undefined;
  const credentials = fromNodeProviderChain(profile ? { profile } : {});
  const region0 = options.region || (process.env.AWS_REGION ? undefined : process.env.AWS_DEFAULT_REGION) || undefined;
  const base = {
    ...(region0 ? { region: region0 } : {}),
    ...(profile ? { profile } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    credentials,
  };
  const batch = new BatchClient(base);
  let region: string;
  try {
    region = await batch.config.region();
  } catch {
    region = '';
  }
  if (!region) {
    batch.destroy();
    throw new AwsConfigError('no AWS region: pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or set a region in your AWS profile');
  }
  let ecr: ECRClient | undefined;
  let sfn: SFNClient | undefined;
  const details = [profile && `profile ${profile}`, options.endpointUrl && `endpoint ${options.endpointUrl}`].filter(Boolean);
  return {
    region,
    profile,
    endpointUrl: options.endpointUrl,
    batch,
    ecr: () => (ecr ??= new ECRClient({ ...base, region })),
    sfn: () => (sfn ??= new SFNClient({ ...base, region })),
    label: `${region}${details.length > 0 ? ` (${details.join(', ')})` : ''}`,
    destroy: () => {
      batch.destroy();
      ecr?.destroy();
      sfn?.destroy();
    },
  };
}

/** A short, secret-free message for an SDK error (credential errors say how to fix them). */
export function awsErrorMessage(err: unknown): string {
  const e = err as { name?: string; message?: string };
  if (e?.name === 'CredentialsProviderError' || /Could not load credentials/i.test(e?.message ?? '')) {
    return 'no AWS credentials found: set AWS_PROFILE or pass --profile, run `aws sso login`, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY';
  }
  const msg = e?.message ?? String(err);
  return e?.name && !msg.startsWith(e.name) ? `${e.name}: ${msg}` : msg;
}
