/**
 * Event-driven resources read from a real in-process `cdk synth` (aws-cdk-lib, offline): an
 * events.Rule with targets.BatchJob, an eventBridgeEnabled bucket and its notifications to an SNS
 * topic (addEventNotification with SnsDestination). Integration, not unit: loading
 * aws-cdk-lib and synthesising take seconds.
 */
import assert from 'node:assert/strict';
import { App, Size, Stack } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SourceDocument } from '../../src/model/document';
import { readIac } from '../../src/model/iac';
import { validateWorkspace } from '../../src/model/validation';

interface TargetShape {
  Arn: string;
  BatchParameters: { JobDefinition: string; JobName: string; ArrayProperties?: { Size: number } };
  InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string };
}

describe('pipeline resources of a real cdk synth (integration)', function () {
  this.timeout(60_000);

  it('reads a real cdk synth of events.Rule with targets.BatchJob and an eventBridgeEnabled bucket (aws-cdk-lib, offline)', () => {
    const app = new App();
    const stack = new Stack(app, 'EventsStack', { env: { account: '000000000000', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    const ce = new batch.ManagedEc2EcsComputeEnvironment(stack, 'Ce', { vpc, computeEnvironmentName: 'cdk-ce' });
    const queue = new batch.JobQueue(stack, 'Queue', { jobQueueName: 'cdk-queue', computeEnvironments: [{ computeEnvironment: ce, order: 1 }] });
    const container = new batch.EcsEc2ContainerDefinition(stack, 'Container', { image: ecs.ContainerImage.fromRegistry('localbatch-busybox:latest'), cpu: 1, memory: Size.mebibytes(256) });
    const jobDef = new batch.EcsJobDefinition(stack, 'JobDef', { jobDefinitionName: 'cdk-job', container });
    const bucket = new s3.Bucket(stack, 'Raw', { bucketName: 'cdk-raw', eventBridgeEnabled: true });
    const topic = new sns.Topic(stack, 'Uploads', { topicName: 'cdk-uploads' });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SnsDestination(topic), { prefix: 'in/', suffix: '.csv' });
    const rule = new events.Rule(stack, 'OnUpload', { eventPattern: { source: ['aws.s3'], detailType: ['Object Created'], detail: { bucket: { name: [bucket.bucketName] } } } });
    rule.addTarget(new targets.BatchJob(queue.jobQueueArn, queue, jobDef.jobDefinitionArn, jobDef, { jobName: 'from-cdk', size: 3, event: events.RuleTargetInput.fromObject({ Parameters: { key: events.EventField.fromPath('$.detail.object.key') } }) }));
    const template = app.synth().getStackByName('EventsStack').template as unknown;
    const text = JSON.stringify(template, null, 1);
    const t = readIac(SourceDocument.parse('cdk.out/EventsStack.template.json', text, 'json'));
    assert.equal(t?.tool, 'cloudformation', 'app.synth() without the CLI writes no AWS::CDK::Metadata');
    const [r] = t!.pipeline!.rules;
    const [target] = r.value.Targets as TargetShape[];
    assert.equal(target.Arn, 'arn:aws:batch:us-east-1:000000000000:job-queue/cdk-queue');
    assert.equal(target.BatchParameters.JobDefinition, 'cdk-job');
    assert.equal(target.BatchParameters.JobName, 'from-cdk');
    assert.deepEqual(target.BatchParameters.ArrayProperties, { Size: 3 });
    assert.match(target.InputTransformer.InputTemplate, /"key":<detail-object-key>/);
    assert.deepEqual(JSON.parse(r.value.EventPattern as string).detail.bucket.name, ['cdk-raw']);
    assert.deepEqual(t!.pipeline!.buckets.find((b) => b.name === 'cdk-raw')?.value, {
      Bucket: 'cdk-raw',
      EventBridgeEnabled: true,
      TopicConfigurations: [{ TopicArn: 'arn:aws:sns:us-east-1:000000000000:cdk-uploads', Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.csv' }, { Name: 'prefix', Value: 'in/' }] } } }],
    });
    const ds = validateWorkspace([{ path: 'cdk.out/EventsStack.template.json', text }]).filter((d) => /^(event-pattern|schedule|input-transformer|target-unknown)/.test(d.rule));
    assert.deepEqual(ds, []);
  });
});
