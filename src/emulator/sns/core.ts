/**
 * SNS topics and subscriptions: CreateTopic (idempotent by name), DeleteTopic, Subscribe (email is
 * confirmed locally at once; http/https wait for ConfirmSubscription with the token sent to the
 * endpoint in a SubscriptionConfirmation), Unsubscribe, Publish with filter policies on message
 * attributes (or the body, with FilterPolicyScope MessageBody), matched by the EventBridge pattern
 * matcher whose operators SNS filter policies share. Pure: ports deliver, the clock stamps.
 */
import type { Clock } from '../batch/core/ports';
import { compilePattern, matches, PatternError, type CompiledPattern } from '../events/core/pattern';
import { deliveryPolicyProblem, effectivePolicy, subscriptionEffectivePolicy, topicEffectivePolicy, type EffectivePolicy } from '../../model/sns/delivery-policy';

export class SnsError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface TopicRecord {
  readonly kind: 'topic';
  readonly Name: string;
  readonly TopicArn: string;
  readonly Attributes: Record<string, string>;
}

export interface SubscriptionRecord {
  readonly kind: 'sub';
  readonly SubscriptionArn: string;
  readonly TopicArn: string;
  readonly Protocol: string;
  readonly Endpoint: string;
  readonly Owner: string;
  readonly confirmed: boolean;
  /** Confirmed by a signed ConfirmSubscription (false: by the SubscribeURL's plain GET; absent: confirmed at once). */
  readonly authenticated?: boolean;
  readonly token: string;
  readonly Attributes: Record<string, string>;
}

export type SnsRecord = TopicRecord | SubscriptionRecord;

