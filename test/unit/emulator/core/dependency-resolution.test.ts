/**
 * Dependency resolution edge cases that `npm run mutate` found untested (machine.ts onTerminal and
 * dependenciesDone): a job waits for every one of its dependencies, not the first to finish; a failed
 * dependency fails the dependent at once even while another still runs.
 */
import assert from 'node:assert/strict';
import { harness } from '../../../support/engineHarness';

describe('Dependency resolution (unit, fake clock and scripted runtime)', () => {
  it('waits for every dependency, not the first one to finish', async () => {
    const h = await harness();
    const fast = h.engine.submitJob({ jobName: 'fast', jobQueue: 'q', jobDefinition: h.def('short', 'sleep 1') });
    const slow = h.engine.submitJob({ jobName: 'slow', jobQueue: 'q', jobDefinition: h.def('long', 'sleep 30') });
    const c = h.engine.submitJob({ jobName: 'c', jobQueue: 'q', jobDefinition: 'short', dependsOn: [{ jobId: fast.jobId }, { jobId: slow.jobId }] });
    await h.clock.advance(10_000);
    assert.deepEqual([h.describe(fast.jobId).status, h.describe(slow.jobId).status, h.describe(c.jobId).status], ['SUCCEEDED', 'RUNNING', 'PENDING']);
    await h.clock.advance(60_000);
    assert.equal(h.describe(c.jobId).status, 'SUCCEEDED');
  });

  it('fails a dependent as soon as one dependency fails, while another still runs', async () => {
    const h = await harness();
    const bad = h.engine.submitJob({ jobName: 'bad', jobQueue: 'q', jobDefinition: h.def('boom', 'sleep 1; exit 2') });
    const slow = h.engine.submitJob({ jobName: 'slow', jobQueue: 'q', jobDefinition: h.def('long', 'sleep 60') });
    const c = h.engine.submitJob({ jobName: 'c', jobQueue: 'q', jobDefinition: 'long', dependsOn: [{ jobId: bad.jobId }, { jobId: slow.jobId }] });
    await h.clock.advance(10_000);
    assert.deepEqual([h.describe(slow.jobId).status, h.describe(c.jobId).status], ['RUNNING', 'FAILED']);
  });

  it('keeps an array child that also waits on its N_TO_N peer PENDING when the parent-level dependency ends first', async () => {
    const h = await harness({ vcpus: 8 });
    const gate = h.engine.submitJob({ jobName: 'gate', jobQueue: 'q', jobDefinition: h.def('short', 'sleep 1') });
    const peers = h.engine.submitJob({ jobName: 'peers', jobQueue: 'q', jobDefinition: h.def('long', 'sleep 30'), arrayProperties: { size: 2 } });
    const b = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 'short', arrayProperties: { size: 2 }, dependsOn: [{ jobId: gate.jobId }, { jobId: peers.jobId, type: 'N_TO_N' }] });
    await h.clock.advance(10_000);
    assert.deepEqual([h.describe(gate.jobId).status, h.describe(`${peers.jobId}:0`).status], ['SUCCEEDED', 'RUNNING']);
    assert.deepEqual([h.describe(`${b.jobId}:0`).status, h.describe(`${b.jobId}:1`).status], ['PENDING', 'PENDING'], 'each child still waits on its peer');
    await h.clock.advance(60_000);
    assert.deepEqual([h.describe(`${b.jobId}:0`).status, h.describe(`${b.jobId}:1`).status, h.describe(b.jobId).status], ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  });

  it('fails every child of an array whose own dependency fails, and the array with them', async () => {
    const h = await harness();
    const bad = h.engine.submitJob({ jobName: 'bad', jobQueue: 'q', jobDefinition: h.def('boom', 'sleep 1; exit 2') });
    const b = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: h.def('short', 'true'), arrayProperties: { size: 3 }, dependsOn: [{ jobId: bad.jobId }] });
    await h.clock.advance(10_000);
    assert.deepEqual([0, 1, 2].map((i) => h.describe(`${b.jobId}:${i}`).status), ['FAILED', 'FAILED', 'FAILED']);
    assert.equal(h.describe(b.jobId).status, 'FAILED');
    assert.equal(h.runtime.started.filter((s) => s.environment.AWS_BATCH_JOB_ARRAY_INDEX !== undefined).length, 0, 'no child ran');
  });
});
