import assert from 'node:assert/strict';
import {
  BatchClient,
  ClientException,
  CreateComputeEnvironmentCommand,
  CreateConsumableResourceCommand,
  DescribeConsumableResourceCommand,
  DescribeServiceEnvironmentsCommand,
  CreateJobQueueCommand,
  CreateSchedulingPolicyCommand,
  DeleteComputeEnvironmentCommand,
  DeleteJobQueueCommand,
  DeleteSchedulingPolicyCommand,
  DeregisterJobDefinitionCommand,
  DescribeComputeEnvironmentsCommand,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  DescribeSchedulingPoliciesCommand,
  ListSchedulingPoliciesCommand,
  ListServiceJobsCommand,
  ListTagsForResourceCommand,
  paginateDescribeComputeEnvironments,
  paginateDescribeJobDefinitions,
  paginateDescribeJobQueues,
  paginateListSchedulingPolicies,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateComputeEnvironmentCommand,
  UpdateJobQueueCommand,
  UpdateSchedulingPolicyCommand,
} from '@aws-sdk/client-batch';
import { systemClock } from '../../../src/emulator/clock/clock';
import { BatchEngine } from '../../../src/emulator/batch/core/engine';
import { ScriptedRuntime } from '../../../src/emulator/runtime/scripted';
import { ACCOUNT, REGION, startConformanceServer, type ConformanceServer } from './batch-conformance-harness';

const PREFIX = `arn:aws:batch:${REGION}:${ACCOUNT}`;
const containerProperties = { image: 'busybox', command: ['true'], resourceRequirements: [{ type: 'VCPU' as const, value: '1' }, { type: 'MEMORY' as const, value: '64' }] };

async function rejectsClient(p: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ClientException, `expected ClientException, got ${String(err)}`);
    assert.match(err.message, message);
    return true;
  });
}

async function collect<P, T>(pages: AsyncIterable<P>, items: (p: P) => T[] | undefined): Promise<{ all: T[]; sizes: number[] }> {
  const all: T[] = [];
  const sizes: number[] = [];
  for await (const p of pages) {
    const got = items(p) ?? [];
    sizes.push(got.length);
    all.push(...got);
    if (sizes.length > 50) throw new Error('runaway pagination');
  }
  return { all, sizes };
}

