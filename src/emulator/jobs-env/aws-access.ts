/**
 * The emulator's own AWS calls for local jobs (STS for job roles, SSM and Secrets Manager for
 * secrets), with the credentials of `aws.profile` in localbatch.yaml (the SDK's standard chain when
 * omitted) and the endpoint overrides of `aws.endpoints`. Nothing here logs or stores credentials.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { LocalAwsSettings } from '../../model/types';

export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** The profile's credentials and clients, created on first use. */
export class AwsAccess {
  private readonly source: AwsCredentialIdentityProvider;
  private sts?: STSClient;

  constructor(
    readonly settings: LocalAwsSettings,
    readonly region: string,
  ) {
    this.source = fromNodeProviderChain(settings.profile ? { profile: settings.profile } : {});
  }

  private config(service: string, credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity = this.source) {
    const endpoint = this.settings.endpoints?.[service];
    return { region: this.region, credentials, maxAttempts: 2, ...(endpoint ? { endpoint } : {}) };
  }

  /** STS AssumeRole of `roleArn` with the profile's credentials. */
  async assumeRole(roleArn: string, sessionName: string): Promise<TemporaryCredentials> {
    this.sts ??= new STSClient(this.config('sts'));
    const out = await this.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 }));
    return temporary(out.Credentials);
  }

  /**
   * The profile's own credentials as temporary ones: passed through when they are already
   * temporary, else exchanged for a session token (so long-term keys never enter a container).
   */
  async profileCredentials(): Promise<TemporaryCredentials> {
    const own = await this.source();
    if (own.sessionToken) {
      return { accessKeyId: own.accessKeyId, secretAccessKey: own.secretAccessKey, sessionToken: own.sessionToken, expiration: own.expiration ?? new Date(Date.now() + 3600_000) };
    }
    this.sts ??= new STSClient(this.config('sts'));
    const out = await this.sts.send(new GetSessionTokenCommand({ DurationSeconds: 3600 }));
    return temporary(out.Credentials);
  }

  ssm(credentials?: AwsCredentialIdentity): SSMClient {
    return new SSMClient(this.config('ssm', credentials));
  }

  secretsManager(credentials?: AwsCredentialIdentity): SecretsManagerClient {
    return new SecretsManagerClient(this.config('secretsmanager', credentials));
  }

  destroy(): void {
    this.sts?.destroy();
  }
}

function temporary(c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined): TemporaryCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('STS returned no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration ?? new Date(Date.now() + 3600_000) };
}

/** A RoleSessionName for a job attempt: at most 64 characters of [\w+=,.@-]. */
export function sessionNameFor(jobId: string, attempt: number): string {
  return `localbatch-${jobId.replace(/[^\w+=,.@-]/g, '-')}-${attempt}`.slice(0, 64);
}
