import assert from 'node:assert/strict';
import type { ComputeEnvironmentDetail, JobDefinition, JobQueueDetail } from '@aws-sdk/client-batch';
import { describeDiff } from '../../../src/deploy/diff';
import { imageWarnings, repositoryAndTag, substituteImages } from '../../../src/deploy/images';
import { normalize, sameJson, type JsonObject } from '../../../src/model/definition-normalize';
import { buildPlan, planHasChanges, type DesiredItem } from '../../../src/deploy/plan';

const ACCOUNT = 'arn:aws:batch:us-east-1:123456789012';
const JD_FILE: JsonObject = {
  jobDefinitionName: 'sim',
  type: 'container',
  containerProperties: { image: 'app:1', command: ['run'], environment: [{ name: 'B', value: '2' }, { name: 'A', value: '1' }], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '256' }] },
};
// DescribeJobDefinitions as real AWS returns it (defaults filled, read-only fields, empty lists).
const JD_AWS: JobDefinition = {
  jobDefinitionName: 'sim', jobDefinitionArn: `${ACCOUNT}:job-definition/sim:4`, revision: 4, status: 'ACTIVE', type: 'container', parameters: {},
  containerProperties: { image: 'app:1', command: ['run'], volumes: [], environment: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], mountPoints: [], ulimits: [], resourceRequirements: [{ value: '256', type: 'MEMORY' }, { value: '1', type: 'VCPU' }], secrets: [] },
  tags: {}, propagateTags: false, platformCapabilities: ['EC2'], containerOrchestrationType: 'ECS',
};
// moto's shape: no platformCapabilities, no propagateTags.
const JD_MOTO = { ...JD_AWS, platformCapabilities: undefined, propagateTags: undefined, containerOrchestrationType: undefined } as JobDefinition;
const CE_FILE: JsonObject = { computeEnvironmentName: 'cpu', type: 'MANAGED', serviceRole: 'arn:aws:iam::123456789012:role/batch', computeResources: { type: 'EC2', maxvCpus: 16, instanceTypes: ['optimal'], subnets: ['s-2', 's-1'], securityGroupIds: ['sg'], instanceRole: 'ecsInstanceRole' } };
const CE_AWS: ComputeEnvironmentDetail = {
  computeEnvironmentName: 'cpu', computeEnvironmentArn: `${ACCOUNT}:compute-environment/cpu`, ecsClusterArn: 'arn:aws:ecs:…', tags: {}, type: 'MANAGED', state: 'ENABLED', status: 'VALID', statusReason: 'ok', uuid: 'u',
  serviceRole: 'arn:aws:iam::123456789012:role/batch', containerOrchestrationType: 'ECS', updatePolicy: { terminateJobsOnUpdate: false, jobExecutionTimeoutMinutes: 30 },
  computeResources: { type: 'EC2', minvCpus: 0, maxvCpus: 16, desiredvCpus: 0, instanceTypes: ['optimal'], subnets: ['s-1', 's-2'], securityGroupIds: ['sg'], instanceRole: 'arn:aws:iam::123456789012:instance-profile/ecsInstanceRole', allocationStrategy: 'BEST_FIT', tags: {}, ec2Configuration: [{ imageType: 'ECS_AL2' }] },
};
const Q_FILE: JsonObject = { jobQueueName: 'q', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'cpu' }] };
const Q_AWS: JobQueueDetail = { jobQueueName: 'q', jobQueueArn: `${ACCOUNT}:job-queue/q`, state: 'ENABLED', status: 'VALID', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: `${ACCOUNT}:compute-environment/cpu` }], tags: {}, jobStateTimeLimitActions: [], jobQueueType: 'ECS' };

const desired = (kind: DesiredItem['kind'], name: string, request: JsonObject): DesiredItem => ({ kind, name, request });
const state = (o: { ce?: ComputeEnvironmentDetail; q?: JobQueueDetail; jd?: JobDefinition[] }) => ({
  computeEnvironments: new Map(o.ce ? [['cpu', o.ce]] : []),
  jobQueues: new Map(o.q ? [['q', o.q]] : []),
  jobDefinitions: new Map(o.jd ? [['sim', o.jd]] : []),
});

describe('deploy normalise (unit)', () => {
  it('an unchanged file equals what real AWS and moto return', () => {
    const d = normalize('jobDefinition', JD_FILE);
    assert.ok(sameJson(normalize('jobDefinition', JD_AWS, d), d));
    assert.ok(sameJson(normalize('jobDefinition', JD_MOTO, d), d));
    const ce = normalize('computeEnvironment', CE_FILE);
    assert.deepEqual(normalize('computeEnvironment', CE_AWS, ce), ce);
    const q = normalize('jobQueue', Q_FILE);
    assert.deepEqual(normalize('jobQueue', Q_AWS, q), q);
  });

  it('fills Fargate defaults and keeps the order of commands', () => {
    const n = normalize('jobDefinition', { jobDefinitionName: 'f', type: 'container', platformCapabilities: ['FARGATE'], containerProperties: { image: 'x', command: ['b', 'a'] } });
    assert.deepEqual(n.containerProperties, { command: ['b', 'a'], fargatePlatformConfiguration: { platformVersion: 'LATEST' }, image: 'x', networkConfiguration: { assignPublicIp: 'DISABLED' } });
  });
});

