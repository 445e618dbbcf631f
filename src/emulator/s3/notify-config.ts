/**
 * A bucket's NotificationConfiguration, checked as S3 checks it: each Topic, Queue and
 * CloudFunction configuration names at least one event S3 documents, filter rules are one `prefix`
 * and one `suffix` at most, and no two configurations share an event type with overlapping key
 * filters. A configuration without an Id gets one. Which topic configurations an object change
 * matches, and its event name (the message itself: events.ts).
 */
import { randomUUID } from 'node:crypto';
import { S3Error } from './errors';
import { many, toXml } from './xml';

/** The event types S3 documents for notifications (Amazon S3 User Guide, "Supported event types"). */
const EVENTS = new Set([
  's3:ObjectCreated:*', 's3:ObjectCreated:Put', 's3:ObjectCreated:Post', 's3:ObjectCreated:Copy', 's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*', 's3:ObjectRemoved:Delete', 's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*', 's3:ObjectRestore:Post', 's3:ObjectRestore:Completed', 's3:ObjectRestore:Delete',
  's3:ReducedRedundancyLostObject',
  's3:Replication:*', 's3:Replication:OperationFailedReplication', 's3:Replication:OperationMissedThreshold', 's3:Replication:OperationReplicatedAfterThreshold', 's3:Replication:OperationNotTracked',
  's3:LifecycleExpiration:*', 's3:LifecycleExpiration:Delete', 's3:LifecycleExpiration:DeleteMarkerCreated', 's3:LifecycleTransition',
  's3:IntelligentTiering', 's3:ObjectTagging:*', 's3:ObjectTagging:Put', 's3:ObjectTagging:Delete', 's3:ObjectAcl:Put',
]);

type Kind = 'Topic' | 'Queue' | 'CloudFunction';
const KINDS: readonly Kind[] = ['Topic', 'Queue', 'CloudFunction'];

export interface NotifyTarget {
  readonly kind: Kind;
  readonly id: string;
  /** The topic, queue or function ARN. */
  readonly arn: string;
  readonly events: readonly string[];
  readonly prefix?: string;
  readonly suffix?: string;
}

export interface NotifyConfig {
  readonly targets: readonly NotifyTarget[];
  readonly eventBridge: boolean;
}

const invalid = (message: string, name?: string, value?: string) =>
  new S3Error('InvalidArgument', 400, message, name !== undefined ? { ArgumentName: name, ArgumentValue: value ?? '' } : {});

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The configuration a PutBucketNotificationConfiguration body holds (parsed XML), checked; throws S3's errors. */
export function parseNotifyConfig(conf: Record<string, unknown>, newId: () => string = randomUUID): NotifyConfig {
  const targets: NotifyTarget[] = [];
  for (const kind of KINDS) {
    for (const raw of many<Record<string, unknown>>(conf[`${kind}Configuration`])) {
      const arn = text(raw?.[kind]);
      if (!arn) throw new S3Error('MalformedXML', 400, `The XML you provided was not well-formed or did not validate against our published schema (a ${kind}Configuration needs its ${kind} ARN)`);
      const events = many<unknown>(raw.Event).map((e) => text(e) ?? '');
      if (events.length === 0) throw new S3Error('MalformedXML', 400, `The XML you provided was not well-formed or did not validate against our published schema (a ${kind}Configuration needs at least one Event)`);
      for (const e of events) if (!EVENTS.has(e)) throw invalid('The event is not supported for notifications', 'Event', e);
      const rules = many<Record<string, unknown>>((raw.Filter as { S3Key?: { FilterRule?: unknown } } | undefined)?.S3Key?.FilterRule);
      let prefix: string | undefined;
      let suffix: string | undefined;
      for (const r of rules) {
        const name = (text(r?.Name) ?? '').toLowerCase();
        const value = text(r?.Value) ?? '';
        if (name !== 'prefix' && name !== 'suffix') throw invalid('filter rule name must be either prefix or suffix', 'FilterRule', text(r?.Name) ?? '');
        if ((name === 'prefix' ? prefix : suffix) !== undefined) throw invalid(`Cannot specify more than one ${name} rule in a filter.`, 'FilterRule', name);
        if (name === 'prefix') prefix = value;
        else suffix = value;
      }
      const id = text(raw.Id) || newId();
      targets.push({ kind, id, arn, events, ...(prefix !== undefined ? { prefix } : {}), ...(suffix !== undefined ? { suffix } : {}) });
    }
  }
  checkOverlaps(targets);
  return { targets, eventBridge: 'EventBridgeConfiguration' in conf };
}

/** `a` and `b` name a common event (a wildcard covers its family). */
function shareEvent(a: readonly string[], b: readonly string[]): boolean {
  const family = (e: string) => e.slice(0, e.lastIndexOf(':') + 1);
  const covers = (x: string, y: string) => x === y || (x.endsWith(':*') && y.startsWith(family(x)));
  return a.some((x) => b.some((y) => covers(x, y) || covers(y, x)));
}

function checkOverlaps(targets: readonly NotifyTarget[]): void {
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      const [a, b] = [targets[i], targets[j]];
      const prefixes = (a.prefix ?? '').startsWith(b.prefix ?? '') || (b.prefix ?? '').startsWith(a.prefix ?? '');
      const suffixes = (a.suffix ?? '').endsWith(b.suffix ?? '') || (b.suffix ?? '').endsWith(a.suffix ?? '');
      if (prefixes && suffixes && shareEvent(a.events, b.events)) {
        throw invalid('Configurations overlap. Configurations on the same bucket cannot share a common event type.', 'Event', a.events.find((e) => shareEvent([e], b.events)));
      }
    }
  }
}

/** The configuration as GetBucketNotificationConfiguration answers it. */
export function notifyConfigXml(c: NotifyConfig): string {
  const content: Record<string, unknown> = {};
  for (const kind of KINDS) {
    const list = c.targets.filter((t) => t.kind === kind);
    if (list.length === 0) continue;
    content[`${kind}Configuration`] = list.map((t) => {
      const rules = [...(t.prefix !== undefined ? [{ Name: 'Prefix', Value: t.prefix }] : []), ...(t.suffix !== undefined ? [{ Name: 'Suffix', Value: t.suffix }] : [])];
      return { Id: t.id, [kind]: t.arn, Event: [...t.events], ...(rules.length > 0 ? { Filter: { S3Key: { FilterRule: rules } } } : {}) };
    });
  }
  if (c.eventBridge) content.EventBridgeConfiguration = '';
  return toXml('NotificationConfiguration', content);
}

/** The topic configurations an object change (`eventName` like `ObjectCreated:Put`) of `key` matches. */
export function matchingTopics(c: NotifyConfig, eventName: string, key: string): NotifyTarget[] {
  const full = `s3:${eventName}`;
  return c.targets.filter((t) => t.kind === 'Topic' && t.events.some((e) => e === full || (e.endsWith(':*') && full.startsWith(e.slice(0, -1)))) && key.startsWith(t.prefix ?? '') && key.endsWith(t.suffix ?? ''));
}

/** S3's event name for a write or delete, from the API call that made it. */
export function eventNameOf(kind: 'created' | 'deleted', reason: string): string {
  if (kind === 'deleted') return 'ObjectRemoved:Delete';
  return reason === 'CopyObject' ? 'ObjectCreated:Copy' : reason === 'CompleteMultipartUpload' ? 'ObjectCreated:CompleteMultipartUpload' : 'ObjectCreated:Put';
}