export interface Notification {
  readonly Type: 'Notification' | 'SubscriptionConfirmation';
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  readonly Message: string;
  readonly Timestamp: string;
  readonly Token?: string;
  readonly MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

export interface SnsPorts {
  deliver(sub: SubscriptionRecord, n: Notification): void;
  /** Every published message (the editor's notification). */
  published?(topic: TopicRecord, n: Notification): void;
}

export type MessageAttributes = Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;

const PROTOCOLS = new Set(['http', 'https', 'email', 'email-json']);

/** Topic attributes SetTopicAttributes takes (SNS API reference); the JSON ones must be JSON objects. */
const TOPIC_ATTRIBUTES = new Set([
  'DisplayName', 'Policy', 'DeliveryPolicy', 'KmsMasterKeyId', 'SignatureVersion', 'TracingConfig', 'ContentBasedDeduplication', 'ArchivePolicy', 'FifoThroughputScope',
  ...['Application', 'Firehose', 'HTTP', 'Lambda', 'SQS'].flatMap((p) => [`${p}SuccessFeedbackRoleArn`, `${p}SuccessFeedbackSampleRate`, `${p}FailureFeedbackRoleArn`]),
]);
/** Subscription attributes SetSubscriptionAttributes takes. */
const SUBSCRIPTION_ATTRIBUTES = new Set(['DeliveryPolicy', 'FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'SubscriptionRoleArn', 'ReplayPolicy']);
/** The values the SNS API reference documents for these topic attributes. */
const TOPIC_VALUES: Readonly<Record<string, readonly string[]>> = { SignatureVersion: ['1', '2'], TracingConfig: ['PassThrough', 'Active'], FifoThroughputScope: ['Topic', 'MessageGroup'] };

/** A topic's ARN: a partition, a region, a 12-digit account and a topic name (letters, digits, - and _, .fifo for a FIFO topic). */
const TOPIC_ARN = /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const SUBSCRIPTION_ARN = /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+:[^:\s]+$/;
const JSON_ATTRIBUTES = new Set(['Policy', 'DeliveryPolicy', 'ArchivePolicy', 'RedrivePolicy', 'ReplayPolicy']);

/** Subscription attributes an empty value removes. */
const REMOVABLE = new Set(['DeliveryPolicy', 'FilterPolicy', 'RedrivePolicy', 'ReplayPolicy', 'SubscriptionRoleArn']);
/** What a subscription has when it was never given the attribute. */
const SUBSCRIPTION_DEFAULTS: Readonly<Record<string, string>> = { RawMessageDelivery: 'false', FilterPolicyScope: 'MessageAttributes' };

function isEmptyPolicy(value: string): boolean {
  return value === '' || /^\s*\{\s*\}\s*$/.test(value);
}

/** Whether a subscription's value of attribute `name` (undefined: never set) is `asked`. */
function sameAttribute(name: string, has: string | undefined, asked: string): boolean {
  if (name === 'FilterPolicy' && isEmptyPolicy(asked)) return has === undefined;
  const current = has ?? SUBSCRIPTION_DEFAULTS[name];
  if (current === asked) return true;
  if (current === undefined || !JSON_ATTRIBUTES.has(name) && name !== 'FilterPolicy') return false;
  try {
    return canonicalJson(JSON.parse(current)) === canonicalJson(JSON.parse(asked));
  } catch {
    return false;
  }
}

/** JSON text with object keys sorted (so equal values compare equal). */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

function checkAttribute(name: string, value: string, allowed: ReadonlySet<string>, of: 'topic' | 'subscription'): void {
  if (!allowed.has(name)) throw new SnsError('InvalidParameter', 400, `Invalid parameter: AttributeName ${name}: use one of ${[...allowed].slice(0, 9).join(', ')}${allowed.size > 9 ? ', ...' : ''}`);
  if (JSON_ATTRIBUTES.has(name)) {
    let v: unknown;
    try {
      v = JSON.parse(value);
    } catch {
      v = undefined;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new SnsError('InvalidParameter', 400, `Invalid parameter: ${name}: the value must be a JSON object`);
  }
  const policyProblem = name === 'DeliveryPolicy' ? deliveryPolicyProblem(value, of) : undefined;
  if (policyProblem) throw new SnsError('InvalidParameter', 400, `Invalid parameter: DeliveryPolicy: ${policyProblem}`);
  const allowedValues = TOPIC_VALUES[name];
  if (of === 'topic' && allowedValues && !allowedValues.includes(value)) throw new SnsError('InvalidParameter', 400, `Invalid parameter: Attributes Reason: ${name}: Invalid value [${value.slice(0, 50)}]. Must be ${allowedValues.join(' or ')}.`);
  if (of === 'topic' && name === 'DisplayName' && [...value].length > 100) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Attributes Reason: DisplayName: at most 100 characters.');
  if (name === 'ContentBasedDeduplication' && value !== 'true' && value !== 'false') throw new SnsError('InvalidParameter', 400, `Invalid parameter: Attributes Reason: ContentBasedDeduplication: Invalid value [${value.slice(0, 50)}]. Must be true or false.`);
  if (name === 'RawMessageDelivery' && value !== 'true' && value !== 'false') throw new SnsError('InvalidParameter', 400, 'Invalid parameter: RawMessageDelivery: Invalid value [' + value + '] for RawMessageDelivery. Must be true or false.');
  if (name === 'FilterPolicyScope' && value !== 'MessageAttributes' && value !== 'MessageBody') throw new SnsError('InvalidParameter', 400, 'Invalid parameter: FilterPolicyScope: must be MessageAttributes or MessageBody');
}

/**
 * Publish's message attributes as SNS checks them: a data type of String, Number or Binary (with an
 * optional `.custom` suffix) or String.Array, and a value of that type.
 */
function checkMessageAttributes(attrs: MessageAttributes): void {
  const names = Object.keys(attrs);
  if (names.length > 10) throw new SnsError('InvalidParameter', 400, `Invalid parameter: MessageAttributes: a message has at most 10 attributes, not ${names.length}`);
  for (const [name, v] of Object.entries(attrs)) {
    if (!/^(String|Number|Binary)(\..+)?$/.test(v.DataType)) throw new SnsError('InvalidParameterValue', 400, `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    const value = v.DataType.startsWith('Binary') ? v.BinaryValue : v.StringValue;
    if (value === undefined || value === '') throw new SnsError('InvalidParameterValue', 400, `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${v.DataType.split('.')[0]}'.`);
    if (v.DataType.startsWith('Number') && !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim())) throw new SnsError('InvalidParameterValue', 400, `The message attribute '${name}' with type 'Number' must have a numeric value, not '${value}'.`);
    if (v.DataType === 'String.Array' && !Array.isArray(safeJson(value, undefined))) throw new SnsError('InvalidParameterValue', 400, `The message attribute '${name}' with type 'String.Array' must be a JSON array.`);
  }
}

export class SnsCore {
  private readonly topics = new Map<string, TopicRecord>();
  private readonly subs = new Map<string, SubscriptionRecord>();
  private readonly policies = new Map<string, CompiledPattern>();
  private seq = 0;

  constructor(
    private readonly o: { clock: Clock; account: string; region: string; ports: SnsPorts; onChange?: (key: string, r: SnsRecord | undefined) => void; newId?: () => string },
  ) {}

  restore(r: SnsRecord): void {
    if (r.kind === 'topic') this.topics.set(r.TopicArn, r);
    else this.setSub(r, false);
  }

  createTopic(name: string, attributes: Record<string, string> = {}): string {
    // CreateTopic takes the attributes SetTopicAttributes does, and FifoTopic (settable only here).
    for (const [k, v] of Object.entries(attributes)) {
      if (k === 'FifoTopic') {
        if (v !== 'true' && v !== 'false') throw new SnsError('InvalidParameter', 400, `Invalid parameter: Attributes Reason: ${k}: Invalid value [${v.slice(0, 50)}]. Must be true or false.`);
      } else checkAttribute(k, v, TOPIC_ATTRIBUTES, 'topic');
    }
    const fifo = attributes.FifoTopic === 'true';
    if (fifo ? !/^[A-Za-z0-9_-]{1,251}\.fifo$/.test(name) : !/^[A-Za-z0-9_-]{1,256}$/.test(name)) {
      throw new SnsError('InvalidParameter', 400, `Invalid parameter: Topic Name${fifo ? ': a FIFO topic\'s name ends with .fifo' : name.endsWith('.fifo') ? ': a name ending with .fifo is for a FIFO topic (FifoTopic=true)' : ''}`);
    }
    const arn = `arn:aws:sns:${this.o.region}:${this.o.account}:${name}`;
    const old = this.topics.get(arn);
    // The same name again: the same topic, unless it asks for other attribute values.
    if (old && Object.entries(attributes).some(([k, v]) => (old.Attributes[k] ?? (k === 'FifoTopic' ? 'false' : undefined)) !== v)) {
      throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Attributes Reason: Topic already exists with different attributes');
    }
    if (old) return arn;
    const t: TopicRecord = { kind: 'topic', Name: name, TopicArn: arn, Attributes: attributes };
    this.topics.set(arn, t);
    this.o.onChange?.(arn, t);
    return arn;
  }

  listTopics(): string[] {
    return [...this.topics.keys()].sort();
  }

  topic(arn: unknown): TopicRecord {
    const t = typeof arn === 'string' ? this.topics.get(arn) : undefined;
    if (!t && (typeof arn !== 'string' || !TOPIC_ARN.test(arn))) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: TopicArn');
    if (!t) throw new SnsError('NotFound', 404, 'Topic does not exist');
    return t;
  }

  /** DeleteTopic: one that does not exist is no error (the API reference), a malformed ARN is. */
  deleteTopic(arn: string): void {
    if (!this.topics.has(arn) && !TOPIC_ARN.test(arn)) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: TopicArn');
    if (!this.topics.delete(arn)) return;
    this.o.onChange?.(arn, undefined);
    for (const s of [...this.subs.values()]) if (s.TopicArn === arn) this.unsubscribe(s.SubscriptionArn);
  }

  topicAttributes(arn: string): Record<string, string> {
    const t = this.topic(arn);
    const subs = [...this.subs.values()].filter((s) => s.TopicArn === arn);
    return { ...t.Attributes, TopicArn: arn, Owner: this.o.account, DisplayName: t.Attributes.DisplayName ?? '', EffectiveDeliveryPolicy: topicEffectivePolicy(t.Attributes.DeliveryPolicy), SubscriptionsConfirmed: String(subs.filter((s) => s.confirmed).length), SubscriptionsPending: String(subs.filter((s) => !s.confirmed).length), SubscriptionsDeleted: '0' };
  }

  /** SetTopicAttributes: one attribute at a time, as the API takes it; journaled. */
  setTopicAttribute(arn: string, name: string, value: string): void {
    const t = this.topic(arn);
    checkAttribute(name, value, TOPIC_ATTRIBUTES, 'topic');
    const next: TopicRecord = { ...t, Attributes: { ...t.Attributes, [name]: value } };
    this.topics.set(arn, next);
    this.o.onChange?.(arn, next);
  }

  subscription(arn: string): SubscriptionRecord {
    const s = this.subs.get(arn);
    if (!s && !SUBSCRIPTION_ARN.test(arn)) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: SubscriptionArn');
    if (!s) throw new SnsError('NotFound', 404, 'Subscription does not exist');
    return s;
  }

  /**
   * GetSubscriptionAttributes: what AWS reports for every subscription, then what was set. The
   * filter policy's scope shows with a filter policy only, its default (MessageAttributes) too.
   */
  subscriptionAttributes(arn: string): Record<string, string> {
    const s = this.subscription(arn);
    const { FilterPolicyScope: scope, ...set } = s.Attributes;
    const filter: Record<string, string> = set.FilterPolicy !== undefined ? { FilterPolicyScope: scope ?? 'MessageAttributes' } : {};
    return { SubscriptionArn: s.SubscriptionArn, TopicArn: s.TopicArn, Owner: s.Owner, Protocol: s.Protocol, Endpoint: s.Endpoint, ConfirmationWasAuthenticated: String(s.authenticated ?? s.confirmed), PendingConfirmation: String(!s.confirmed), RawMessageDelivery: 'false', ...(isHttp(s) ? { EffectiveDeliveryPolicy: subscriptionEffectivePolicy(this.topics.get(s.TopicArn)?.Attributes.DeliveryPolicy, s.Attributes.DeliveryPolicy) } : {}), ...set, ...filter };
  }

  /** The subscription, if it exists (deliveries waiting for a retry look it up again). */
  findSubscription(arn: string): SubscriptionRecord | undefined {
    return this.subs.get(arn);
  }

  /** The delivery policy an http/https subscription's messages follow (its own, its topic's, SNS's default). */
  deliveryPolicyOf(s: SubscriptionRecord): EffectivePolicy {
    return effectivePolicy(this.topics.get(s.TopicArn)?.Attributes.DeliveryPolicy, s.Attributes.DeliveryPolicy);
  }

  /**
   * SetSubscriptionAttributes (a FilterPolicy is compiled first: a bad one changes nothing);
   * journaled. An empty value removes an optional attribute, and so does a FilterPolicy of `{}`
   * (the SNS guide's way to remove one).
   */
  setSubscriptionAttribute(arn: string, name: string, value: string): void {
    const s = this.subscription(arn);
    const removes = REMOVABLE.has(name) && (value === '' || (name === 'FilterPolicy' && isEmptyPolicy(value)));
    if (!removes) checkAttribute(name, value, SUBSCRIPTION_ATTRIBUTES, 'subscription');
    checkRawDelivery(s.Protocol, name, value);
    if (name === 'FilterPolicy' && !removes) this.policy(value);
    const attributes = { ...s.Attributes, [name]: value };
    if (removes) delete attributes[name];
    if (attributes.FilterPolicy === undefined) this.policies.delete(arn);
    this.setSub({ ...s, Attributes: attributes }, true);
  }

  /** Subscribe; `returnArn` (ReturnSubscriptionArn): the ARN even while confirmation is pending. */
  subscribe(topicArn: string, protocol: string, endpoint: string, asked: Record<string, string> = {}, returnArn = false): string {
    const topic = this.topic(topicArn);
    // FIFO topics deliver to Amazon SQS queues only (the console offers nothing else), and there is no local SQS.
    if (topic.Attributes.FifoTopic === 'true' && protocol !== 'sqs') throw new SnsError('InvalidParameter', 400, `Invalid parameter: Protocol Reason: a FIFO topic delivers to Amazon SQS queues only, not ${protocol} (localbatch has no SQS to subscribe)`);
    if (!PROTOCOLS.has(protocol)) throw new SnsError('InvalidParameter', 400, `Invalid parameter: Protocol ${protocol}: localbatch delivers to http, https, email and email-json`);
    if ((protocol === 'http' || protocol === 'https') && !new RegExp(`^${protocol}://`).test(endpoint)) throw new SnsError('InvalidParameter', 400, `Invalid parameter: Endpoint must match the specified protocol`);
    if (protocol.startsWith('email') && !/^[^@\s]+@[^@\s]+$/.test(endpoint)) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Email address');
    // A FilterPolicy of `{}` is none.
    const attributes = Object.fromEntries(Object.entries(asked).filter(([k, v]) => !(k === 'FilterPolicy' && isEmptyPolicy(v))));
    for (const [k, v] of Object.entries(attributes)) {
      checkAttribute(k, v, SUBSCRIPTION_ATTRIBUTES, 'subscription');
      checkRawDelivery(protocol, k, v);
    }
    if (attributes.FilterPolicy !== undefined) this.policy(attributes.FilterPolicy);
    const existing = [...this.subs.values()].find((s) => s.TopicArn === topicArn && s.Protocol === protocol && s.Endpoint === endpoint);
    if (existing) {
      // As SNS: the same subscription again is no change, but not with other values for the
      // attributes asked for (JSON ones compared as JSON, not as text).
      if (Object.entries(asked).some(([k, v]) => !sameAttribute(k, existing.Attributes[k], v))) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
      return existing.confirmed || returnArn ? existing.SubscriptionArn : 'pending confirmation';
    }
    const id = this.o.newId?.() ?? globalThis.crypto.randomUUID();
    const sub: SubscriptionRecord = { kind: 'sub', SubscriptionArn: `${topicArn}:${id}`, TopicArn: topicArn, Protocol: protocol, Endpoint: endpoint, Owner: this.o.account, confirmed: protocol.startsWith('email'), token: (globalThis.crypto.randomUUID() + globalThis.crypto.randomUUID()).replace(/-/g, ''), Attributes: attributes };
    this.setSub(sub, true);
    if (!sub.confirmed) {
      this.o.ports.deliver(sub, { Type: 'SubscriptionConfirmation', MessageId: this.messageId(), TopicArn: topicArn, Token: sub.token, Message: `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`, Timestamp: this.now() });
      return returnArn ? sub.SubscriptionArn : 'pending confirmation';
    }
    return sub.SubscriptionArn;
  }

  confirm(topicArn: string, token: string, authenticated = true): string {
    this.topic(topicArn);
    const sub = [...this.subs.values()].find((s) => s.TopicArn === topicArn && s.token === token);
    if (!sub) throw new SnsError('InvalidParameter', 400, 'Invalid token');
    if (!sub.confirmed) this.setSub({ ...sub, confirmed: true, authenticated }, true);
    return sub.SubscriptionArn;
  }

  unsubscribe(subArn: string): void {
    if (!this.subs.has(subArn) && !SUBSCRIPTION_ARN.test(subArn)) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: SubscriptionArn');
    if (!this.subs.delete(subArn)) throw new SnsError('NotFound', 404, 'Subscription does not exist');
    this.policies.delete(subArn);
    this.o.onChange?.(subArn, undefined);
  }

  /** The subscriptions (of a topic), as ListSubscriptions shows them; `id`: the ARN (shown as PendingConfirmation until confirmed). */
  subscriptions(topicArn?: string): Array<{ id: string; SubscriptionArn: string; Owner: string; Protocol: string; Endpoint: string; TopicArn: string }> {
    if (topicArn !== undefined) this.topic(topicArn);
    return [...this.subs.values()].filter((s) => topicArn === undefined || s.TopicArn === topicArn).map((s) => ({ id: s.SubscriptionArn, SubscriptionArn: s.confirmed ? s.SubscriptionArn : 'PendingConfirmation', Owner: s.Owner, Protocol: s.Protocol, Endpoint: s.Endpoint, TopicArn: s.TopicArn }));
  }

  /**
   * Publish. `structure` 'json': `message` is a JSON object of a message per protocol, its `default`
   * required (each subscriber gets its protocol's entry, else the default), as the API reference says.
   */
  publish(topicArn: string, message: string, subject?: string, attributes: MessageAttributes = {}, structure?: string): string {
    const topic = this.topic(topicArn);
    if (message === '') throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Empty message');
    const perProtocol = structure === undefined ? undefined : messagesByProtocol(message, structure);
    if (Buffer.byteLength(message) > 256 * 1024) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Message too long');
    // The API reference: no line breaks or control characters, fewer than 100 characters.
    // eslint-disable-next-line no-control-regex
    if (subject !== undefined && (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(subject) || [...subject].length >= 100)) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Subject: must have no line break or control character, and fewer than 100 characters');
    checkMessageAttributes(attributes);
    const id = this.messageId();
    const n: Notification = { Type: 'Notification', MessageId: id, TopicArn: topicArn, Subject: subject, Message: perProtocol?.default ?? message, Timestamp: this.now(), ...(Object.keys(attributes).length ? { MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { Type: v.DataType, Value: v.StringValue ?? v.BinaryValue ?? '' }])) } : {}) };
    const attrs = attributeValues(attributes);
    const bodies = new Map<string, unknown>();
    for (const s of this.subs.values()) {
      if (s.TopicArn !== topicArn || !s.confirmed) continue;
      const mine = perProtocol?.[s.Protocol] ?? n.Message;
      const policy = this.policies.get(s.SubscriptionArn);
      if (policy) {
        const onBody = s.Attributes.FilterPolicyScope === 'MessageBody';
        if (onBody && !bodies.has(mine)) bodies.set(mine, safeJson(mine));
        if (!matches(policy, onBody ? bodies.get(mine) : attrs)) continue;
      }
      this.o.ports.deliver(s, mine === n.Message ? n : { ...n, Message: mine });
    }
    this.o.ports.published?.(topic, n);
    return id;
  }

  private setSub(s: SubscriptionRecord, journal: boolean): void {
    this.subs.set(s.SubscriptionArn, s);
    if (s.Attributes.FilterPolicy !== undefined) this.policies.set(s.SubscriptionArn, this.policy(s.Attributes.FilterPolicy));
    if (journal) this.o.onChange?.(s.SubscriptionArn, s);
  }

  private policy(text: string): CompiledPattern {
    try {
      return compilePattern(JSON.parse(text));
    } catch (err) {
      throw new SnsError('InvalidParameter', 400, `Invalid parameter: FilterPolicy: ${err instanceof PatternError ? err.reason : 'not valid JSON'}`);
    }
  }

  private messageId(): string {
    return this.o.newId?.() ?? globalThis.crypto.randomUUID() ?? String(++this.seq);
  }

  private now(): string {
    return new Date(this.o.clock.now()).toISOString();
  }
}

function isHttp(s: SubscriptionRecord): boolean {
  return s.Protocol === 'http' || s.Protocol === 'https';
}

function safeJson(text: string, fallback: unknown = {}): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

/** Message attributes as the values a filter policy sees: Number as number, String.Array as a list. */
function attributeValues(attrs: MessageAttributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v.DataType.startsWith('Number')) out[k] = Number(v.StringValue);
    else if (v.DataType === 'String.Array') out[k] = safeJson(v.StringValue ?? '[]');
    else if (v.DataType.startsWith('String')) out[k] = v.StringValue;
  }
  return out;
}

