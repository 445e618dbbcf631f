import assert from 'node:assert/strict';
import { harness } from '../../../support/engineHarness';

describe('Array jobs (unit)', () => {
  it('creates children <parent>:<i> with their index, AWS_BATCH_JOB_ARRAY_INDEX and AWS_BATCH_JOB_ARRAY_SIZE', async () => {
    const h = await harness();
    h.def('a', 'echo "i=$AWS_BATCH_JOB_ARRAY_INDEX"');
    const r = h.engine.submitJob({ jobName: 'arr', jobQueue: 'q', jobDefinition: 'a', arrayProperties: { size: 3 } });
    await h.clock.advance(1);
    const kids = h.engine.describeJobs([0, 1, 2].map((i) => `${r.jobId}:${i}`));
    assert.deepEqual(kids.map((k) => [k.jobId, k.arrayProperties?.index, k.status]), [
      [`${r.jobId}:0`, 0, 'SUCCEEDED'],
      [`${r.jobId}:1`, 1, 'SUCCEEDED'],
      [`${r.jobId}:2`, 2, 'SUCCEEDED'],
    ]);
    assert.deepEqual(kids.map((k) => h.logs.lines(k.container!.logStreamName!)[0]), ['i=0', 'i=1', 'i=2']);
    assert.deepEqual(h.runtime.started.map((s) => s.environment.AWS_BATCH_JOB_ARRAY_SIZE), ['3', '3', '3']);
    assert.deepEqual([...h.engine.listJobs({ arrayJobId: r.jobId, jobStatus: 'SUCCEEDED' })].map((s) => s.arrayProperties?.index), [0, 1, 2]);
  });

  it('keeps the parent to SUBMITTED/PENDING/SUCCEEDED with a status summary', async () => {
    const h = await harness({ vcpus: 1 });
    h.def('a', 'sleep 10');
    const r = h.engine.submitJob({ jobName: 'arr', jobQueue: 'q', jobDefinition: 'a', arrayProperties: { size: 3 } });
    assert.deepEqual(h.describe(r.jobId).arrayProperties?.statusSummary, { SUBMITTED: 3, PENDING: 0, RUNNABLE: 0, STARTING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0 });
    await h.clock.advance(15_000);
    const mid = h.describe(r.jobId);
    assert.equal(mid.status, 'PENDING');
    assert.deepEqual(mid.arrayProperties?.statusSummary, { SUBMITTED: 0, PENDING: 0, RUNNABLE: 1, STARTING: 0, RUNNING: 1, SUCCEEDED: 1, FAILED: 0 });
    assert.equal(mid.arrayProperties?.size, 3);
    assert.equal(typeof mid.arrayProperties?.statusSummaryLastUpdatedAt, 'number');
    // ListJobs shows the parent's summary too (ArrayPropertiesSummary, 2024+).
    const [listed] = [...h.engine.listJobs({ jobQueue: 'q', jobStatus: 'PENDING' })].filter((x) => x.jobId === r.jobId);
    assert.deepEqual(listed.arrayProperties, { size: 3, statusSummary: mid.arrayProperties?.statusSummary, statusSummaryLastUpdatedAt: mid.arrayProperties?.statusSummaryLastUpdatedAt });
    await h.clock.advance(30_000);
    assert.deepEqual(h.statuses(r.jobId), ['PENDING', 'SUCCEEDED']);
    assert.equal(h.describe(r.jobId).arrayProperties?.statusSummary?.SUCCEEDED, 3);
  });

  it('fails the parent when any child fails, once every child has finished', async () => {
    const h = await harness();
    const r = h.engine.submitJob({ jobName: 'arr', jobQueue: 'q', jobDefinition: h.def('a', 'sleep 1'), arrayProperties: { size: 3 } });
    h.runtime.script((s) => s.environment.AWS_BATCH_JOB_ARRAY_INDEX === '1', { exitCode: 2 });
    h.runtime.script((s) => s.environment.AWS_BATCH_JOB_ARRAY_INDEX === '2', { durationMs: 20_000 });
    await h.clock.advance(5_000);
    assert.equal(h.describe(`${r.jobId}:1`).status, 'FAILED');
    assert.equal(h.describe(r.jobId).status, 'PENDING');
    await h.clock.advance(20_000);
    assert.equal(h.describe(r.jobId).status, 'FAILED');
    assert.deepEqual(h.statuses(r.jobId), ['PENDING', 'FAILED']);
  });

  it('rejects array sizes outside 2..10000', async () => {
    const h = await harness();
    h.def('a', 'true');
    assert.throws(() => h.engine.submitJob({ jobName: 'x', jobQueue: 'q', jobDefinition: 'a', arrayProperties: { size: 1 } }), /between 2 and 10000/);
    assert.throws(() => h.engine.submitJob({ jobName: 'x', jobQueue: 'q', jobDefinition: 'a', arrayProperties: { size: 10001 } }), /between 2 and 10000/);
  });
});