describe('Batch conformance, resources and tags, through @aws-sdk/client-batch (integration)', () => {
  let s: ConformanceServer;
  let client: BatchClient;
  before(async () => {
    s = await startConformanceServer();
    client = s.client();
  });
  after(async () => s.close());

  it('registers revisions, describes them by name, name:revision, ARN and status, pages, deregisters', async () => {
    for (let i = 0; i < 3; i++) {
      const out = await client.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'app', type: 'container', containerProperties, tags: { rev: String(i + 1) } }));
      assert.deepEqual([out.jobDefinitionName, out.revision, out.jobDefinitionArn], ['app', i + 1, `${PREFIX}:job-definition/app:${i + 1}`]);
    }
    await client.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'tool', type: 'container', containerProperties }));
    await client.send(new DeregisterJobDefinitionCommand({ jobDefinition: 'app:1' }));
    const byName = await client.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: 'app' }));
    assert.deepEqual(byName.jobDefinitions!.map((d) => [d.revision, d.status]), [[1, 'INACTIVE'], [2, 'ACTIVE'], [3, 'ACTIVE']]);
    const active = await client.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: 'app', status: 'ACTIVE' }));
    assert.deepEqual(active.jobDefinitions!.map((d) => d.revision), [2, 3]);
    const picked = await client.send(new DescribeJobDefinitionsCommand({ jobDefinitions: ['app:2', `${PREFIX}:job-definition/tool:1`] }));
    assert.deepEqual(picked.jobDefinitions!.map((d) => d.jobDefinitionArn), [`${PREFIX}:job-definition/app:2`, `${PREFIX}:job-definition/tool:1`]);
    const { all, sizes } = await collect(paginateDescribeJobDefinitions({ client, pageSize: 3 }, {}), (p) => p.jobDefinitions);
    assert.deepEqual(sizes, [3, 1]);
    assert.equal(new Set(all.map((d) => d.jobDefinitionArn)).size, 4);
    await rejectsClient(client.send(new DescribeJobDefinitionsCommand({ maxResults: 101 })), /between 1 and 100/);
    await rejectsClient(client.send(new DeregisterJobDefinitionCommand({ jobDefinition: 'ghost:1' })), /does not exist/);
    await rejectsClient(client.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'bad', type: 'container' })), /containerProperties/);
    await rejectsClient(client.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'bad', type: 'container', containerProperties, retryStrategy: { attempts: 11 } })), /attempts/);
  });

  it('creates, updates, pages and deletes compute environments and job queues, with their rules', async () => {
    const ce = await client.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'cpu', type: 'MANAGED', computeResources: { type: 'EC2', maxvCpus: 8, subnets: ['s'], instanceRole: 'r' }, tags: { tier: 'cpu' } }));
    assert.equal(ce.computeEnvironmentArn, `${PREFIX}:compute-environment/cpu`);
    const [detail] = (await client.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: ['cpu'] }))).computeEnvironments!;
    assert.deepEqual([detail.status, detail.state, detail.type, detail.tags], ['VALID', 'ENABLED', 'MANAGED', { tier: 'cpu' }]);
    await rejectsClient(client.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'cpu', type: 'UNMANAGED' })), /already exists/);
    await rejectsClient(client.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'x', type: 'MANAGED' })), /maxvCpus/);
    await rejectsClient(client.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'x', type: 'SPOTTY' as 'MANAGED' })), /type must be one of/);

    const q = await client.send(new CreateJobQueueCommand({ jobQueueName: 'work', priority: 5, computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce.computeEnvironmentArn! }] }));
    assert.equal(q.jobQueueArn, `${PREFIX}:job-queue/work`);
    await rejectsClient(client.send(new CreateJobQueueCommand({ jobQueueName: 'q2', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ghost' }] })), /ghost does not exist/);
    await rejectsClient(client.send(new CreateJobQueueCommand({ jobQueueName: 'q2', priority: 1 })), /computeEnvironmentOrder/);
    await client.send(new UpdateJobQueueCommand({ jobQueue: 'work', priority: 9 }));
    const [wq] = (await client.send(new DescribeJobQueuesCommand({ jobQueues: ['work'] }))).jobQueues!;
    assert.deepEqual([wq.priority, wq.status, wq.computeEnvironmentOrder], [9, 'VALID', [{ order: 1, computeEnvironment: `${PREFIX}:compute-environment/cpu` }]]);

    const queues = await collect(paginateDescribeJobQueues({ client, pageSize: 1 }, {}), (p) => p.jobQueues);
    assert.deepEqual(queues.all.map((x) => x.jobQueueName).sort(), ['local', 'work']);
    assert.deepEqual(queues.sizes, [1, 1]);
    const ces = await collect(paginateDescribeComputeEnvironments({ client, pageSize: 1 }, {}), (p) => p.computeEnvironments);
    assert.deepEqual(ces.all.map((x) => x.computeEnvironmentName).sort(), ['cpu', 'local']);

    await rejectsClient(client.send(new DeleteJobQueueCommand({ jobQueue: 'work' })), /disable it first/);
    await client.send(new UpdateJobQueueCommand({ jobQueue: 'work', state: 'DISABLED' }));
    await rejectsClient(client.send(new SubmitJobCommand({ jobName: 'j', jobQueue: 'work', jobDefinition: 'tool' })), /DISABLED/);
    await client.send(new UpdateComputeEnvironmentCommand({ computeEnvironment: 'cpu', state: 'DISABLED' }));
    await rejectsClient(client.send(new DeleteComputeEnvironmentCommand({ computeEnvironment: 'cpu' })), /still associated/);
    await client.send(new DeleteJobQueueCommand({ jobQueue: 'work' }));
    await client.send(new DeleteComputeEnvironmentCommand({ computeEnvironment: 'cpu' }));
    assert.deepEqual((await client.send(new DescribeJobQueuesCommand({ jobQueues: ['work'] }))).jobQueues, []);
    assert.deepEqual((await client.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: ['cpu'] }))).computeEnvironments, []);
    await rejectsClient(client.send(new ListTagsForResourceCommand({ resourceArn: ce.computeEnvironmentArn })), /does not exist/);
  });

  it('keeps scheduling policies that queues reference, and requires a shareIdentifier on their queues', async () => {
    const p = await client.send(new CreateSchedulingPolicyCommand({ name: 'fair', fairsharePolicy: { shareDecaySeconds: 3600, shareDistribution: [{ shareIdentifier: 'a', weightFactor: 0.5 }] }, tags: { k: 'v' } }));
    assert.equal(p.arn, `${PREFIX}:scheduling-policy/fair`);
    await client.send(new CreateSchedulingPolicyCommand({ name: 'fair2' }));
    await rejectsClient(client.send(new CreateSchedulingPolicyCommand({ name: 'fair' })), /already exists/);
    await rejectsClient(client.send(new CreateSchedulingPolicyCommand({ name: 'bad', fairsharePolicy: { computeReservation: 100 } })), /computeReservation/);
    await client.send(new UpdateSchedulingPolicyCommand({ arn: p.arn, fairsharePolicy: { computeReservation: 10 } }));
    const described = await client.send(new DescribeSchedulingPoliciesCommand({ arns: [p.arn!, `${PREFIX}:scheduling-policy/ghost`] }));
    assert.deepEqual(described.schedulingPolicies, [{ name: 'fair', arn: p.arn, fairsharePolicy: { computeReservation: 10 }, tags: { k: 'v' } }]);
    const listed = await collect(paginateListSchedulingPolicies({ client, pageSize: 1 }, {}), (x) => x.schedulingPolicies);
    assert.deepEqual(listed.all.map((x) => x.arn), [p.arn, `${PREFIX}:scheduling-policy/fair2`]);

    await rejectsClient(client.send(new CreateJobQueueCommand({ jobQueueName: 'fq', priority: 1, schedulingPolicyArn: `${PREFIX}:scheduling-policy/ghost`, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'local' }] })), /ghost does not exist/);
    await client.send(new CreateJobQueueCommand({ jobQueueName: 'fq', priority: 1, schedulingPolicyArn: p.arn, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'local' }] }));
    await client.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'fsjob', type: 'container', containerProperties }));
    await rejectsClient(client.send(new SubmitJobCommand({ jobName: 'j', jobQueue: 'fq', jobDefinition: 'fsjob' })), /shareIdentifier is required/);
    assert.ok((await client.send(new SubmitJobCommand({ jobName: 'j', jobQueue: 'fq', jobDefinition: 'fsjob', shareIdentifier: 'a' }))).jobId);
    await rejectsClient(client.send(new DeleteSchedulingPolicyCommand({ arn: p.arn })), /job queue fq uses it/);
    await client.send(new DeleteSchedulingPolicyCommand({ arn: `${PREFIX}:scheduling-policy/fair2` }));
    await rejectsClient(client.send(new DeleteSchedulingPolicyCommand({ arn: `${PREFIX}:scheduling-policy/fair2` })), /does not exist/);
    assert.deepEqual((await client.send(new ListSchedulingPoliciesCommand({}))).schedulingPolicies, [{ arn: p.arn }]);
  });

  it('tags and untags jobs, job definitions, queues, compute environments and policies', async () => {
    await client.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'tagged', type: 'container', containerProperties, tags: { a: '1' } }));
    const job = await client.send(new SubmitJobCommand({ jobName: 't', jobQueue: 'local', jobDefinition: 'tagged', tags: { owner: 'me' } }));
    await client.send(new CreateSchedulingPolicyCommand({ name: 'tp', tags: { p: '1' } }));
    const arns: Array<[string, Record<string, string>]> = [
      [job.jobArn!, { owner: 'me' }],
      [`${PREFIX}:job-definition/tagged:1`, { a: '1' }],
      [`${PREFIX}:job-queue/local`, {}],
      [`${PREFIX}:compute-environment/local`, {}],
      [`${PREFIX}:scheduling-policy/tp`, { p: '1' }],
    ];
    for (const [arn, initial] of arns) {
      assert.deepEqual((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, initial, arn);
      await client.send(new TagResourceCommand({ resourceArn: arn, tags: { env: 'dev', team: 'x' } }));
      await client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team', 'absent'] }));
      assert.deepEqual((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { ...initial, env: 'dev' }, arn);
    }
    const [queue] = (await client.send(new DescribeJobQueuesCommand({ jobQueues: ['local'] }))).jobQueues!;
    assert.deepEqual(queue.tags, { env: 'dev' });
    const [def] = (await client.send(new DescribeJobDefinitionsCommand({ jobDefinitions: ['tagged:1'] }))).jobDefinitions!;
    assert.deepEqual(def.tags, { a: '1', env: 'dev' });
    await rejectsClient(client.send(new ListTagsForResourceCommand({ resourceArn: `${PREFIX}:job/ghost` })), /does not exist/);
    await rejectsClient(client.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:batch:eu-west-1:${ACCOUNT}:job-queue/local` })), /does not exist/);
    await rejectsClient(client.send(new TagResourceCommand({ resourceArn: `${PREFIX}:job-definition/tagged`, tags: { a: 'b' } })), /does not exist/);
    await rejectsClient(client.send(new TagResourceCommand({ resourceArn: `${PREFIX}:job-queue/local`, tags: { 'aws:reserved': 'x' } })), /reserved/);
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    await rejectsClient(client.send(new TagResourceCommand({ resourceArn: `${PREFIX}:job-queue/local`, tags: many })), /at most 50/);
  });

  it('keeps tags and scheduling policies in engine snapshots', () => {
    const snap = s.engine.snapshot();
    const clock = systemClock();
    const fresh = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: { append: () => undefined } as never }), account: ACCOUNT, region: REGION });
    fresh.restore(JSON.parse(JSON.stringify(snap)));
    assert.deepEqual(fresh.tags.get(`${PREFIX}:job-queue/local`), { env: 'dev' });
    assert.equal(fresh.schedulingPolicies.find(`${PREFIX}:scheduling-policy/fair`)?.fairsharePolicy?.computeReservation, 10);
    fresh.terminateAll('test over');
  });

  it('creates, describes and deletes a consumable resource', async () => {
    const created = await client.send(new CreateConsumableResourceCommand({ consumableResourceName: 'licences', totalQuantity: 2 }));
    assert.match(created.consumableResourceArn ?? '', /:consumable-resource\/licences$/);
    const d = await client.send(new DescribeConsumableResourceCommand({ consumableResource: 'licences' }));
    assert.deepEqual([d.totalQuantity, d.inUseQuantity, d.availableQuantity, d.resourceType], [2, 0, 2, 'REPLENISHABLE']);
  });

  it('answers the service-job operations (every operation of the model is implemented)', async () => {
    assert.deepEqual((await client.send(new DescribeServiceEnvironmentsCommand({}))).serviceEnvironments, []);
    assert.deepEqual((await client.send(new ListServiceJobsCommand({ jobQueue: 'local' }))).jobSummaryList, []);
    assert.deepEqual(s.logLines.filter((l) => /internal error/.test(l)), []);
  });
});
