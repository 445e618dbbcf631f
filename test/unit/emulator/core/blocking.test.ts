import assert from 'node:assert/strict';
import { harness, type Harness } from '../../../support/engineHarness';

const MAX = 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE(s) associated with the job queue cannot meet the CPU requirement of the job.';
const REQ = 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job queue.';

function submit(h: Harness, jobName: string, vcpus?: string, memory?: string) {
  const resourceRequirements = [...(vcpus ? [{ type: 'VCPU' as const, value: vcpus }] : []), ...(memory ? [{ type: 'MEMORY' as const, value: memory }] : [])];
  return h.engine.submitJob({ jobName, jobQueue: 'q', jobDefinition: 's', ...(resourceRequirements.length ? { containerOverrides: { resourceRequirements } } : {}) }).jobId;
}

describe('A head of queue that can never run blocks its queue (unit)', () => {
  it('keeps the jobs behind it RUNNABLE, with AWS\'s reason, a state-change event and a Queue Blocked event', async () => {
    const h = await harness({ vcpus: 2, memoryMiB: 2048 });
    h.def('s', 'true');
    const big = submit(h, 'big', '4');
    const ok = submit(h, 'ok');
    await h.clock.advance(3_600_000);
    assert.deepEqual([h.describe(big).status, h.describe(big).statusReason], ['RUNNABLE', MAX]);
    assert.deepEqual([h.describe(ok).status, h.describe(ok).statusReason], ['RUNNABLE', undefined]);
    assert.equal(h.runtime.started.length, 0, 'nothing behind the blocked head starts');
    const reasonEvents = h.events.filter((e) => e.detail.jobId === big && e['detail-type'] === 'Batch Job State Change' && e.detail.statusReason === MAX);
    assert.equal(reasonEvents.length, 1, 'setting the reason emits one state-change event');
    const blocked = h.events.filter((e) => e['detail-type'] === 'Batch Job Queue Blocked');
    assert.equal(blocked.length, 1);
    assert.deepEqual(blocked[0].resources, [h.describe(big).jobArn, 'arn:aws:batch:us-east-1:000000000000:job-queue/q']);
    assert.deepEqual([blocked[0].detail.status, blocked[0].detail.statusReason], ['RUNNABLE', MAX]);

    h.engine.updateComputeEnvironment({ computeEnvironment: 'ce', computeResources: { maxvCpus: 4 } });
    await h.clock.advance(1_000);
    assert.equal(h.describe(big).status, 'SUCCEEDED', 'runs once the environment is large enough');
    assert.equal(h.describe(ok).status, 'SUCCEEDED', 'then the queue moves on');
  });

  it('names memory (or GPUs) that no environment has JOB_RESOURCE_REQUIREMENT', async () => {
    const h = await harness({ vcpus: 2, memoryMiB: 2048 });
    h.def('s', 'true');
    const fat = submit(h, 'fat', undefined, '4096');
    await h.clock.advance(60_000);
    assert.equal(h.describe(fat).statusReason, REQ);
    const gpu = h.engine.submitJob({ jobName: 'gpu', jobQueue: 'q', jobDefinition: 's', containerOverrides: { resourceRequirements: [{ type: 'GPU', value: '1' }] } });
    h.engine.cancelJob(fat, 'not this one');
    await h.clock.advance(60_000);
    assert.deepEqual([h.describe(fat).status, h.describe(fat).statusReason, h.describe(fat).isCancelled], ['FAILED', 'not this one', true], 'cancelling the blocked head fails it at once');
    assert.equal(h.describe(gpu.jobId).statusReason, REQ, 'no GPU capacity configured: a GPU job never fits');
  });

  it('cancels the head after jobStateTimeLimitActions maxTimeSeconds, with AWS\'s reason, and the next job advances', async () => {
    const h = await harness({ vcpus: 2 });
    h.engine.updateJobQueue({
      jobQueue: 'q',
      jobStateTimeLimitActions: [
        { reason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT', state: 'RUNNABLE', maxTimeSeconds: 3600, action: 'CANCEL' },
        { reason: 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE', state: 'RUNNABLE', maxTimeSeconds: 600, action: 'CANCEL' },
      ],
    });
    await h.clock.settle();
    h.def('s', 'true');
    const big = submit(h, 'big', '8');
    const ok = submit(h, 'ok');
    await h.clock.advance(599_000);
    assert.equal(h.describe(big).status, 'RUNNABLE', 'not before maxTimeSeconds');
    assert.equal(h.describe(ok).status, 'RUNNABLE');
    await h.clock.advance(2_000);
    const d = h.describe(big);
    assert.deepEqual([d.status, d.statusReason, d.isCancelled], ['FAILED', 'Canceled by JobStateTimeLimit action due to reason: MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE', true]);
    await h.clock.advance(1_000);
    assert.equal(h.describe(ok).status, 'SUCCEEDED');
  });

  it('counts the time limit from when the job started blocking, and not at all once it fits', async () => {
    const h = await harness({ vcpus: 2 });
    h.engine.updateJobQueue({ jobQueue: 'q', jobStateTimeLimitActions: [{ reason: 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE', state: 'RUNNABLE', maxTimeSeconds: 600, action: 'CANCEL' }] });
    await h.clock.settle();
    h.def('s', 'sleep 300');
    const first = submit(h, 'first', '2');
    const waiter = submit(h, 'waiter', '2');
    const big = submit(h, 'big', '4');
    await h.clock.advance(299_000);
    assert.deepEqual([h.describe(waiter).status, h.describe(waiter).statusReason], ['RUNNABLE', undefined], 'a head waiting for capacity does not block');
    assert.equal(h.describe(big).statusReason, undefined, 'not at the head yet');
    await h.clock.advance(2_000);
    assert.equal(h.describe(first).status, 'SUCCEEDED');
    assert.equal(h.describe(waiter).status, 'RUNNING');
    assert.equal(h.describe(big).statusReason, MAX, 'blocks once it is the head');
    await h.clock.advance(590_000);
    assert.equal(h.describe(big).status, 'RUNNABLE', '600 s counted from when it started blocking');
    await h.clock.advance(20_000);
    assert.equal(h.describe(big).status, 'FAILED');

    const h2 = await harness({ vcpus: 2 });
    h2.engine.updateJobQueue({ jobQueue: 'q', jobStateTimeLimitActions: [{ reason: 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE', state: 'RUNNABLE', maxTimeSeconds: 600, action: 'CANCEL' }] });
    await h2.clock.settle();
    h2.def('s', 'true');
    const big2 = submit(h2, 'big', '4');
    await h2.clock.advance(300_000);
    h2.engine.updateComputeEnvironment({ computeEnvironment: 'ce', computeResources: { maxvCpus: 4 } });
    await h2.clock.advance(86_400_000);
    assert.deepEqual([h2.describe(big2).status, h2.describe(big2).isCancelled], ['SUCCEEDED', false], 'the armed action is dropped once the job fits');
  });

  it('blocks on an array child that can never fit, and TerminateJob on a PENDING job cancels it when its dependency ends', async () => {
    const h = await harness({ vcpus: 2 });
    h.def('s', 'sleep 10');
    const arr = h.engine.submitJob({ jobName: 'arr', jobQueue: 'q', jobDefinition: 's', arrayProperties: { size: 2 }, containerOverrides: { resourceRequirements: [{ type: 'VCPU', value: '3' }] } });
    await h.clock.advance(60_000);
    assert.equal(h.describe(`${arr.jobId}:0`).statusReason, MAX);
    assert.equal(h.describe(arr.jobId).status, 'PENDING');

    const h2 = await harness({ vcpus: 2 });
    h2.def('s', 'sleep 10');
    const a = h2.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 's' });
    const b = h2.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 's', dependsOn: [{ jobId: a.jobId }] });
    await h2.clock.advance(1_000);
    h2.engine.terminateJob(b.jobId, 'not needed');
    await h2.clock.advance(1_000);
    assert.equal(h2.describe(b.jobId).status, 'PENDING', 'a PENDING job is cancelled once its dependencies are done');
    await h2.clock.advance(20_000);
    const d = h2.describe(b.jobId);
    assert.deepEqual([d.status, d.statusReason, d.isCancelled], ['FAILED', 'not needed', true]);
  });
});

describe('GPUs are capacity (unit)', () => {
  it('runs GPU jobs one at a time on a one-GPU environment', async () => {
    const h = await harness({ vcpus: 8 });
    h.engine.createComputeEnvironment({ computeEnvironmentName: 'gpu', type: 'UNMANAGED' }, { vcpus: 8, memoryMiB: 8192, gpus: 1 });
    h.engine.createJobQueue({ jobQueueName: 'g', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'gpu' }] });
    await h.clock.settle();
    h.def('s', 'sleep 10');
    const ids = ['a', 'b'].map((jobName) => h.engine.submitJob({ jobName, jobQueue: 'g', jobDefinition: 's', containerOverrides: { resourceRequirements: [{ type: 'GPU', value: '1' }] } }).jobId);
    await h.clock.advance(5_000);
    assert.deepEqual(h.engine.describeJobs(ids).map((d) => d.status), ['RUNNING', 'RUNNABLE']);
    assert.equal(h.describe(ids[1]).statusReason, undefined, 'waiting for a GPU is not a misconfiguration');
    await h.clock.advance(10_000);
    assert.deepEqual(h.engine.describeJobs(ids).map((d) => d.status), ['SUCCEEDED', 'RUNNING']);
  });
});

describe('jobStateTimeLimitActions validation (unit)', () => {
  it('refuses what the API refuses: maxTimeSeconds outside 600-86400, another state or action', async () => {
    const h = await harness();
    const base = { reason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT', state: 'RUNNABLE' as const, maxTimeSeconds: 600, action: 'CANCEL' as const };
    assert.throws(() => h.engine.updateJobQueue({ jobQueue: 'q', jobStateTimeLimitActions: [{ ...base, maxTimeSeconds: 599 }] }), /between 600 and 86400/);
    assert.throws(() => h.engine.updateJobQueue({ jobQueue: 'q', jobStateTimeLimitActions: [{ ...base, maxTimeSeconds: 86_401 }] }), /between 600 and 86400/);
    assert.throws(() => h.engine.updateJobQueue({ jobQueue: 'q', jobStateTimeLimitActions: [{ ...base, action: 'TERMINATE' }] }), /must be CANCEL/);
    assert.throws(() => h.engine.createJobQueue({ jobQueueName: 'x', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }], jobStateTimeLimitActions: [{ ...base, state: 'PENDING' as never }] }), /state must be RUNNABLE/);
    h.engine.updateJobQueue({ jobQueue: 'q', jobStateTimeLimitActions: [{ ...base, maxTimeSeconds: 86_400 }] });
    await h.clock.settle();
    assert.equal(h.engine.describeJobQueues(['q'])[0].jobStateTimeLimitActions?.[0].maxTimeSeconds, 86_400);
  });
});
