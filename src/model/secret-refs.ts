/**
 * `secrets[].valueFrom` as ECS reads it: an SSM parameter (name, or ARN), or a Secrets Manager
 * secret ARN optionally followed by `:json-key:version-stage:version-id`. Pure; the emulator resolves
 * the parsed reference (from `.localbatch/secrets.yaml` or from AWS) and `validate` checks that a
 * local value exists.
 */

export type SecretRef =
  | {
      readonly service: 'ssm';
      /** What GetParameter takes: the name (`/a/b` or `b`) or the ARN as written. */
      readonly parameter: string;
      /** The parameter's name, also for an ARN (`/a/b` for `arn:...:parameter/a/b`). */
      readonly name: string;
    }
  | {
      readonly service: 'secretsmanager';
      /** The secret's ARN without the json-key / version suffix (what GetSecretValue takes). */
      readonly secretId: string;
      /** The secret's name as it appears in the ARN (random suffix included). */
      readonly name: string;
      readonly jsonKey?: string;
      readonly versionStage?: string;
      readonly versionId?: string;
    };

export function parseSecretRef(valueFrom: string): SecretRef {
  const parts = valueFrom.split(':');
  if (valueFrom.startsWith('arn:') && parts[2] === 'secretsmanager' && parts[5] === 'secret' && parts.length >= 7) {
    const opt = (i: number) => (parts[i] ? parts[i] : undefined);
    return { service: 'secretsmanager', secretId: parts.slice(0, 7).join(':'), name: parts[6], jsonKey: opt(7), versionStage: opt(8), versionId: opt(9) };
  }
  if (valueFrom.startsWith('arn:') && parts[2] === 'ssm') {
    const resource = parts.slice(5).join(':');
    const rest = resource.startsWith('parameter') ? resource.slice('parameter'.length) : resource;
    // `parameter/a/b` names `/a/b`; `parameter/b` names `b`.
    const name = rest.split('/').filter(Boolean).length > 1 ? rest : rest.replace(/^\//, '');
    return { service: 'ssm', parameter: valueFrom, name };
  }
  return { service: 'ssm', parameter: valueFrom, name: valueFrom };
}

/**
 * The keys of `.localbatch/secrets.yaml` that may hold a valueFrom's value, most specific first:
 * the valueFrom as written; for Secrets Manager the secret's ARN without the suffix (its value then
 * a JSON object, or a YAML mapping, from which `json-key` is taken), its name, and its name without
 * the random six-character suffix AWS appends; for an SSM ARN the parameter's name.
 */
export function secretLookupKeys(valueFrom: string): string[] {
  const ref = parseSecretRef(valueFrom);
  const keys = [valueFrom];
  if (ref.service === 'secretsmanager') {
    keys.push(ref.secretId, ref.name);
    const bare = /^(.+)-[A-Za-z0-9]{6}$/.exec(ref.name)?.[1];
    if (bare) keys.push(bare);
  } else {
    keys.push(ref.name);
    if (ref.name.startsWith('/')) keys.push(ref.name.slice(1));
  }
  return [...new Set(keys)];
}

/** Whether a secrets file with these keys holds a value for `valueFrom`. */
export function hasLocalSecret(valueFrom: string, keys: ReadonlySet<string>): boolean {
  return secretLookupKeys(valueFrom).some((k) => keys.has(k));
}
