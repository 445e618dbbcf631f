import assert from 'node:assert/strict';
import { harness } from '../../../support/engineHarness';

describe('Job state change events (unit)', () => {
  it('emits EventBridge-shaped events for every transition but the initial SUBMITTED, with the detail at that moment', async () => {
    const h = await harness();
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: h.def('s', 'sleep 2') });
    await h.clock.advance(5_000);
    const mine = h.events.filter((e) => e.resources[0] === r.jobArn);
    assert.deepEqual(mine.map((e) => e.detail.status), ['RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED']);
    const e = mine[2];
    assert.equal(e.version, '0');
    assert.equal(e.account, '000000000000');
    assert.equal(e.region, 'us-east-1');
    assert.match(e.id, /^[0-9a-f-]{36}$/);
    assert.equal(e.time, new Date(e.detail.startedAt!).toISOString());
    assert.equal(e.detail.stoppedAt, undefined, 'the RUNNING event does not show the later stop');
    assert.match(e.detail.container?.logStreamName ?? '', /^s\/default\//);
    assert.equal(JSON.parse(JSON.stringify(e)).detail.status, 'RUNNING');
    assert.equal(new Set(mine.map((x) => x.id)).size, 4);
  });

  it('stops delivering after unsubscribe', async () => {
    const h = await harness();
    const seen: string[] = [];
    const off = h.engine.subscribe((e) => seen.push(e.detail.status!));
    h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: h.def('s', 'sleep 2') });
    await h.clock.advance(1_000);
    off();
    await h.clock.advance(5_000);
    assert.deepEqual(seen, ['RUNNABLE', 'STARTING', 'RUNNING']);
  });
});