/** A MessageStructure=json message: its entries by protocol, `default` among them; InvalidParameter when it is not one. */
function messagesByProtocol(message: string, structure: string): Record<string, string> & { default: string } {
  if (structure !== 'json') throw new SnsError('InvalidParameter', 400, `Invalid parameter: MessageStructure: must be json, not ${structure.slice(0, 50)}`);
  let v: unknown;
  try {
    v = JSON.parse(message);
  } catch {
    throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Message Structure - JSON message body failed to parse');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Message Structure - JSON message body failed to parse');
  const entries = v as Record<string, unknown>;
  if (typeof entries.default !== 'string') throw new SnsError('InvalidParameter', 400, 'Invalid parameter: Message Structure - No default entry in JSON message body');
  for (const [k, e] of Object.entries(entries)) if (typeof e !== 'string') throw new SnsError('InvalidParameter', 400, `Invalid parameter: Message Structure - the ${k} entry must be a string`);
  return entries as Record<string, string> & { default: string };
}

/** Raw message delivery is for http(s) (and SQS, Firehose) subscribers: SNS refuses it for email. */
function checkRawDelivery(protocol: string, name: string, value: string): void {
  if (name === 'RawMessageDelivery' && value === 'true' && protocol.startsWith('email')) {
    throw new SnsError('InvalidParameter', 400, `Invalid parameter: Attributes Reason: Delivery protocol [${protocol}] does not support raw message delivery.`);
  }
}
