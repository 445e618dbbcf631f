/**
 * The server's own credentials: generated on first start, kept in `<state>/credentials` in the
 * AWS shared-credentials format (profile `localbatch`, mode 0600) and reused on later starts, so
 * `AWS_SHARED_CREDENTIALS_FILE=<state>/credentials aws --profile localbatch ...` works.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { chmodSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { readRegularFileSync } from '../../node/read-file';
import { join } from 'node:path';
import { ensureStateDir } from '../store/state-dir';

export const CREDENTIALS_PROFILE = 'localbatch';
export const CREDENTIALS_FILE_NAME = 'credentials';

export interface ApiCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * `LBLK` + 16 upper-case letters and digits: the same length and alphabet as an AWS key id (the
 * AWS CLI, boto3 and the JS SDK accept any string), but a prefix AWS never issues, so a local key
 * is never mistaken for a real one by people or by secret scanners.
 */
export const ACCESS_KEY_PREFIX = 'LBLK';
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function generateCredentials(): ApiCredentials {
  let id = ACCESS_KEY_PREFIX;
  for (let i = 0; i < 16; i++) id += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  // 30 random bytes = 40 base64 characters, the length of an AWS secret key.
  return { accessKeyId: id, secretAccessKey: randomBytes(30).toString('base64') };
}

export function credentialsPath(stateDir: string): string {
  return join(stateDir, CREDENTIALS_FILE_NAME);
}

/** Reads the `localbatch` profile of a shared-credentials file; undefined if absent or incomplete. */
export function parseCredentialsFile(text: string): ApiCredentials | undefined {
  let inProfile = false;
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section) {
      inProfile = section[1] === CREDENTIALS_PROFILE;
      continue;
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (inProfile && kv) values[kv[1].toLowerCase()] = kv[2];
  }
  const accessKeyId = values['aws_access_key_id'];
  const secretAccessKey = values['aws_secret_access_key'];
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

export function formatCredentialsFile(creds: ApiCredentials, region: string): string {
  return [
    '# Written by localbatch: credentials for the local emulator only (never valid on AWS).',
    `[${CREDENTIALS_PROFILE}]`,
    `aws_access_key_id = ${creds.accessKeyId}`,
    `aws_secret_access_key = ${creds.secretAccessKey}`,
    // botocore merges credentials-file profiles into its config, so the AWS CLI and boto3 pick the
    // region up from here as well.
    `region = ${region}`,
    '',
  ].join('\n');
}

/** A credentials file is a few lines; anything bigger is not one of ours. */
const MAX_CREDENTIALS_BYTES = 64 * 1024;

/**
 * Returns the credentials in `<stateDir>/credentials`, creating the state directory (0700) and
 * the file (0600) with fresh credentials if there are none yet.
 */
export function loadOrCreateCredentials(stateDir: string, region = 'us-east-1'): ApiCredentials {
  const dir = ensureStateDir(stateDir);
  const file = credentialsPath(dir);
  if (existsSync(file)) {
    const existing = parseCredentialsFile(readRegularFileSync(file, MAX_CREDENTIALS_BYTES).toString('utf8'));
    if (existing) {
      chmodSync(file, 0o600);
      return existing;
    }
  }
  const creds = generateCredentials();
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, formatCredentialsFile(creds, region), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return creds;
}
