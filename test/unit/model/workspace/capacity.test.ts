import assert from 'node:assert/strict';
import { expectOne, validate, withRule, workflow } from './helpers';

const W = 'w.workflow.yaml';

describe('workspace rules: capacity and platform (unit)', () => {
  it('reports a job needing more vCPU than maxvCpus of every compute environment', () => {
    const diags = validate({
      [W]: workflow(['  big:', '    jobDefinition: work', '    jobQueue: cpu', '    containerOverrides:', '      resourceRequirements:', '        - {type: VCPU, value: "32"}']),
    });
    const d = expectOne(diags, 'job-exceeds-capacity', W, 7);
    assert.match(d.message, /RUNNABLE forever/);
    assert.match(d.message, /MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE/);
    assert.match(d.message, /32 vCPU/);
  });

  it('reports a job definition too big for its queue at the jobQueue value', () => {
    const huge = JSON.stringify({ jobDefinitionName: 'huge', type: 'container', containerProperties: { image: 'x', resourceRequirements: [{ type: 'VCPU', value: '4' }, { type: 'MEMORY', value: '20000' }] } });
    const diags = validate({ 'huge.jobdef.json': huge, [W]: workflow(['  a:', '    jobDefinition: huge', '    jobQueue: cpu']) });
    const d = expectOne(diags, 'job-exceeds-capacity', W, 4);
    // m5.xlarge has 16 GiB: no instance of the compute environment fits 20000 MiB.
    assert.match(d.message, /MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT/);
    assert.match(d.message, /20000 MiB/);
  });

  it('accepts a job that fits at least one compute environment of its queue', () => {
    const queue = 'jobQueueName: both\npriority: 1\ncomputeEnvironmentOrder:\n  - {order: 1, computeEnvironment: ec2}\n  - {order: 2, computeEnvironment: ec2-big}\n';
    const big = 'computeEnvironmentName: ec2-big\ntype: MANAGED\ncomputeResources: {type: EC2, maxvCpus: 256, instanceTypes: [optimal], subnets: [s], securityGroupIds: [g], instanceRole: r}\n';
    const diags = validate({ 'both.jobqueue.yaml': queue, 'big.computeenv.yaml': big, [W]: workflow(['  a:', '    jobDefinition: work', '    jobQueue: both', '    containerOverrides: {resourceRequirements: [{type: VCPU, value: "64"}]}']) });
    assert.deepEqual(withRule(diags, 'job-exceeds-capacity'), []);
  });

  it('applies the Fargate limits (16 vCPU, no GPU)', () => {
    const diags = validate({ [W]: workflow(['  a:', '    jobDefinition: small', '    jobQueue: fg', '    containerOverrides:', '      resourceRequirements: [{type: VCPU, value: "32"}, {type: MEMORY, value: "65536"}]']) });
    const d = expectOne(diags, 'job-exceeds-capacity', W, 6);
    assert.match(d.message, /Fargate allows at most 16 vCPU/);
  });

  it('reports a Fargate job definition on an EC2 queue and the reverse', () => {
    const diags = validate({ [W]: workflow(['  a:', '    jobDefinition: small', '    jobQueue: cpu', '  b:', '    jobDefinition: work', '    jobQueue: fg']) });
    const hits = withRule(diags, 'platform-mismatch');
    assert.deepEqual(hits.map((h) => [h.file, h.range.start.line + 1]), [[W, 4], [W, 7]]);
    assert.match(hits[0].message, /FARGATE job definition 'small'.*job queue 'cpu' has only EC2/);
    assert.match(hits[1].message, /EC2 job definition 'work'.*job queue 'fg' has only FARGATE/);
  });

  it('checks the local queue only against localbatch.yaml capacity, as a warning', () => {
    const job = workflow(['  a:', '    jobDefinition: work', '    containerOverrides:', '      resourceRequirements: [{type: VCPU, value: "64"}]']);
    assert.deepEqual(withRule(validate({ [W]: job }), 'job-exceeds-local-capacity'), []);
    const diags = validate({ [W]: job, 'localbatch.yaml': 'capacity:\n  vcpus: 4\n  memoryMiB: 8192\n' });
    const d = expectOne(diags, 'job-exceeds-local-capacity', W, 5);
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /capacity\.vcpus: 4/);
    assert.deepEqual(withRule(diags, 'job-exceeds-capacity'), []);
  });

  it('warns when a job on any queue needs more memory than capacity.memoryMiB (every local compute environment has that much)', () => {
    const job = workflow(['  a:', '    jobDefinition: work', '    jobQueue: cpu', '    containerOverrides:', '      resourceRequirements: [{type: MEMORY, value: "12000"}]']);
    const settings = 'capacity:\n  vcpus: 1\n  memoryMiB: 8192\n';
    const diags = validate({ [W]: job, 'localbatch.yaml': settings });
    const d = expectOne(diags, 'job-exceeds-local-capacity', W, 6);
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /12000 MiB of memory/);
    assert.match(d.message, /capacity\.memoryMiB: 8192/);
    assert.match(d.message, /job queue 'cpu'/);
    // It fits m5.xlarge on AWS: no error; and locally vCPUs come from maxvCpus, not capacity.vcpus.
    assert.deepEqual(withRule(diags, 'job-exceeds-capacity'), []);
    const fits = workflow(['  a:', '    jobDefinition: work', '    jobQueue: cpu', '    containerOverrides:', '      resourceRequirements: [{type: VCPU, value: "2"}, {type: MEMORY, value: "4096"}]']);
    assert.deepEqual(withRule(validate({ [W]: fits, 'localbatch.yaml': settings }), 'job-exceeds-local-capacity'), []);
  });

  it('warns at a job definition that needs more memory than capacity.memoryMiB, once (not again at the workflow job using it)', () => {
    const big = JSON.stringify({ jobDefinitionName: 'big', type: 'container', containerProperties: { image: 'x', resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '9000' }] } }, null, 2);
    const settings = 'capacity:\n  memoryMiB: 8192\n';
    const diags = validate({ 'big.jobdef.json': big, [W]: workflow(['  a:', '    jobDefinition: big', '    jobQueue: cpu', '  b:', '    jobDefinition: big']), 'localbatch.yaml': settings });
    const hits = withRule(diags, 'job-exceeds-local-capacity');
    assert.deepEqual(hits.map((h) => h.file), ['big.jobdef.json'], JSON.stringify(hits));
    assert.equal(hits[0].severity, 'warning');
    assert.match(hits[0].message, /Job definition 'big' needs 9000 MiB of memory, more than capacity\.memoryMiB: 8192/);
    assert.deepEqual(withRule(validate({ 'big.jobdef.json': big }), 'job-exceeds-local-capacity'), []);
  });

  it('skips the check when a compute environment is only an ARN', () => {
    const queue = 'jobQueueName: remote\npriority: 1\ncomputeEnvironmentOrder:\n  - {order: 1, computeEnvironment: "arn:aws:batch:us-east-1:123456789012:compute-environment/big"}\n';
    const diags = validate({ 'remote.jobqueue.yaml': queue, [W]: workflow(['  a:', '    jobDefinition: work', '    jobQueue: remote', '    containerOverrides: {resourceRequirements: [{type: VCPU, value: "640"}]}']) });
    assert.deepEqual(withRule(diags, 'job-exceeds-capacity'), []);
  });
});