describe('deploy plan (unit)', () => {
  it('creates what is missing, in order: compute environments, queues, job definitions', () => {
    const plan = buildPlan([desired('jobDefinition', 'sim', JD_FILE), desired('jobQueue', 'q', Q_FILE), desired('computeEnvironment', 'cpu', CE_FILE)], state({}));
    assert.deepEqual(plan.items.map((i) => `${i.kind}:${i.action}`), ['computeEnvironment:create', 'jobQueue:create', 'jobDefinition:register']);
    assert.equal(plan.items[1].request?.state, 'ENABLED');
  });

  it('no change when AWS matches; a changed image registers one new revision with a diff', () => {
    const same = buildPlan([desired('jobDefinition', 'sim', JD_FILE)], state({ jd: [JD_AWS] }));
    assert.equal(planHasChanges(same), false);
    const changed = buildPlan([desired('jobDefinition', 'sim', { ...JD_FILE, containerProperties: { ...(JD_FILE.containerProperties as JsonObject), image: 'app:2' } })], state({ jd: [JD_AWS] }));
    assert.equal(changed.items[0].action, 'register');
    assert.ok(changed.items[0].diff.includes('-   image: app:1') && changed.items[0].diff.includes('+   image: app:2'), changed.items[0].diff.join('\n'));
  });

  it('--deregister-previous lists every superseded ACTIVE revision', () => {
    const older = { ...JD_AWS, revision: 3, jobDefinitionArn: `${ACCOUNT}:job-definition/sim:3` };
    const plan = buildPlan([desired('jobDefinition', 'sim', JD_FILE)], state({ jd: [older, JD_AWS] }), { deregisterPrevious: true });
    assert.deepEqual(plan.items[0].deregister, [`${ACCOUNT}:job-definition/sim:3`]);
  });

  it('updates scaling in place, refuses instance types on BEST_FIT and a type change, with what to do', () => {
    const scale = buildPlan([desired('computeEnvironment', 'cpu', { ...CE_FILE, computeResources: { ...(CE_FILE.computeResources as JsonObject), maxvCpus: 32 } })], state({ ce: CE_AWS }));
    assert.equal(scale.items[0].action, 'update');
    assert.deepEqual(scale.items[0].request, { computeEnvironment: 'cpu', computeResources: { maxvCpus: 32 } });
    const types = buildPlan([desired('computeEnvironment', 'cpu', { ...CE_FILE, computeResources: { ...(CE_FILE.computeResources as JsonObject), instanceTypes: ['c5.large'] } })], state({ ce: CE_AWS }));
    assert.equal(types.items[0].action, 'cannot-change');
    assert.match(types.items[0].reason!, /instanceTypes .*BEST_FIT_PROGRESSIVE.*create a compute environment under a new name/);
    const kind = buildPlan([desired('computeEnvironment', 'cpu', { computeEnvironmentName: 'cpu', type: 'UNMANAGED' })], state({ ce: CE_AWS }));
    assert.equal(kind.items[0].action, 'cannot-change');
  });

  it('queue priority updates in place; tags change through TagResource', () => {
    const plan = buildPlan([desired('jobQueue', 'q', { ...Q_FILE, priority: 9, tags: { team: 'a' } })], state({ q: Q_AWS }));
    assert.equal(plan.items[0].action, 'update');
    assert.deepEqual(plan.items[0].request, { jobQueue: 'q', priority: 9 });
    assert.deepEqual(plan.items[0].tags, { arn: Q_AWS.jobQueueArn, add: { team: 'a' }, remove: [] });
  });
});

describe('deploy diff and images (unit)', () => {
  it('compacts a diff to the changed lines with context', () => {
    const lines = describeDiff({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }, { a: 1, b: 2, c: 3, d: 40, e: 5, f: 6 }, 1);
    assert.deepEqual(lines, ['  …', '  c: 3', '- d: 4', '+ d: 40', '  e: 5', '  …']);
  });

  it('warns about local and hostless images, maps repositories and substitutes pushed URIs', () => {
    const w = imageWarnings([{ name: 'sim', request: JD_FILE }, { name: 'ok', request: { containerProperties: { image: '1.dkr.ecr.us-east-1.amazonaws.com/app:1' } } }], [{ name: 'app:1', context: '.' }]);
    assert.deepEqual(w.map((x) => [x.jobDefinitions, x.image]), [[['sim'], 'app:1']]);
    assert.match(w[0].message, /built locally/);
    assert.deepEqual(repositoryAndTag('localhost:5000/team/app'), ['team/app', 'latest']);
    const sub = substituteImages(JD_FILE, new Map([['app:1', 'r/app:1']]));
    assert.equal((sub.containerProperties as JsonObject).image, 'r/app:1');
  });

  it('warns once per image, naming every job definition that uses it (no repeated warnings in the plan)', () => {
    const defs = ['a', 'b', 'c'].map((name) => ({ name, request: { containerProperties: { image: 'app:1' } } as JsonObject }));
    const hostless = [{ name: 'd', request: { containerProperties: { image: 'busybox' } } as JsonObject }, { name: 'e', request: { containerProperties: { image: 'busybox' } } as JsonObject }];
    const w = imageWarnings([...defs, ...hostless], [{ name: 'app:1', context: '.' }]);
    assert.deepEqual(w.map((x) => [x.image, x.jobDefinitions]), [['app:1', ['a', 'b', 'c']], ['busybox', ['d', 'e']]]);
    assert.equal(w[0].message, 'image app:1 of job definitions a, b, c is built locally (localbatch.yaml): AWS cannot pull it; pass --push-images to push it to ECR');
    assert.match(w[1].message, /^image busybox of job definitions d, e names no registry host/);
    assert.equal(new Set(w.map((x) => x.message)).size, w.length);
  });
});
