/**
 * A bucket's NotificationConfiguration read from its XML and checked as S3 checks it (the rules:
 * src/model/s3/notifications.ts); a configuration without an Id gets one. Which topic
 * configurations an object change matches, and its event name (the message itself: events.ts).
 */
import { randomUUID } from 'node:crypto';
import { coversEvent, DUPLICATE_ID_MESSAGE, firstDuplicateId, firstOverlap, isFilterProblem, keyFilterOf, OVERLAP_MESSAGE, S3_NOTIFICATION_EVENTS } from '../../model/s3/notifications';
import { S3Error } from './errors';
import { many, toXml } from './xml';

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
  const given: Array<string | undefined> = [];
  for (const kind of KINDS) {
    for (const raw of many<Record<string, unknown>>(conf[`${kind}Configuration`])) {
      const arn = text(raw?.[kind]);
      if (!arn) throw new S3Error('MalformedXML', 400, `The XML you provided was not well-formed or did not validate against our published schema (a ${kind}Configuration needs its ${kind} ARN)`);
      const events = many<unknown>(raw.Event).map((e) => text(e) ?? '');
      if (events.length === 0) throw new S3Error('MalformedXML', 400, `The XML you provided was not well-formed or did not validate against our published schema (a ${kind}Configuration needs at least one Event)`);
      for (const e of events) if (!S3_NOTIFICATION_EVENTS.has(e)) throw invalid('The event is not supported for notifications', 'Event', e);
      const rules = many<Record<string, unknown>>((raw.Filter as { S3Key?: { FilterRule?: unknown } } | undefined)?.S3Key?.FilterRule);
      const filter = keyFilterOf(rules.map((r) => ({ name: text(r?.Name) ?? '', value: text(r?.Value) ?? '' })));
      if (isFilterProblem(filter)) throw invalid(filter.message, 'FilterRule', filter.name);
      const { prefix, suffix } = filter;
      given.push(text(raw.Id));
      const id = text(raw.Id) || newId();
      targets.push({ kind, id, arn, events, ...(prefix !== undefined ? { prefix } : {}), ...(suffix !== undefined ? { suffix } : {}) });
    }
  }
  const overlap = firstOverlap(targets);
  if (overlap) throw invalid(OVERLAP_MESSAGE, 'Event', overlap.event);
  // (of the Ids given: one made here is unique)
  const duplicate = firstDuplicateId(given);
  if (duplicate) throw invalid(DUPLICATE_ID_MESSAGE, 'Id', targets[duplicate.second]!.id);
  return { targets, eventBridge: 'EventBridgeConfiguration' in conf };
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
  return c.targets.filter((t) => t.kind === 'Topic' && t.events.some((e) => coversEvent(e, full)) && key.startsWith(t.prefix ?? '') && key.endsWith(t.suffix ?? ''));
}

/** S3's event name for a write or delete, from the API call that made it. */
export function eventNameOf(kind: 'created' | 'deleted', reason: string): string {
  if (kind === 'deleted') return 'ObjectRemoved:Delete';
  return reason === 'CopyObject' ? 'ObjectCreated:Copy' : reason === 'CompleteMultipartUpload' ? 'ObjectCreated:CompleteMultipartUpload' : 'ObjectCreated:Put';
}
