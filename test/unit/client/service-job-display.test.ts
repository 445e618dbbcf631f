import assert from 'node:assert/strict';
import { isServiceJobActive, serviceJobRow, serviceStatusIcon, SERVICE_JOB_STATUSES } from '../../../src/client/service-job-display';
import { STATUS_ICONS } from '../../../src/client/job-display';

const T0 = Date.parse('2026-12-05T08:00:00Z');

describe('service job display: a ListServiceJobs summary as a tree row (unit)', () => {
  it('a failed job: name, status icon and colour, status, duration and reason, menus by status', () => {
    const row = serviceJobRow({
      jobId: 'j-1', jobName: 'fit', status: 'FAILED', statusReason: 'Received status from SageMaker: AlgorithmError: epochs must be a number',
      createdAt: T0, startedAt: T0 + 2000, stoppedAt: T0 + 7000, capacityUsage: [{ capacityUnit: 'ml.m5.large', quantity: 2 }],
      latestAttempt: { serviceResourceId: { name: 'TrainingJobArn', value: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/fit-1' } },
    }, T0 + 60_000);
    assert.equal(row.label, 'fit');
    assert.equal(row.description, 'FAILED · 5s · Received status from SageMaker: AlgorithmError: epochs must be a number');
    assert.deepEqual([row.icon, row.color], ['error', 'testing.iconFailed']);
    assert.equal(row.contextValue, 'serviceJob.FAILED');
    assert.deepEqual(row.tooltip.split('\n'), [
      'fit — FAILED (SageMaker training service job)',
      'Job ID: j-1',
      'Reason: Received status from SageMaker: AlgorithmError: epochs must be a number',
      'Created: 2026-12-05T08:00:00.000Z',
      'Duration: 5s',
      'Capacity: 2 ml.m5.large instances',
      'Training job: arn:aws:sagemaker:us-east-1:123456789012:training-job/fit-1',
    ]);
  });

  it('a running job\'s duration runs until now; a waiting job shows its reason', () => {
    assert.equal(serviceJobRow({ jobId: 'j', jobName: 'fit', status: 'RUNNING', startedAt: T0 }, T0 + 125_000).description, 'RUNNING · 2m 05s');
    const blocked = serviceJobRow({ jobId: 'j', jobName: 'big', status: 'RUNNABLE', statusReason: 'MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE - too big', quotaShareName: 'team-a' }, T0);
    assert.equal(blocked.description, 'RUNNABLE · MISCONFIGURATION:SERVICE_ENVIRONMENT_MAX_RESOURCE - too big');
    assert.match(blocked.tooltip, /^Quota share: team-a$/m);
    assert.equal(blocked.contextValue, 'serviceJob.RUNNABLE');
  });

  it('every service job status has an icon: the container jobs\' ones, and SCHEDULED its own', () => {
    for (const s of SERVICE_JOB_STATUSES) assert.ok(serviceStatusIcon(s), s);
    assert.deepEqual(serviceStatusIcon('RUNNING'), STATUS_ICONS.RUNNING);
    assert.notDeepEqual(serviceStatusIcon('SCHEDULED'), serviceStatusIcon('STARTING'));
    assert.equal(serviceJobRow({ jobId: 'j', jobName: 'x', status: 'SCHEDULED' }, T0).icon, serviceStatusIcon('SCHEDULED')!.icon);
    assert.equal(serviceJobRow({ jobId: 'j', jobName: 'x', status: 'WHATEVER' as never }, T0).icon, 'question');
  });

  it('only unfinished jobs can be terminated', () => {
    assert.deepEqual(SERVICE_JOB_STATUSES.filter(isServiceJobActive), ['SUBMITTED', 'PENDING', 'RUNNABLE', 'SCHEDULED', 'STARTING', 'RUNNING']);
  });
});
