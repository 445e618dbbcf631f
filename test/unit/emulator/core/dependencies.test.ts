import assert from 'node:assert/strict';
import { harness } from '../../../support/engineHarness';

function runningAt(h: Awaited<ReturnType<typeof harness>>, jobId: string): number {
  const e = h.events.find((x) => x.detail.jobId === jobId && x.detail.status === 'RUNNING');
  assert.ok(e, `${jobId} never ran`);
  return e.detail.startedAt!;
}

describe('Dependencies (unit)', () => {
  it('waits PENDING for a plain dependency, then runs', async () => {
    const h = await harness();
    const a = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: h.def('s', 'sleep 10') });
    const b = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 's', dependsOn: [{ jobId: a.jobId }] });
    await h.clock.advance(30_000);
    assert.deepEqual(h.statuses(b.jobId), ['PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED']);
    assert.ok(runningAt(h, b.jobId) >= h.describe(a.jobId).stoppedAt!);
  });

  it('makes a plain dependency on an array wait for the whole array', async () => {
    const h = await harness();
    const a = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: h.def('s', 'sleep 1'), arrayProperties: { size: 3 } });
    h.runtime.script((s) => s.environment.AWS_BATCH_JOB_ID === `${a.jobId}:2`, { durationMs: 50_000 });
    const b = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 's', dependsOn: [{ jobId: a.jobId }] });
    await h.clock.advance(20_000);
    assert.equal(h.describe(b.jobId).status, 'PENDING');
    await h.clock.advance(60_000);
    assert.equal(h.describe(b.jobId).status, 'SUCCEEDED');
    assert.ok(runningAt(h, b.jobId) >= h.describe(`${a.jobId}:2`).stoppedAt!);
  });

  it('N_TO_N: child i waits only for child i of the other array', async () => {
    const h = await harness({ vcpus: 8 });
    const a = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: h.def('s', 'sleep 1'), arrayProperties: { size: 3 } });
    h.runtime.script((s) => s.environment.AWS_BATCH_JOB_ID.startsWith(`${a.jobId}:`), (s) => ({ durationMs: (3 - Number(s.environment.AWS_BATCH_JOB_ARRAY_INDEX)) * 10_000 }));
    const b = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 's', arrayProperties: { size: 3 }, dependsOn: [{ jobId: a.jobId, type: 'N_TO_N' }] });
    await h.clock.advance(60_000);
    for (let i = 0; i < 3; i++) {
      assert.ok(runningAt(h, `${b.jobId}:${i}`) >= h.describe(`${a.jobId}:${i}`).stoppedAt!, `b:${i} after a:${i}`);
    }
    assert.ok(runningAt(h, `${b.jobId}:2`) < h.describe(`${a.jobId}:0`).stoppedAt!, 'b:2 does not wait for a:0');
    assert.deepEqual(h.describe(`${b.jobId}:1`).dependsOn, [{ jobId: `${a.jobId}:1`, type: 'N_TO_N' }]);
    assert.equal(h.describe(b.jobId).status, 'SUCCEEDED');
  });

  it('rejects N_TO_N between arrays of different sizes', async () => {
    const h = await harness();
    const a = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: h.def('s', 'true'), arrayProperties: { size: 3 } });
    assert.throws(() => h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 's', arrayProperties: { size: 2 }, dependsOn: [{ jobId: a.jobId, type: 'N_TO_N' }] }), /same size/);
  });

  it('SEQUENTIAL: child i starts only after child i-1 succeeded; a failure fails the rest as dependents', async () => {
    const h = await harness({ vcpus: 8 });
    const r = h.engine.submitJob({ jobName: 'seq', jobQueue: 'q', jobDefinition: h.def('s', 'sleep 5'), arrayProperties: { size: 4 }, dependsOn: [{ type: 'SEQUENTIAL' }] });
    h.runtime.script((s) => s.environment.AWS_BATCH_JOB_ARRAY_INDEX === '2', { exitCode: 1, durationMs: 5_000 });
    await h.clock.advance(60_000);
    assert.ok(runningAt(h, `${r.jobId}:1`) >= h.describe(`${r.jobId}:0`).stoppedAt!);
    assert.ok(runningAt(h, `${r.jobId}:2`) >= h.describe(`${r.jobId}:1`).stoppedAt!);
    const last = h.describe(`${r.jobId}:3`);
    assert.equal(last.status, 'FAILED');
    assert.equal(last.statusReason, 'Dependent Job failed');
    assert.deepEqual(h.statuses(`${r.jobId}:3`), ['PENDING', 'FAILED']);
    assert.deepEqual(last.dependsOn, [{ jobId: `${r.jobId}:2`, type: 'SEQUENTIAL' }]);
    assert.equal(h.describe(r.jobId).status, 'FAILED');
  });

  it('cascades a failure down a chain with "Dependent Job failed", also to jobs submitted after it failed', async () => {
    const h = await harness();
    const a = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: h.def('f', 'exit 3') });
    const b = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: h.def('ok', 'true'), dependsOn: [{ jobId: a.jobId }] });
    const c = h.engine.submitJob({ jobName: 'c', jobQueue: 'q', jobDefinition: 'ok', dependsOn: [{ jobId: b.jobId }] });
    const arr = h.engine.submitJob({ jobName: 'arr', jobQueue: 'q', jobDefinition: 'ok', arrayProperties: { size: 2 }, dependsOn: [{ jobId: a.jobId }] });
    await h.clock.advance(1_000);
    for (const id of [b.jobId, c.jobId, `${arr.jobId}:0`]) {
      assert.deepEqual(h.statuses(id), ['PENDING', 'FAILED'], id);
      assert.equal(h.describe(id).statusReason, 'Dependent Job failed');
    }
    assert.equal(h.describe(arr.jobId).status, 'FAILED');
    const late = h.engine.submitJob({ jobName: 'late', jobQueue: 'q', jobDefinition: 'ok', dependsOn: [{ jobId: a.jobId }] });
    await h.clock.advance(1);
    assert.deepEqual(h.statuses(late.jobId), ['PENDING', 'FAILED']);
    assert.equal(h.runtime.started.length, 1);
  });

  it('rejects unknown dependencies and more than 20', async () => {
    const h = await harness();
    h.def('ok', 'true');
    assert.throws(() => h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 'ok', dependsOn: [{ jobId: 'nope' }] }), /does not exist/);
    const a = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 'ok' });
    const many = Array.from({ length: 21 }, () => ({ jobId: a.jobId }));
    assert.throws(() => h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 'ok', dependsOn: many }), /at most 20/);
  });
});
