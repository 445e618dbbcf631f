/**
 * Job role credentials, handed out the way ECS hands them to a task. Each attempt of a job that has
 * a jobRoleArn gets a grant: an unguessable id (in its AWS_CONTAINER_CREDENTIALS_FULL_URI) and a
 * token (its AWS_CONTAINER_AUTHORIZATION_TOKEN). A request must name a live grant and carry that
 * grant's own token, so one job can never read another's credentials; the grant is revoked when the
 * attempt ends. Credentials live in memory only, and are renewed before they expire. The broker
 * keeps only a SHA-256 of each token (compared in constant time), so the grants can be saved for a
 * restart (grant-file.ts) without the tokens: a re-attached container keeps its URI and token.
 *
 * - `assume`: STS AssumeRole of the job's jobRoleArn with the profile's credentials.
 * - `profile`: the profile's own credentials (as temporary ones).
 * - `none`: emulator-only credentials, valid for nothing but the emulator's own Batch and Logs API.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { generateCredentials } from '../edge/credentials';
import { sessionNameFor, type AwsAccess, type TemporaryCredentials } from './aws-access';
import type { StoredGrant } from './grant-file';

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

interface GrantState extends Omit<Grant, 'token'> {
  readonly tokenSha256: string;
  current?: TemporaryCredentials;
  renewing?: Promise<TemporaryCredentials>;
  revoked?: boolean;
  /** Every access key id handed out under this grant (accepted by the emulator's API until revoked). */
  readonly keys: Set<string>;
}

export class CredentialRefused extends Error {}

export class CredentialBroker {
  private readonly grants = new Map<string, GrantState>();
  private readonly byAttempt = new Map<string, Set<string>>();
  /** Called after every grant and revoke with the grants to keep (to save them for a restart). */
  onChange?: (grants: StoredGrant[]) => void;
  private readonly keys = new Map<string, TemporaryCredentials>();

  constructor(
    readonly mode: JobRolesMode,
    private readonly access: AwsAccess | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Opens a grant for one attempt and fetches its first credentials (rejects when they cannot be had). */
  async grant(jobId: string, attempt: number, roleArn: string): Promise<Grant> {
    const token = randomBytes(32).toString('base64url');
    const state: GrantState = { id: randomBytes(16).toString('hex'), tokenSha256: sha256(token), jobId, attempt, roleArn, keys: new Set() };
    await this.renew(state);
    this.add(state);
    this.onChange?.(this.stored());
    return { id: state.id, token, jobId, attempt, roleArn };
  }

  /**
   * Grants saved before a restart, for attempts that may be re-attached: their URIs and tokens work
   * again; credentials are fetched anew on the first request. Call `retain` once the attempts in
   * flight are known.
   */
  restore(grants: readonly StoredGrant[]): void {
    for (const g of grants) this.add({ id: g.id, tokenSha256: g.tokenSha256, jobId: g.jobId, attempt: g.attempt, roleArn: g.roleArn, keys: new Set() });
  }

  /** Revokes every grant whose attempt is not in `live` (`jobId#attempt`): attempts that ended while the emulator was down. */
  retain(live: ReadonlySet<string>): void {
    for (const key of [...this.byAttempt.keys()]) {
      if (!live.has(key)) {
        const [jobId, attempt] = splitAttemptKey(key);
        this.revoke(jobId, attempt);
      }
    }
    this.onChange?.(this.stored());
  }

  /** The live grants as saved (no token, no credentials). */
  stored(): StoredGrant[] {
    return [...this.grants.values()].map((g) => ({ id: g.id, tokenSha256: g.tokenSha256, jobId: g.jobId, attempt: g.attempt, roleArn: g.roleArn }));
  }

  private add(state: GrantState): void {
    this.grants.set(state.id, state);
    const key = attemptKey(state.jobId, state.attempt);
    let ids = this.byAttempt.get(key);
    if (!ids) this.byAttempt.set(key, (ids = new Set()));
    ids.add(state.id);
  }

  /** The credentials of grant `id` for a caller presenting `token`; CredentialRefused otherwise. */
  async credentials(id: string, token: string | undefined): Promise<TemporaryCredentials & { roleArn: string }> {
    const state = this.grants.get(id);
    if (!state || token === undefined || !sameSecret(sha256(token), state.tokenSha256)) throw new CredentialRefused('no credentials for this token');
    const current = state.current;
    const fresh = current && current.expiration.getTime() - this.now() > REFRESH_BEFORE_MS ? current : await this.renew(state);
    return { ...fresh, roleArn: state.roleArn };
  }

  /** Ends the attempt's grants: their URIs, tokens and every key issued under them stop working. */
  revoke(jobId: string, attempt: number): void {
    const ids = this.byAttempt.get(attemptKey(jobId, attempt));
    if (ids === undefined) return;
    this.byAttempt.delete(attemptKey(jobId, attempt));
    for (const id of ids) {
      const state = this.grants.get(id);
      this.grants.delete(id);
      if (state) state.revoked = true;
      for (const key of state?.keys ?? []) this.keys.delete(key);
    }
    this.onChange?.(this.stored());
  }

  /** Credentials this broker handed to a live attempt, by access key id (for the emulator's SigV4 check). */
  lookupKey(accessKeyId: string): TemporaryCredentials | undefined {
    return this.keys.get(accessKeyId);
  }

  /** The role and session of a live attempt's access key (for STS GetCallerIdentity). */
  sessionOfKey(accessKeyId: string): { roleArn: string; sessionName: string } | undefined {
    if (!this.keys.has(accessKeyId)) return undefined;
    for (const state of this.grants.values()) {
      if (state.keys.has(accessKeyId)) return { roleArn: state.roleArn, sessionName: sessionNameFor(state.jobId, state.attempt) };
    }
    return undefined;
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

export function attemptKey(jobId: string, attempt: number): string {
  return `${jobId}#${attempt}`;
}

function splitAttemptKey(key: string): [string, number] {
  const at = key.lastIndexOf('#');
  return [key.slice(0, at), Number(key.slice(at + 1))];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
