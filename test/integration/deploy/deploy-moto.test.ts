import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateComputeEnvironmentCommand,
  DescribeComputeEnvironmentsCommand,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  type BatchClient,
} from '@aws-sdk/client-batch';
import { applyPlan } from '../../../src/deploy/apply';
import { loadDeployInput, planDeploy } from '../../../src/deploy/input';
import { planHasChanges } from '../../../src/deploy/plan';
import { resetMoto, startMoto, type Moto } from '../../support/moto';
import { cli, computeEnvironment, jobDefinition, queue, write, WORKFLOW, type Peers } from './moto-workspace';

async function revisions(batch: BatchClient, name: string): Promise<Array<{ revision?: number; status?: string }>> {
  const res = await batch.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: name }));
  return (res.jobDefinitions ?? []).map((d) => ({ revision: d.revision, status: d.status })).sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
}

describe('localbatch deploy and submit against moto_server (integration)', function () {
  this.timeout(180_000);
  let moto: Moto;
  let batch: BatchClient;
  let peers: Peers;
  let dir: string;
  let endpointArgs: string[];

  before(async function () {
    this.timeout(60_000);
    moto = await startMoto(this);
    batch = moto.batch();
    peers = moto;
    endpointArgs = ['--region', moto.region, '--endpoint-url', moto.url];
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-deploy-'));
    write(dir, {
      'env/main.computeenv.yaml': computeEnvironment('main-ce', peers),
      'env/main.jobqueue.yaml': queue('main-queue', 'main-ce'),
      'jobs/prepare.jobdef.yaml': jobDefinition('prepare', peers, 'echo prepare'),
      'jobs/compute.jobdef.yaml': jobDefinition('compute', peers, 'echo compute'),
      'pipeline.workflow.yaml': WORKFLOW,
    });
  });

  after(async () => {
    batch?.destroy();
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('blocks on validation errors, printed as diagnostics', () => {
    const bad = mkdtempSync(path.join(tmpdir(), 'localbatch-deploy-bad-'));
    try {
      write(bad, { 'x.jobdef.yaml': `${jobDefinition('x', peers)}retryStrategy: { attempts: 20 }\n` });
      const r = cli(bad, ['deploy', ...endpointArgs, '--yes']);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /x\.jobdef\.yaml:\d+:\d+: error: .*\[retry-attempts-range\]/);
      assert.match(r.stderr, /nothing was deployed/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('--dry-run prints the plan as a diff and changes nothing', async () => {
    const r = cli(dir, ['deploy', ...endpointArgs, '--dry-run']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\+ compute environment main-ce: create/);
    assert.match(r.stdout, /\+ job queue main-queue: create/);
    assert.match(r.stdout, /\+ job definition prepare: register \(new job definition, revision 1\)/);
    assert.match(r.stdout, /\+ {3}image: public\.ecr\.aws\/docker\/library\/busybox:latest/);
    assert.match(r.stdout, /Plan: 4 to create/);
    assert.match(r.stdout, /Dry run: nothing was changed/);
    assert.deepEqual((await batch.send(new DescribeComputeEnvironmentsCommand({}))).computeEnvironments, []);
    assert.deepEqual(await revisions(batch, 'prepare'), []);
  });

  it('refuses to apply without --yes when standard input is not a terminal', async () => {
    const r = cli(dir, ['deploy', ...endpointArgs]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not a terminal; pass --yes/);
    assert.deepEqual((await batch.send(new DescribeJobQueuesCommand({}))).jobQueues, []);
  });

  it('applies in order, waits for VALID and reports what was done', async () => {
    const r = cli(dir, ['deploy', ...endpointArgs, '--yes']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /done: created compute environment main-ce\n {2}done: created job queue main-queue\n {2}done: registered job definition compute revision 1\n {2}done: registered job definition prepare revision 1/);
    assert.match(r.stderr, /waiting for compute environment main-ce to become VALID/);
    const ce = (await batch.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: ['main-ce'] }))).computeEnvironments![0];
    assert.equal(ce.status, 'VALID');
    const q = (await batch.send(new DescribeJobQueuesCommand({ jobQueues: ['main-queue'] }))).jobQueues![0];
    assert.equal(q.status, 'VALID');
    assert.deepEqual(await revisions(batch, 'prepare'), [{ revision: 1, status: 'ACTIVE' }]);
  });

  it('a second deploy of unchanged files says "no changes" and changes nothing', async () => {
    const r = cli(dir, ['deploy', ...endpointArgs, '--yes']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /No changes: AWS already matches the definitions/);
    assert.match(r.stdout, /= job definition prepare: no change \(revision 1\)/);
    assert.doesNotMatch(r.stderr, /registering|creating|updating/);
    assert.deepEqual(await revisions(batch, 'prepare'), [{ revision: 1, status: 'ACTIVE' }]);
    assert.deepEqual(await revisions(batch, 'compute'), [{ revision: 1, status: 'ACTIVE' }]);
  });

  it('a changed job definition registers exactly one new revision, with a readable diff', async () => {
    write(dir, { 'jobs/compute.jobdef.yaml': jobDefinition('compute', peers, 'echo compute v2') });
    const r = cli(dir, ['deploy', ...endpointArgs, '--yes']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\+ job definition compute: register revision 2 \(latest ACTIVE: 1\)/);
    assert.match(r.stdout, /\+ {5}- v2/);
    assert.match(r.stdout, /Plan: 0 to create, 0 to update, 1 new revision, 3 unchanged/);
    assert.deepEqual(await revisions(batch, 'compute'), [{ revision: 1, status: 'ACTIVE' }, { revision: 2, status: 'ACTIVE' }]);
    assert.deepEqual(await revisions(batch, 'prepare'), [{ revision: 1, status: 'ACTIVE' }]);
    assert.match(cli(dir, ['deploy', ...endpointArgs, '--yes']).stdout, /No changes/);
  });

  it('--deregister-previous deregisters the superseded revisions', async () => {
    write(dir, { 'jobs/compute.jobdef.yaml': jobDefinition('compute', peers, 'echo compute v3') });
    const r = cli(dir, ['deploy', ...endpointArgs, '--yes', '--deregister-previous']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /- deregister compute:1 \(superseded\)/);
    assert.match(r.stdout, /done: deregistered compute:2/);
    const revs = await revisions(batch, 'compute');
    assert.deepEqual(revs, [{ revision: 1, status: 'INACTIVE' }, { revision: 2, status: 'INACTIVE' }, { revision: 3, status: 'ACTIVE' }]);
    assert.match(cli(dir, ['deploy', ...endpointArgs, '--yes', '--deregister-previous']).stdout, /No changes/);
  });

  it('submit sends the workflow in dependency order with dependsOn mapped to job ids, on the latest ACTIVE revision', async () => {
    const r = cli(dir, ['submit', 'pipeline.workflow.yaml', ...endpointArgs, '--yes']);
    assert.equal(r.status, 0, r.stderr);
    const ids = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split('\t')));
    assert.deepEqual(Object.keys(ids), ['prepare', 'compute', 'report']);
    const jobs = (await batch.send(new DescribeJobsCommand({ jobs: Object.values(ids) }))).jobs!;
    const byName = Object.fromEntries(jobs.map((j) => [j.jobName!, j]));
    assert.deepEqual(byName.compute.dependsOn?.map((d) => d.jobId), [ids.prepare]);
    assert.deepEqual(byName.report.dependsOn?.map((d) => d.jobId).sort(), [ids.compute, ids.prepare].sort());
    assert.match(byName.compute.jobDefinition!, /job-definition\/compute:3$/);
  });

  it('submit tells the user to deploy first when a job definition is missing', () => {
    write(dir, { 'other.workflow.yaml': 'jobs:\n  a: { jobDefinition: arn:aws:batch:us-east-1:123456789012:job-definition/nowhere:1, jobQueue: main-queue }\n' });
    const r = cli(dir, ['submit', 'other.workflow.yaml', ...endpointArgs, '--yes']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /nowhere:1.*not registered.*run `localbatch deploy` first/);
    rmSync(path.join(dir, 'other.workflow.yaml'));
  });

  it('a partial failure reports what was applied and what was not; deploying again converges', async () => {
    const fresh = await resetMoto(moto);
    const ws = mkdtempSync(path.join(tmpdir(), 'localbatch-deploy-partial-'));
    try {
      const lateArn = `arn:aws:batch:${moto.region}:123456789012:compute-environment/late-ce`;
      write(ws, {
        'a.computeenv.yaml': computeEnvironment('first-ce', fresh),
        'a.jobqueue.yaml': queue('a-queue', 'first-ce'),
        'b.jobqueue.yaml': queue('b-queue', lateArn),
        'j.jobdef.yaml': jobDefinition('j', fresh),
      });
      const input = await loadDeployInput([ws], ws);
      assert.deepEqual(input.diagnostics.filter((d) => d.severity === 'error'), []);
      const plan = await planDeploy(batch, input.desired);
      const result = await applyPlan(batch, plan, { pollMs: 100 });
      assert.deepEqual(result.applied.map((s) => s.description), ['created compute environment first-ce', 'created job queue a-queue']);
      assert.equal(result.failed?.item.name, 'b-queue');
      assert.deepEqual(result.notApplied.map((i) => i.name), ['b-queue', 'j']);
      // The cause is fixed outside (the compute environment appears); deploying again converges.
      await batch.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'late-ce', type: 'MANAGED', serviceRole: fresh.roleArn, computeResources: { type: 'FARGATE', maxvCpus: 4, subnets: [fresh.subnetId], securityGroupIds: [fresh.securityGroupId] } }));
      const again = await planDeploy(batch, input.desired);
      assert.deepEqual(again.items.map((i) => `${i.name}:${i.action}`), ['first-ce:no-change', 'a-queue:no-change', 'b-queue:create', 'j:register']);
      const second = await applyPlan(batch, again, { pollMs: 100 });
      assert.equal(second.failed, undefined);
      assert.equal(planHasChanges(await planDeploy(batch, input.desired)), false);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
