/**
 * The attempt preparer (the core's AttemptPreparer port): before an attempt's container starts it
 * checks host access and maps storage, resolves secrets (and writes EKS secret volumes), and gives
 * a job with a jobRoleArn (or an EKS pod with a mapped service account) its credentials endpoint,
 * region and endpoint variables. Anything that fails fails the attempt with
 * `Task failed to start` and the reason as `container.reason`, before the image is pulled.
 */
import type Docker from 'dockerode';
import { DEFAULT_REGION, type LocalSettingsFile } from '../../model/types';
import type { ApiCredentials } from '../edge/credentials';
import type { AttemptPreparation, AttemptPreparer, AttemptToPrepare } from '../batch/core/ports';
import { AwsAccess, sessionNameFor } from './aws-access';
import { startCredentialServer, type CredentialServer } from './credential-server';
import { CredentialBroker } from './credentials';
import { readGrants, writeGrants } from './grant-file';
import { containerUrl, endpointEnvironment, endpointVariable } from './endpoints';
import { ensureContainerNetwork } from './network';
import { resolveSecrets, secretEntries } from './secrets';
import { PodSecrets } from './pod-secrets';
import { prepareStorage, type BucketFolder } from './storage';

export interface JobEnvironmentOptions {
  readonly settings?: LocalSettingsFile;
  /** Folder of localbatch.yaml: host paths, `volumes` folders and `.localbatch/secrets.yaml` are relative to it. */
  readonly workspaceRoot: string;
  /** Docker, to set up the container network; without it jobs with a jobRoleArn cannot start. */
  readonly docker?: Docker;
  readonly log?: (line: string) => void;
  /** Where live grants are saved for a restart (grant-file.ts); none: grants end with the process. */
  readonly stateDir?: string;
}

export class JobEnvironment implements AttemptPreparer {
  private access?: AwsAccess;
  private apiUrl?: string;
  /** The previous run's port of the API on the gateway, which re-attached containers still name. */
  private savedApiPort?: number;
  private saveGrants?: () => void;
  readonly broker: CredentialBroker;
  private readonly podSecrets: PodSecrets;
  readonly region: string;

  private network?: { name: string; gateway: string };
  private server?: CredentialServer;
  /** Why there is no container endpoint, when there is none. */
  private unavailable?: string;

  private constructor(private readonly options: JobEnvironmentOptions) {
    const aws = options.settings?.aws;
    this.region = aws?.region ?? options.settings?.region ?? DEFAULT_REGION;
    const mode = aws?.jobRoles ?? 'none';
    this.broker = new CredentialBroker(mode, mode === 'none' ? undefined : this.aws());
    this.podSecrets = new PodSecrets(options.workspaceRoot);
  }

  /** Sets up the container network and the credentials endpoint on its gateway (when Docker is used). */
  static async start(options: JobEnvironmentOptions): Promise<JobEnvironment> {
    const env = new JobEnvironment(options);
    if (!options.docker) {
      env.unavailable = 'the emulator runs without Docker';
      return env;
    }
    const saved = options.stateDir ? readGrants(options.stateDir) : undefined;
    try {
      const network = await ensureContainerNetwork(options.docker);
      env.server = await startCredentialServer(env.broker, network.gateway, options.log, saved?.port);
      env.network = network;
    } catch (err) {
      env.unavailable = (err as Error).message;
    }
    const stateDir = options.stateDir;
    if (stateDir && env.server) {
      const port = env.server.port;
      // Grants of attempts that may be re-attached work again, on the same URIs (same port).
      if (saved?.port === port) env.broker.restore(saved.grants);
      env.savedApiPort = saved?.apiPort;
      const apiPort = () => (env.apiUrl ? Number(new URL(env.apiUrl).port) : env.savedApiPort);
      env.saveGrants = () => writeGrants(stateDir, { port, apiPort: apiPort(), grants: env.broker.stored() });
      env.broker.onChange = () => env.saveGrants!();
      env.saveGrants();
    }
    return env;
  }

  /** The gateway address containers reach the host on (undefined without a container network). */
  get gateway(): string | undefined {
    return this.server ? this.network?.gateway : undefined;
  }

  /** The local S3's bucket folders (S3 Files volumes mapped to `s3://bucket`); set by the composition root. */
  bucketFolder?: BucketFolder;

  /** The port the API on the gateway had in the previous run (containers re-attached from it name it), if known. */
  get previousApiPort(): number | undefined {
    return this.savedApiPort;
  }

  /** Where containers reach the emulator's Batch and Logs API (set once that listener is up; saved for a restart). */
  setApiUrl(url: string): void {
    this.apiUrl = url;
    this.saveGrants?.();
  }

