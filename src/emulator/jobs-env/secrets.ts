/**
 * Resolves a job's `secrets` (and `logConfiguration.secretOptions`) before its container starts:
 * from `.localbatch/secrets.yaml` (the default) or, with `aws.secrets: fetch`, from SSM Parameter
 * Store (GetParameter WithDecryption) and Secrets Manager (GetSecretValue, then `json-key`). A
 * secret that cannot be resolved fails the attempt with the ResourceInitializationError ECS gives.
 * Failure texts name the valueFrom, never a value.
 */
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { AwsCredentialIdentity } from '@smithy/types';
import { parseSecretRef, secretLookupKeys, type SecretRef } from '../../model/secret-refs';
import { readSecretsFile, SecretsFileError } from '../../node/secrets-file';
import type { AwsAccess } from './aws-access';

const PREFIX = 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ';

export interface SecretEntry {
  readonly name: string;
  readonly valueFrom: string;
}

export type SecretsResult = { ok: true; values: Record<string, string> } | { ok: false; reason: string };

export class SecretFailure extends Error {}

function failure(ref: SecretRef, detail: string): SecretFailure {
  return new SecretFailure(ref.service === 'secretsmanager' ? `${PREFIX}unable to retrieve secret from asm: ${detail}` : `${PREFIX}unable to retrieve secrets from ssm: ${detail}`);
}

/** The value of a JSON object's key; a mapping written in YAML counts as the same object. */
function jsonKeyOf(secret: unknown, key: string): string | undefined {
  let obj = secret;
  if (typeof secret === 'string') {
    try {
      obj = JSON.parse(secret);
    } catch {
      return undefined;
    }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const v = (obj as Record<string, unknown>)[key];
  return v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
}

function asValue(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

export function resolveLocal(entries: readonly SecretEntry[], file: ReadonlyMap<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, valueFrom } of entries) {
    const ref = parseSecretRef(valueFrom);
    const keys = secretLookupKeys(valueFrom);
    if (file.has(valueFrom)) {
      out[name] = asValue(file.get(valueFrom));
      continue;
    }
    const key = keys.find((k) => file.has(k));
    if (key === undefined) {
      throw failure(ref, `no value for ${valueFrom} in .localbatch/secrets.yaml (add it there, or set aws.secrets: fetch in localbatch.yaml)`);
    }
    const whole = file.get(key);
    if (ref.service === 'secretsmanager' && ref.jsonKey) {
      const v = jsonKeyOf(whole, ref.jsonKey);
      if (v === undefined) throw failure(ref, `retrieved secret from Secrets Manager did not contain json key ${ref.jsonKey} (${key} in .localbatch/secrets.yaml)`);
      out[name] = v;
    } else out[name] = asValue(whole);
  }
  return out;
}

export async function resolveFetched(entries: readonly SecretEntry[], access: AwsAccess, credentials?: AwsCredentialIdentity): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const ssm = access.ssm(credentials);
  const sm = access.secretsManager(credentials);
  try {
    for (const { name, valueFrom } of entries) {
      const ref = parseSecretRef(valueFrom);
      if (ref.service === 'ssm') {
        try {
          const got = await ssm.send(new GetParameterCommand({ Name: ref.parameter, WithDecryption: true }));
          out[name] = got.Parameter?.Value ?? '';
        } catch (err) {
          const e = err as Error;
          throw failure(ref, e.name === 'ParameterNotFound' ? `invalid parameters: ${ref.parameter}` : `service call has been retried 1 time(s): ${e.name}: ${e.message}`);
        }
        continue;
      }
      let secret: string;
      try {
        const got = await sm.send(new GetSecretValueCommand({ SecretId: ref.secretId, VersionStage: ref.versionStage, VersionId: ref.versionId }));
        secret = got.SecretString ?? Buffer.from(got.SecretBinary ?? new Uint8Array()).toString('utf8');
      } catch (err) {
        const e = err as Error;
        throw failure(ref, `service call has been retried 1 time(s): failed to fetch secret ${ref.secretId} from secrets manager: ${e.name}: ${e.message}`);
      }
      if (ref.jsonKey) {
        const v = jsonKeyOf(secret, ref.jsonKey);
        if (v === undefined) throw failure(ref, `retrieved secret from Secrets Manager did not contain json key ${ref.jsonKey}`);
        out[name] = v;
      } else out[name] = secret;
    }
  } finally {
    ssm.destroy();
    sm.destroy();
  }
  return out;
}

/** Every secret of a container: `secrets`, then `logConfiguration.secretOptions`. */
export function secretEntries(container: { secrets?: ReadonlyArray<{ name?: string; valueFrom?: string }>; logConfiguration?: { secretOptions?: ReadonlyArray<{ name?: string; valueFrom?: string }> } }): {
  env: SecretEntry[];
  log: SecretEntry[];
} {
  const clean = (list: ReadonlyArray<{ name?: string; valueFrom?: string }> | undefined) =>
    (list ?? []).filter((s): s is SecretEntry => typeof s.name === 'string' && typeof s.valueFrom === 'string');
  return { env: clean(container.secrets), log: clean(container.logConfiguration?.secretOptions) };
}

export async function resolveSecrets(
  entries: readonly SecretEntry[],
  source: { mode: 'local'; workspaceRoot: string } | { mode: 'fetch'; access: AwsAccess; credentials?: AwsCredentialIdentity },
): Promise<SecretsResult> {
  if (entries.length === 0) return { ok: true, values: {} };
  try {
    const values = source.mode === 'local' ? resolveLocal(entries, readSecretsFile(source.workspaceRoot)) : await resolveFetched(entries, source.access, source.credentials);
    return { ok: true, values };
  } catch (err) {
    if (err instanceof SecretFailure) return { ok: false, reason: err.message };
    if (err instanceof SecretsFileError) return { ok: false, reason: `${PREFIX}${err.message}` };
    return { ok: false, reason: `${PREFIX}${err instanceof Error ? err.name : 'error'}` };
  }
}
