/** What `deploy` takes from a workspace holding templates: plain definition files only. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { blockingErrors, loadDeployInput, ownedNotes } from '../../../src/deploy/input';
import { planAwsSubmission } from '../../../src/deploy/submit';
import { indexAndValidate } from '../../../src/model/validation';

const FIXTURES = path.join(__dirname, '../../fixtures/iac');

describe('deploy input with templates (unit)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-deploy-iac-'));
    cpSync(path.join(FIXTURES, 'cdk'), path.join(dir, 'cdk'), { recursive: true });
    cpSync(path.join(FIXTURES, 'terraform'), path.join(dir, 'tf'), { recursive: true });
    writeFileSync(path.join(dir, 'plain.jobdef.json'), JSON.stringify({ jobDefinitionName: 'plain', type: 'container', containerProperties: { image: 'busybox', resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } }));
    writeFileSync(path.join(dir, 'broken.template.yaml'), 'Resources:\n  J:\n    Type: AWS::Batch::JobDefinition\n    Properties:\n      Type: container\n      ContainerProperties: {Image: !ImportValue nope}\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('deploys the plain files, names what each template tool owns, and is not stopped by template errors', async () => {
    const input = await loadDeployInput([], dir);
    assert.deepEqual(input.desired.map((d) => `${d.kind} ${d.name}`), ['jobDefinition plain']);
    const notes = ownedNotes(input);
    assert.equal(notes.length, 3, notes.join('\n'));
    assert.ok(notes.some((n) => n.startsWith('not deployed: cdk/cdk.out/BatchStack.template.json is a CDK template;') && n.endsWith('with `cdk deploy`') && n.includes('job definition from-repo')), notes.join('\n'));
    assert.ok(notes.some((n) => n.startsWith('not deployed: tf/plan.json is a Terraform file;') && n.endsWith('with `terraform apply`') && n.includes('job queue tf-queue')), notes.join('\n'));
    assert.ok(notes.some((n) => n.includes('broken.template.yaml is a CloudFormation template') && n.endsWith('with `aws cloudformation deploy`')), notes.join('\n'));
    assert.ok(input.diagnostics.some((d) => d.rule === 'template-import-value'));
    assert.deepEqual(blockingErrors(input).map((d) => `${d.file} ${d.rule}`), []);
  });
});

describe('submit to AWS with template resources (unit, fake Batch client)', () => {
  const template = `Resources:
  Named:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      JobDefinitionName: named-jd
      ContainerProperties: {Image: busybox, ResourceRequirements: [{Type: VCPU, Value: "1"}, {Type: MEMORY, Value: "64"}]}
  Unnamed:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      ContainerProperties: {Image: busybox, ResourceRequirements: [{Type: VCPU, Value: "1"}, {Type: MEMORY, Value: "64"}]}
  Queue:
    Type: AWS::Batch::JobQueue
    Properties: {JobQueueName: named-queue, Priority: 1, ComputeEnvironmentOrder: [{Order: 1, ComputeEnvironment: arn:aws:batch:us-east-1:123456789012:compute-environment/ce}]}
`;
  /** Answers DescribeJobDefinitions / DescribeJobQueues as AWS would for what is deployed; records what was asked. */
  const fakeBatch = (asked: string[]) => ({
    send: async (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
      asked.push(`${cmd.constructor.name} ${JSON.stringify(cmd.input)}`);
      if (cmd.constructor.name === 'DescribeJobDefinitionsCommand') {
        return cmd.input.jobDefinitionName === 'named-jd' ? { jobDefinitions: [{ jobDefinitionName: 'named-jd', revision: 3, status: 'ACTIVE', jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/named-jd:3' }] } : { jobDefinitions: [] };
      }
      if (cmd.constructor.name === 'DescribeJobQueuesCommand') return { jobQueues: [{ jobQueueName: 'named-queue' }] };
      throw new Error(`unexpected ${cmd.constructor.name}`);
    },
  });
  const plan = async (workflowText: string, asked: string[]) => {
    const { workspace } = indexAndValidate([{ path: 'stack.yaml', text: template }, { path: 'w.workflow.yaml', text: workflowText }]);
    return planAwsSubmission(fakeBatch(asked) as never, workspace.workflows[0], 'us-east-1', workspace);
  };

  it('submits logical ids under the names the template gives', async () => {
    const asked: string[] = [];
    const jobs = await plan('jobs:\n  a: {jobDefinition: Named, jobQueue: Queue}\n', asked);
    assert.deepEqual(jobs.map((j) => [j.request.jobDefinition, j.request.jobQueue]), [['arn:aws:batch:us-east-1:123456789012:job-definition/named-jd:3', 'named-queue']]);
    assert.ok(asked.some((a) => a.includes('"jobDefinitionName":"named-jd"')), asked.join('\n'));
  });

  it('refuses a resource whose name only the deploying tool knows, and says what to do', async () => {
    await assert.rejects(plan('jobs:\n  b: {jobDefinition: Unnamed, jobQueue: Queue}\n', []),
      /job 'b': Unnamed is Unnamed of stack\.yaml, which gives it no name; on AWS `aws cloudformation deploy` chooses one: give the resource a name, or refer to it by ARN/);
  });
});
