/**
 * The SNS core's attribute rules (pure, on a fake clock, deliveries recorded by a fake port):
 * SetTopicAttributes and Set/GetSubscriptionAttributes with the names and values SNS takes, a filter
 * policy set after subscribing taking effect (and a bad one changing nothing), RawMessageDelivery
 * checked, and Publish refusing message attributes and subjects SNS refuses.
 */
import assert from 'node:assert/strict';
import { SnsCore, SnsError, type Notification, type SnsRecord, type SubscriptionRecord } from '../../../../src/emulator/sns/core';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';

function setup() {
  const delivered: Array<{ sub: SubscriptionRecord; n: Notification }> = [];
  const journal = new Map<string, SnsRecord | undefined>();
  const core = new SnsCore({ clock: new FakeClock(), account: '123456789012', region: 'us-east-1', ports: { deliver: (sub, n) => delivered.push({ sub, n }) }, onChange: (k, r) => journal.set(k, r) });
  const topic = core.createTopic('alerts');
  const sub = core.subscribe(topic, 'email', 'team@example.com');
  return { core, topic, sub, delivered, journal };
}

const code = (c: string) => (e: unknown) => e instanceof SnsError && e.code === c;

describe('SNS attributes (unit)', () => {
  it('SetTopicAttributes stores a known attribute (journaled) and refuses unknown names and non-JSON policies', () => {
    const t = setup();
    t.core.setTopicAttribute(t.topic, 'DisplayName', 'Alerts');
    t.core.setTopicAttribute(t.topic, 'Policy', '{"Version":"2012-10-17","Statement":[]}');
    assert.equal(t.core.topicAttributes(t.topic).DisplayName, 'Alerts');
    assert.equal((t.journal.get(t.topic) as { Attributes: Record<string, string> }).Attributes.Policy, '{"Version":"2012-10-17","Statement":[]}');
    assert.throws(() => t.core.setTopicAttribute(t.topic, 'Colour', 'red'), code('InvalidParameter'));
    assert.throws(() => t.core.setTopicAttribute(t.topic, 'Policy', '{not json'), code('InvalidParameter'));
    assert.throws(() => t.core.setTopicAttribute(`${t.topic}-gone`, 'DisplayName', 'x'), code('NotFound'));
    assert.throws(() => t.core.publish('notarn', 'hi'), code('InvalidParameter'));
  });

  it('a FilterPolicy set after subscribing filters the next message; an invalid one changes nothing; removing it lets all through', () => {
    const t = setup();
    const attrs = (kind: string) => ({ kind: { DataType: 'String', StringValue: kind } });
    t.core.setSubscriptionAttribute(t.sub, 'FilterPolicy', '{"kind":["failure"]}');
    t.core.publish(t.topic, 'ok', undefined, attrs('success'));
    t.core.publish(t.topic, 'bad', undefined, attrs('failure'));
    assert.deepEqual(t.delivered.map((d) => d.n.Message), ['bad']);
    assert.throws(() => t.core.setSubscriptionAttribute(t.sub, 'FilterPolicy', '{"kind":"failure"}'), code('InvalidParameter'));
    assert.equal(t.core.subscriptionAttributes(t.sub).FilterPolicy, '{"kind":["failure"]}', 'the refused policy left the old one');
    t.core.setSubscriptionAttribute(t.sub, 'FilterPolicy', '');
    t.core.publish(t.topic, 'any', undefined, attrs('success'));
    assert.deepEqual(t.delivered.map((d) => d.n.Message), ['bad', 'any']);
    // `{}` removes it too (the SNS guide's example).
    t.core.setSubscriptionAttribute(t.sub, 'FilterPolicy', '{"kind":["failure"]}');
    t.core.setSubscriptionAttribute(t.sub, 'FilterPolicy', ' { } ');
    t.core.publish(t.topic, 'again', undefined, attrs('success'));
    assert.deepEqual(t.delivered.map((d) => d.n.Message), ['bad', 'any', 'again']);
    const got = t.core.subscriptionAttributes(t.sub);
    assert.deepEqual([got.TopicArn, got.Protocol, got.Endpoint, got.PendingConfirmation, got.RawMessageDelivery, got.FilterPolicy], [t.topic, 'email', 'team@example.com', 'false', 'false', undefined]);
    assert.throws(() => t.core.setSubscriptionAttribute(t.sub, 'RawMessageDelivery', 'yes'), code('InvalidParameter'));
    t.core.setSubscriptionAttribute(t.sub, 'RawMessageDelivery', 'false');
    assert.equal((t.journal.get(t.sub) as SubscriptionRecord).Attributes.RawMessageDelivery, 'false');
    assert.throws(() => t.core.subscriptionAttributes(`${t.sub}x`), code('NotFound'));
  });

  it('Subscribe again with the same topic, protocol and endpoint returns the same subscription, but refuses other values for the attributes it names', () => {
    const t = setup();
    assert.equal(t.core.subscribe(t.topic, 'email', 'team@example.com'), t.sub);
    assert.equal(t.core.subscribe(t.topic, 'email', 'team@example.com', { RawMessageDelivery: 'false' }), t.sub, 'the default value is no difference');
    t.core.setSubscriptionAttribute(t.sub, 'FilterPolicy', '{"kind":["failure"]}');
    assert.equal(t.core.subscribe(t.topic, 'email', 'team@example.com', { FilterPolicy: '{"kind":["failure"]}' }), t.sub);
    assert.equal(t.core.subscribe(t.topic, 'email', 'team@example.com'), t.sub, 'attributes not named are not compared');
    assert.throws(() => t.core.subscribe(t.topic, 'email', 'team@example.com', { FilterPolicy: '{"kind":["success"]}' }), (e: unknown) => e instanceof SnsError && e.code === 'InvalidParameter' && /already exists with different attributes/.test(e.message));
    assert.throws(() => t.core.subscribe(t.topic, 'email', 'team@example.com', { RawMessageDelivery: 'true' }), code('InvalidParameter'));
    assert.equal(t.core.subscriptionAttributes(t.sub).FilterPolicy, '{"kind":["failure"]}', 'a refused Subscribe changes nothing');
    assert.equal(t.core.subscriptions(t.topic).length, 1);
    assert.equal(t.core.subscribe(t.topic, 'email', 'team@example.com', { FilterPolicy: '{ "kind": [ "failure" ] }' }), t.sub, 'the same policy, spaced otherwise');
    assert.throws(() => t.core.subscribe(t.topic, 'email', 'team@example.com', { FilterPolicy: '{}' }), code('InvalidParameter'), '{} is no policy: not the one it has');
    // `{}` is no filter policy: a new subscription with it has none, and one without any matches it.
    const other = t.core.subscribe(t.topic, 'email', 'other@example.com', { FilterPolicy: '{}' });
    assert.equal(t.core.subscriptionAttributes(other).FilterPolicy, undefined);
    assert.equal(t.core.subscribe(t.topic, 'email', 'other@example.com', { FilterPolicy: ' {} ' }), other);
    // An empty value removes an optional attribute (a JSON one too).
    t.core.setSubscriptionAttribute(other, 'RedrivePolicy', '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq"}');
    t.core.setSubscriptionAttribute(other, 'RedrivePolicy', '');
    assert.equal(t.core.subscriptionAttributes(other).RedrivePolicy, undefined);
    assert.throws(() => t.core.setSubscriptionAttribute(other, 'RawMessageDelivery', ''), code('InvalidParameter'));
  });

  it('refuses RawMessageDelivery for an email subscriber (SNS raw-delivers to http(s), SQS and Firehose only)', () => {
    const { core } = setup();
    const topic = core.createTopic('raw-check');
    const email = core.subscribe(topic, 'email', 'me@example.com', {}, true);
    assert.throws(() => core.setSubscriptionAttribute(email, 'RawMessageDelivery', 'true'), /Delivery protocol \[email\] does not support raw message delivery/);
    assert.throws(() => core.subscribe(topic, 'email-json', 'you@example.com', { RawMessageDelivery: 'true' }), /Delivery protocol \[email-json\] does not support raw message delivery/);
    core.setSubscriptionAttribute(email, 'RawMessageDelivery', 'false');
    const hook = core.subscribe(topic, 'http', 'http://127.0.0.1:9/h', {}, true);
    core.setSubscriptionAttribute(hook, 'RawMessageDelivery', 'true');
    assert.equal(core.subscriptionAttributes(hook).RawMessageDelivery, 'true');
  });

  it('GetSubscriptionAttributes shows the filter policy\'s scope with a filter policy only, its default too', () => {
    const t = setup();
    assert.equal(t.core.subscriptionAttributes(t.sub).FilterPolicyScope, undefined);
    t.core.setSubscriptionAttribute(t.sub, 'FilterPolicy', '{"kind":["failure"]}');
    assert.equal(t.core.subscriptionAttributes(t.sub).FilterPolicyScope, 'MessageAttributes');
    t.core.setSubscriptionAttribute(t.sub, 'FilterPolicyScope', 'MessageBody');
    assert.equal(t.core.subscriptionAttributes(t.sub).FilterPolicyScope, 'MessageBody');
    t.core.setSubscriptionAttribute(t.sub, 'FilterPolicy', '');
    assert.equal(t.core.subscriptionAttributes(t.sub).FilterPolicyScope, undefined);
    assert.equal(t.core.subscriptionAttributes(t.sub).FilterPolicy, undefined);
  });

  it('Publish with MessageStructure json sends each protocol its entry, else the default; refuses one that is no JSON or has no default', () => {
    const t = setup();
    const hook = t.core.subscribe(t.topic, 'https', 'https://example.com/hook', {}, true);
    t.core.confirm(t.topic, t.core.subscription(hook).token);
    t.delivered.length = 0; // (the SubscriptionConfirmation)
    t.core.publish(t.topic, JSON.stringify({ default: 'd', email: 'e' }), undefined, {}, 'json');
    assert.deepEqual(t.delivered.map((d) => [d.sub.Protocol, d.n.Message]), [['email', 'e'], ['https', 'd']]);
    assert.throws(() => t.core.publish(t.topic, 'hi', undefined, {}, 'json'), code('InvalidParameter'));
    assert.throws(() => t.core.publish(t.topic, '{"email":"e"}', undefined, {}, 'json'), (e: unknown) => e instanceof SnsError && /No default entry/.test(e.message));
    assert.throws(() => t.core.publish(t.topic, '{"default":"d"}', undefined, {}, 'xml'), code('InvalidParameter'));
    assert.equal(t.delivered.length, 2, 'a refused publish delivers nothing');
  });

  it('Publish refuses message attributes SNS refuses, and delivers nothing then', () => {
    const t = setup();
    const bad: Array<[string, Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>]> = [
      ['an unknown type', { a: { DataType: 'Weird', StringValue: 'x' } }],
      ['an empty value', { a: { DataType: 'String', StringValue: '' } }],
      ['a Number that is not one', { a: { DataType: 'Number', StringValue: 'twelve' } }],
      ['a String.Array that is not an array', { a: { DataType: 'String.Array', StringValue: '{"x":1}' } }],
      ['a Binary without a BinaryValue', { a: { DataType: 'Binary', StringValue: 'x' } }],
    ];
    for (const [what, attrs] of bad) assert.throws(() => t.core.publish(t.topic, 'm', undefined, attrs), code('InvalidParameterValue'), what);
    for (const subject of ['line1\nline2', 'tab\there', 'next\u0085line', 'para\u2028graph', 'x'.repeat(100)]) assert.throws(() => t.core.publish(t.topic, 'm', subject), code('InvalidParameter'), JSON.stringify(subject));
    assert.equal(t.delivered.length, 0);
    t.core.publish(t.topic, 'subject ok', `${'x'.repeat(98)}é`);
    assert.deepEqual(t.delivered.map((d) => d.n.Message), ['subject ok']);
    t.delivered.length = 0;
    t.core.publish(t.topic, 'm', undefined, { n: { DataType: 'Number.float', StringValue: '1.5e3' }, b: { DataType: 'Binary', BinaryValue: 'AAE=' }, l: { DataType: 'String.Array', StringValue: '["a",1]' } });
    assert.deepEqual(t.delivered[0]?.n.MessageAttributes, { n: { Type: 'Number.float', Value: '1.5e3' }, b: { Type: 'Binary', Value: 'AAE=' }, l: { Type: 'String.Array', Value: '["a",1]' } });
  });
});