  /** Credentials handed to a live attempt, for the API's SigV4 check. */
  lookupKey(accessKeyId: string): (ApiCredentials & { sessionToken: string }) | undefined {
    const c = this.broker.lookupKey(accessKeyId);
    return c && { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
  }

  /** The role and session of a running job's access key (STS GetCallerIdentity answers with them). */
  sessionOfKey(accessKeyId: string): { roleArn: string; sessionName: string } | undefined {
    return this.broker.sessionOfKey(accessKeyId);
  }

  private aws(): AwsAccess {
    this.access ??= new AwsAccess(this.options.settings?.aws ?? {}, this.options.settings?.aws?.region ?? this.options.settings?.region ?? DEFAULT_REGION);
    return this.access;
  }

  async prepare(a: AttemptToPrepare): Promise<AttemptPreparation> {
    const { settings, workspaceRoot } = this.options;
    const checked = prepareStorage(a.container, a.mounts, settings, workspaceRoot, this.bucketFolder);
    if (!checked.ok) return checked;
    const storage = this.podSecrets.prepare(a.jobId, a.attempt, checked.mounts);
    if (!storage.ok) return storage;

    const { env: secretList, log: logSecrets } = secretEntries(a.container);
    const values: Record<string, string> = {};
    if (secretList.length + logSecrets.length > 0) {
      const fetch = settings?.aws?.secrets === 'fetch';
      let credentials;
      if (fetch && settings?.aws?.jobRoles === 'assume' && a.container.executionRoleArn) {
        try {
          credentials = await this.aws().assumeRole(a.container.executionRoleArn, sessionNameFor(a.jobId, a.attempt));
        } catch (err) {
          return { ok: false, reason: `ResourceInitializationError: unable to pull secrets or registry auth: unable to assume the execution role ${a.container.executionRoleArn}: ${errorText(err)}` };
        }
      }
      const resolved = await resolveSecrets([...secretList, ...logSecrets], fetch ? { mode: 'fetch', access: this.aws(), credentials } : { mode: 'local', workspaceRoot });
      if (!resolved.ok) return resolved;
      // Log driver secrets must resolve (ECS fails the task otherwise) but go to no container.
      for (const s of secretList) values[s.name] = resolved.values[s.name];
    }

    const environment: Record<string, string> = { ...values };
    const roleArn = a.container.jobRoleArn ?? serviceAccountRole(a.jobDefinition, settings);
    if (!roleArn) return { ok: true, environment, mounts: storage.mounts };
    if (!this.server || !this.network) {
      // With jobRoles: none the credentials are a convenience (the local API only): run without them.
      if (this.broker.mode === 'none') return { ok: true, environment, mounts: storage.mounts };
      return { ok: false, reason: `CannotStartContainerError: localbatch cannot serve credentials for the job role ${roleArn}: ${this.unavailable ?? 'no container network'}` };
    }
    let grant;
    try {
      grant = await this.broker.grant(a.jobId, a.attempt, roleArn);
    } catch (err) {
      return { ok: false, reason: `ResourceInitializationError: unable to get credentials for the job role ${roleArn}: ${errorText(err)}` };
    }
    const gateway = this.network.gateway;
    Object.assign(environment, {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: this.server.uriFor(grant.id),
      AWS_CONTAINER_AUTHORIZATION_TOKEN: grant.token,
      // (AWS_REGION and AWS_DEFAULT_REGION: set for every job from `region`, see containerSpecs.ts)
      ...(this.apiUrl
        ? {
            // One endpoint serves every local service (Batch, Logs, S3, ...); service-specific
            // settings in aws.endpoints still win below.
            AWS_ENDPOINT_URL: containerUrl(this.apiUrl, gateway),
            [endpointVariable('batch')]: containerUrl(this.apiUrl, gateway),
            [endpointVariable('logs')]: containerUrl(this.apiUrl, gateway),
            [endpointVariable('s3')]: containerUrl(this.apiUrl, gateway),
          }
        : {}),
      ...endpointEnvironment(settings?.aws?.endpoints, gateway),
    });
    return { ok: true, environment, mounts: storage.mounts, network: this.network.name };
  }

  /** After a restart: keeps the saved grants of the attempts still in flight (`jobId#attempt`) and revokes the rest. */
  retain(live: ReadonlySet<string>): void {
    this.broker.retain(live);
  }

  release(jobId: string, attempt: number): void {
    this.broker.revoke(jobId, attempt);
    this.podSecrets.release(jobId, attempt);
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.access?.destroy();
  }
}

/**
 * The role of an EKS pod's service account: `serviceAccounts` in localbatch.yaml maps its name to
 * the role ARN its IAM annotation (or Pod Identity association) names in the cluster.
 */
function serviceAccountRole(def: AttemptToPrepare['jobDefinition'], settings: LocalSettingsFile | undefined): string | undefined {
  const name = def.eksProperties?.podProperties?.serviceAccountName;
  return name === undefined ? undefined : settings?.serviceAccounts?.[name];
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
