/**
 * ListJobs' scheduledAt for container jobs: the moment the scheduler placed the job (RUNNABLE →
 * STARTING), the latest placement for a retried job, journaled so a restart keeps it.
 */
import assert from 'node:assert/strict';
import type { JobSummary } from '@aws-sdk/client-batch';
import { listJobs } from '../../../../src/emulator/batch/api/list-jobs';
import type { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import type { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { harness } from '../../../support/engineHarness';
import { journaledWorld, restart } from '../../../support/journal-replay';

function summaryOf(engine: BatchEngine, jobName: string): JobSummary {
  const [s] = listJobs(engine, { jobQueue: 'q', filters: [{ name: 'JOB_NAME', values: [jobName] }] }).jobSummaryList;
  assert.ok(s, `no job ${jobName}`);
  return s;
}

/** The clock's time at each STARTING of each job, seen as it happens. */
function placements(engine: BatchEngine, clock: FakeClock): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  engine.subscribe((e) => {
    if (e.detail.status === 'STARTING') seen.set(e.detail.jobId!, [...(seen.get(e.detail.jobId!) ?? []), clock.now()]);
  });
  return seen;
}

describe('ListJobs scheduledAt (unit, fake clock)', () => {
  it('is absent while the job waits RUNNABLE and set to the moment it leaves RUNNABLE for STARTING', async () => {
    const h = await harness({ vcpus: 1, pullDelayMs: 2_000 });
    const seen = placements(h.engine, h.clock);
    h.def('s', 'sleep 10');
    await h.clock.advance(1_000);
    const a = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 's' });
    const b = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 's' });
    await h.clock.advance(1_000);
    assert.equal(h.describe(b.jobId).status, 'RUNNABLE', 'b waits for the one vCPU');
    assert.ok(!('scheduledAt' in summaryOf(h.engine, 'b')), 'not scheduled yet');
    const sa = summaryOf(h.engine, 'a');
    assert.equal(sa.status, 'STARTING', 'a is pulling its image');
    assert.equal(sa.scheduledAt, seen.get(a.jobId)?.[0]);
    assert.ok(sa.scheduledAt! >= sa.createdAt!);
    await h.clock.advance(60_000);
    const sb = summaryOf(h.engine, 'b');
    assert.equal(sb.status, 'SUCCEEDED');
    assert.equal(seen.get(b.jobId)?.length, 1);
    assert.equal(sb.scheduledAt, seen.get(b.jobId)![0]);
    assert.ok(sb.scheduledAt! >= h.describe(a.jobId).stoppedAt!, 'b was placed once a had ended');
    assert.ok(sb.scheduledAt! <= sb.startedAt!);
    assert.ok(summaryOf(h.engine, 'a').startedAt! - sa.scheduledAt! >= 2_000, 'a was placed, then its image pulled (2 s), then started');
    assert.equal(h.describe(b.jobId).jobId, b.jobId);
    assert.ok(!('scheduledAt' in h.describe(b.jobId)), 'DescribeJobs has no scheduledAt (JobDetail in the model has none)');
  });

  it('moves to the latest placement when the job is retried', async () => {
    const h = await harness({ vcpus: 1 });
    const seen = placements(h.engine, h.clock);
    h.def('f', 'sleep 5; exit 1', { retryStrategy: { attempts: 3 } });
    const { jobId } = h.engine.submitJob({ jobName: 'f', jobQueue: 'q', jobDefinition: 'f' });
    await h.clock.advance(60_000);
    const s = summaryOf(h.engine, 'f');
    assert.equal(s.status, 'FAILED');
    const times = seen.get(jobId)!;
    assert.equal(times.length, 3);
    assert.ok(times[0] < times[2]);
    assert.equal(s.scheduledAt, times[2]);
  });

  it('survives a restart: replayed from the journal for a finished job and for one in flight', async () => {
    const w = await journaledWorld({ vcpus: 1 });
    const { clock } = w;
    let engine = w.engine;
    engine.registerJobDefinition({ jobDefinitionName: 's', type: 'container', containerProperties: { image: 'img', command: ['sh', '-c', 'sleep 10'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } });
    engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 's' });
    engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 's' });
    await clock.advance(15_000);
    const before = { a: summaryOf(engine, 'a'), b: summaryOf(engine, 'b') };
    assert.deepEqual([before.a.status, before.b.status], ['SUCCEEDED', 'RUNNING']);
    assert.ok(before.a.scheduledAt !== undefined && before.b.scheduledAt! > before.a.scheduledAt);
    engine = await restart(w);
    assert.deepEqual([summaryOf(engine, 'a').scheduledAt, summaryOf(engine, 'b').scheduledAt], [before.a.scheduledAt, before.b.scheduledAt]);
    await clock.advance(30_000);
    assert.equal(summaryOf(engine, 'b').status, 'SUCCEEDED');
    assert.equal(summaryOf(engine, 'b').scheduledAt, before.b.scheduledAt, 'the re-attached attempt keeps its placement');
  });
});
