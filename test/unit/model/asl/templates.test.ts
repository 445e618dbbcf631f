/** State machines read from SAM / CloudFormation templates and Terraform show -json, at their lines. */
import assert from 'node:assert/strict';
import { indexAndValidate } from '../../../../src/model/validation/index';

const BATCH = `  Queue:
    Type: AWS::Batch::JobQueue
    Properties:
      JobQueueName: work
      Priority: 1
      ComputeEnvironmentOrder: [{ Order: 1, ComputeEnvironment: arn:aws:batch:us-east-1:000000000000:compute-environment/ce }]
  Def:
    Type: AWS::Batch::JobDefinition
    Properties:
      JobDefinitionName: step
      Type: container
      ContainerProperties: { Image: busybox, Command: ['true'], ResourceRequirements: [{ Type: VCPU, Value: '1' }, { Type: MEMORY, Value: '256' }] }
`;

describe('state machines in templates', () => {
  it('SAM: DefinitionUri to a workspace ASL file, with DefinitionSubstitutions from Refs', () => {
    const template = `Transform: AWS::Serverless-2016-10-31
Resources:
${BATCH}  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: flow
      DefinitionUri: statemachine/flow.asl.json
      DefinitionSubstitutions:
        QueueArn: !Ref Queue
        DefArn: !Ref Def
`;
    const asl = JSON.stringify({ StartAt: 'S', States: { S: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { JobName: 'x', JobQueue: '${QueueArn}', JobDefinition: '${DefArn}' }, End: true } } }, null, 2);
    const { workspace, diagnostics } = indexAndValidate([{ path: 'app/template.yaml', text: template }, { path: 'app/statemachine/flow.asl.json', text: asl }]);
    assert.deepEqual(diagnostics, []);
    const sam = workspace.stateMachine('Flow')!;
    assert.equal(sam.source, 'sam');
    const params = (sam.definition as { States: { S: { Parameters: Record<string, string> } } }).States.S.Parameters;
    assert.equal(workspace.jobQueue(params.JobQueue)?.name, 'work');
    assert.equal(workspace.jobDefinition(params.JobDefinition)?.name, 'step');
    // The file is a state machine of its own too.
    assert.equal(workspace.stateMachine('flow')?.source, 'file', 'ids (the file name) win over names');
    assert.ok(workspace.stateMachines.some((m) => m.source === 'file' && m.id === 'flow'));
    // A substitution naming a queue that does not exist is reported in the ASL file.
    const bad = indexAndValidate([{ path: 'app/template.yaml', text: template.replace('QueueArn: !Ref Queue', 'QueueArn: wrok') }, { path: 'app/statemachine/flow.asl.json', text: asl }]).diagnostics;
    assert.deepEqual(bad.map((d) => [d.file, d.range.start.line + 1, d.rule, d.suggestion]), [['app/statemachine/flow.asl.json', 9, 'unknown-job-queue', 'work']]);
  });

  it('CloudFormation: Definition object with intrinsics, checked at its lines', () => {
    const template = `Resources:
${BATCH}  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: S
        States:
          S:
            Type: Task
            Resource: arn:aws:states:::batch:submitJob.sync
            Parameters: { JobName: x, JobQueue: !Ref Queue, JobDefinition: !GetAtt Def.JobDefinitionArn }
            Next: Nowhere
`;
    const { workspace, diagnostics } = indexAndValidate([{ path: 'stack.yaml', text: template }]);
    assert.deepEqual(diagnostics.map((d) => [d.range.start.line + 1, d.rule]), [[24, 'asl-unknown-state']]);
    assert.equal(workspace.stateMachine('Flow')?.source, 'cloudformation');
    // A Resource that is not an ARN is reported; one the template cannot resolve only as that (no second error at the line).
    const notArn = indexAndValidate([{ path: 'stack.yaml', text: template.replace('Next: Nowhere', 'End: true').replace('Resource: arn:aws:states:::batch:submitJob.sync', 'Resource: submitJob') }]).diagnostics;
    assert.deepEqual(notArn.map((d) => [d.range.start.line + 1, d.rule]), [[22, 'asl-structure']]);
    assert.match(notArn[0]!.message, /has a Resource that is not an ARN/);
    const unresolved = `Parameters:\n  FnArn: { Type: String }\n${template.replace('Next: Nowhere', 'End: true').replace('Resource: arn:aws:states:::batch:submitJob.sync', 'Resource: !Ref FnArn')}`;
    assert.deepEqual(indexAndValidate([{ path: 'stack.yaml', text: unresolved }]).diagnostics.map((d) => d.rule), ['template-parameter-value']);
  });

  it('Terraform: aws_sfn_state_machine definition from show -json', () => {
    const definition = JSON.stringify({ StartAt: 'S', States: { S: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob', Parameters: { JobName: 'x', JobQueue: 'arn:aws:batch:us-east-1:1:job-queue/work', JobDefinition: 'stepp' }, End: true } } });
    const tf = JSON.stringify({ format_version: '1.0', values: { root_module: { resources: [{ address: 'aws_sfn_state_machine.flow', mode: 'managed', type: 'aws_sfn_state_machine', name: 'flow', values: { name: 'flow', definition, role_arn: 'arn:aws:iam::1:role/r', type: 'STANDARD' } }] } } }, null, 2);
    const { workspace, diagnostics } = indexAndValidate([{ path: 'tf.json', text: tf }]);
    const m = workspace.stateMachine('aws_sfn_state_machine.flow')!;
    assert.equal(m.name, 'flow');
    assert.equal(m.roleArn, 'arn:aws:iam::1:role/r');
    assert.deepEqual(diagnostics.map((d) => [d.rule, d.range.start.line + 1]), [['unknown-job-definition', tf.split('\n').findIndex((l) => l.includes('"definition"')) + 1]]);
  });

  it('CloudFormation: a DefinitionString Fn::Join points a field at the piece after its key (as CDK writes Refs)', () => {
    const template = `Resources:
${BATCH}  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString:
        Fn::Join:
          - ""
          - - '{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::batch:submitJob.sync","Parameters":{"JobName":"x","JobQueue":"'
            - !Ref Queue
            - '","JobDefinition":"'
            - !Sub stpe
            - '"},"End":true}}}'
`;
    const { diagnostics } = indexAndValidate([{ path: 'stack.yaml', text: template }]);
    const lines = template.split('\n');
    assert.deepEqual(diagnostics.map((d) => [d.rule, lines[d.range.start.line].trim(), d.suggestion]), [['unknown-job-definition', '- !Sub stpe', 'step']]);
  });
});
