/**
 * SNS's HTTP/S delivery policy and retries (pure: a fake clock, a fake port that answers as told,
 * a Map as the pending store): the default policy (3 retries 20 s apart), a subscription's own
 * policy and its topic's, `disableSubscriptionOverrides`, the four phases' delays, the policy
 * checks SetSubscriptionAttributes and SetTopicAttributes make, and the retry loop: a 5xx or no
 * answer is retried, a 4xx is not, the store holds a delivery until it ends, and `resume` takes
 * back what a stopped server left.
 */
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { SnsCore, SnsError, type Notification, type SubscriptionRecord } from '../../../../src/emulator/sns/core';
import { DEFAULT_RETRY_POLICY, deliveryPolicyProblem, effectivePolicy, retryDelays, type RetryPolicy } from '../../../../src/model/sns/delivery-policy';
import { HttpDeliveries, type AttemptOutcome, type PendingHttpDelivery } from '../../../../src/emulator/sns/http-retries';

const OK: AttemptOutcome = { delivered: true, retryable: false, detail: 'answered 200' };
const DOWN: AttemptOutcome = { delivered: false, retryable: true, detail: 'could not reach it' };
const REFUSED: AttemptOutcome = { delivered: false, retryable: false, detail: 'answered 403' };

function harness(answers: AttemptOutcome[], policy: RetryPolicy = DEFAULT_RETRY_POLICY) {
  const clock = new FakeClock();
  const start = clock.now();
  const attempts: number[] = [];
  const store = new Map<string, PendingHttpDelivery>();
  const logs: string[] = [];
  const sub: SubscriptionRecord = { kind: 'sub', SubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:t:s1', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Protocol: 'http', Endpoint: 'http://127.0.0.1:9/hook', Owner: '123456789012', confirmed: true, token: 'x', Attributes: {} };
  let gone = false;
  const make = () =>
    new HttpDeliveries(
      clock,
      {
        post: async () => {
          attempts.push((clock.now() - start) / 1000);
          return answers.shift() ?? OK;
        },
        subscription: () => (gone ? undefined : sub),
        retryPolicy: () => policy,
        log: (l) => logs.push(l),
      },
      { put: (k, p) => store.set(k, p), delete: (k) => store.delete(k) },
    );
  const n: Notification = { Type: 'Notification', MessageId: 'm1', TopicArn: sub.TopicArn, Message: 'hello', Timestamp: new Date(start).toISOString() };
  return { clock, attempts, store, logs, sub, n, make, unsubscribe: () => (gone = true) };
}

describe('SNS http(s) delivery policy and retries (unit)', () => {
  it('retries a failed delivery 3 times, 20 s apart, by default, keeping it in the store until it ends', async () => {
    const h = harness([DOWN, DOWN, DOWN, OK]);
    h.make().send(h.sub, h.n);
    await h.clock.settle();
    assert.equal(h.store.size, 1, 'journaled while waiting for its retry');
    assert.deepEqual([...h.store.values()].map((p) => p.attempts), [1]);
    await h.clock.advance(60_000);
    assert.deepEqual(h.attempts, [0, 20, 40, 60]);
    assert.equal(h.store.size, 0, 'delivered: out of the store');
    assert.ok(h.logs.some((l) => l.includes('delivered to http://127.0.0.1:9/hook on attempt 4')), h.logs.join('\n'));
  });

  it('gives up after the last retry, and at once on a refusal (4xx) or an unsubscribed subscription', async () => {
    const down = harness([DOWN, DOWN, DOWN, DOWN, OK]);
    down.make().send(down.sub, down.n);
    await down.clock.advance(600_000);
    assert.deepEqual(down.attempts, [0, 20, 40, 60]);
    assert.equal(down.store.size, 0);
    assert.ok(down.logs.some((l) => /gave up .* after 4 attempts: could not reach it/.test(l)), down.logs.join('\n'));

    const refused = harness([REFUSED, OK]);
    refused.make().send(refused.sub, refused.n);
    await refused.clock.advance(600_000);
    assert.deepEqual(refused.attempts, [0]);
    assert.equal(refused.store.size, 0);

    const gone = harness([DOWN, OK]);
    gone.make().send(gone.sub, gone.n);
    await gone.clock.settle();
    gone.unsubscribe();
    await gone.clock.advance(600_000);
    assert.deepEqual(gone.attempts, [0]);
    assert.equal(gone.store.size, 0);
  });

  it('follows the policy phases: immediate, minDelayTarget apart, backoff, maxDelayTarget apart', () => {
    const p: RetryPolicy = { minDelayTarget: 2, maxDelayTarget: 8, numRetries: 9, numNoDelayRetries: 2, numMinDelayRetries: 1, numMaxDelayRetries: 3, backoffFunction: 'linear' };
    assert.deepEqual(retryDelays(p), [0, 0, 2, 2, 5, 8, 8, 8, 8]);
    assert.deepEqual(retryDelays({ ...p, backoffFunction: 'exponential', numNoDelayRetries: 0, numMinDelayRetries: 0, numMaxDelayRetries: 0, numRetries: 3 }), [2, 4, 8]);
    assert.deepEqual(retryDelays(DEFAULT_RETRY_POLICY), [20, 20, 20]);
    assert.deepEqual(retryDelays({ ...DEFAULT_RETRY_POLICY, numRetries: 0 }), []);
  });

  it("takes the subscription's policy, else the topic's, unless the topic disables overrides", () => {
    const topic = (retry: object, disable = false) => JSON.stringify({ http: { defaultHealthyRetryPolicy: retry, disableSubscriptionOverrides: disable, defaultRequestPolicy: { headerContentType: 'application/json' } } });
    const sub = JSON.stringify({ healthyRetryPolicy: { numRetries: 1, minDelayTarget: 1, maxDelayTarget: 1 } });
    assert.deepEqual(effectivePolicy(undefined, undefined), { retry: DEFAULT_RETRY_POLICY, contentType: 'text/plain; charset=UTF-8' });
    assert.equal(effectivePolicy(topic({ numRetries: 5 }), sub).retry.numRetries, 1);
    assert.equal(effectivePolicy(topic({ numRetries: 5 }), undefined).retry.numRetries, 5);
    assert.equal(effectivePolicy(topic({ numRetries: 5 }, true), sub).retry.numRetries, 5);
    assert.equal(effectivePolicy(topic({}), undefined).contentType, 'application/json');
  });

  it('checks a DeliveryPolicy as SNS does when it is set, and reports the effective one', () => {
    assert.equal(deliveryPolicyProblem('{"healthyRetryPolicy":{"numRetries":3,"minDelayTarget":5,"maxDelayTarget":10,"backoffFunction":"exponential"}}', 'subscription'), undefined);
    assert.match(deliveryPolicyProblem('{"healthyRetryPolicy":{"minDelayTarget":30,"maxDelayTarget":10}}', 'subscription') ?? '', /maxDelayTarget must not be less than minDelayTarget/);
    assert.match(deliveryPolicyProblem('{"healthyRetryPolicy":{"numRetries":101}}', 'subscription') ?? '', /at most 100/);
    assert.match(deliveryPolicyProblem('{"healthyRetryPolicy":{"backoffFunction":"cubic"}}', 'subscription') ?? '', /backoffFunction/);
    assert.match(deliveryPolicyProblem('{"healthyRetryPolicy":{"numRetries":2,"numNoDelayRetries":3}}', 'subscription') ?? '', /must not exceed numRetries/);
    assert.match(deliveryPolicyProblem('{"http":{"defaultHealthyRetryPolicy":{"numRetries":-1}}}', 'topic') ?? '', /whole number/);
    // The CDK writes the backoff function in capitals.
    assert.equal(deliveryPolicyProblem('{"healthyRetryPolicy":{"numRetries":6,"minDelayTarget":5,"maxDelayTarget":10,"backoffFunction":"EXPONENTIAL"}}', 'subscription'), undefined);
    assert.match(deliveryPolicyProblem('{"healthyRetryPolicy":{"numRetries":100,"minDelayTarget":3600,"maxDelayTarget":3600}}', 'subscription') ?? '', /at most 3600/);
    assert.match(deliveryPolicyProblem('{"requestPolicy":{"headerContentType":"text/plain\\r\\nX-Evil: 1"}}', 'subscription') ?? '', /no line breaks/);
    assert.match(deliveryPolicyProblem('{"healthyRetryPolicy":{"numRetries":1}}', 'topic') ?? '', /http.defaultHealthyRetryPolicy/);
    // A policy stored before these checks, which SNS would refuse, is not followed: the default is.
    assert.deepEqual(effectivePolicy(undefined, '{"healthyRetryPolicy":{"numRetries":1000000000}}').retry, DEFAULT_RETRY_POLICY);

    const tokens: string[] = [];
    const core = new SnsCore({ clock: new FakeClock(), account: '123456789012', region: 'us-east-1', ports: { deliver: (_s, n) => void (n.Token && tokens.push(n.Token)) } });
    const topicArn = core.createTopic('t');
    core.subscribe(topicArn, 'http', 'http://127.0.0.1:9/h');
    const subArn = core.confirm(topicArn, tokens[0]!);
    assert.throws(() => core.setSubscriptionAttribute(subArn, 'DeliveryPolicy', '{"healthyRetryPolicy":{"minDelayTarget":0}}'), (e: unknown) => e instanceof SnsError && e.code === 'InvalidParameter' && /minDelayTarget/.test(e.message));
    core.setSubscriptionAttribute(subArn, 'DeliveryPolicy', '{"healthyRetryPolicy":{"numRetries":1,"minDelayTarget":1,"maxDelayTarget":1}}');
    assert.equal(JSON.parse(core.subscriptionAttributes(subArn).EffectiveDeliveryPolicy!).healthyRetryPolicy.numRetries, 1);
    assert.equal(JSON.parse(core.topicAttributes(topicArn).EffectiveDeliveryPolicy!).http.defaultHealthyRetryPolicy.numRetries, 3);
    assert.throws(() => core.subscribe(topicArn, 'http', 'http://127.0.0.1:9/other', { DeliveryPolicy: '{"healthyRetryPolicy":{"numRetries":500}}' }), (e: unknown) => e instanceof SnsError && e.code === 'InvalidParameter');
  });

  it('journals each delivery under its own key before the first attempt, and a resumed one keeps its count of attempts', async () => {
    // Killed before the first attempt's outcome: the store holds the message with no attempt made.
    const h = harness([OK, OK]);
    const d = h.make();
    d.send(h.sub, h.n);
    d.send(h.sub, { ...h.n, MessageId: 'm2' });
    assert.deepEqual([...h.store.values()].map((p) => [p.notification.MessageId, p.attempts, p.subscriptionArn]), [['m1', 0, h.sub.SubscriptionArn], ['m2', 0, h.sub.SubscriptionArn]]);
    await h.clock.settle();
    assert.equal(h.store.size, 0);
    // Left after its third attempt (two retries made): one retry remains of the default three.
    const late = harness([DOWN, DOWN]);
    late.make().resume([['m1/x', { subscriptionArn: late.sub.SubscriptionArn, notification: late.n, attempts: 3, due: late.clock.now() }]]);
    await late.clock.advance(600_000);
    assert.equal(late.attempts.length, 1, 'the fourth attempt, then it gives up');
    assert.ok(late.logs.some((l) => /gave up .* after 4 attempts/.test(l)), late.logs.join('\n'));
  });

  it('checks every field of a policy at its boundaries', () => {
    const sub = (retry: unknown) => deliveryPolicyProblem(JSON.stringify({ healthyRetryPolicy: retry }), 'subscription');
    const base = { minDelayTarget: 1, maxDelayTarget: 1, numRetries: 1 };
    assert.equal(sub(base), undefined);
    assert.equal(sub({ ...base, numRetries: 0 }), undefined);
    assert.equal(sub({ ...base, numRetries: 100, numMaxDelayRetries: 100, maxDelayTarget: 36 }), undefined, '100 retries 36 s apart: 3,600 s in all');
    assert.match(sub({ ...base, numRetries: 100, numMaxDelayRetries: 100, maxDelayTarget: 37 }) ?? '', /take 3700 seconds in all; .* at most 3600/);
    assert.equal(sub({ minDelayTarget: 3600, maxDelayTarget: 3600, numRetries: 1 }), undefined);
    assert.match(sub({ minDelayTarget: 3600, maxDelayTarget: 3601, numRetries: 0 }) ?? '', /maxDelayTarget must be at most 3600/);
    assert.equal(sub({ ...base, numRetries: 3, numNoDelayRetries: 1, numMinDelayRetries: 1, numMaxDelayRetries: 1 }), undefined, 'the phases may add up to numRetries');
    for (const bad of [{ ...base, colour: 1 }, { ...base, numRetries: '3' }, { ...base, numRetries: 1.5 }, { ...base, numNoDelayRetries: -1 }, [1]]) assert.notEqual(sub(bad), undefined, JSON.stringify(bad));
    assert.match(deliveryPolicyProblem('[]', 'subscription') ?? '', /JSON object/);
    assert.match(deliveryPolicyProblem('{"http":[]}', 'topic') ?? '', /http must be an object/);
    assert.match(deliveryPolicyProblem('{"http":{"disableSubscriptionOverrides":"yes"}}', 'topic') ?? '', /true or false/);
    assert.match(deliveryPolicyProblem('{"http":{"defaultHealthyRetryPolicy":[]}}', 'topic') ?? '', /must be an object/);
    assert.match(deliveryPolicyProblem('{"requestPolicy":"json"}', 'subscription') ?? '', /headerContentType string/);
    assert.match(deliveryPolicyProblem('{"requestPolicy":{"headerContentType":5}}', 'subscription') ?? '', /headerContentType string/);
    assert.match(deliveryPolicyProblem('{"http":{}}', 'subscription') ?? '', /no http member/);
    assert.equal(deliveryPolicyProblem('{"http":{"defaultRequestPolicy":{"headerContentType":"application/json"}}}', 'topic'), undefined);
    // An empty or unreadable stored policy leaves SNS's default in force.
    assert.deepEqual(effectivePolicy('', 'not json'), { retry: DEFAULT_RETRY_POLICY, contentType: 'text/plain; charset=UTF-8' });
  });

  it('resume takes back a stopped server\'s deliveries, each tried when it is due', async () => {
    const h = harness([DOWN, OK]);
    const first = h.make();
    first.send(h.sub, h.n);
    await h.clock.settle();
    first.stop();
    const left = [...h.store.entries()];
    assert.equal(left.length, 1);
    assert.equal(h.make().resume(left), 1);
    await h.clock.advance(19_000);
    assert.deepEqual(h.attempts, [0], 'not before it is due');
    await h.clock.advance(1_000);
    assert.deepEqual(h.attempts, [0, 20]);
    assert.equal(h.store.size, 0);
  });
});
