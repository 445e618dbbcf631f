/**
 * The SNS part of loading a workspace's templates into a running emulator: a template's
 * subscription is subscribed, or its attributes brought to what the template says now (SNS refuses
 * a Subscribe naming other values for an existing subscription's attributes), and the topics and
 * subscriptions a template no longer declares are deleted, as a stack update would.
 */
import { DeleteTopicCommand, GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, SetSubscriptionAttributesCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import type { PipelineResource } from '../model/iac';
import { asStr, isObj } from '../model/values';

/** What names a subscription: its topic, protocol and endpoint. */
export function subscriptionKey(s: PipelineResource): string {
  return [asStr(s.value.TopicArn), asStr(s.value.Protocol), asStr(s.value.Endpoint)].join(' ');
}

/** The subscription attributes the template sets. */
export function attributesOf(s: PipelineResource): Record<string, string> {
  return isObj(s.value.Attributes) ? (s.value.Attributes as Record<string, string>) : {};
}

/** The value that takes an attribute back to SNS's default (a FilterPolicy of `{}` removes it, as the SNS guide says). */
const RESET: Readonly<Record<string, string>> = { FilterPolicy: '{}', FilterPolicyScope: 'MessageAttributes', RawMessageDelivery: 'false' };

const differentAttributes = (err: unknown) => (err as { name?: string }).name === 'InvalidParameterException' && /different attributes/.test(String((err as Error).message));

/**
 * Subscribes `s` (the same subscription again is no change), bringing its attributes to the
 * template's: those it sets, and `dropped` (set by the last load, not by the template now) back to
 * their defaults; one that has no default is removed by subscribing anew. True if it changed an
 * existing subscription.
 */
export async function subscribe(sns: SNSClient, s: PipelineResource, dropped: readonly string[]): Promise<boolean> {
  const base = { TopicArn: asStr(s.value.TopicArn), Protocol: asStr(s.value.Protocol), Endpoint: asStr(s.value.Endpoint), ReturnSubscriptionArn: true };
  const attributes = attributesOf(s);
  const withAttributes = Object.keys(attributes).length > 0 ? { ...base, Attributes: attributes } : base;
  let arn: string | undefined;
  let updated = false;
  try {
    arn = (await sns.send(new SubscribeCommand(withAttributes))).SubscriptionArn;
  } catch (err) {
    if (!differentAttributes(err)) throw err;
    arn = (await sns.send(new SubscribeCommand(base))).SubscriptionArn;
    const current = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }))).Attributes ?? {};
    for (const [name, value] of Object.entries(attributes)) {
      if (current[name] !== value) await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: arn, AttributeName: name, AttributeValue: value }));
    }
    updated = true;
  }
  if (dropped.length === 0 || !arn) return updated;
  const current = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }))).Attributes ?? {};
  const stale = dropped.filter((name) => current[name] !== undefined && current[name] !== RESET[name]);
  if (stale.length === 0) return updated;
  if (stale.every((name) => RESET[name] !== undefined)) {
    for (const name of stale) await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: arn, AttributeName: name, AttributeValue: RESET[name] }));
  } else {
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
    await sns.send(new SubscribeCommand(withAttributes));
  }
  return true;
}

/**
 * Deletes the topics (with their subscriptions) and then the subscriptions of other topics that the
 * templates no longer declare; one line each. One that is not there (deleted by hand) has no line.
 */
export async function unloadSns(sns: SNSClient, gone: { readonly topics: readonly PipelineResource[]; readonly subscriptions: readonly PipelineResource[] }): Promise<string[]> {
  const lines: string[] = [];
  const topicArns = new Set(gone.topics.map((t) => asStr(t.value.TopicArn)));
  for (const t of gone.topics) {
    const arn = asStr(t.value.TopicArn);
    if (!arn) continue;
    const exists = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn })).then(() => true, (err: unknown) => {
      if ((err as { name?: string }).name === 'NotFoundException') return false;
      throw err;
    });
    if (!exists) continue;
    await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
    lines.push(`topic ${t.name} deleted, with its subscriptions (no longer in the templates)`);
  }
  for (const s of gone.subscriptions) {
    const topic = asStr(s.value.TopicArn);
    if (!topic || topicArns.has(topic)) continue;
    const listed = await listSubscriptions(sns, topic);
    const match = listed.find((x) => x.Protocol === asStr(s.value.Protocol) && x.Endpoint === asStr(s.value.Endpoint));
    if (!match) continue;
    // A subscription waiting for confirmation is listed without its ARN: Subscribe names it again (no change).
    const arn = match.SubscriptionArn?.startsWith('arn:') ? match.SubscriptionArn : (await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: match.Protocol, Endpoint: match.Endpoint, ReturnSubscriptionArn: true }))).SubscriptionArn;
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
    lines.push(`subscription ${asStr(s.value.Protocol)} ${asStr(s.value.Endpoint) ?? ''} to ${topic.split(':').pop()} deleted (no longer in the templates)`);
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
