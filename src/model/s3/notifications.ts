/**
 * The rules S3 applies to a bucket's notification configurations (topic, queue and Lambda
 * function destinations), shared by the local S3, which refuses a PutBucketNotificationConfiguration
 * that breaks them, and `validate`, which reports a template's at its lines: each configuration
 * names events S3 documents, a key filter has at most one `prefix` and one `suffix` rule, and no two
 * configurations share an event type with key filters one key could match both of. Pure.
 */

/** The event types S3 documents for notifications (Amazon S3 User Guide, "Supported event types"). */
export const S3_NOTIFICATION_EVENTS: ReadonlySet<string> = new Set([
  's3:ObjectCreated:*', 's3:ObjectCreated:Put', 's3:ObjectCreated:Post', 's3:ObjectCreated:Copy', 's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*', 's3:ObjectRemoved:Delete', 's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*', 's3:ObjectRestore:Post', 's3:ObjectRestore:Completed', 's3:ObjectRestore:Delete',
  's3:ReducedRedundancyLostObject',
  's3:Replication:*', 's3:Replication:OperationFailedReplication', 's3:Replication:OperationMissedThreshold', 's3:Replication:OperationReplicatedAfterThreshold', 's3:Replication:OperationNotTracked',
  's3:LifecycleExpiration:*', 's3:LifecycleExpiration:Delete', 's3:LifecycleExpiration:DeleteMarkerCreated', 's3:LifecycleTransition',
  's3:IntelligentTiering', 's3:ObjectTagging:*', 's3:ObjectTagging:Put', 's3:ObjectTagging:Delete', 's3:ObjectAcl:Put',
]);

/** A configuration's key filter. */
export interface KeyFilter {
  readonly prefix?: string;
  readonly suffix?: string;
}

/** What is wrong with a key filter's rules: the message S3 gives, and which rule (its index) it is about. */
export interface FilterRuleProblem {
  readonly message: string;
  readonly index: number;
  /** The rule name S3 names in its error. */
  readonly name: string;
}

/** The key filter a list of `{Name, Value}` rules makes (names case-insensitive), or what S3 says is wrong with it. */
export function keyFilterOf(rules: ReadonlyArray<{ readonly name: string; readonly value: string }>): KeyFilter | FilterRuleProblem {
  let prefix: string | undefined;
  let suffix: string | undefined;
  for (const [index, r] of rules.entries()) {
    const name = r.name.toLowerCase();
    if (name !== 'prefix' && name !== 'suffix') return { message: 'filter rule name must be either prefix or suffix', index, name: r.name };
    if ((name === 'prefix' ? prefix : suffix) !== undefined) return { message: `Cannot specify more than one ${name} rule in a filter.`, index, name };
    if (name === 'prefix') prefix = r.value;
    else suffix = r.value;
  }
  return { ...(prefix !== undefined ? { prefix } : {}), ...(suffix !== undefined ? { suffix } : {}) };
}

export function isFilterProblem(f: KeyFilter | FilterRuleProblem): f is FilterRuleProblem {
  return 'message' in f;
}

export const OVERLAP_MESSAGE = 'Configurations overlap. Configurations on the same bucket cannot share a common event type.';

/** S3's answer to two configurations of a bucket (of any kind) with the same Id. */
export const DUPLICATE_ID_MESSAGE = 'Same ID used for multiple configurations. IDs must be unique.';

/** The first configuration (index) whose Id an earlier one has, with that one's; those without an Id are skipped. */
export function firstDuplicateId(ids: ReadonlyArray<string | undefined>): { first: number; second: number } | undefined {
  const seen = new Map<string, number>();
  for (let j = 0; j < ids.length; j++) {
    const id = ids[j];
    if (id === undefined || id === '') continue;
    const i = seen.get(id);
    if (i !== undefined) return { first: i, second: j };
    seen.set(id, j);
  }
  return undefined;
}

/** Whether `event` (an `s3:...` type, `*` for a family) covers the event named `full`. */
export function coversEvent(event: string, full: string): boolean {
  return event === full || (event.endsWith(':*') && full.startsWith(event.slice(0, -1)));
}

/** An event `a` and `b` have in common (a wildcard covers its family), if any. */
function sharedEvent(a: readonly string[], b: readonly string[]): string | undefined {
  const family = (e: string) => e.slice(0, e.lastIndexOf(':') + 1);
  const covers = (x: string, y: string) => x === y || (x.endsWith(':*') && y.startsWith(family(x)));
  return a.find((x) => b.some((y) => covers(x, y) || covers(y, x)));
}

/**
 * The first two configurations (indexes, the second the later one) that overlap: a common event
 * type, and key filters one key could match both of (one prefix starts the other, one suffix ends
 * the other; no filter matches every key). With the event S3 names.
 */
export function firstOverlap(configs: ReadonlyArray<KeyFilter & { readonly events: readonly string[] }>): { first: number; second: number; event: string } | undefined {
  for (let j = 1; j < configs.length; j++) {
    for (let i = 0; i < j; i++) {
      const [a, b] = [configs[i]!, configs[j]!];
      const prefixes = (a.prefix ?? '').startsWith(b.prefix ?? '') || (b.prefix ?? '').startsWith(a.prefix ?? '');
      const suffixes = (a.suffix ?? '').endsWith(b.suffix ?? '') || (b.suffix ?? '').endsWith(a.suffix ?? '');
      const event = prefixes && suffixes ? sharedEvent(a.events, b.events) : undefined;
      if (event !== undefined) return { first: i, second: j, event };
    }
  }
  return undefined;
}
