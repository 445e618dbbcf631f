import assert from 'node:assert/strict';
import { expectOne, validate, withRule, workflow } from './helpers';

const W = 'w.workflow.yaml';

describe('workspace rules: job queues (unit)', () => {
  it('reports a queue mixing EC2 and FARGATE compute environments', () => {
    const queue = 'jobQueueName: mixed\npriority: 1\ncomputeEnvironmentOrder:\n  - order: 1\n    computeEnvironment: ec2\n  - order: 2\n    computeEnvironment: fargate\n';
    const d = expectOne(validate({ 'mixed.jobqueue.yaml': queue }), 'queue-mixed-compute-types', 'mixed.jobqueue.yaml', 7);
    assert.match(d.message, /'ec2' \(EC2\) with 'fargate' \(FARGATE\)/);
  });

  it('reports a queue mixing x86_64 and arm64 compute environments', () => {
    const arm = 'computeEnvironmentName: arm\ntype: MANAGED\ncomputeResources: {type: EC2, maxvCpus: 16, instanceTypes: [m7g.large], subnets: [s], securityGroupIds: [g], instanceRole: r}\n';
    const queue = 'jobQueueName: mixed\npriority: 1\ncomputeEnvironmentOrder:\n  - {order: 1, computeEnvironment: ec2}\n  - {order: 2, computeEnvironment: arm}\n';
    const d = expectOne(validate({ 'arm.computeenv.yaml': arm, 'mixed.jobqueue.yaml': queue }), 'queue-mixed-architectures', 'mixed.jobqueue.yaml', 5);
    assert.match(d.message, /x86_64.*arm64/);
  });

  it('warns about jobs sent to a DISABLED queue or to a queue whose compute environments are all DISABLED', () => {
    const off = 'jobQueueName: off\nstate: DISABLED\npriority: 1\ncomputeEnvironmentOrder: [{order: 1, computeEnvironment: ec2}]\n';
    const ce = 'computeEnvironmentName: sleepy\ntype: MANAGED\nstate: DISABLED\ncomputeResources: {type: EC2, maxvCpus: 16, subnets: [s], securityGroupIds: [g], instanceRole: r}\n';
    const q = 'jobQueueName: idle\npriority: 1\ncomputeEnvironmentOrder: [{order: 1, computeEnvironment: sleepy}]\n';
    const diags = validate({ 'off.jobqueue.yaml': off, 'sleepy.computeenv.yaml': ce, 'idle.jobqueue.yaml': q, [W]: workflow(['  a:', '    jobDefinition: work', '    jobQueue: off', '  b:', '    jobDefinition: work', '    jobQueue: idle']) });
    assert.equal(expectOne(diags, 'queue-disabled', W, 4).severity, 'warning');
    assert.equal(expectOne(diags, 'compute-environments-disabled', W, 7).severity, 'warning');
  });

  it('requires a shareIdentifier on jobs sent to a fair-share queue', () => {
    const fair = 'jobQueueName: fair\npriority: 1\nschedulingPolicyArn: arn:aws:batch:us-east-1:123456789012:scheduling-policy/p\ncomputeEnvironmentOrder: [{order: 1, computeEnvironment: ec2}]\n';
    const diags = validate({ 'fair.jobqueue.yaml': fair, [W]: workflow(['  a:', '    jobDefinition: work', '    jobQueue: fair', '  b:', '    jobDefinition: work', '    jobQueue: fair', '    shareIdentifier: teamA']) });
    expectOne(diags, 'share-identifier-required', W, 4);
    assert.equal(withRule(diags, 'share-identifier-required').length, 1);
    assert.equal(withRule(diags, 'share-identifier-unexpected').length, 0);
  });

  it('refuses a shareIdentifier on jobs sent to a queue without a fair-share policy, or to the local queue, at its line', () => {
    const plain = 'jobQueueName: plain\npriority: 1\ncomputeEnvironmentOrder: [{order: 1, computeEnvironment: ec2}]\n';
    const diags = validate({ 'plain.jobqueue.yaml': plain, [W]: workflow(['  a:', '    jobDefinition: work', '    jobQueue: plain', '    shareIdentifier: teamA', '  b:', '    jobDefinition: work', '    shareIdentifier: teamB', '  c:', '    jobDefinition: work', '    jobQueue: plain']) });
    assert.deepEqual(withRule(diags, 'share-identifier-unexpected').map((d) => [d.range.start.line + 1, d.severity]), [[5, 'error'], [8, 'error']]);
    assert.match(withRule(diags, 'share-identifier-unexpected')[1].message, /'the local queue' has no fair-share scheduling policy/);
  });
});
