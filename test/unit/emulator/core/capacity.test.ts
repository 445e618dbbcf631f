import assert from 'node:assert/strict';
import { ClientException } from '../../../../src/emulator/batch/core/errors';
import { harness } from '../../../support/engineHarness';

describe('Capacity, queues and compute environments (unit)', () => {
  it('keeps jobs RUNNABLE until vCPUs are free, FIFO within the queue', async () => {
    const h = await harness({ vcpus: 2 });
    h.def('s', 'sleep 10');
    const ids = ['a', 'b', 'c', 'd'].map((n) => h.engine.submitJob({ jobName: n, jobQueue: 'q', jobDefinition: 's' }).jobId);
    await h.clock.advance(5_000);
    assert.deepEqual(h.engine.describeJobs(ids).map((d) => d.status), ['RUNNING', 'RUNNING', 'RUNNABLE', 'RUNNABLE']);
    await h.clock.advance(10_000);
    assert.deepEqual(h.engine.describeJobs(ids).map((d) => d.status), ['SUCCEEDED', 'SUCCEEDED', 'RUNNING', 'RUNNING']);
    assert.deepEqual(h.runtime.started.map((s) => s.environment.AWS_BATCH_JOB_ID), ids);
  });

  it('packs by memory as well', async () => {
    const h = await harness({ vcpus: 8, memoryMiB: 1024 });
    h.def('s', 'sleep 10');
    const ids = ['a', 'b', 'c'].map((n) => h.engine.submitJob({ jobName: n, jobQueue: 'q', jobDefinition: 's' }).jobId);
    await h.clock.advance(1_000);
    assert.deepEqual(h.engine.describeJobs(ids).map((d) => d.status), ['RUNNING', 'RUNNING', 'RUNNABLE']);
  });

  it('starts jobs of the higher-priority queue first on a shared compute environment', async () => {
    const h = await harness({ vcpus: 1 });
    h.engine.createJobQueue({ jobQueueName: 'high', priority: 10, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] });
    await h.clock.settle();
    h.def('s', 'sleep 10');
    const first = h.engine.submitJob({ jobName: 'first', jobQueue: 'q', jobDefinition: 's' });
    await h.clock.advance(1_000);
    const low = h.engine.submitJob({ jobName: 'low', jobQueue: 'q', jobDefinition: 's' });
    const high = h.engine.submitJob({ jobName: 'high', jobQueue: 'high', jobDefinition: 's' });
    await h.clock.advance(15_000);
    assert.equal(h.describe(first.jobId).status, 'SUCCEEDED');
    assert.equal(h.describe(high.jobId).status, 'RUNNING');
    assert.equal(h.describe(low.jobId).status, 'RUNNABLE');
  });

  it('tries compute environments in order and uses the next when the first is full', async () => {
    const h = await harness({ vcpus: 1 });
    h.engine.createComputeEnvironment({ computeEnvironmentName: 'second', type: 'MANAGED', computeResources: { type: 'EC2', maxvCpus: 1, subnets: [] } }, { memoryMiB: 4096 });
    h.engine.createJobQueue({ jobQueueName: 'two', priority: 1, computeEnvironmentOrder: [{ order: 2, computeEnvironment: 'second' }, { order: 1, computeEnvironment: 'ce' }] });
    await h.clock.settle();
    h.def('s', 'sleep 10');
    h.engine.submitJob({ jobName: 'a', jobQueue: 'two', jobDefinition: 's' });
    h.engine.submitJob({ jobName: 'b', jobQueue: 'two', jobDefinition: 's' });
    await h.clock.advance(1_000);
    assert.deepEqual(h.runtime.started.map((s) => s.environment.AWS_BATCH_CE_NAME), ['ce', 'second']);
  });

  it('rejects submits to a DISABLED queue; its queued jobs still finish', async () => {
    const h = await harness();
    const r = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: h.def('s', 'sleep 10') });
    h.engine.updateJobQueue({ jobQueue: 'q', state: 'DISABLED' });
    assert.throws(() => h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 's' }), ClientException);
    await h.clock.advance(20_000);
    assert.equal(h.describe(r.jobId).status, 'SUCCEEDED');
  });

  it('moves a compute environment and queue from CREATING to VALID; runs nothing on a DISABLED environment', async () => {
    const h = await harness();
    h.engine.createComputeEnvironment({ computeEnvironmentName: 'off', type: 'MANAGED', state: 'DISABLED', computeResources: { type: 'EC2', maxvCpus: 4, subnets: [] } });
    const q = h.engine.createJobQueue({ jobQueueName: 'offq', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'arn:aws:batch:us-east-1:000000000000:compute-environment/off' }] });
    assert.equal(h.engine.describeComputeEnvironments(['off'])[0].status, 'CREATING');
    assert.equal(h.engine.describeJobQueues([q.jobQueueArn])[0].status, 'CREATING');
    await h.clock.settle();
    const ce = h.engine.describeComputeEnvironments(['off'])[0];
    assert.deepEqual([ce.status, ce.state], ['VALID', 'DISABLED']);
    assert.equal(h.engine.describeJobQueues(['offq'])[0].status, 'VALID');
    const r = h.engine.submitJob({ jobName: 'a', jobQueue: 'offq', jobDefinition: h.def('s', 'true') });
    await h.clock.advance(10_000);
    assert.equal(h.describe(r.jobId).status, 'RUNNABLE');
    h.engine.updateComputeEnvironment({ computeEnvironment: 'off', state: 'ENABLED' });
    await h.clock.advance(1);
    assert.equal(h.describe(r.jobId).status, 'SUCCEEDED');
  });

  it('deletes only DISABLED compute environments not used by a queue', async () => {
    const h = await harness();
    assert.throws(() => h.engine.deleteComputeEnvironment('ce'), ClientException);
    h.engine.updateComputeEnvironment({ computeEnvironment: 'ce', state: 'DISABLED' });
    assert.throws(() => h.engine.deleteComputeEnvironment('ce'), /associated with a job queue/);
    h.engine.updateJobQueue({ jobQueue: 'q', state: 'DISABLED' });
    h.engine.deleteJobQueue('q');
    await h.clock.settle();
    assert.deepEqual(h.engine.describeJobQueues(), []);
    h.engine.deleteComputeEnvironment('ce');
    await h.clock.settle();
    assert.deepEqual(h.engine.describeComputeEnvironments(), []);
  });

  it('reports an out-of-memory kill as AWS does', async () => {
    const h = await harness();
    const r = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: h.def('oom', 'tail /dev/zero') });
    await h.clock.advance(1_000);
    const d = h.describe(r.jobId);
    assert.equal(d.status, 'FAILED');
    assert.equal(d.container?.exitCode, 137);
    assert.equal(d.container?.reason, 'OutOfMemoryError: Container killed due to memory usage');
    assert.equal(d.statusReason, 'Essential container in task exited');
  });

  it('lists a queue\'s jobs by status (RUNNING by default)', async () => {
    const h = await harness({ vcpus: 1 });
    h.def('s', 'sleep 10');
    const a = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 's' });
    const b = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 's' });
    await h.clock.advance(1_000);
    assert.deepEqual([...h.engine.listJobs({ jobQueue: 'q' })].map((s) => s.jobId), [a.jobId]);
    assert.deepEqual([...h.engine.listJobs({ jobQueue: 'q', jobStatus: 'RUNNABLE' })].map((s) => s.jobName), ['b']);
    assert.equal(b.jobName, 'b');
  });
});

describe('Fair-share scheduling order (unit)', () => {
  it('starts higher schedulingPriority first on a queue with a scheduling policy, FIFO among equals; requires shareIdentifier', async () => {
    const h = await harness({ vcpus: 1 });
    h.engine.createJobQueue({ jobQueueName: 'fs', priority: 1, schedulingPolicyArn: 'arn:aws:batch:us-east-1:000000000000:scheduling-policy/p', computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] });
    await h.clock.settle();
    h.def('s', 'sleep 10');
    assert.throws(() => h.engine.submitJob({ jobName: 'x', jobQueue: 'fs', jobDefinition: 's' }), /shareIdentifier/);
    const names = ['first', 'low', 'high', 'high2'];
    const prio = [5, 1, 9, 9];
    names.forEach((jobName, i) => h.engine.submitJob({ jobName, jobQueue: 'fs', jobDefinition: 's', shareIdentifier: 'a', schedulingPriorityOverride: prio[i] }));
    await h.clock.advance(60_000);
    const order = h.events.filter((e) => e.detail.status === 'RUNNING').map((e) => e.detail.jobName);
    assert.deepEqual(order, ['high', 'high2', 'first', 'low']);
  });
});
