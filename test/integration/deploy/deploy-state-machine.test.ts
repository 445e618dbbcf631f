import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeStateMachineCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../../support/moto';
import { cli, computeEnvironment, jobDefinition, queue, write } from './moto-workspace';

/** A state machine naming the queue by a local ARN and the job definition pinned by name:revision. */
function asl(comment: string): string {
  return JSON.stringify({
    Comment: comment,
    StartAt: 'Compute',
    States: {
      Compute: {
        Type: 'Task',
        Resource: 'arn:aws:states:::batch:submitJob.sync',
        Parameters: { JobName: 'compute', JobDefinition: 'compute', JobQueue: 'arn:aws:batch:us-east-1:000000000000:job-queue/main-queue' },
        End: true,
      },
    },
  });
}

describe('localbatch deploy publishes state machine files to Step Functions (moto_server)', function () {
  this.timeout(180_000);
  let moto: Moto;
  let sfn: SFNClient;
  let dir: string;
  let args: string[];

  before(async function () {
    this.timeout(60_000);
    moto = await startMoto(this);
    sfn = new SFNClient({ region: moto.region, endpoint: moto.url, credentials: MOTO_CREDENTIALS });
    args = ['deploy', '--region', moto.region, '--endpoint-url', moto.url];
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-deploy-sfn-'));
    write(dir, {
      'main.computeenv.yaml': computeEnvironment('main-ce', moto),
      'main.jobqueue.yaml': queue('main-queue', 'main-ce'),
      'compute.jobdef.yaml': jobDefinition('compute', moto),
      'flow.asl.json': asl('first'),
    });
  });

  after(async () => {
    sfn?.destroy();
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const machines = async () => (await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];

  it('stops with what to add when a state machine file has no execution role', async () => {
    const r = cli(dir, [...args, '--yes']);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /flow\.asl\.json: no execution role: add flow\.asl\.deploy\.yaml with `roleArn: arn:aws:iam::<account>:role\//);
    assert.match(r.stderr, /nothing was deployed/);
    assert.deepEqual(await machines(), []);
  });

  it('--dry-run shows the state machine to create and changes nothing', async () => {
    write(dir, { 'flow.asl.deploy.yaml': `name: nightly-flow\nroleArn: ${moto.roleArn}\n` });
    const r = cli(dir, [...args, '--dry-run']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\+ state machine nightly-flow: create {2}\[flow\.asl\.json\]/);
    assert.match(r.stdout, /\+ +JobQueue: main-queue/);
    assert.match(r.stdout, /Plan for AWS Batch and Step Functions in us-east-1/);
    assert.match(r.stdout, /Plan: 4 to create/);
    assert.match(r.stdout, /Dry run: nothing was changed/);
    assert.deepEqual(await machines(), []);
  });

  it('creates it with its Batch references mapped to the deployed names, then has nothing to change', async () => {
    const r = cli(dir, [...args, '--yes']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /done: created state machine nightly-flow/);
    const list = await machines();
    assert.deepEqual(list.map((m) => m.name), ['nightly-flow']);
    const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: list[0].stateMachineArn }));
    assert.equal(d.roleArn, moto.roleArn);
    const def = JSON.parse(d.definition!);
    assert.deepEqual(def.States.Compute.Parameters, { JobName: 'compute', JobDefinition: 'compute', JobQueue: 'main-queue' });
    assert.equal(def.Comment, 'first');

    const again = cli(dir, [...args, '--yes']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /= state machine nightly-flow: no change/);
    assert.match(again.stdout, /No changes: AWS already matches the definitions/);
  });

  it('updates it when the file changes', async () => {
    write(dir, { 'flow.asl.json': asl('second') });
    const dry = cli(dir, [...args, '--dry-run']);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /~ state machine nightly-flow: update in place/);
    assert.match(dry.stdout, /changes: definition/);
    assert.match(dry.stdout, /- {3}Comment: first\n {4}\+ {3}Comment: second/);
    const [m] = await machines();
    const before = JSON.parse((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: m.stateMachineArn }))).definition!);
    assert.equal(before.Comment, 'first', 'the dry run changed nothing');

    const r = cli(dir, [...args, '--yes']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /done: updated state machine nightly-flow \(definition\)/);
    const after = JSON.parse((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: m.stateMachineArn }))).definition!);
    assert.equal(after.Comment, 'second');
    assert.equal((await machines()).length, 1);
  });
});
