/**
 * Step Functions writes service parameters and results with PascalCase keys; the Batch API uses
 * camelCase. User-keyed maps (job Parameters, Tags, log Options, labels) keep their keys.
 */
const USER_MAPS = new Set(['parameters', 'tags', 'options', 'labels', 'annotations']);

export function toCamel(value: unknown, keepKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => toCamel(v));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = keepKeys ? k : k.charAt(0).toLowerCase() + k.slice(1);
    out[key] = keepKeys ? v : toCamel(v, USER_MAPS.has(key));
  }
  return out;
}

/** A camelCase member path (`containerOverrides.command[1]`) as Step Functions' parameters spell it. */
export function pascalPath(path: string): string {
  let userKeys = false;
  return path
    .split('.')
    .map((segment) => {
      const out = userKeys ? segment : segment.charAt(0).toUpperCase() + segment.slice(1);
      userKeys = !/\]$/.test(segment) && USER_MAPS.has(segment);
      return out;
    })
    .join('.');
}

export function toPascal(value: unknown, keepKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => toPascal(v));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = keepKeys ? k : k.charAt(0).toUpperCase() + k.slice(1);
    out[key] = keepKeys ? v : toPascal(v, USER_MAPS.has(k));
  }
  return out;
}
