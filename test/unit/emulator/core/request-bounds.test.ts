/**
 * Requests the Batch API refuses as AWS does, and the rule `localbatch validate` reports for the same
 * values in a file (fake clock, scripted runtime): compute environments' vCPU bounds, a queue mixing
 * EC2 and Fargate compute environments, and SubmitJob's shareIdentifier. A refused request changes nothing.
 */
import assert from 'node:assert/strict';
import { harness } from '../../../support/engineHarness';

const refused = (pattern: RegExp) => (e: unknown) => e instanceof Error && e.name === 'ClientException' && pattern.test(e.message);

describe('requests Batch refuses (unit)', () => {
  it('CreateComputeEnvironment and UpdateComputeEnvironment keep vCPU counts non-negative, minvCpus <= desiredvCpus <= maxvCpus', async () => {
    const h = await harness();
    const create = (cr: Record<string, number>) => h.engine.createComputeEnvironment({ computeEnvironmentName: `x${Object.values(cr).join('-')}`, type: 'MANAGED', computeResources: { type: 'EC2', subnets: [], maxvCpus: 4, ...cr } });
    assert.throws(() => create({ minvCpus: 8, maxvCpus: 4 }), refused(/minvCpus \(8\) must not be greater than maxvCpus \(4\)/));
    assert.throws(() => create({ maxvCpus: -3 }), refused(/maxvCpus must not be negative, not -3/));
    assert.throws(() => create({ minvCpus: 0, desiredvCpus: 5, maxvCpus: 4 }), refused(/desiredvCpus \(5\) must be between minvCpus \(0\) and maxvCpus \(4\)/));
    create({ minvCpus: 1, desiredvCpus: 2, maxvCpus: 4 });
    assert.throws(() => h.engine.updateComputeEnvironment({ computeEnvironment: 'ce', computeResources: { maxvCpus: -5 } }), refused(/must not be negative/));
    // the update's bounds with what it leaves out: ce has maxvCpus 4
    assert.throws(() => h.engine.updateComputeEnvironment({ computeEnvironment: 'ce', state: 'DISABLED', computeResources: { minvCpus: 10 } }), refused(/minvCpus \(10\) must not be greater than maxvCpus \(4\)/));
    const [ce] = h.engine.describeComputeEnvironments(['ce']);
    assert.equal(ce.state, 'ENABLED', 'a refused update changes nothing');
    assert.equal(ce.computeResources?.minvCpus, undefined);
    h.engine.updateComputeEnvironment({ computeEnvironment: 'ce', computeResources: { minvCpus: 2, maxvCpus: 8 } });
    assert.equal(h.engine.describeComputeEnvironments(['ce'])[0].computeResources?.maxvCpus, 8);
  });

  it('UpdateComputeEnvironment switches EC2 and SPOT in place, but not to or from Fargate, and an unmanaged one takes no computeResources', async () => {
    const h = await harness();
    h.engine.createComputeEnvironment({ computeEnvironmentName: 'f', type: 'MANAGED', computeResources: { type: 'FARGATE', subnets: [], maxvCpus: 4 } });
    h.engine.createComputeEnvironment({ computeEnvironmentName: 'e', type: 'MANAGED', computeResources: { type: 'EC2', subnets: [], maxvCpus: 4 } });
    h.engine.createComputeEnvironment({ computeEnvironmentName: 'u', type: 'UNMANAGED' });
    assert.throws(() => h.engine.updateComputeEnvironment({ computeEnvironment: 'f', computeResources: { type: 'EC2' } }), refused(/^Compute environment f is FARGATE: its computeResources\.type cannot change to EC2/));
    assert.throws(() => h.engine.updateComputeEnvironment({ computeEnvironment: 'f', computeResources: { type: 'FARGATE_SPOT' } }), refused(/cannot change to FARGATE_SPOT/));
    assert.throws(() => h.engine.updateComputeEnvironment({ computeEnvironment: 'e', computeResources: { type: 'FARGATE' } }), refused(/is EC2: its computeResources\.type cannot change to FARGATE/));
    assert.throws(() => h.engine.updateComputeEnvironment({ computeEnvironment: 'u', computeResources: { maxvCpus: 8 } }), refused(/^Compute environment u is UNMANAGED: its computeResources cannot be updated/));
    assert.equal(h.engine.describeComputeEnvironments(['f'])[0].computeResources?.type, 'FARGATE', 'a refused update changes nothing');
    h.engine.updateComputeEnvironment({ computeEnvironment: 'e', computeResources: { type: 'SPOT' } });
    assert.equal(h.engine.describeComputeEnvironments(['e'])[0].computeResources?.type, 'SPOT');
    h.engine.updateComputeEnvironment({ computeEnvironment: 'f', computeResources: { type: 'FARGATE', maxvCpus: 8 } });
    h.engine.updateComputeEnvironment({ computeEnvironment: 'u', state: 'DISABLED' });
  });

  it('a job queue cannot mix EC2 and Fargate compute environments, at create or update (a refused update changes nothing)', async () => {
    const h = await harness();
    h.engine.createComputeEnvironment({ computeEnvironmentName: 'fg', type: 'MANAGED', computeResources: { type: 'FARGATE', maxvCpus: 4, subnets: [], securityGroupIds: ['sg-1'] } });
    h.engine.createComputeEnvironment({ computeEnvironmentName: 'spot', type: 'MANAGED', computeResources: { type: 'SPOT', maxvCpus: 4, subnets: [] } });
    await h.clock.settle();
    const order = (...names: string[]) => names.map((computeEnvironment, i) => ({ order: i + 1, computeEnvironment }));
    assert.throws(() => h.engine.createJobQueue({ jobQueueName: 'mixed', priority: 1, computeEnvironmentOrder: order('ce', 'fg') }), refused(/mixes the EC2 compute environment ce with the Fargate compute environment fg/));
    assert.deepEqual(h.engine.describeJobQueues().map((q) => q.jobQueueName), ['q']);
    h.engine.createJobQueue({ jobQueueName: 'ec2', priority: 1, computeEnvironmentOrder: order('ce', 'spot') });
    assert.throws(() => h.engine.updateJobQueue({ jobQueue: 'q', priority: 9, computeEnvironmentOrder: order('fg', 'ce') }), refused(/mixes the Fargate compute environment fg with the EC2 compute environment ce/));
    const q = h.engine.describeJobQueues().find((d) => d.jobQueueName === 'q')!;
    assert.equal(q.priority, 1, 'a refused update changes nothing');
    assert.equal(q.computeEnvironmentOrder?.length, 1);
  });

  it('SubmitJob refuses a shareIdentifier on a queue without a fair-share policy, and one that is not up to 255 letters and digits (an asterisk after them)', async () => {
    const h = await harness();
    h.def('d', 'true');
    const { arn } = h.engine.schedulingPolicies.create({ name: 'teams', fairsharePolicy: {} });
    h.engine.createJobQueue({ jobQueueName: 'fs', priority: 1, schedulingPolicyArn: arn, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] });
    const submit = (jobQueue: string, shareIdentifier?: string) => h.engine.submitJob({ jobName: 'j', jobQueue, jobDefinition: 'd', shareIdentifier });
    assert.throws(() => submit('q', 'A'), refused(/Job queue q has no fair-share scheduling policy: do not specify shareIdentifier/));
    assert.throws(() => submit('fs'), refused(/shareIdentifier is required/));
    assert.throws(() => submit('fs', 'bad id!'), refused(/shareIdentifier must be up to 255 letters and digits/));
    assert.throws(() => submit('fs', 'x'.repeat(256)), refused(/shareIdentifier must be/));
    submit('fs', 'teamA');
    submit('fs', 'team*');
    submit('q');
  });
});
