/**
 * Deliveries waiting for a retry are handed to a store (the services journal it) and taken back
 * after a restart: pure, on fake clocks, with a map as the store and fake target ports that fail or
 * succeed as the test says.
 */
import assert from 'node:assert/strict';
import type { Target } from '@aws-sdk/client-eventbridge';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { Deliveries, DeliveryError, type DeliveryRecord, type PendingDelivery, type TargetPort } from '../../../../src/emulator/events/core/delivery';

const TARGET: Target = { Id: 'sm', Arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:later' };
const ctx = (id: string) => ({ ruleName: 'r', ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/r', event: { id } });

function mapStore() {
  const map = new Map<string, PendingDelivery>();
  return { map, put: (k: string, p: PendingDelivery) => void map.set(k, p), delete: (k: string) => void map.delete(k) };
}

const failing = (err: Error): TargetPort & { calls: string[] } => {
  const calls: string[] = [];
  return { calls, deliver: (_t, input) => (calls.push(input), Promise.reject(err)) };
};
const succeeding = (): TargetPort & { calls: string[] } => {
  const calls: string[] = [];
  return { calls, deliver: (_t, input) => (calls.push(input), Promise.resolve('ok')) };
};

describe('EventBridge deliveries waiting for a retry (unit)', () => {
  it('hands a failed delivery to the store with its next due time; a new Deliveries takes it back and delivers it', async () => {
    const clock = new FakeClock();
    const store = mapStore();
    const before = new Deliveries(clock, failing(new Error('no such state machine')), () => {}, store);
    const sent = before.send(TARGET, '{"n":1}', ctx('e1'));
    await before.settled();
    await sent;
    assert.deepEqual([...store.map.values()].map((p) => [p.attempts, p.due - p.first, p.input]), [[1, 1000, '{"n":1}']]);
    before.stop();

    // "Restart": a later clock, a target that works now.
    const after = new FakeClock();
    await after.advance(5_000);
    const port = succeeding();
    const records: DeliveryRecord[] = [];
    const resumed = new Deliveries(after, port, (r) => records.push(r), store);
    resumed.resume([...store.map.entries()]);
    await after.advance(0);
    assert.deepEqual(port.calls, ['{"n":1}']);
    assert.deepEqual(records.map((r) => [r.status, r.attempts, r.eventId]), [['delivered', 2, 'e1']]);
    assert.equal(store.map.size, 0, 'delivered: no longer waiting');
  });

  it('keeps retrying a resumed delivery that fails again, and drops it from the store when it gives up', async () => {
    const clock = new FakeClock();
    const store = mapStore();
    const records: DeliveryRecord[] = [];
    const d = new Deliveries(clock, failing(new Error('down')), (r) => records.push(r), store);
    const first = clock.now();
    d.resume([['k', { target: { ...TARGET, RetryPolicy: { MaximumRetryAttempts: 3 } }, input: 'x', ctx: ctx('e2'), attempts: 2, first, due: first + 2_000 }]]);
    await clock.advance(2_000);
    assert.equal(store.map.get('k')?.attempts, 3, 'the third attempt failed: waiting again');
    await clock.advance(4_000);
    assert.deepEqual(records.map((r) => `${r.status}:${r.attempts}`), ['retrying:3', 'failed:4']);
    assert.equal(store.map.size, 0);
  });

  it('gives up a resumed delivery older than its MaximumEventAgeInSeconds without delivering it', async () => {
    const clock = new FakeClock();
    await clock.advance(3_600_000);
    const store = mapStore();
    const port = succeeding();
    const records: DeliveryRecord[] = [];
    const d = new Deliveries(clock, port, (r) => records.push(r), store);
    const first = clock.now() - 2 * 3_600_000;
    store.put('old', { target: { ...TARGET, RetryPolicy: { MaximumEventAgeInSeconds: 3600 } }, input: 'x', ctx: ctx('e6'), attempts: 4, first, due: first + 15_000 });
    assert.equal(d.resume([...store.map.entries()]), 1);
    await clock.advance(0);
    assert.deepEqual(port.calls, [], 'not delivered');
    assert.deepEqual(records.map((r) => [r.status, r.attempts]), [['failed', 4]]);
    assert.match(records[0].detail ?? '', /older than the target's MaximumEventAgeInSeconds \(3600\)/);
    assert.equal(store.map.size, 0);
  });

  it('stores nothing for a delivery that succeeds at once or fails for good', async () => {
    const clock = new FakeClock();
    const store = mapStore();
    await new Deliveries(clock, succeeding(), () => {}, store).send(TARGET, 'a', ctx('e3'));
    await new Deliveries(clock, failing(new DeliveryError('not a log group ARN', false)), () => {}, store).send(TARGET, 'b', ctx('e4'));
    assert.equal(store.map.size, 0);
  });

  it('settled() waits for first attempts still in flight', async () => {
    const clock = new FakeClock();
    let release: (() => void) | undefined;
    const slow: TargetPort = { deliver: () => new Promise((r) => (release = () => r('ok'))) };
    const d = new Deliveries(clock, slow);
    void d.send(TARGET, 'a', ctx('e5'));
    let settled = false;
    const waiting = d.settled().then(() => (settled = true));
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    assert.equal(settled, false);
    release!();
    await waiting;
    assert.equal(settled, true);
  });
});
