/**
 * What the job-credentials endpoint must remember across a restart of the emulator, so a
 * re-attached container can go on fetching its credentials with the URI and token it was started
 * with, and reaching the emulator's API at the URL it was given: the two endpoints' ports and, per
 * live grant, its id, attempt, role and a SHA-256 of its token
 * (never the token itself, never credentials). `<state>/job-grants.json`, mode 0600, replaced
 * atomically (temp file, fsync, rename) before the grant's container can start.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { syncDir } from '../store/journal-files';

export const GRANTS_FILE = 'job-grants.json';

export interface StoredGrant {
  readonly id: string;
  /** SHA-256 (hex) of the grant's token. */
  readonly tokenSha256: string;
  readonly jobId: string;
  readonly attempt: number;
  readonly roleArn: string;
}

export interface StoredGrants {
  /** The credentials endpoint's port (the URIs containers hold name it). */
  readonly port?: number;
  /** The port of the API on the containers' gateway (their AWS_ENDPOINT_URL names it). */
  readonly apiPort?: number;
  readonly grants: readonly StoredGrant[];
}

/** The saved grants, or none when the file is missing or unreadable (a damaged one is ignored: its jobs get 403s). */
export function readGrants(stateDir: string): StoredGrants {
  try {
    const raw = JSON.parse(readFileSync(join(stateDir, GRANTS_FILE), 'utf8')) as Partial<StoredGrants>;
    const grants = Array.isArray(raw.grants) ? raw.grants.filter(isGrant) : [];
    return { port: typeof raw.port === 'number' ? raw.port : undefined, apiPort: typeof raw.apiPort === 'number' ? raw.apiPort : undefined, grants };
  } catch {
    return { grants: [] };
  }
}

export function writeGrants(stateDir: string, state: StoredGrants): void {
  const file = join(stateDir, GRANTS_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(state) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  syncDir(stateDir);
}

function isGrant(g: unknown): g is StoredGrant {
  const x = g as Partial<StoredGrant> | null;
  return !!x && typeof x.id === 'string' && typeof x.tokenSha256 === 'string' && typeof x.jobId === 'string' && typeof x.attempt === 'number' && typeof x.roleArn === 'string';
}
