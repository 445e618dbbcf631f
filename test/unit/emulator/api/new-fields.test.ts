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
});
