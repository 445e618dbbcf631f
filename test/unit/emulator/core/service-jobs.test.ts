import assert from 'node:assert/strict';
import { batchHandlers } from '../../../../src/emulator/batch/api';
import { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import type { JobStateChangeEvent } from '../../../../src/emulator/batch/core/events';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { ScriptedRuntime } from '../../../../src/emulator/runtime/scripted';
import { FakeTrainingRunner } from '../../../support/fake-training-runner';
import { MemoryJournal, replay } from '../../../support/journal-replay';

function payload(name: string, count = 1, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ TrainingJobName: name, AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' }, ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: count }, ...extra });
}

async function setup(script: ConstructorParameters<typeof FakeTrainingRunner>[1], max = 2, journal?: MemoryJournal) {
  const clock = new FakeClock();
  const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: { append: () => undefined }, record: false }), journal });
  const h = batchHandlers(engine);
  const runner = new FakeTrainingRunner(clock, script);
  engine.services.jobs.setRunner(runner);
  await h.CreateServiceEnvironment!({ serviceEnvironmentName: 'sm', serviceEnvironmentType: 'SAGEMAKER_TRAINING', capacityLimits: [{ maxCapacity: max, capacityUnit: 'NUM_INSTANCES' }] });
  await h.CreateJobQueue!({
    jobQueueName: 'q',
    priority: 1,
    jobQueueType: 'SAGEMAKER_TRAINING',
    serviceEnvironmentOrder: [{ order: 1, serviceEnvironment: 'sm' }],
    jobStateTimeLimitActions: [{ reason: 'MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE', state: 'RUNNABLE', maxTimeSeconds: 600, action: 'TERMINATE' }],
  });
  const events: JobStateChangeEvent[] = [];
  engine.subscribe((e) => events.push(e));
  await clock.settle();
  const submit = async (name: string, count = 1, extra: Record<string, unknown> = {}, req: Record<string, unknown> = {}) =>
    ((await h.SubmitServiceJob!({ jobName: name, jobQueue: 'q', serviceJobType: 'SAGEMAKER_TRAINING', serviceRequestPayload: payload(name, count, extra), ...req })) as { jobId: string }).jobId;
  const describe = async (jobId: string) => (await h.DescribeServiceJob!({ jobId })) as Record<string, unknown> & { status: string; statusReason?: string; attempts: unknown[] };
  return { clock, engine, h, runner, events, submit, describe };
}

