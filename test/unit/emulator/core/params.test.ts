import assert from 'node:assert/strict';
import { harness } from '../../../support/engineHarness';

describe('Parameters, overrides and environment (unit)', () => {
  it('substitutes Ref:: from job definition parameters, submit-time values winning', async () => {
    const h = await harness();
    h.engine.registerJobDefinition({
      jobDefinitionName: 'p',
      type: 'container',
      parameters: { a: 'def-a', b: 'def-b' },
      containerProperties: { image: 'img', command: ['echo', 'Ref::a', 'Ref::b', '--x=Ref::c', 'Ref::missing'] },
    });
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'p', parameters: { b: 'sub-b', c: 'sub-c' } });
    await h.clock.advance(1);
    assert.deepEqual(h.runtime.started[0].command, ['echo', 'def-a', 'sub-b', '--x=sub-c', 'Ref::missing']);
    const d = h.describe(r.jobId);
    assert.deepEqual(d.parameters, { a: 'def-a', b: 'sub-b', c: 'sub-c' });
    assert.deepEqual(h.logs.lines(d.container!.logStreamName!), ['def-a sub-b --x=sub-c Ref::missing']);
  });

  it('applies containerOverrides: command replaces, environment merges, resourceRequirements override', async () => {
    const h = await harness();
    h.engine.registerJobDefinition({
      jobDefinitionName: 'o',
      type: 'container',
      containerProperties: {
        image: 'img',
        command: ['echo', 'original'],
        environment: [{ name: 'KEEP', value: 'k' }, { name: 'OVER', value: 'def' }],
        resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '512' }],
      },
    });
    h.engine.submitJob({
      jobName: 'j',
      jobQueue: 'q',
      jobDefinition: 'o',
      containerOverrides: {
        command: ['echo', 'new'],
        environment: [{ name: 'OVER', value: 'sub' }, { name: 'ADDED', value: 'a' }],
        resourceRequirements: [{ type: 'VCPU', value: '2' }, { type: 'MEMORY', value: '1024' }],
        instanceType: 'm5.large',
      },
    });
    await h.clock.advance(1);
    const s = h.runtime.started[0];
    assert.deepEqual(s.command, ['echo', 'new']);
    assert.equal(s.environment.KEEP, 'k');
    assert.equal(s.environment.OVER, 'sub');
    assert.equal(s.environment.ADDED, 'a');
    assert.equal(s.vcpus, 2);
    assert.equal(s.memoryMiB, 1024);
  });

  it('sets the AWS_BATCH_* variables AWS sets, attempts from 1, and rejects user AWS_BATCH names', async () => {
    const h = await harness();
    h.def('e', 'exit 0');
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'e' });
    await h.clock.advance(1);
    const env = h.runtime.started[0].environment;
    assert.equal(env.AWS_BATCH_JOB_ID, r.jobId);
    assert.equal(env.AWS_BATCH_JQ_NAME, 'q');
    assert.equal(env.AWS_BATCH_CE_NAME, 'ce');
    assert.equal(env.AWS_BATCH_JOB_ATTEMPT, '1');
    assert.equal(env.AWS_BATCH_JOB_ARRAY_INDEX, undefined);
    assert.equal(env.AWS_BATCH_JOB_ARRAY_SIZE, undefined);
    assert.throws(
      () => h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'e', containerOverrides: { environment: [{ name: 'AWS_BATCH_JOB_ID', value: 'x' }] } }),
      /AWS_BATCH/,
    );
  });

  it('sets what ECS sets in every task (the Region, AWS_EXECUTION_ENV by compute option); the job definition\'s own values win', async () => {
    const h = await harness();
    h.engine.createComputeEnvironment({ computeEnvironmentName: 'fg', type: 'MANAGED', computeResources: { type: 'FARGATE', maxvCpus: 4, subnets: [] } }, { memoryMiB: 8192 });
    h.engine.createJobQueue({ jobQueueName: 'fq', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'fg' }] });
    await h.clock.settle();
    h.def('e', 'exit 0');
    h.def('own', 'exit 0', { containerProperties: { image: 'img', command: ['true'], environment: [{ name: 'AWS_REGION', value: 'eu-west-1' }], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '512' }] } });
    const ec2 = h.engine.submitJob({ jobName: 'ec2', jobQueue: 'q', jobDefinition: 'e' }).jobId;
    const fargate = h.engine.submitJob({ jobName: 'fargate', jobQueue: 'fq', jobDefinition: 'e' }).jobId;
    const own = h.engine.submitJob({ jobName: 'own', jobQueue: 'q', jobDefinition: 'own' }).jobId;
    await h.clock.advance(1);
    const envOf = (jobId: string) => {
      const e = h.runtime.started.find((s) => s.environment.AWS_BATCH_JOB_ID === jobId)?.environment ?? {};
      return [e.AWS_REGION, e.AWS_DEFAULT_REGION, e.AWS_EXECUTION_ENV];
    };
    assert.deepEqual(envOf(ec2), ['us-east-1', 'us-east-1', 'AWS_ECS_EC2']);
    assert.deepEqual(envOf(fargate), ['us-east-1', 'us-east-1', 'AWS_ECS_FARGATE']);
    assert.deepEqual(envOf(own), ['eu-west-1', 'us-east-1', 'AWS_ECS_EC2']);

    // The jobs' Region is the preparer's (localbatch.yaml's aws.region) when it has one, for every job.
    const other = await harness({ preparer: { region: 'ap-south-1', prepare: () => Promise.resolve({ ok: true }), release: () => undefined } });
    other.def('e', 'exit 0');
    const id = other.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'e' }).jobId;
    await other.clock.advance(1);
    const env = other.runtime.started.find((s) => s.environment.AWS_BATCH_JOB_ID === id)?.environment ?? {};
    assert.deepEqual([env.AWS_REGION, env.AWS_DEFAULT_REGION], ['ap-south-1', 'ap-south-1']);
  });

  it('runs each node of a multinode job with the node variables; the main node decides', async () => {
    const h = await harness();
    h.engine.registerJobDefinition({
      jobDefinitionName: 'mnp',
      type: 'multinode',
      nodeProperties: { numNodes: 2, mainNode: 0, nodeRangeProperties: [{ targetNodes: '0:', container: { image: 'img', command: ['sh', '-c', 'sleep 5'], vcpus: 1, memory: 256 } }] },
    });
    const r = h.engine.submitJob({ jobName: 'm', jobQueue: 'q', jobDefinition: 'mnp' });
    await h.clock.advance(10_000);
    const envs = h.runtime.started.map((s) => s.environment);
    assert.deepEqual(envs.map((e) => [e.AWS_BATCH_JOB_NODE_INDEX, e.AWS_BATCH_JOB_MAIN_NODE_INDEX, e.AWS_BATCH_JOB_NUM_NODES, e.AWS_BATCH_JOB_ID]), [
      ['0', '0', '2', `${r.jobId}#0`],
      ['1', '0', '2', `${r.jobId}#1`],
    ]);
    assert.equal(envs[1].AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS !== undefined, true);
    assert.equal(envs[0].AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS, undefined);
    assert.equal(h.describe(r.jobId).status, 'SUCCEEDED');
  });
});
