/**
 * What a workspace's templates put into an emulator, as `localbatch serve` remembers it between
 * loads (and across restarts, in the state folder): the names of the rules and schedules, the
 * topics, each subscription with the attribute names its templates set, and the buckets they put a
 * notification configuration on. The next load deletes what the templates no longer declare,
 * resets the attributes none of them sets any more and clears the notifications of a bucket they no
 * longer configure, as a stack update would. Pure: no I/O.
 */
import type { PipelineResource } from '../model/iac';
import { asStr, isObj, parseJsonObject } from '../model/values';
import type { PipelineSet } from './pipeline-load';

export interface LoadedSubscription {
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  /** The attribute names the templates set on it. */
  readonly attributes: readonly string[];
}

export interface LoadedTemplates {
  readonly rules: readonly string[];
  readonly schedules: readonly string[];
  readonly topics: ReadonlyArray<{ readonly name: string; readonly arn: string }>;
  readonly subscriptions: readonly LoadedSubscription[];
  /** The buckets the templates put a notification configuration on (EventBridge or topics). */
  readonly buckets: readonly string[];
}

export const NOTHING_LOADED: LoadedTemplates = { rules: [], schedules: [], topics: [], subscriptions: [], buckets: [] };

/** What the templates no longer declare (subscriptions without their attributes; buckets whose notifications they no longer set). */
export type PipelineGone = LoadedTemplates;

/** What names a subscription: its topic, protocol and endpoint. */
export function keyOf(s: Pick<LoadedSubscription, 'topicArn' | 'protocol' | 'endpoint'>): string {
  return [s.topicArn, s.protocol, s.endpoint].join(' ');
}

/** A template subscription's topic, protocol and endpoint, and the attributes it sets. */
export function subscriptionOf(r: PipelineResource): LoadedSubscription & { readonly values: Readonly<Record<string, string>> } {
  const values = isObj(r.value.Attributes) ? (r.value.Attributes as Record<string, string>) : {};
  return { topicArn: asStr(r.value.TopicArn) ?? '', protocol: asStr(r.value.Protocol) ?? '', endpoint: asStr(r.value.Endpoint) ?? '', attributes: Object.keys(values), values };
}

/** What loading `p` puts in (a subscription declared twice: the attribute names of both). */
export function loadedFrom(p: PipelineSet): LoadedTemplates {
  return {
    rules: unique(p.rules.map((r) => r.name)),
    schedules: unique(p.schedules.map((r) => r.name)),
    topics: uniqueBy(p.topics.map((t) => ({ name: t.name, arn: asStr(t.value.TopicArn) ?? '' })), (t) => t.arn),
    subscriptions: mergeSubscriptions(p.subscriptions.map(subscriptionOf)),
    buckets: unique(p.buckets.filter(notifies).map((b) => b.name)),
  };
}

/** Whether loading the bucket puts a notification configuration on it (what loadPipeline puts). */
export function notifies(b: PipelineResource): boolean {
  return b.value.EventBridgeEnabled === true || (Array.isArray(b.value.TopicConfigurations) && b.value.TopicConfigurations.length > 0);
}

/** Both (for a load that did not finish: what either may have put in). */
export function mergeLoaded(a: LoadedTemplates, b: LoadedTemplates): LoadedTemplates {
  return {
    rules: unique([...a.rules, ...b.rules]),
    schedules: unique([...a.schedules, ...b.schedules]),
    topics: uniqueBy([...a.topics, ...b.topics], (t) => t.arn),
    subscriptions: mergeSubscriptions([...a.subscriptions, ...b.subscriptions]),
    buckets: unique([...a.buckets, ...b.buckets]),
  };
}

/** What `previous` holds that `now` does not. */
export function goneSince(previous: LoadedTemplates, now: LoadedTemplates): PipelineGone {
  const has = <T>(list: readonly T[], key: (x: T) => string) => new Set(list.map(key));
  const rules = has(now.rules, (x) => x);
  const schedules = has(now.schedules, (x) => x);
  const topics = has(now.topics, (t) => t.arn);
  const subs = has(now.subscriptions, keyOf);
  const buckets = has(now.buckets, (x) => x);
  return {
    rules: previous.rules.filter((n) => !rules.has(n)),
    schedules: previous.schedules.filter((n) => !schedules.has(n)),
    topics: previous.topics.filter((t) => !topics.has(t.arn)),
    subscriptions: previous.subscriptions.filter((s) => !subs.has(keyOf(s))),
    buckets: previous.buckets.filter((n) => !buckets.has(n)),
  };
}

export function isNothing(g: LoadedTemplates): boolean {
  return g.rules.length + g.schedules.length + g.topics.length + g.subscriptions.length + g.buckets.length === 0;
}

/** The attribute names `previous` set on the subscription `key` that `now` no longer sets. */
export function droppedAttributes(previous: LoadedTemplates | undefined, now: LoadedTemplates, key: string): string[] {
  const before = previous?.subscriptions.find((s) => keyOf(s) === key)?.attributes ?? [];
  const still = new Set(now.subscriptions.find((s) => keyOf(s) === key)?.attributes ?? []);
  return before.filter((n) => !still.has(n));
}

/** The saved form read back, or undefined when it is not one (then nothing is taken as loaded). */
export function parseLoaded(text: string): LoadedTemplates | undefined {
  const v = parseJsonObject(text);
  if (!v) return undefined;
  const strings = (x: unknown) => (Array.isArray(x) && x.every((s) => typeof s === 'string') ? (x as string[]) : undefined);
  const rules = strings(v.rules);
  const schedules = strings(v.schedules);
  const topics = Array.isArray(v.topics) && v.topics.every((t) => isObj(t) && typeof t.name === 'string' && typeof t.arn === 'string') ? (v.topics as LoadedTemplates['topics']) : undefined;
  const subscriptions = Array.isArray(v.subscriptions) && v.subscriptions.every((s) => isObj(s) && typeof s.topicArn === 'string' && typeof s.protocol === 'string' && typeof s.endpoint === 'string' && strings(s.attributes)) ? (v.subscriptions as LoadedSubscription[]) : undefined;
  // (a record written before buckets were recorded has none)
  const buckets = v.buckets === undefined ? [] : strings(v.buckets);
  if (!rules || !schedules || !topics || !subscriptions || !buckets) return undefined;
  return { rules, schedules, buckets, topics: topics.map((t) => ({ name: t.name, arn: t.arn })), subscriptions: subscriptions.map((s) => ({ topicArn: s.topicArn, protocol: s.protocol, endpoint: s.endpoint, attributes: [...s.attributes] })) };
}

function mergeSubscriptions(list: readonly LoadedSubscription[]): LoadedSubscription[] {
  const byKey = new Map<string, LoadedSubscription>();
  for (const s of list) {
    const k = keyOf(s);
    const had = byKey.get(k);
    byKey.set(k, { topicArn: s.topicArn, protocol: s.protocol, endpoint: s.endpoint, attributes: unique([...(had?.attributes ?? []), ...s.attributes]) });
  }
  return [...byKey.values()];
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

function uniqueBy<T>(list: readonly T[], key: (x: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const x of list) if (!seen.has(key(x))) seen.set(key(x), x);
  return [...seen.values()];
}