describe('Service jobs on the fake clock (unit)', () => {
  it('go SUBMITTED → RUNNABLE → SCHEDULED → STARTING → RUNNING → SUCCEEDED with "Batch Service Job State Change" events', async () => {
    const t = await setup(() => ({ ms: 5000, outcome: { succeeded: true } }));
    const id = await t.submit('a');
    await t.clock.advance(2);
    assert.equal((await t.describe(id)).status, 'RUNNING');
    await t.clock.advance(5000);
    const d = await t.describe(id);
    assert.deepEqual([d.status, d.statusReason], ['SUCCEEDED', 'Received status from SageMaker: Training job completed']);
    const states = t.events.filter((e) => e['detail-type'] === 'Batch Service Job State Change').map((e) => (e.detail as unknown as { status: string }).status);
    assert.deepEqual(states, ['SUBMITTED', 'RUNNABLE', 'SCHEDULED', 'STARTING', 'RUNNING', 'SUCCEEDED']);
    // Capacity in the unit the API documents for service jobs: the instance type.
    const listed = (await t.h.ListServiceJobs!({ jobQueue: 'q', jobStatus: 'SUCCEEDED' })) as { jobSummaryList: Array<{ capacityUsage: unknown }> };
    assert.deepEqual([d.capacityUsage, listed.jobSummaryList[0].capacityUsage], [[{ capacityUnit: 'ml.m5.large', quantity: 1 }], [{ capacityUnit: 'ml.m5.large', quantity: 1 }]]);
  });

  it('ListServiceJobs with a filter ignores jobStatus and lists newest first, as AWS documents', async () => {
    const t = await setup(() => ({ ms: 60_000, outcome: { succeeded: true } }), 1);
    for (const name of ['a', 'b', 'c']) {
      await t.submit(name);
      await t.clock.advance(10);
    }
    const names = async (input: Record<string, unknown>) => ((await t.h.ListServiceJobs!({ jobQueue: 'q', ...input })) as { jobSummaryList: Array<{ jobName: string }> }).jobSummaryList.map((j) => j.jobName);
    assert.deepEqual(await names({ jobStatus: 'RUNNING' }), ['a']);
    assert.deepEqual(await names({ jobStatus: 'RUNNING', filters: [{ name: 'AFTER_CREATED_AT', values: ['0'] }] }), ['c', 'b', 'a']);
    assert.deepEqual(await names({ filters: [{ name: 'JOB_NAME', values: ['*'] }] }), ['c', 'b', 'a']);
  });

  it('terminateAll (a stop with terminate-all) ends the service jobs too, and the engine is quiescent only once the running one has stopped', async () => {
    const t = await setup(() => ({ ms: 600_000, outcome: { succeeded: true } }), 1);
    const running = await t.submit('running');
    const waiting = await t.submit('waiting');
    await t.clock.advance(2);
    assert.deepEqual([(await t.describe(running)).status, (await t.describe(waiting)).status], ['RUNNING', 'RUNNABLE']);
    t.engine.terminateAll('shutting down');
    assert.equal(t.engine.quiescent, false, 'the running training is still stopping');
    assert.deepEqual(t.runner.stopped, [running]);
    await t.clock.advance(2);
    assert.equal(t.engine.quiescent, true);
    for (const id of [running, waiting]) {
      const d = await t.describe(id);
      assert.deepEqual([d.status, d.statusReason, d.isTerminated], ['FAILED', 'shutting down', true]);
    }
  });

  it('count capacity in instances: a job waits while the environment is full, then starts', async () => {
    const t = await setup(() => ({ ms: 1000, outcome: { succeeded: true } }), 3);
    const a = await t.submit('a', 2);
    const b = await t.submit('b', 2);
    await t.clock.advance(2);
    assert.deepEqual([(await t.describe(a)).status, (await t.describe(b)).status], ['RUNNING', 'RUNNABLE']);
    await t.clock.advance(1000);
    assert.equal((await t.describe(b)).status, 'RUNNING');
  });

  it('a job needing more instances than the environment has blocks the queue, then the time-limit action terminates it', async () => {
    const t = await setup(() => ({ ms: 1000, outcome: { succeeded: true } }), 2);
    const big = await t.submit('big', 3);
    const small = await t.submit('small', 1);
    await t.clock.advance(2);
    const d = await t.describe(big);
    assert.equal(d.status, 'RUNNABLE');
    assert.match(d.statusReason ?? '', /^MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE - /);
    assert.equal((await t.describe(small)).status, 'RUNNABLE', 'the blocked head holds the queue');
    assert.ok(t.events.some((e) => e['detail-type'] === 'Batch Service Job Queue Blocked'));
    await t.clock.advance(600_000);
    const after = await t.describe(big);
    assert.deepEqual([after.status, after.statusReason, after.isTerminated], ['FAILED', 'Terminated by JobStateTimeLimit action due to reason: MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE', true]);
    await t.clock.advance(2);
    assert.equal((await t.describe(small)).status, 'RUNNING');
  });

  it('retry on a matching status reason only, stop at attemptDurationSeconds, and terminate on request', async () => {
    const t = await setup((l) => ({ ms: l.request.trainingJobName === 'slow' ? 10_000_000 : 100, outcome: { succeeded: false, failureReason: `AlgorithmError: ${l.request.trainingJobName}` } }), 4);
    const retried = await t.submit('boom', 1, {}, { retryStrategy: { attempts: 3, evaluateOnExit: [{ action: 'EXIT', onStatusReason: '*ClientError*' }, { action: 'RETRY', onStatusReason: 'Received status from SageMaker: AlgorithmError*' }] } });
    const exited = await t.submit('other', 1, {}, { retryStrategy: { attempts: 3, evaluateOnExit: [{ action: 'EXIT', onStatusReason: 'Received status from SageMaker: AlgorithmError: other' }] } });
    const slow = await t.submit('slow', 1, {}, { timeoutConfig: { attemptDurationSeconds: 60 } });
    await t.clock.advance(1000);
    const r = await t.describe(retried);
    assert.deepEqual([r.status, r.attempts.length, r.statusReason], ['FAILED', 3, 'Received status from SageMaker: AlgorithmError: boom']);
    assert.equal((await t.describe(exited)).attempts.length, 1);
    await t.clock.advance(60_000);
    const s = await t.describe(slow);
    assert.deepEqual([s.status, s.statusReason], ['FAILED', 'Job attempt duration exceeded timeout']);
    const term = await t.submit('slow', 1);
    await t.clock.advance(2);
    await t.h.TerminateServiceJobs!({ jobs: [term, 'nope'], reason: 'no longer needed' });
    await t.clock.advance(5);
    const d = await t.describe(term);
    assert.deepEqual([d.status, d.statusReason, d.isTerminated], ['FAILED', 'no longer needed', true]);
  });

  it('refuse bad requests: mixed queue orders, SubmitJob to a SageMaker queue, payload over 10 KiB, reused clientToken', async () => {
    const t = await setup(() => ({ ms: 1, outcome: { succeeded: true } }));
    t.engine.createComputeEnvironment({ computeEnvironmentName: 'ce', type: 'UNMANAGED' });
    await t.clock.settle();
    await assert.rejects(async () => t.h.CreateJobQueue!({ jobQueueName: 'mixed', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }], serviceEnvironmentOrder: [{ order: 1, serviceEnvironment: 'sm' }] }), /either computeEnvironmentOrder or serviceEnvironmentOrder/);
    t.engine.registerJobDefinition({ jobDefinitionName: 'd', type: 'container', containerProperties: { image: 'x', resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } });
    assert.throws(() => t.engine.submitJob({ jobName: 'x', jobQueue: 'q', jobDefinition: 'd' }), /SubmitServiceJob/);
    await assert.rejects(async () => t.submit('huge', 1, { Environment: { BIG: 'x'.repeat(11_000) } }), /10 KiB/);
    await t.submit('tok', 1, {}, { clientToken: 't1' });
    await assert.rejects(async () => t.submit('tok2', 1, {}, { clientToken: 't1' }), /clientToken t1 was already used/);
    // evaluateOnExit as SubmitJob checks it
    const retry = (evaluateOnExit: unknown[]) => t.submit('r', 1, {}, { retryStrategy: { attempts: 2, evaluateOnExit } });
    await assert.rejects(async () => retry([{ action: 'MAYBE', onStatusReason: '*' }]), /Invalid evaluateOnExit action: MAYBE/);
    await assert.rejects(async () => retry([{ onStatusReason: '*' }]), /Invalid evaluateOnExit action/);
    await assert.rejects(async () => retry([{ action: 'RETRY', onStatusReason: 'x'.repeat(513) }]), /Invalid evaluateOnExit pattern/);
    await assert.rejects(async () => retry(Array.from({ length: 6 }, () => ({ action: 'EXIT', onStatusReason: '*' }))), /at most 5 entries/);
    await retry([{ action: 'retry', onStatusReason: 'InternalServerError*' }]);
  });

  it('journal service environments and jobs; a snapshot rebuilt from the journal restores them, an attempt in flight whose containers are gone ending as failed', async () => {
    const journal = new MemoryJournal();
    const t = await setup(() => ({ ms: 1_000_000, outcome: { succeeded: true } }), 2, journal);
    const done = await t.submit('done', 1);
    const waiting = await t.submit('waiting', 2);
    await t.clock.advance(2);
    assert.equal((await t.describe(done)).status, 'RUNNING');
    const snapshot = replay(journal.entries);
    const clock = new FakeClock();
    const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: { append: () => undefined }, record: false }) });
    engine.restore(snapshot);
    const h = batchHandlers(engine);
    assert.equal(((await h.DescribeServiceEnvironments!({})) as { serviceEnvironments: unknown[] }).serviceEnvironments.length, 1);
    // (a runner that cannot follow it again: its containers are gone)
    const runner = new FakeTrainingRunner(clock, () => ({ ms: 10, outcome: { succeeded: true } }));
    engine.services.jobs.setRunner(runner);
    assert.equal(engine.services.jobs.awaitsReattach(done), true);
    await engine.services.jobs.resumeAttempts();
    const d1 = (await h.DescribeServiceJob!({ jobId: done })) as { status: string; statusReason: string };
    assert.deepEqual([d1.status, d1.statusReason], ['FAILED', 'Received status from SageMaker: InternalServerError: localbatch restarted during the training job']);
    await clock.advance(20);
    assert.equal(((await h.DescribeServiceJob!({ jobId: waiting })) as { status: string }).status, 'SUCCEEDED');
  });

  it('after a restart, an attempt in flight whose containers the runner follows again ends as they do (finished work is not failed)', async () => {
    const journal = new MemoryJournal();
    const t = await setup(() => ({ ms: 1_000_000, outcome: { succeeded: true } }), 2, journal);
    const id = await t.submit('long', 1);
    await t.clock.advance(2);
    const clock = new FakeClock();
    const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: { append: () => undefined }, record: false }) });
    engine.restore(replay(journal.entries));
    const runner = new FakeTrainingRunner(clock, () => ({ ms: 10, outcome: { succeeded: true } }));
    const followed: string[] = [];
    (runner as { reattach?: unknown }).reattach = async (launch: { jobId: string; attempt: number }) => {
      followed.push(`${launch.jobId}#${launch.attempt}`);
      return { finished: new Promise((r) => clock.setTimer(5, () => r({ succeeded: true }))), stop: () => undefined };
    };
    engine.services.jobs.setRunner(runner);
    await engine.services.jobs.resumeAttempts();
    assert.deepEqual(followed, [`${id}#1`]);
    await clock.advance(10);
    const d = (await batchHandlers(engine).DescribeServiceJob!({ jobId: id })) as { status: string; statusReason: string };
    assert.deepEqual([d.status, d.statusReason], ['SUCCEEDED', 'Received status from SageMaker: Training job completed']);
  });
});

