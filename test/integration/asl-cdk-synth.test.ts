/**
 * A state machine from a real CDK synth (aws-cdk-lib in-process, offline): its DefinitionString is
 * CDK's Fn::Join of JSON pieces and Refs; the Batch Task's Refs resolve to the template's own job
 * queue and job definition (no unknown-reference diagnostics), and a misspelt Next is reported at
 * the Join piece that declares the state.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { indexAndValidate } from '../../src/model/validation';

describe('state machines from a real CDK synth (integration, offline)', function () {
  this.timeout(300_000);
  let dir: string;
  let text: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-asl-cdk-'));
    const app = new App({ outdir: dir });
    const stack = new Stack(app, 'Flow');
    const ce = new batch.CfnComputeEnvironment(stack, 'Ce', { type: 'UNMANAGED', computeEnvironmentName: 'ce' });
    const queue = new batch.CfnJobQueue(stack, 'Queue', { jobQueueName: 'work', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce.ref }] });
    const jd = new batch.CfnJobDefinition(stack, 'Def', { jobDefinitionName: 'step', type: 'container', containerProperties: { image: 'localbatch-busybox:latest', command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '256' }] } });
    const submit = new tasks.BatchSubmitJob(stack, 'Submit', {
      jobName: 'step',
      jobQueueArn: queue.ref,
      jobDefinitionArn: jd.ref,
    });
    new sfn.StateMachine(stack, 'Machine', { stateMachineName: 'flow', definitionBody: sfn.DefinitionBody.fromChainable(submit.next(new sfn.Succeed(stack, 'Done'))) });
    app.synth();
    text = readFileSync(path.join(dir, 'Flow.template.json'), 'utf8');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the state machine with its Batch references resolved to the template resources', () => {
    assert.match(text, /"DefinitionString":\s*\{\s*"Fn::Join"/);
    const { workspace, diagnostics } = indexAndValidate([{ path: 'cdk.out/Flow.template.json', text }]);
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
    const m = workspace.stateMachine('flow');
    assert.ok(m, workspace.stateMachines.map((s) => s.id).join());
    assert.equal(m.name, 'flow');
    assert.equal(m.source, 'cloudformation', 'an in-process synth writes no CDK metadata');
    const params = (m.definition as { States: Record<string, { Parameters: Record<string, string> }> }).States.Submit.Parameters;
    assert.equal(params.JobQueue, 'arn:aws:batch:us-east-1:000000000000:job-queue/work');
    assert.equal(workspace.jobQueue(params.JobQueue)?.name, 'work');
    assert.equal(workspace.jobDefinition(params.JobDefinition)?.name, 'step');
  });

  it('reports a misspelt Next at the line of the Join piece declaring the state', () => {
    const broken = text.replace('\\"Next\\":\\"Done\\"', '\\"Next\\":\\"Don\\"');
    assert.notEqual(broken, text);
    const { diagnostics } = indexAndValidate([{ path: 'cdk.out/Flow.template.json', text: broken }]);
    const d = diagnostics.filter((x) => x.rule === 'asl-unknown-state');
    assert.equal(d.length, 1, JSON.stringify(diagnostics));
    assert.equal(d[0].suggestion, 'Done');
    const line = broken.split('\n')[d[0].range.start.line];
    assert.match(line, /Next\\":\\"Don\\"/);
  });
});
