/**
 * Resource tags changed through TagResource/UntagResource, by ARN. A resource's create-time tags
 * (SubmitJob, RegisterJobDefinition, Create*) stay on the resource; this store holds the tag set of
 * every resource tagged or untagged since, and wins over the create-time tags. So the engine's
 * records need no tag-editing code, and resources created before a tag change keep their own tags.
 */
import { invalid } from './errors';

export type Tags = Record<string, string>;

/** AWS's limits: 50 tags, keys 1-128 and values 0-256 characters, `aws:` reserved. */
export function validateTags(tags: unknown, what = 'tags'): Tags {
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) invalid(`${what} must be a map of strings`);
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > 50) invalid(`${what} can have at most 50 tags`);
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > 128) invalid(`Tag key ${k} must be 1-128 characters`);
    if (/^aws:/i.test(k)) invalid(`Tag key ${k} uses the reserved prefix aws:`);
    if (typeof v !== 'string' || v.length > 256) invalid(`Tag value of ${k} must be a string of at most 256 characters`);
  }
  return { ...(tags as Tags) };
}

export class TagStore {
  private readonly byArn = new Map<string, Tags>();
  /** Called after each change of one ARN's tag set (the journal listens). */
  onChange?: (arn: string) => void;

  /** The tags set through the store, or undefined when the resource's own tags still apply. */
  get(arn: string): Tags | undefined {
    const t = this.byArn.get(arn);
    return t ? { ...t } : undefined;
  }

  /** Adds or overwrites `tags` on top of the current set (`current`: the resource's own tags). */
  tag(arn: string, current: Tags | undefined, tags: unknown): void {
    const add = validateTags(tags);
    const next = { ...(this.byArn.get(arn) ?? current ?? {}), ...add };
    if (Object.keys(next).length > 50) invalid('A resource can have at most 50 tags');
    this.byArn.set(arn, next);
    this.onChange?.(arn);
  }

  untag(arn: string, current: Tags | undefined, keys: readonly string[]): void {
    const next = { ...(this.byArn.get(arn) ?? current ?? {}) };
    for (const k of keys) delete next[k];
    this.byArn.set(arn, next);
    this.onChange?.(arn);
  }

  /** Forgets a deleted resource. */
  delete(arn: string): void {
    if (this.byArn.delete(arn)) this.onChange?.(arn);
  }

  snapshot(): Array<[string, Tags]> {
    return [...this.byArn].map(([arn, t]) => [arn, { ...t }]);
  }

  restore(entries: ReadonlyArray<readonly [string, Tags]> | undefined): void {
    this.byArn.clear();
    for (const [arn, t] of entries ?? []) this.byArn.set(arn, { ...t });
  }
}
