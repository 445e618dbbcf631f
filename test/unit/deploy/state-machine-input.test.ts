/** What `deploy` takes from a workspace's state machines: files with their sidecar, references mapped; template ones named as left to their tool. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDeployInput, ownedNotes } from '../../../src/deploy/input';
import { StateMachineSettingsError } from '../../../src/deploy/state-machines';

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Named:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      JobDefinitionName: named-jd
      ContainerProperties: {Image: busybox, ResourceRequirements: [{Type: VCPU, Value: "1"}, {Type: MEMORY, Value: "64"}]}
  Queue:
    Type: AWS::Batch::JobQueue
    Properties: {JobQueueName: named-queue, Priority: 1, ComputeEnvironmentOrder: [{Order: 1, ComputeEnvironment: arn:aws:batch:us-east-1:123456789012:compute-environment/ce}]}
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/sfn
      Definition: {StartAt: P, States: {P: {Type: Pass, End: true}}}
`;

const task = (jd: string, q: string) => ({ Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob', Parameters: { JobName: 'j', JobDefinition: jd, JobQueue: q } });

describe('deploy input with state machines (unit)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-deploy-sfn-'));
    writeFileSync(path.join(dir, 'stack.template.yaml'), TEMPLATE);
    const definition = { StartAt: 'A', States: { A: { ...task('Named', 'Queue'), Next: 'B' }, B: { ...task('named-jd:2', 'arn:aws:batch:us-east-1:123456789012:job-queue/named-queue'), End: true } } };
    writeFileSync(path.join(dir, 'flow.asl.json'), JSON.stringify(definition));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('maps template logical ids to deployed names, local ARNs to names, keeps a pinned revision, and names the template state machine as not deployed', async () => {
    writeFileSync(path.join(dir, 'flow.asl.deploy.json'), JSON.stringify({ roleArn: 'arn:aws:iam::123456789012:role/sfn' }));
    const input = await loadDeployInput([], dir);
    assert.deepEqual(input.stateMachines.map((m) => [m.name, m.file, m.roleArn]), [['flow', 'flow.asl.json', 'arn:aws:iam::123456789012:role/sfn']]);
    const states = input.stateMachines[0].definition.States as Record<string, { Parameters: Record<string, string> }>;
    assert.deepEqual(states.A.Parameters, { JobName: 'j', JobDefinition: 'named-jd', JobQueue: 'named-queue' });
    assert.deepEqual(states.B.Parameters, { JobName: 'j', JobDefinition: 'named-jd:2', JobQueue: 'named-queue' });
    const notes = ownedNotes(input);
    assert.ok(notes.some((n) => n.startsWith('not deployed: state machine Machine of stack.template.yaml') && n.includes('`aws cloudformation deploy`')), notes.join('\n'));
  });

  it('stops with the sidecar to add when a file has no role, and with the field when the name is not valid', async () => {
    await assert.rejects(loadDeployInput([], dir), (e: Error) => e instanceof StateMachineSettingsError && /flow\.asl\.json: no execution role: add flow\.asl\.deploy\.yaml with `roleArn:/.test(e.message));
    writeFileSync(path.join(dir, 'flow.asl.deploy.yaml'), 'roleArn: arn:aws:iam::123456789012:role/sfn\nname: "has spaces"\n');
    await assert.rejects(loadDeployInput([], dir), (e: Error) => e instanceof StateMachineSettingsError && /flow\.asl\.deploy\.yaml: name "has spaces" is not a state machine name \(1-80 characters, no white space/.test(e.message));
    // Step Functions allows periods (and other punctuation outside its list) in a name.
    writeFileSync(path.join(dir, 'flow.asl.deploy.yaml'), 'roleArn: arn:aws:iam::123456789012:role/sfn\nname: "etl.v2-nightly"\n');
    assert.deepEqual((await loadDeployInput([], dir)).stateMachines.map((m) => m.name), ['etl.v2-nightly']);
    writeFileSync(path.join(dir, 'flow.asl.deploy.yaml'), 'roleArn: arn:aws:iam::123456789012:role/sfn\nname: "etl/nightly"\n');
    await assert.rejects(loadDeployInput([], dir), /name "etl\/nightly" is not a state machine name/);
  });
});
