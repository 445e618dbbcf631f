/**
 * Job role credentials, handed out the way ECS hands them to a task. Each attempt of a job that has
 * a jobRoleArn gets a grant: an unguessable id (in its AWS_CONTAINER_CREDENTIALS_FULL_URI) and a
 * token (its AWS_CONTAINER_AUTHORIZATION_TOKEN). A request must name a live grant and carry that
 * grant's own token, so one job can never read another's credentials; the grant is revoked when the
 * attempt ends. Credentials live in memory only, and are renewed before they expire.
 *
 * - `assume`: STS AssumeRole of the job's jobRoleArn with the profile's credentials.
 * - `profile`: the profile's own credentials (as temporary ones).
 * - `none`: emulator-only credentials, valid for nothing but the emulator's own Batch and Logs API.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { generateCredentials } from '../edge/credentials';
import { sessionNameFor, type AwsAccess, type TemporaryCredentials } from './aws-access';

export type JobRolesMode = 'none' | 'assume' | 'profile';

/** Credentials are renewed when less than this remains (botocore refreshes 15 minutes before expiry). */
export const REFRESH_BEFORE_MS = 20 * 60_000;
/** Lifetime of emulator-only credentials. */
const LOCAL_LIFETIME_MS = 60 * 60_000;

export interface Grant {
  readonly id: string;
  readonly token: string;
  readonly jobId: string;
  readonly attempt: number;
  readonly roleArn: string;
}

interface GrantState extends Grant {
  current?: TemporaryCredentials;
  renewing?: Promise<TemporaryCredentials>;
  revoked?: boolean;
  /** Every access key id handed out under this grant (accepted by the emulator's API until revoked). */
  readonly keys: Set<string>;
}

export class CredentialRefused extends Error {}

export class CredentialBroker {
  private readonly grants = new Map<string, GrantState>();
  private readonly byAttempt = new Map<string, string>();
  private readonly keys = new Map<string, TemporaryCredentials>();

  constructor(
    readonly mode: JobRolesMode,
    private readonly access: AwsAccess | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Opens a grant for one attempt and fetches its first credentials (rejects when they cannot be had). */
  async grant(jobId: string, attempt: number, roleArn: string): Promise<Grant> {
    const state: GrantState = { id: randomBytes(16).toString('hex'), token: randomBytes(32).toString('base64url'), jobId, attempt, roleArn, keys: new Set() };
    await this.renew(state);
    this.revoke(jobId, attempt);
    this.grants.set(state.id, state);
    this.byAttempt.set(attemptKey(jobId, attempt), state.id);
    return { id: state.id, token: state.token, jobId, attempt, roleArn };
  }

  /** The credentials of grant `id` for a caller presenting `token`; CredentialRefused otherwise. */
  async credentials(id: string, token: string | undefined): Promise<TemporaryCredentials & { roleArn: string }> {
    const state = this.grants.get(id);
    if (!state || token === undefined || !sameSecret(token, state.token)) throw new CredentialRefused('no credentials for this token');
    const current = state.current;
    const fresh = current && current.expiration.getTime() - this.now() > REFRESH_BEFORE_MS ? current : await this.renew(state);
    return { ...fresh, roleArn: state.roleArn };
  }

  /** Ends the attempt's grant: its URI, token and every key issued under it stop working. */
  revoke(jobId: string, attempt: number): void {
    const id = this.byAttempt.get(attemptKey(jobId, attempt));
    if (id === undefined) return;
    this.byAttempt.delete(attemptKey(jobId, attempt));
    const state = this.grants.get(id);
    this.grants.delete(id);
    if (state) state.revoked = true;
    for (const key of state?.keys ?? []) this.keys.delete(key);
  }

  /** Credentials this broker handed to a live attempt, by access key id (for the emulator's SigV4 check). */
  lookupKey(accessKeyId: string): TemporaryCredentials | undefined {
    return this.keys.get(accessKeyId);
  }

  get liveGrants(): number {
    return this.grants.size;
  }

  private renew(state: GrantState): Promise<TemporaryCredentials> {
    state.renewing ??= this.fetch(state)
      .then((creds) => {
        state.current = creds;
        state.keys.add(creds.accessKeyId);
        // A grant revoked while renewing keeps no key.
        if (!state.revoked) this.keys.set(creds.accessKeyId, creds);
        return creds;
      })
      .finally(() => (state.renewing = undefined));
    return state.renewing;
  }

  private async fetch(state: GrantState): Promise<TemporaryCredentials> {
    if (this.mode === 'none') {
      const local = generateCredentials();
      return { ...local, sessionToken: randomBytes(32).toString('base64'), expiration: new Date(this.now() + LOCAL_LIFETIME_MS) };
    }
    if (!this.access) throw new Error('no AWS access configured');
    return this.mode === 'assume' ? this.access.assumeRole(state.roleArn, sessionNameFor(state.jobId, state.attempt)) : this.access.profileCredentials();
  }
}

function attemptKey(jobId: string, attempt: number): string {
  return `${jobId}#${attempt}`;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
