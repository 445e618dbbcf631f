import assert from 'node:assert/strict';
import { imageToRun } from '../../../../src/emulator/batch/core/images';
import { logTargetOf } from '../../../../src/emulator/batch/core/logs';
import { harness } from '../../../support/engineHarness';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.2';

describe('Image overrides and log targets (unit)', () => {
  it('maps an image through imageOverrides, treating a missing tag as :latest', () => {
    const o = { [ECR]: 'app:dev', 'busybox': 'localbatch-busybox:latest' };
    assert.equal(imageToRun(ECR, o), 'app:dev');
    assert.equal(imageToRun('busybox:latest', o), 'localbatch-busybox:latest');
    assert.equal(imageToRun('busybox:1.36', o), 'busybox:1.36');
    assert.equal(imageToRun('other', o), 'other');
    assert.equal(imageToRun(ECR, undefined), ECR);
  });

  it('runs the override image while DescribeJobs shows the definition image', async () => {
    const h = await harness({ imageOverrides: { [ECR]: 'app:dev' } });
    h.engine.registerJobDefinition({ jobDefinitionName: 'private', type: 'container', containerProperties: { image: ECR, command: ['echo', 'hi'] } });
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'private' });
    await h.clock.advance(1);
    assert.equal(h.runtime.started[0].image, 'app:dev');
    const d = h.describe(r.jobId);
    assert.equal(d.status, 'SUCCEEDED');
    assert.equal(d.container?.image, ECR);
  });

  it('names streams as AWS Batch does: default group and <def>/default/<task>, or awslogs-group and <prefix>/default/<task>', () => {
    assert.deepEqual(logTargetOf({ jobDefinitionName: 'd', containerProperties: {} }, 't1'), { logGroupName: '/aws/batch/job', logStreamName: 'd/default/t1' });
    const awslogs = (options: Record<string, string>) => ({ jobDefinitionName: 'd', containerProperties: { logConfiguration: { logDriver: 'awslogs' as const, options } } });
    assert.deepEqual(logTargetOf(awslogs({ 'awslogs-group': '/team/jobs', 'awslogs-stream-prefix': 'etl' }), 't2'), { logGroupName: '/team/jobs', logStreamName: 'etl/default/t2' });
    assert.deepEqual(logTargetOf(awslogs({ 'awslogs-group': '/team/jobs' }), 't3'), { logGroupName: '/team/jobs', logStreamName: 'd/default/t3' });
    assert.deepEqual(logTargetOf(awslogs({ 'awslogs-stream-prefix': 'p' }), 't4'), { logGroupName: '/aws/batch/job', logStreamName: 'p/default/t4' });
    // Another driver sends nothing to CloudWatch on AWS; locally the output stays in the default group.
    const splunk = { jobDefinitionName: 'd', containerProperties: { logConfiguration: { logDriver: 'splunk' as const, options: { 'awslogs-group': '/x' } } } };
    assert.deepEqual(logTargetOf(splunk, 't5'), { logGroupName: '/aws/batch/job', logStreamName: 'd/default/t5' });
    const ecs = { jobDefinitionName: 'e', ecsProperties: { taskProperties: [{ containers: [{ name: 'main', image: 'x', logConfiguration: { logDriver: 'awslogs' as const, options: { 'awslogs-stream-prefix': 'svc' } } }] }] } };
    assert.deepEqual(logTargetOf(ecs, 't6'), { logGroupName: '/aws/batch/job', logStreamName: 'svc/main/t6' });
  });

  it('gives each attempt a stream in the definition\'s log group', async () => {
    const h = await harness();
    h.engine.registerJobDefinition({
      jobDefinitionName: 'logged',
      type: 'container',
      containerProperties: { image: 'img', command: ['echo', 'out'], logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/my/group', 'awslogs-stream-prefix': 'pre' } } },
    });
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'logged' });
    await h.clock.advance(1);
    const d = h.describe(r.jobId);
    assert.match(d.container!.logStreamName!, /^pre\/default\/[0-9a-f]{32}$/);
    assert.equal(h.runtime.started[0].logGroupName, '/my/group');
    assert.equal(h.runtime.started[0].logStreamName, d.container!.logStreamName);
    assert.deepEqual(d.container?.logConfiguration?.options, { 'awslogs-group': '/my/group', 'awslogs-stream-prefix': 'pre' });
  });
});