describe('Quota shares and service environments through the handlers (unit)', () => {
  it('create, describe, list, update and delete a quota share of a SageMaker queue with AWS shapes; refuse bad ones', async () => {
    const t = await setup(() => ({ ms: 1, outcome: { succeeded: true } }));
    const base = { jobQueue: 'qm', capacityLimits: [{ maxCapacity: 2, capacityUnit: 'ml.m5.large' }], resourceSharingConfiguration: { strategy: 'LEND_AND_BORROW', borrowLimit: 50 }, preemptionConfiguration: { inSharePreemption: 'DISABLED' } };
    await assert.rejects(async () => t.h.CreateQuotaShare!({ quotaShareName: 'team-a', ...base, jobQueue: 'q' }), /Job queue q is not quota-managed: give it a scheduling policy with quotaSharePolicy/);
    await assert.rejects(async () => t.h.CreateSchedulingPolicy!({ name: 'bad', quotaSharePolicy: { idleResourceAssignmentStrategy: 'LIFO' } }), /idleResourceAssignmentStrategy must be FIFO/);
    const policy = (await t.h.CreateSchedulingPolicy!({ name: 'qp', quotaSharePolicy: { idleResourceAssignmentStrategy: 'FIFO' } })) as { arn: string };
    t.engine.createComputeEnvironment({ computeEnvironmentName: 'ce', type: 'UNMANAGED' });
    await t.clock.settle();
    await assert.rejects(async () => t.h.CreateJobQueue!({ jobQueueName: 'ecs', priority: 1, schedulingPolicyArn: policy.arn, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] }), /only for SAGEMAKER_TRAINING job queues/);
    await t.h.CreateJobQueue!({ jobQueueName: 'qm', priority: 1, jobQueueType: 'SAGEMAKER_TRAINING', schedulingPolicyArn: policy.arn, serviceEnvironmentOrder: [{ order: 1, serviceEnvironment: 'sm' }] });
    await t.clock.settle();
    const six = Array.from({ length: 6 }, (_, i) => ({ maxCapacity: 1, capacityUnit: `ml.m5.${i}xlarge` }));
    await assert.rejects(async () => t.h.CreateQuotaShare!({ quotaShareName: 'wide', ...base, capacityLimits: six }), /at most 5 entries/);
    await assert.rejects(async () => t.h.CreateQuotaShare!({ quotaShareName: 'twice', ...base, capacityLimits: [{ maxCapacity: 1, capacityUnit: 'ml.m5.large' }, { maxCapacity: 2, capacityUnit: 'ml.m5.large' }] }), /names ml\.m5\.large twice/);
    await assert.rejects(async () => t.h.CreateServiceEnvironment!({ serviceEnvironmentName: 'twice', serviceEnvironmentType: 'SAGEMAKER_TRAINING', capacityLimits: [{ maxCapacity: 1, capacityUnit: 'NUM_INSTANCES' }, { maxCapacity: 2 }] }), /names NUM_INSTANCES twice/);
    const created = (await t.h.CreateQuotaShare!({ quotaShareName: 'team-a', ...base, tags: { team: 'a' } })) as { quotaShareArn: string; quotaShareName: string };
    assert.equal(created.quotaShareName, 'team-a');
    await assert.rejects(async () => t.h.CreateQuotaShare!({ quotaShareName: 'team-a', ...base }), /already exists/);
    await assert.rejects(async () => t.h.CreateQuotaShare!({ quotaShareName: 'b', ...base, resourceSharingConfiguration: { strategy: 'RESERVE', borrowLimit: 5 } }), /borrowLimit is only valid with strategy LEND_AND_BORROW/);
    await assert.rejects(async () => t.h.CreateQuotaShare!({ quotaShareName: 'c', ...base, capacityLimits: [{ maxCapacity: 0, capacityUnit: 'ml.m5.large' }] }), /positive integer/);
    for (let i = 1; i < 20; i++) await t.h.CreateQuotaShare!({ quotaShareName: `s${i}`, ...base });
    await assert.rejects(async () => t.h.CreateQuotaShare!({ quotaShareName: 's20', ...base }), /already has 20 quota shares/);
    const d = (await t.h.DescribeQuotaShare!({ quotaShareArn: created.quotaShareArn })) as Record<string, unknown>;
    assert.deepEqual([d.state, d.status, d.tags, (d.resourceSharingConfiguration as { borrowLimit: number }).borrowLimit], ['ENABLED', 'VALID', { team: 'a' }, 50]);
    await t.h.UpdateQuotaShare!({ quotaShareArn: created.quotaShareArn, capacityLimits: [{ maxCapacity: 4, capacityUnit: 'ml.m5.large' }] });
    const listed = (await t.h.ListQuotaShares!({ jobQueue: 'qm' })) as { quotaShares: Array<{ quotaShareName: string; capacityLimits: Array<{ maxCapacity: number }> }> };
    assert.deepEqual(listed.quotaShares.filter((s) => s.quotaShareName === 'team-a').map((s) => s.capacityLimits[0].maxCapacity), [4]);
    // A refused update changes nothing, not even the fields that were valid.
    await assert.rejects(async () => t.h.UpdateQuotaShare!({ quotaShareArn: created.quotaShareArn, capacityLimits: [{ maxCapacity: 9, capacityUnit: 'ml.m5.large' }], state: 'PAUSED' }), /state must be ENABLED or DISABLED/);
    const kept = (await t.h.DescribeQuotaShare!({ quotaShareArn: created.quotaShareArn })) as { capacityLimits: Array<{ maxCapacity: number }> };
    assert.equal(kept.capacityLimits[0].maxCapacity, 4);
    await assert.rejects(async () => t.h.DeleteQuotaShare!({ quotaShareArn: created.quotaShareArn }), /disable it first/);
    await t.h.UpdateQuotaShare!({ quotaShareArn: created.quotaShareArn, state: 'DISABLED' });
    await t.h.DeleteQuotaShare!({ quotaShareArn: created.quotaShareArn });
    await assert.rejects(async () => t.h.DescribeQuotaShare!({ quotaShareArn: created.quotaShareArn }), /does not exist/);
  });

  it('a service environment goes CREATING → VALID, is refused deletion while ENABLED or used by a queue', async () => {
    const t = await setup(() => ({ ms: 1, outcome: { succeeded: true } }));
    // Synchronous calls: the status is still CREATING until the engine settles it (a microtask later).
    void t.h.CreateServiceEnvironment!({ serviceEnvironmentName: 'other', serviceEnvironmentType: 'SAGEMAKER_TRAINING', capacityLimits: [{ maxCapacity: 1, capacityUnit: 'NUM_INSTANCES' }] });
    const first = t.h.DescribeServiceEnvironments!({ serviceEnvironments: ['other'] }) as { serviceEnvironments: Array<{ status: string }> };
    assert.equal(first.serviceEnvironments[0].status, 'CREATING');
    await t.clock.settle();
    const env = (await t.h.DescribeServiceEnvironments!({ serviceEnvironments: ['other'] })) as { serviceEnvironments: Array<{ status: string; serviceEnvironmentArn: string }> };
    assert.equal(env.serviceEnvironments[0].status, 'VALID');
    await assert.rejects(async () => t.h.DeleteServiceEnvironment!({ serviceEnvironment: 'sm' }), /ENABLED state; disable it first/);
    // A refused update changes nothing, not even the valid state it carried.
    await assert.rejects(async () => t.h.UpdateServiceEnvironment!({ serviceEnvironment: 'sm', state: 'DISABLED', capacityLimits: [{ maxCapacity: 0, capacityUnit: 'NUM_INSTANCES' }] }));
    assert.equal(((await t.h.DescribeServiceEnvironments!({ serviceEnvironments: ['sm'] })) as { serviceEnvironments: Array<{ state: string }> }).serviceEnvironments[0].state, 'ENABLED');
    await t.h.UpdateServiceEnvironment!({ serviceEnvironment: 'sm', state: 'DISABLED' });
    await assert.rejects(async () => t.h.DeleteServiceEnvironment!({ serviceEnvironment: 'sm' }), /still associated with a job queue/);
    await t.h.UpdateServiceEnvironment!({ serviceEnvironment: 'other', state: 'DISABLED' });
    await t.h.DeleteServiceEnvironment!({ serviceEnvironment: env.serviceEnvironments[0].serviceEnvironmentArn });
    await t.clock.settle();
    assert.deepEqual(((await t.h.DescribeServiceEnvironments!({})) as { serviceEnvironments: Array<{ serviceEnvironmentName: string }> }).serviceEnvironments.map((e) => e.serviceEnvironmentName), ['sm']);
  });
});
