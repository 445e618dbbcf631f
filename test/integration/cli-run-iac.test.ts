/**
 * `localbatch run` of definitions that live in a CloudFormation template: the built CLI, a real
 * Docker engine, a workflow naming the template's job definitions and queue by logical id and name.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobDetail } from '@aws-sdk/client-batch';
import type Docker from 'dockerode';
import { dockerForTests, TEST_IMAGE } from '../support/docker';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'localbatch.js');
const MANAGED = 'dev.localbatch.managed=true';

function cli(cwd: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 180_000, env: { ...process.env, CI: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Greeting:
    Type: String
  Stage:
    Type: String
    Default: dev
Conditions:
  IsDev: !Equals [!Ref Stage, dev]
Resources:
  JobRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  Compute:
    Type: AWS::Batch::ComputeEnvironment
    Properties:
      Type: MANAGED
      ComputeResources:
        Type: FARGATE
        MaxvCpus: 4
        Subnets: [subnet-0123456789abcdef0]
        SecurityGroupIds: [sg-0123456789abcdef0]
  BatchQueue:
    Type: AWS::Batch::JobQueue
    Properties:
      JobQueueName: !Sub "\${Stage}-queue"
      Priority: 1
      ComputeEnvironmentOrder:
        - Order: 1
          ComputeEnvironment: !Ref Compute
  Greeter:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      PlatformCapabilities: [FARGATE]
      ContainerProperties:
        Image: ${TEST_IMAGE}
        ExecutionRoleArn: !GetAtt JobRole.Arn
        Command: [sh, -c, 'echo "$GREETING in $REGION ($MODE)"']
        ResourceRequirements:
          - { Type: VCPU, Value: "0.25" }
          - { Type: MEMORY, Value: "512" }
        Environment:
          - { Name: GREETING, Value: !Ref Greeting }
          - { Name: REGION, Value: !Sub "\${AWS::Region}" }
          - { Name: MODE, Value: !If [IsDev, development, production] }
  Cleanup:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      JobDefinitionName: cleanup
      ContainerProperties:
        Image: ${TEST_IMAGE}
        Command: [sh, -c, "echo cleaned up"]
        ResourceRequirements:
          - { Type: VCPU, Value: "1" }
          - { Type: MEMORY, Value: "64" }
`;

describe('localbatch run with a CloudFormation template (integration)', function () {
  this.timeout(240_000);
  let docker: Docker;
  let dir: string;

  before(async function () {
    docker = await dockerForTests(this);
    if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-run-iac-'));
    mkdirSync(path.join(dir, 'infra'));
    mkdirSync(path.join(dir, 'flows'));
    writeFileSync(path.join(dir, 'infra', 'batch.yaml'), TEMPLATE);
    writeFileSync(path.join(dir, 'localbatch.yaml'), 'templates: [infra/batch.yaml]\nparameters:\n  Greeting: hello-from-settings\n');
    writeFileSync(path.join(dir, 'flows', 'pipeline.workflow.yaml'), 'jobs:\n  greet:\n    jobDefinition: Greeter\n    jobQueue: BatchQueue\n  clean:\n    jobDefinition: cleanup\n    dependsOn: [{job: greet}]\n');
  });
  afterEach(async () => {
    const left = await docker.listContainers({ all: true, filters: { label: [MANAGED, `dev.localbatch.state-dir=${path.join(dir, '.localbatch')}`] } });
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(left.map((c) => c.Names), [], 'containers were left behind');
  });

  it('validates the template at its lines and runs a workflow of its job definitions to SUCCEEDED', () => {
    const valid = cli(dir, ['validate', '--format', 'json']);
    assert.equal(valid.code, 0, valid.stdout + valid.stderr);
    assert.ok((JSON.parse(valid.stdout) as { files: string[] }).files.includes('infra/batch.yaml'));

    const r = cli(dir, ['run', 'flows/pipeline.workflow.yaml', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const jobs = JSON.parse(r.stdout) as JobDetail[];
    assert.deepEqual(jobs.map((j) => `${j.jobName} ${j.status}`), ['greet SUCCEEDED', 'clean SUCCEEDED']);
    const greet = jobs[0];
    assert.match(greet.jobQueue ?? '', /:job-queue\/dev-queue$/, 'the queue named by logical id');
    assert.match(greet.jobDefinition ?? '', /:job-definition\/batch-Greeter:\d+$/, 'a generated name: <stack>-<LogicalId>');
    const logs = cli(dir, ['logs', greet.jobId!]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, 'hello-from-settings in us-east-1 (development)\n');
  });

  it('runs one job definition straight from the template, and says which when there are several', () => {
    const many = cli(dir, ['run', 'infra/batch.yaml']);
    assert.equal(many.code, 2);
    assert.match(many.stderr, /holds 2 job definitions \(Greeter, Cleanup\); choose one with --job-definition/);
    const r = cli(dir, ['run', 'infra/batch.yaml', '--job-definition', 'Cleanup', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const jobs = JSON.parse(r.stdout) as JobDetail[];
    assert.deepEqual(jobs.map((j) => `${j.jobName} ${j.status}`), ['cleanup SUCCEEDED']);
  });

  it("runs a template's one state machine (with --input), not its job definitions; --job-definition still picks a job", () => {
    const flow = `${TEMPLATE}  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: Clean
        States:
          Clean:
            Type: Task
            Resource: arn:aws:states:::batch:submitJob.sync
            Parameters: { JobName: clean, JobQueue: !Ref BatchQueue, JobDefinition: !Ref Cleanup }
            ResultSelector: { "status.$": "$.Status" }
            ResultPath: $.clean
            End: true
`;
    writeFileSync(path.join(dir, 'infra', 'batch.yaml'), flow);
    const r = cli(dir, ['run', 'infra/batch.yaml', '--input', '{"msg":"x"}', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const execution = JSON.parse(r.stdout) as { status: string; output: string };
    assert.deepEqual([execution.status, JSON.parse(execution.output)], ['SUCCEEDED', { msg: 'x', clean: { status: 'SUCCEEDED' } }]);
    const job = cli(dir, ['run', 'infra/batch.yaml', '--job-definition', 'Cleanup', '--json']);
    assert.equal(job.code, 0, job.stderr);
    assert.deepEqual((JSON.parse(job.stdout) as JobDetail[]).map((j) => `${j.jobName} ${j.status}`), ['cleanup SUCCEEDED']);
  });

  it('refuses to run when a template value cannot be resolved, pointing at the template line', () => {
    writeFileSync(path.join(dir, 'localbatch.yaml'), 'templates: [infra/batch.yaml]\n');
    const r = cli(dir, ['run', 'flows/pipeline.workflow.yaml']);
    assert.equal(r.code, 1);
    const line = TEMPLATE.split('\n').findIndex((l) => l.includes('Value: !Ref Greeting')) + 1;
    assert.match(r.stderr, new RegExp(`infra/batch\\.yaml:${line}:\\d+: error: Parameter 'Greeting' has no Default; give it a local value under parameters: in localbatch\\.yaml \\[template-parameter-value\\]`));
    assert.match(r.stderr, /nothing was run/);
  });
});
