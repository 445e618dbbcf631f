import assert from 'node:assert/strict';
import { harness } from '../../../support/engineHarness';

describe('CancelJob and TerminateJob (unit)', () => {
  it('cancels a SUBMITTED job at once with the caller reason', async () => {
    const h = await harness();
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: h.def('s', 'sleep 10') });
    h.engine.cancelJob(r.jobId, 'no longer needed');
    await h.clock.advance(20_000);
    const d = h.describe(r.jobId);
    assert.equal(d.status, 'FAILED');
    assert.equal(d.statusReason, 'no longer needed');
    assert.equal(d.isCancelled, true);
    assert.equal(d.isTerminated, false);
    assert.equal(h.runtime.started.length, 0);
  });

  it('cancels a PENDING job only once its dependencies complete', async () => {
    const h = await harness();
    const a = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: h.def('s', 'sleep 10') });
    const b = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 's', dependsOn: [{ jobId: a.jobId }] });
    await h.clock.advance(1_000);
    h.engine.cancelJob(b.jobId, 'stop');
    await h.clock.advance(1_000);
    assert.equal(h.describe(b.jobId).status, 'PENDING');
    await h.clock.advance(10_000);
    assert.deepEqual(h.statuses(b.jobId), ['PENDING', 'FAILED']);
    assert.equal(h.describe(b.jobId).statusReason, 'stop');
    assert.equal(h.runtime.started.length, 1);
  });

  it('cancels a RUNNABLE job when it reaches the head of its queue', async () => {
    const h = await harness({ vcpus: 1 });
    const a = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: h.def('s', 'sleep 10') });
    const b = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 's' });
    const c = h.engine.submitJob({ jobName: 'c', jobQueue: 'q', jobDefinition: 's' });
    await h.clock.advance(1_000);
    h.engine.cancelJob(c.jobId, 'stop');
    await h.clock.advance(1_000);
    assert.equal(h.describe(c.jobId).status, 'RUNNABLE', 'behind b, still queued');
    await h.clock.advance(10_000);
    assert.equal(h.describe(a.jobId).status, 'SUCCEEDED');
    assert.equal(h.describe(b.jobId).status, 'RUNNING');
    assert.deepEqual(h.statuses(c.jobId), ['RUNNABLE', 'FAILED']);
    assert.equal(h.describe(c.jobId).isCancelled, true);
    assert.equal(h.describe(c.jobId).statusReason, 'stop');
  });

  it('does not cancel a RUNNING job (the call still succeeds); TerminateJob stops it', async () => {
    const h = await harness();
    h.def('s', 'sleep 100', { retryStrategy: { attempts: 3 } });
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 's' });
    await h.clock.advance(1_000);
    h.engine.cancelJob(r.jobId, 'cancel');
    await h.clock.advance(1_000);
    assert.equal(h.describe(r.jobId).status, 'RUNNING');
    h.engine.terminateJob(r.jobId, 'terminated by test');
    await h.clock.advance(1_000);
    const d = h.describe(r.jobId);
    assert.equal(d.status, 'FAILED');
    assert.equal(d.statusReason, 'terminated by test');
    assert.equal(d.isTerminated, true);
    assert.equal(d.attempts?.length, 1, 'not retried');
    assert.deepEqual(h.runtime.signals.map((s) => s.signal), ['SIGTERM']);
    assert.equal(h.runtime.existing, 0);
  });

  it('terminates a STARTING job before its container starts', async () => {
    const h = await harness({ pullDelayMs: 5_000 });
    const slow = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: h.def('s', 'sleep 5') });
    await h.clock.advance(1_000);
    assert.equal(h.describe(slow.jobId).status, 'STARTING');
    h.engine.terminateJob(slow.jobId, 'stop');
    await h.clock.advance(10_000);
    assert.deepEqual(h.statuses(slow.jobId), ['RUNNABLE', 'STARTING', 'FAILED']);
    assert.equal(h.runtime.started.length, 0);
  });

  it('TerminateJob on a job not yet STARTING cancels it at once', async () => {
    const h = await harness({ vcpus: 1 });
    h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: h.def('s', 'sleep 10') });
    const b = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 's' });
    await h.clock.advance(1_000);
    h.engine.terminateJob(b.jobId, 'stop');
    await h.clock.advance(1);
    assert.equal(h.describe(b.jobId).status, 'FAILED');
    assert.equal(h.describe(b.jobId).isCancelled, true);
  });

  it('cascades cancel of an array parent to its children; the parent fails when all are done', async () => {
    const h = await harness({ vcpus: 1 });
    const r = h.engine.submitJob({ jobName: 'arr', jobQueue: 'q', jobDefinition: h.def('s', 'sleep 10'), arrayProperties: { size: 3 } });
    await h.clock.advance(1_000);
    h.engine.cancelJob(r.jobId, 'cancel all');
    await h.clock.advance(1_000);
    assert.equal(h.describe(`${r.jobId}:0`).status, 'RUNNING', 'a running child is not cancelled');
    assert.equal(h.describe(r.jobId).status, 'PENDING');
    await h.clock.advance(20_000);
    assert.equal(h.describe(`${r.jobId}:0`).status, 'SUCCEEDED');
    assert.equal(h.describe(`${r.jobId}:1`).statusReason, 'cancel all');
    const p = h.describe(r.jobId);
    assert.equal(p.status, 'FAILED');
    assert.equal(p.statusReason, 'cancel all');
    assert.equal(p.isCancelled, true);
  });

  it('cascades terminate of an array parent to running children', async () => {
    const h = await harness({ vcpus: 2 });
    const r = h.engine.submitJob({ jobName: 'arr', jobQueue: 'q', jobDefinition: h.def('s', 'sleep 100'), arrayProperties: { size: 3 } });
    await h.clock.advance(1_000);
    h.engine.terminateJob(r.jobId, 'kill all');
    await h.clock.advance(1_000);
    assert.deepEqual(h.engine.describeJobs([0, 1, 2].map((i) => `${r.jobId}:${i}`)).map((d) => [d.status, d.statusReason]), Array(3).fill(['FAILED', 'kill all']));
    assert.equal(h.describe(r.jobId).status, 'FAILED');
  });

  it('requires a reason and a known job', async () => {
    const h = await harness();
    assert.throws(() => h.engine.cancelJob('nope', 'x'), /does not exist/);
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: h.def('s', 'true') });
    assert.throws(() => h.engine.cancelJob(r.jobId, ''), /reason/);
  });
});

describe('Shutting down (unit)', () => {
  it('terminateAll stops running jobs and fails the rest; quiescent once no container is in flight', async () => {
    const h = await harness({ vcpus: 1 });
    h.def('s', 'sleep 100');
    const a = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 's' });
    const b = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 's' });
    await h.clock.advance(1_000);
    assert.equal(h.engine.quiescent, false);
    h.engine.terminateAll('stopping');
    await h.clock.advance(1);
    assert.equal(h.engine.quiescent, true);
    assert.deepEqual(h.engine.describeJobs([a.jobId, b.jobId]).map((d) => [d.status, d.statusReason]), [['FAILED', 'stopping'], ['FAILED', 'stopping']]);
    assert.equal(h.engine.idle, true);
    assert.equal(h.runtime.existing, 0);
  });
});
