import assert from 'node:assert/strict';
import { harness } from '../../../support/engineHarness';

describe('Timeouts (unit)', () => {
  it('sends SIGTERM at the timeout, fails with AWS reason and does not retry', async () => {
    const h = await harness();
    h.def('t', 'sleep 3600', { timeout: { attemptDurationSeconds: 60 }, retryStrategy: { attempts: 3 } });
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 't' });
    const t0 = Date.now();
    await h.clock.advance(59_999);
    assert.equal(h.describe(r.jobId).status, 'RUNNING');
    await h.clock.advance(2);
    const d = h.describe(r.jobId);
    assert.equal(d.status, 'FAILED');
    assert.equal(d.statusReason, 'Job attempt duration exceeded timeout');
    assert.equal(d.attempts?.length, 1);
    assert.equal(d.stoppedAt! - d.startedAt!, 60_000);
    assert.deepEqual(h.runtime.signals.map((s) => s.signal), ['SIGTERM']);
    assert.ok(Date.now() - t0 < 1000, 'a 60-second timeout runs in fake time');
  });

  it('sends SIGKILL 30 s after SIGTERM when the container ignores it', async () => {
    const h = await harness();
    h.def('t', 'trap "" TERM; sleep 3600', { timeout: { attemptDurationSeconds: 60 } });
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 't' });
    await h.clock.advance(60_001);
    assert.equal(h.describe(r.jobId).status, 'RUNNING');
    await h.clock.advance(30_000);
    const d = h.describe(r.jobId);
    assert.equal(d.status, 'FAILED');
    assert.equal(d.statusReason, 'Job attempt duration exceeded timeout');
    assert.equal(d.container?.exitCode, 137);
    assert.deepEqual(h.runtime.signals.map((s) => s.signal), ['SIGTERM', 'SIGKILL']);
  });

  it('a submit-time timeout overrides the definition and applies to each array child', async () => {
    const h = await harness();
    h.def('t', 'sleep 3600', { timeout: { attemptDurationSeconds: 600 } });
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 't', timeout: { attemptDurationSeconds: 60 }, arrayProperties: { size: 2 } });
    await h.clock.advance(61_000);
    assert.equal(h.describe(`${r.jobId}:0`).statusReason, 'Job attempt duration exceeded timeout');
    assert.equal(h.describe(`${r.jobId}:1`).statusReason, 'Job attempt duration exceeded timeout');
    assert.equal(h.describe(r.jobId).status, 'FAILED');
  });
});
