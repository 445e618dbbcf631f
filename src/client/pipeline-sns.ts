/**
 * The SNS part of loading a workspace's templates into a running emulator: each subscription the
 * templates declare is subscribed, or its attributes brought to what the templates say now (SNS
 * refuses a Subscribe naming other values for an existing subscription's attributes, so they are
 * set one by one), and the attributes the templates no longer set go back to SNS's defaults. The
 * topics and subscriptions the templates no longer declare are deleted, as a stack update would.
 */
import { DeleteTopicCommand, GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, SetSubscriptionAttributesCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import type { PipelineResource } from '../model/iac';
import { droppedAttributes, keyOf, subscriptionOf, type LoadedTemplates, type PipelineGone } from './pipeline-state';
import { whereIs } from './pipeline-where';

/** The protocols the local SNS delivers to; a template's others are not loaded (said once each). */
export const LOCAL_PROTOCOLS = new Set(['http', 'https', 'email', 'email-json']);

/**
 * The value that takes an attribute back to SNS's default: `{}` removes a filter policy (the SNS
 * guide's way), an empty value the other optional ones.
 */
const RESET: Readonly<Record<string, string>> = { FilterPolicy: '{}', FilterPolicyScope: 'MessageAttributes', RawMessageDelivery: 'false' };

const differentAttributes = (err: unknown) => (err as { name?: string }).name === 'InvalidParameterException' && /different attributes/.test(String((err as Error).message));

export interface SubscribeOutcome {
  /** One line for the user. */
  readonly line: string;
  /** An existing subscription's attributes were changed. */
  readonly updated: boolean;
}

/**
 * Subscribes the declarations of one subscription (the same topic, protocol and endpoint; several
 * when templates repeat it: their attributes merged, a conflict said in the line), with the
 * attributes the last load set and `now` no longer does (`previous`) reset.
 */
export async function subscribeDeclared(sns: SNSClient, declarations: readonly PipelineResource[], previous: LoadedTemplates | undefined, now: LoadedTemplates): Promise<SubscribeOutcome> {
  const subs = declarations.map(subscriptionOf);
  const first = subs[0]!;
  const label = `subscription ${first.protocol} ${first.endpoint} to ${first.topicArn.split(':').pop()}`;
  const values: Record<string, string> = {};
  const conflicts = new Set<string>();
  for (const s of subs) {
    for (const [k, v] of Object.entries(s.values)) {
      if (values[k] !== undefined && values[k] !== v) conflicts.add(k);
      values[k] = v;
    }
  }
  const note = conflicts.size > 0 ? ` (declared ${subs.length} times with different ${[...conflicts].join(', ')}, at ${declarations.map((d) => whereIs(d)).join(', ')}: the last one is loaded)` : '';
  const { arn, updated } = await subscribe(sns, first, values, droppedAttributes(previous, now, keyOf(first)));
  // An http(s) endpoint confirms its subscription (SNS posts it a SubscriptionConfirmation); until then nothing is delivered to it.
  const pending = arn && first.protocol.startsWith('http') && (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }))).Attributes?.PendingConfirmation === 'true';
  return { line: `${label}${updated ? ' (attributes updated)' : ''}${pending ? ' (pending confirmation: the endpoint was sent a SubscriptionConfirmation to confirm)' : ''}${note}`, updated };
}

/**
 * Subscribes (the same subscription again is no change), bringing its attributes to `values` and
 * those in `dropped` back to their defaults. `updated`: it changed an existing subscription.
 */
async function subscribe(sns: SNSClient, s: { topicArn: string; protocol: string; endpoint: string }, values: Readonly<Record<string, string>>, dropped: readonly string[]): Promise<{ arn?: string; updated: boolean }> {
  const base = { TopicArn: s.topicArn, Protocol: s.protocol, Endpoint: s.endpoint, ReturnSubscriptionArn: true };
  let arn: string | undefined;
  let updated = false;
  try {
    arn = (await sns.send(new SubscribeCommand(Object.keys(values).length > 0 ? { ...base, Attributes: { ...values } } : base))).SubscriptionArn;
  } catch (err) {
    if (!differentAttributes(err)) throw err;
    arn = (await sns.send(new SubscribeCommand(base))).SubscriptionArn;
    updated = await setAttributes(sns, arn!, values);
  }
  if (dropped.length === 0 || !arn) return { arn, updated };
  const resets = Object.fromEntries(dropped.filter((n) => values[n] === undefined).map((n) => [n, RESET[n] ?? '']));
  return { arn, updated: (await setAttributes(sns, arn, resets)) || updated };
}

/** Sets each attribute whose value differs; true if one did. */
async function setAttributes(sns: SNSClient, arn: string, values: Readonly<Record<string, string>>): Promise<boolean> {
  if (Object.keys(values).length === 0) return false;
  const current = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }))).Attributes ?? {};
  let changed = false;
  for (const [name, value] of Object.entries(values)) {
    const has = current[name];
    // A removal of what is not there, or a default it has: nothing to do.
    if (has === value || (has === undefined && (value === '' || value === '{}' || value === RESET[name]))) continue;
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: arn, AttributeName: name, AttributeValue: value }));
    changed = true;
  }
  return changed;
}

/**
 * Deletes the topics (with their subscriptions) and then the subscriptions of other topics that the
 * templates no longer declare; one line each. One that is not there (deleted by hand) has no line.
 */
export async function unloadSns(sns: SNSClient, gone: Pick<PipelineGone, 'topics' | 'subscriptions'>): Promise<string[]> {
  const lines: string[] = [];
  const topicArns = new Set(gone.topics.map((t) => t.arn));
  for (const t of gone.topics) {
    const exists = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: t.arn })).then(() => true, (err: unknown) => {
      if ((err as { name?: string }).name === 'NotFoundException') return false;
      throw err;
    });
    if (!exists) continue;
    await sns.send(new DeleteTopicCommand({ TopicArn: t.arn }));
    lines.push(`topic ${t.name} deleted, with its subscriptions (no longer in the templates)`);
  }
  for (const s of gone.subscriptions) {
    if (topicArns.has(s.topicArn)) continue;
    const match = (await listSubscriptions(sns, s.topicArn)).find((x) => x.Protocol === s.protocol && x.Endpoint === s.endpoint);
    if (!match) continue;
    // A subscription waiting for confirmation is listed without its ARN: Subscribe names it again (no change).
    const arn = match.SubscriptionArn?.startsWith('arn:') ? match.SubscriptionArn : (await sns.send(new SubscribeCommand({ TopicArn: s.topicArn, Protocol: s.protocol, Endpoint: s.endpoint, ReturnSubscriptionArn: true }))).SubscriptionArn;
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
    lines.push(`subscription ${s.protocol} ${s.endpoint} to ${s.topicArn.split(':').pop()} deleted (no longer in the templates)`);
  }
  return lines;
}

/** A topic's subscriptions, every page (none if the topic is gone). */
async function listSubscriptions(sns: SNSClient, topicArn: string): Promise<Array<{ SubscriptionArn?: string; Protocol?: string; Endpoint?: string }>> {
  const out: Array<{ SubscriptionArn?: string; Protocol?: string; Endpoint?: string }> = [];
  let token: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token })).catch((err: unknown) => {
      if ((err as { name?: string }).name === 'NotFoundException') return { Subscriptions: [], NextToken: undefined };
      throw err;
    });
    out.push(...(page.Subscriptions ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}
