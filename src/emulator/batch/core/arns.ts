/** ARNs in AWS Batch's form for the configured region and account. */

export interface Partition {
  readonly region: string;
  readonly account: string;
}

export type ArnKind = 'job' | 'job-definition' | 'job-queue' | 'compute-environment' | 'scheduling-policy' | 'consumable-resource';

export function arn(p: Partition, kind: ArnKind, resource: string): string {
  return `arn:aws:batch:${p.region}:${p.account}:${kind}/${resource}`;
}

/** The resource part of a Batch ARN of `kind` (e.g. `name:3` for a job definition), or undefined. */
export function resourceOf(value: string, kind: ArnKind): string | undefined {
  if (!value.startsWith('arn:')) return undefined;
  const m = /^arn:[^:]+:batch:[^:]*:[^:]*:([a-z-]+)\/(.+)$/.exec(value);
  return m && m[1] === kind ? m[2] : undefined;
}

/** A name or ARN reduced to the name (for queues and compute environments). */
export function nameOf(value: string, kind: ArnKind): string {
  return resourceOf(value, kind) ?? value;
}

/** A random id in the form AWS uses for jobs (a v4 UUID). */
export function randomId(): string {
  return globalThis.crypto.randomUUID();
}
