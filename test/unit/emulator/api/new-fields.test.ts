import assert from 'node:assert/strict';
import { batchHandlers } from '../../../../src/emulator/batch/api';
import { harness } from '../../../support/engineHarness';

describe('2024+ fields: ListJobs capacityUsage/isCancelled/isTerminated, GetJobQueueSnapshot queueUtilization (unit)', () => {
  it('show configured vCPUs, how a job ended, and the capacity held in the queue', async () => {
    const h = await harness({ vcpus: 4 });
    const api = batchHandlers(h.engine);
    h.engine.registerJobDefinition({ jobDefinitionName: 'two', type: 'container', containerProperties: { image: 'localbatch-busybox:latest', command: ['sh', '-c', 'sleep 100'], resourceRequirements: [{ type: 'VCPU', value: '2' }, { type: 'MEMORY', value: '64' }] } });
    const run = h.engine.submitJob({ jobName: 'run', jobQueue: 'q', jobDefinition: 'two' });
    const cancelled = h.engine.submitJob({ jobName: 'wait', jobQueue: 'q', jobDefinition: 'two', dependsOn: [{ jobId: run.jobId }] });
    await h.clock.advance(1000);
    const snap = (await api.GetJobQueueSnapshot!({ jobQueue: 'q' })) as { queueUtilization: { totalCapacityUsage: unknown[]; lastUpdatedAt: number } };
    assert.deepEqual(snap.queueUtilization.totalCapacityUsage, [{ capacityUnit: 'VCPU', quantity: 2 }]);
    assert.equal(snap.queueUtilization.lastUpdatedAt, h.clock.now());
    h.engine.cancelJob(cancelled.jobId, 'not needed');
    h.engine.terminateJob(run.jobId, 'stop');
    await h.clock.advance(60_000);
    const listed = (await api.ListJobs!({ jobQueue: 'q', filters: [{ name: 'JOB_NAME', values: ['*'] }] })) as { jobSummaryList: Array<Record<string, unknown>> };
    const byName = new Map(listed.jobSummaryList.map((s) => [s.jobName, s]));
    assert.deepEqual(byName.get('run')?.capacityUsage, [{ capacityUnit: 'VCPU', quantity: 2 }]);
    assert.deepEqual([byName.get('run')?.isTerminated, byName.get('run')?.isCancelled], [true, false]);
    assert.deepEqual([byName.get('wait')?.isCancelled, byName.get('wait')?.isTerminated], [true, false]);
    const after = (await api.GetJobQueueSnapshot!({ jobQueue: 'q' })) as { queueUtilization: { totalCapacityUsage: unknown[] } };
    assert.deepEqual(after.queueUtilization.totalCapacityUsage, []);
  });

  it('UpdateComputeEnvironment takes jobExecutionTimeoutMinutes up to 7200 (the current model), and no more', async () => {
    const h = await harness();
    const api = batchHandlers(h.engine);
    await api.UpdateComputeEnvironment!({ computeEnvironment: 'ce', updatePolicy: { terminateJobsOnUpdate: false, jobExecutionTimeoutMinutes: 7200 } });
    await assert.rejects(async () => api.UpdateComputeEnvironment!({ computeEnvironment: 'ce', updatePolicy: { jobExecutionTimeoutMinutes: 7201 } }), /between 1 and 7200, not 7201/);
    await assert.rejects(async () => api.UpdateComputeEnvironment!({ computeEnvironment: 'ce', updatePolicy: { jobExecutionTimeoutMinutes: 0 } }), /between 1 and 7200/);
  });

  it('CreateComputeEnvironment takes an ECS Managed Instances environment without subnets and default_x86_64 instance types', async () => {
    const h = await harness();
    const api = batchHandlers(h.engine);
    await api.CreateComputeEnvironment!({ computeEnvironmentName: 'mi', type: 'MANAGED', computeResources: { type: 'ECS_MANAGED_INSTANCES', maxvCpus: 8, instanceTypes: ['default_x86_64'], allocationStrategy: 'BEST_FIT_PROGRESSIVE_ORDERED' } });
    await h.clock.settle();
    const [ce] = h.engine.describeComputeEnvironments(['mi']);
    assert.deepEqual([ce.status, ce.computeResources?.type, ce.computeResources?.subnets], ['VALID', 'ECS_MANAGED_INSTANCES', undefined]);
  });
});
