/**
 * Quota-managed SageMaker queues through the Batch handlers on the fake clock, with a fake training
 * runner (named so: it only waits fake time): submission rules, preemption back to RUNNABLE,
 * preemptionSummary, preemptionRetriesBeforeTermination, in-share preemption after UpdateServiceJob,
 * frontOfQuotaShares, and the journal keeping shares and preemption state across a restart.
 */
import assert from 'node:assert/strict';
import { batchHandlers } from '../../../../src/emulator/batch/api';
import { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import type { TrainingLaunch } from '../../../../src/emulator/batch/core/serviceJobs';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { ScriptedRuntime } from '../../../../src/emulator/runtime/scripted';
import { FakeTrainingRunner } from '../../../support/fake-training-runner';
import { MemoryJournal, replay } from '../../../support/journal-replay';

type Detail = Record<string, unknown> & { status: string; statusReason?: string; attempts: unknown[]; preemptionSummary?: { preemptedAttemptCount: number; recentPreemptedAttempts: Array<{ statusReason: string; startedAt?: number; stoppedAt?: number }> } };

async function setup(opts: { journal?: MemoryJournal; clock?: FakeClock; ms?: (l: TrainingLaunch) => number; runningMs?: (l: TrainingLaunch) => number } = {}) {
  const clock = opts.clock ?? new FakeClock();
  const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: { append: () => undefined }, record: false }), journal: opts.journal });
  const h = batchHandlers(engine);
  const ms = opts.ms ?? ((l) => (l.request.trainingJobName.startsWith('long') ? 1_000_000 : 1000));
  const runner = new FakeTrainingRunner(clock, (l) => ({ ms: ms(l), runningMs: opts.runningMs?.(l), outcome: { succeeded: true } }));
  engine.services.jobs.setRunner(runner);
  // Each submission 1 ms after the previous one, so that submission order is visible in createdAt.
  const submit = async (name: string, share: string | undefined, req: Record<string, unknown> = {}, queue = 'qm') =>
    (
      (await clock.advance(1),
      await h.SubmitServiceJob!({
        jobName: name,
        jobQueue: queue,
        serviceJobType: 'SAGEMAKER_TRAINING',
        ...(share ? { quotaShareName: share } : {}),
        serviceRequestPayload: JSON.stringify({ TrainingJobName: name, AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' }, ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1 } }),
        ...req,
      })) as { jobId: string }
    ).jobId;
  const describe = async (jobId: string) => (await h.DescribeServiceJob!({ jobId })) as Detail;
  return { clock, engine, h, runner, submit, describe };
}

/** A queue with 4 ml.m5.large: share `hi` (LEND, 2, in-share preemption) and `lo` (LEND_AND_BORROW, 2). */
async function quotaQueue(t: Awaited<ReturnType<typeof setup>>) {
  await t.h.CreateServiceEnvironment!({ serviceEnvironmentName: 'sm', serviceEnvironmentType: 'SAGEMAKER_TRAINING', capacityLimits: [{ maxCapacity: 4, capacityUnit: 'ml.m5.large' }] });
  const policy = (await t.h.CreateSchedulingPolicy!({ name: 'qp', quotaSharePolicy: { idleResourceAssignmentStrategy: 'FIFO' } })) as { arn: string };
  await t.h.CreateJobQueue!({ jobQueueName: 'qm', priority: 1, jobQueueType: 'SAGEMAKER_TRAINING', schedulingPolicyArn: policy.arn, serviceEnvironmentOrder: [{ order: 1, serviceEnvironment: 'sm' }] });
  const base = { jobQueue: 'qm', capacityLimits: [{ maxCapacity: 2, capacityUnit: 'ml.m5.large' }] };
  const hi = (await t.h.CreateQuotaShare!({ quotaShareName: 'hi', ...base, resourceSharingConfiguration: { strategy: 'LEND' }, preemptionConfiguration: { inSharePreemption: 'ENABLED' } })) as { quotaShareArn: string };
  const lo = (await t.h.CreateQuotaShare!({ quotaShareName: 'lo', ...base, resourceSharingConfiguration: { strategy: 'LEND_AND_BORROW', borrowLimit: -1 }, preemptionConfiguration: { inSharePreemption: 'DISABLED' } })) as { quotaShareArn: string };
  await t.clock.settle();
  return { hi: hi.quotaShareArn, lo: lo.quotaShareArn };
}

describe('Quota-managed service job queues on the fake clock (unit)', () => {
  it('require an ENABLED quota share of the queue at submission, and quotaShareName only on such queues', async () => {
    const t = await setup();
    const shares = await quotaQueue(t);
    await assert.rejects(async () => t.submit('none', undefined), /quota-share scheduling policy: quotaShareName is required \(one of its quota shares: hi, lo\)/);
    await assert.rejects(async () => t.submit('nope', 'nope'), /Quota share nope does not exist in job queue qm/);
    await assert.rejects(async () => t.submit('both', 'hi', { shareIdentifier: 'x' }), /do not specify shareIdentifier/);
    await assert.rejects(async () => t.submit('neg', 'hi', { preemptionConfiguration: { preemptionRetriesBeforeTermination: -1 } }), /at least 0/);
    await t.h.UpdateQuotaShare!({ quotaShareArn: shares.lo, state: 'DISABLED' });
    await assert.rejects(async () => t.submit('off', 'lo'), /Quota share lo is DISABLED/);
    await t.h.CreateJobQueue!({ jobQueueName: 'fifo', priority: 1, jobQueueType: 'SAGEMAKER_TRAINING', serviceEnvironmentOrder: [{ order: 1, serviceEnvironment: 'sm' }] });
    await t.clock.settle();
    await assert.rejects(async () => t.submit('stray', 'hi', {}, 'fifo'), /no quota-share scheduling policy: do not specify quotaShareName/);
  });

  it('a borrowing job is preempted for the lender’s job, returns to RUNNABLE with a preemptionSummary, and later succeeds', async () => {
    const t = await setup({ ms: (l) => (l.request.trainingJobName.startsWith('lo') ? 5000 : 2000) });
    await quotaQueue(t);
    const lo = [await t.submit('lo1', 'lo'), await t.submit('lo2', 'lo'), await t.submit('lo3', 'lo'), await t.submit('lo4', 'lo')];
    await t.clock.advance(100);
    assert.deepEqual(await Promise.all(lo.map(async (id) => (await t.describe(id)).status)), ['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING'], 'lo borrows hi’s idle instances');
    const hi = await t.submit('hi1', 'hi');
    await t.clock.advance(5);
    const victim = lo[3]; // the most recently scheduled of equal priority
    const v = await t.describe(victim);
    assert.equal(v.status, 'RUNNABLE');
    assert.equal(v.statusReason, `Preempted: quota share hi reclaimed capacity that quota share lo borrowed, for job ${hi}`);
    assert.equal(v.preemptionSummary?.preemptedAttemptCount, 1);
    assert.equal(v.preemptionSummary?.recentPreemptedAttempts[0].statusReason, v.statusReason);
    assert.ok(v.preemptionSummary?.recentPreemptedAttempts[0].stoppedAt);
    assert.deepEqual(v.attempts, [], 'a preempted attempt uses no retryStrategy attempt');
    assert.equal((await t.describe(hi)).status, 'RUNNING');
    assert.deepEqual(t.runner.stopped, [victim]);
    const snap = (await t.h.GetJobQueueSnapshot!({ jobQueue: 'qm' })) as {
      frontOfQuotaShares: { quotaShares: Record<string, Array<{ jobArn: string }>> };
      queueUtilization: { quotaShareUtilization: { topCapacityUtilization: unknown[] } };
    };
    assert.deepEqual(snap.queueUtilization.quotaShareUtilization.topCapacityUtilization, [
      { quotaShareName: 'lo', capacityUsage: [{ capacityUnit: 'ml.m5.large', quantity: 3 }] },
      { quotaShareName: 'hi', capacityUsage: [{ capacityUnit: 'ml.m5.large', quantity: 1 }] },
    ]);
    assert.deepEqual(Object.keys(snap.frontOfQuotaShares.quotaShares).sort(), ['hi', 'lo']);
    assert.match(snap.frontOfQuotaShares.quotaShares.lo[0].jobArn, new RegExp(`service-job/${victim}$`));
    assert.deepEqual(snap.frontOfQuotaShares.quotaShares.hi, []);
    await t.clock.advance(20_000);
    const after = await t.describe(victim);
    assert.deepEqual([after.status, after.attempts.length, after.preemptionSummary?.preemptedAttemptCount], ['SUCCEEDED', 1, 1]);
  });

  it('the victim is the most recently scheduled job, not the one whose container reported RUNNING last', async () => {
    // Four lo jobs scheduled in one pass (one millisecond), their containers up in the reverse order.
    const t = await setup({ runningMs: (l) => 50 - Number(l.request.trainingJobName.slice(-1)) * 10 });
    await quotaQueue(t);
    const payload = (name: string) => JSON.stringify({ TrainingJobName: name, AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' }, ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1 } });
    const lo: string[] = [];
    for (let i = 1; i <= 4; i++) lo.push(((await t.h.SubmitServiceJob!({ jobName: `lo${i}`, jobQueue: 'qm', serviceJobType: 'SAGEMAKER_TRAINING', quotaShareName: 'lo', serviceRequestPayload: payload(`long${i}`) })) as { jobId: string }).jobId);
    await t.clock.advance(100);
    assert.deepEqual(await Promise.all(lo.map(async (id) => (await t.describe(id)).status)), ['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING']);
    await t.submit('hi1', 'hi');
    await t.clock.advance(5);
    assert.deepEqual(t.runner.stopped, [lo[3]], 'lo4 was scheduled last (it borrowed last), though its container came up first');
  });

  it('preemptionRetriesBeforeTermination 0 fails the job at its first preemption', async () => {
    const t = await setup();
    await quotaQueue(t);
    const lo = [];
    for (let i = 0; i < 4; i++) lo.push(await t.submit(`long${i}`, 'lo', { preemptionConfiguration: { preemptionRetriesBeforeTermination: 0 } }));
    await t.clock.advance(100);
    await t.submit('hi1', 'hi');
    await t.clock.advance(5);
    const v = await t.describe(lo[3]);
    assert.equal(v.status, 'FAILED');
    assert.match(v.statusReason ?? '', /^Preempted: quota share hi reclaimed .*; preemptionRetriesBeforeTermination \(0\) exhausted$/);
    assert.equal(v.preemptionSummary?.preemptedAttemptCount, 1);
  });

  it('in-share preemption: raising a RUNNABLE job’s priority with UpdateServiceJob stops a lower-priority job of its share', async () => {
    const t = await setup();
    const shares = await quotaQueue(t);
    const a = await t.submit('long-a', 'hi', { schedulingPriority: 1 });
    const b = await t.submit('long-b', 'hi', { schedulingPriority: 3 });
    const c = await t.submit('long-c', 'hi', { schedulingPriority: 1 });
    await t.clock.advance(100);
    assert.equal((await t.describe(c)).status, 'RUNNABLE', 'hi is LEND: it does not borrow lo’s idle instances');
    await t.h.UpdateServiceJob!({ jobId: c, schedulingPriority: 2 });
    await t.clock.advance(5);
    assert.equal((await t.describe(c)).status, 'RUNNING');
    assert.deepEqual([(await t.describe(a)).status, (await t.describe(b)).status], ['RUNNABLE', 'RUNNING']);
    assert.equal((await t.describe(a)).statusReason, `Preempted: higher priority job ${c} in quota share hi (in-share preemption)`);
    await t.h.UpdateQuotaShare!({ quotaShareArn: shares.hi, preemptionConfiguration: { inSharePreemption: 'DISABLED' } });
    await t.h.UpdateServiceJob!({ jobId: a, schedulingPriority: 9 });
    await t.clock.advance(5);
    assert.equal((await t.describe(a)).status, 'RUNNABLE', 'with in-share preemption DISABLED it waits');
  });

  it('a head more than its share can ever hold blocks that share only, and the time-limit action on QUOTA_MANAGEMENT_LIMIT_EXCEEDED ends it', async () => {
    const t = await setup();
    const shares = await quotaQueue(t);
    await t.h.UpdateJobQueue!({ jobQueue: 'qm', jobStateTimeLimitActions: [{ reason: 'MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED', state: 'RUNNABLE', maxTimeSeconds: 600, action: 'TERMINATE' }] });
    const payload = JSON.stringify({ TrainingJobName: 'wide', AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' }, ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 3 } });
    await t.h.UpdateServiceEnvironment!({ serviceEnvironment: 'sm', state: 'DISABLED' });
    const waiting = await t.submit('waiting', 'lo');
    await t.clock.advance(2000);
    const w = await t.describe(waiting);
    assert.deepEqual([w.status, w.statusReason], ['RUNNABLE', undefined], 'no ENABLED environment: jobs wait without a misconfiguration reason');
    await t.h.UpdateServiceEnvironment!({ serviceEnvironment: 'sm', state: 'ENABLED' });
    const wide = await t.submit('wide', 'hi', { serviceRequestPayload: payload });
    const next = await t.submit('next', 'hi');
    const other = await t.submit('other', 'lo');
    await t.clock.advance(2000);
    const d = await t.describe(wide);
    assert.deepEqual([d.status, d.statusReason?.split(' - ')[0]], ['RUNNABLE', 'MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED']);
    assert.deepEqual([(await t.describe(next)).status, (await t.describe(other)).status, (await t.describe(waiting)).status], ['RUNNABLE', 'SUCCEEDED', 'SUCCEEDED'], 'the blocked head holds its own share only');
    // Raised in time, the limit lets a second wide job wait (and run) instead of being terminated.
    await t.h.UpdateQuotaShare!({ quotaShareArn: shares.lo, resourceSharingConfiguration: { strategy: 'LEND_AND_BORROW', borrowLimit: 0 } });
    const wide2 = await t.submit('wide2', 'lo', { serviceRequestPayload: payload.replace('"wide"', '"wide2"') });
    await t.clock.advance(2000);
    assert.match((await t.describe(wide2)).statusReason ?? '', /^MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED - Quota share lo /);
    await t.h.UpdateQuotaShare!({ quotaShareArn: shares.lo, capacityLimits: [{ maxCapacity: 3, capacityUnit: 'ml.m5.large' }] });
    await t.clock.advance(600_000);
    assert.equal((await t.describe(wide2)).status, 'SUCCEEDED');
    const after = await t.describe(wide);
    assert.deepEqual([after.status, after.statusReason], ['FAILED', 'Terminated by JobStateTimeLimit action due to reason: MISCONFIGURATION:QUOTA_MANAGEMENT_LIMIT_EXCEEDED']);
    await t.clock.advance(2000);
    assert.equal((await t.describe(next)).status, 'SUCCEEDED');
  });

  it('journal quota share changes and preemption state: a rebuilt engine has both, and a preemption under way ends in RUNNABLE', async () => {
    const journal = new MemoryJournal();
    const t = await setup({ journal });
    const shares = await quotaQueue(t);
    await t.h.UpdateQuotaShare!({ quotaShareArn: shares.lo, capacityLimits: [{ maxCapacity: 1, capacityUnit: 'ml.m5.large' }], resourceSharingConfiguration: { strategy: 'LEND_AND_BORROW', borrowLimit: 300 } });
    const lo = [];
    for (let i = 0; i < 4; i++) lo.push(await t.submit(`long${i}`, 'lo'));
    await t.clock.advance(100);
    await t.submit('long-hi', 'hi');
    await t.clock.advance(5);
    assert.equal((await t.describe(lo[3])).status, 'RUNNABLE');
    await t.submit('long-hi2', 'hi');
    await t.clock.settle(); // preempted lo[2] is being stopped: not yet ended when the process dies
    assert.equal((await t.describe(lo[2])).status, 'RUNNING');
    const clock = new FakeClock(t.clock.now());
    const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: { append: () => undefined }, record: false }) });
    engine.restore(replay(journal.entries));
    // (no runner that can follow the attempts again: each in flight ends, a preemption under way as one)
    await engine.services.jobs.resumeAttempts();
    const h = batchHandlers(engine);
    const share = (await h.DescribeQuotaShare!({ quotaShareArn: shares.lo })) as { capacityLimits: Array<{ maxCapacity: number }>; resourceSharingConfiguration: { borrowLimit: number } };
    assert.deepEqual([share.capacityLimits[0].maxCapacity, share.resourceSharingConfiguration.borrowLimit], [1, 300]);
    const d3 = (await h.DescribeServiceJob!({ jobId: lo[3] })) as Detail;
    assert.deepEqual([d3.status, d3.preemptionSummary?.preemptedAttemptCount], ['RUNNABLE', 1]);
    const d2 = (await h.DescribeServiceJob!({ jobId: lo[2] })) as Detail;
    assert.deepEqual([d2.status, d2.preemptionSummary?.preemptedAttemptCount], ['RUNNABLE', 1], 'the preemption under way completes as a preemption, not a failure');
  });
});
