/**
 * `.localbatch/secrets.yaml` at the workspace root: local values for job definitions' secrets, a
 * mapping of valueFrom (or a shorter key, see secretLookupKeys) to a value. It lives in the state
 * folder, which localbatch git-ignores. Errors never quote the file: it holds secret values.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';

export const SECRETS_FILE_NAME = 'secrets.yaml';
/** The default state folder's name (the emulator's DEFAULT_STATE_DIR_NAME). */
const STATE_FOLDER = '.localbatch';

export class SecretsFileError extends Error {}

export function secretsFilePath(workspaceRoot: string): string {
  return path.join(workspaceRoot, STATE_FOLDER, SECRETS_FILE_NAME);
}

/** The file's mapping (empty when there is no file). Throws SecretsFileError without quoting values. */
export function readSecretsFile(workspaceRoot: string): ReadonlyMap<string, unknown> {
  const file = secretsFilePath(workspaceRoot);
  if (!existsSync(file)) return new Map();
  keepIgnored(path.dirname(file));
  const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: false });
  if (doc.errors.length > 0) {
    const line = doc.errors[0].linePos?.[0].line;
    throw new SecretsFileError(`${file}${line ? ` line ${line}` : ''} is not valid YAML (${doc.errors[0].code})`);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return new Map();
  if (typeof value !== 'object' || Array.isArray(value)) throw new SecretsFileError(`${file} must be a mapping of valueFrom to value`);
  return new Map(Object.entries(value as Record<string, unknown>));
}

/** The file's keys for `validate`; an unreadable file counts as having none. */
export function secretKeys(workspaceRoot: string): ReadonlySet<string> {
  try {
    return new Set(readSecretsFile(workspaceRoot).keys());
  } catch {
    return new Set();
  }
}

/** The state folder ignores everything in it (as the emulator makes it), also when the user created it first. */
function keepIgnored(dir: string): void {
  const ignore = path.join(dir, '.gitignore');
  if (existsSync(ignore)) return;
  try {
    writeFileSync(ignore, '# Created by localbatch: local emulator state, never commit it.\n*\n');
  } catch {
    // read-only checkout: nothing to protect against committing from here
  }
}
