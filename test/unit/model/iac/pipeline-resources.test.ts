/**
 * Event-driven resources read from templates (CloudFormation YAML, Terraform show -json state and
 * plan; a real in-process `cdk synth` is in test/integration/cdk-pipeline-synth.test.ts), and their validation at the template's lines.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SourceDocument } from '../../../../src/model/document';
import { parseTemplateDocument, readIac } from '../../../../src/model/iac';
import { validateWorkspace } from '../../../../src/model/validation';

interface TargetShape {
  Arn: string;
  BatchParameters: { JobDefinition: string; JobName: string; ArrayProperties?: { Size: number } };
  InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string };
  RetryPolicy?: unknown;
}

const EXAMPLE = path.resolve(__dirname, '../../../../examples/pipeline/pipeline.yaml');
const exampleText = readFileSync(EXAMPLE, 'utf8');

function read(file: string, text: string) {
  const t = readIac(parseTemplateDocument(file, text));
  assert.ok(t?.pipeline, 'the template has pipeline resources');
  return t;
}

function diagnosticsOf(file: string, text: string) {
  return validateWorkspace([{ path: file, text }]).filter((d) => d.file === file);
}

describe('pipeline resources in templates (unit)', () => {
  it('reads the example CloudFormation template: rules with resolved targets, schedule, topic, subscription, buckets', () => {
    const { pipeline } = read('pipeline.yaml', exampleText);
    const upload = pipeline!.rules.find((r) => r.name === 'pipeline-on-upload')!;
    assert.deepEqual(JSON.parse(upload.value.EventPattern as string), { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: ['pipeline-raw'] }, object: { key: [{ prefix: 'incoming/' }] } } });
    const [t] = upload.value.Targets as TargetShape[];
    assert.equal(t.Arn, 'arn:aws:batch:us-east-1:000000000000:job-queue/pipeline');
    assert.deepEqual(t.BatchParameters, { JobDefinition: 'count-words', JobName: 'count-words', ArrayProperties: { Size: 2 } });
    assert.equal(t.InputTransformer.InputPathsMap.key, '$.detail.object.key');
    assert.deepEqual(t.RetryPolicy, { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
    const failure = pipeline!.rules.find((r) => r.name === 'pipeline-on-failure')!;
    assert.equal((failure.value.Targets as Array<Record<string, unknown>>)[0].Arn, 'arn:aws:sns:us-east-1:000000000000:pipeline-alerts');
    assert.deepEqual(pipeline!.topics.map((x) => x.value), [{ Name: 'pipeline-alerts', TopicArn: 'arn:aws:sns:us-east-1:000000000000:pipeline-alerts' }]);
    assert.deepEqual(pipeline!.subscriptions.map((x) => x.value), [{ TopicArn: 'arn:aws:sns:us-east-1:000000000000:pipeline-alerts', Protocol: 'email', Endpoint: 'team@example.com' }]);
    assert.deepEqual(pipeline!.buckets.map((b) => b.value), [{ Bucket: 'pipeline-raw', EventBridgeEnabled: true }, { Bucket: 'pipeline-results', EventBridgeEnabled: false }]);
    const [nightly] = pipeline!.schedules;
    assert.equal(nightly.name, 'pipeline-nightly');
    assert.equal(nightly.value.ScheduleExpressionTimezone, 'Europe/Berlin');
    assert.deepEqual(diagnosticsOf('pipeline.yaml', exampleText), []);
  });

  it('generates names as CloudFormation does for unnamed rules and topics (<stack>-<LogicalId>), with a standalone Subscription', () => {
    const text = `Resources:
  Tick:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 hour)
  Topic:
    Type: AWS::SNS::Topic
  Sub:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Topic
      Protocol: email
      Endpoint: a@example.com
      FilterPolicy: { status: [FAILED] }
`;
    const { pipeline } = read('ops.yaml', text);
    assert.equal(pipeline!.rules[0].name, 'ops-Tick');
    assert.equal(pipeline!.topics[0].name, 'ops-Topic');
    assert.deepEqual(pipeline!.subscriptions[0].value, { TopicArn: 'arn:aws:sns:us-east-1:000000000000:ops-Topic', Protocol: 'email', Endpoint: 'a@example.com', Attributes: { FilterPolicy: '{"status":["FAILED"]}' } });
  });

  it('reports an SNS subscription\'s FilterPolicy, FilterPolicyScope and RawMessageDelivery that SNS refuses, at their lines', () => {
    const text = `Resources:
  Alerts:
    Type: AWS::SNS::Topic
    Properties: { TopicName: alerts }
  Oncall:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Alerts
      Protocol: email
      Endpoint: oncall@example.com
      FilterPolicy: { level: warn }
      FilterPolicyScope: Body
      RawMessageDelivery: yes
  Fine:
    Type: AWS::SNS::Subscription
    Properties: { TopicArn: !Ref Alerts, Protocol: email, Endpoint: a@example.com, FilterPolicy: { level: [warn] }, RawMessageDelivery: true }
  Empty:
    Type: AWS::SNS::Subscription
    Properties: { TopicArn: !Ref Alerts, Protocol: email, Endpoint: b@example.com, FilterPolicy: {} }
`;
    const lines = text.split('\n');
    const ds = diagnosticsOf('sns.yaml', text).filter((d) => d.rule === 'sns-filter-policy-invalid');
    assert.deepEqual(ds.map((d) => lines[d.range.start.line].trim().split(':')[0]), ['FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery']);
    assert.match(ds[0].message, /Subscription email oncall@example.com: FilterPolicy: .*"level": \["warn"\]/);
  });

  it('reports an SNS subscription\'s DeliveryPolicy that SNS refuses (error) or with a member SNS does not document (warning, did-you-mean), at its line', () => {
    const text = `Resources:
  Alerts:
    Type: AWS::SNS::Topic
    Properties: { TopicName: alerts }
  Wrapped:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Alerts
      Protocol: https
      Endpoint: https://example.com/a
      DeliveryPolicy: { http: { defaultHealthyRetryPolicy: { numRetries: 3 } } }
  Misspelt:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Alerts
      Protocol: https
      Endpoint: https://example.com/b
      DeliveryPolicy: { healthyRetryPolicys: { numRetries: 3 } }
  Fine:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Alerts
      Protocol: https
      Endpoint: https://example.com/c
      DeliveryPolicy: { healthyRetryPolicy: { minDelayTarget: 1, maxDelayTarget: 5, numRetries: 3 }, throttlePolicy: { maxReceivesPerSecond: 5 }, guaranteed: false }
`;
    const lines = text.split('\n');
    const ds = diagnosticsOf('sns.yaml', text).filter((d) => d.rule === 'sns-delivery-policy-invalid');
    assert.deepEqual(ds.map((d) => [d.severity, d.range.start.line]), [['error', 10], ['warning', 17]]);
    assert.ok(ds.every((d) => lines[d.range.start.line].trim().startsWith('DeliveryPolicy:')));
    assert.match(ds[0].message, /Subscription https https:\/\/example.com\/a: DeliveryPolicy: a subscription's policy has no http member/);
    assert.match(ds[1].message, /a member 'healthyRetryPolicys' \(did you mean 'healthyRetryPolicy'\?\): it has no effect/);
  });

  it('reports bad patterns, schedules, InputTransformer placeholders and unknown targets at their lines, with did-you-mean', () => {
    const broken = exampleText
      .replace('key: [{ prefix: incoming/ }]', 'key: [{ prefx: incoming/ }]')
      .replace('JobDefinition: !Ref CountJob', 'JobDefinition: count-word')
      .replace('"key": <key>}}', '"key": <kee>}}')
      .replace('cron(0 3 * * ? *)', 'cron(0 3 * * * *)')
      .replace('"JobQueue": "pipeline"', '"JobQueue": "pipelin"');
    const lines = broken.split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle));
    const ds = diagnosticsOf('pipeline.yaml', broken);
    const by = (rule: string) => ds.filter((d) => d.rule === rule);
    assert.equal(by('event-pattern-invalid').length, 1);
    assert.match(by('event-pattern-invalid')[0].message, /Unrecognized match type prefx/);
    assert.equal(by('event-pattern-invalid')[0].range.start.line, lineOf('source: [aws.s3]'), 'at the pattern');
    const jd = by('target-unknown-job-definition');
    assert.equal(jd.length, 1);
    assert.match(jd[0].message, /'count-word'.*did you mean 'count-words'/);
    assert.equal(jd[0].range.start.line, lineOf('JobDefinition: count-word'));
    assert.equal(jd[0].suggestion, 'count-words');
    const it = by('input-transformer-invalid');
    assert.match(it[0].message, /<kee>, which InputPathsMap does not define/);
    assert.equal(it[0].range.start.line, lineOf('<kee>'));
    const sched = by('schedule-expression-invalid');
    assert.match(sched[0].message, /exactly one of day-of-month and day-of-week must be \?/);
    assert.equal(sched[0].range.start.line, lineOf('cron(0 3 * * * *)'));
    const queue = by('target-unknown-job-queue');
    assert.match(queue[0].message, /'pipelin'.*did you mean 'pipeline'/);
  });

  it('refuses rate(1 minutes) and an at() on a rule, as AWS does', () => {
    const text = `Resources:
  A: { Type: AWS::Events::Rule, Properties: { ScheduleExpression: rate(1 minutes) } }
  B: { Type: AWS::Events::Rule, Properties: { ScheduleExpression: at(2030-01-01T00:00:00) } }
  C: { Type: AWS::Scheduler::Schedule, Properties: { ScheduleExpression: at(2030-01-01T00:00:00), FlexibleTimeWindow: { Mode: "OFF" }, Target: { Arn: arn:aws:sns:us-east-1:000000000000:t, RoleArn: arn:aws:iam::000000000000:role/r } } }
`;
    const ds = diagnosticsOf('s.yaml', text).filter((d) => d.rule === 'schedule-expression-invalid');
    assert.deepEqual(ds.map((d) => d.message.split(':')[0]), ["Rule 's-A'", "Rule 's-B'"]);
  });

  it('reads Terraform state, and a plan whose ARNs are known only after apply through the configuration references', () => {
    const resources = (queueArn: string | null, topic: string | null) => [
      { address: 'aws_batch_job_queue.q', mode: 'managed', type: 'aws_batch_job_queue', name: 'q', values: { name: 'tf-queue', state: 'ENABLED', priority: 1, arn: queueArn, compute_environment_order: [] } },
      { address: 'aws_batch_job_definition.jd', mode: 'managed', type: 'aws_batch_job_definition', name: 'jd', values: { name: 'tf-job', type: 'container', container_properties: '{"image":"busybox","command":["true"],"resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"128"}]}' } },
      { address: 'aws_cloudwatch_event_rule.r', mode: 'managed', type: 'aws_cloudwatch_event_rule', name: 'r', values: { name: 'tf-rule', event_pattern: '{"source":["aws.s3"]}', state: 'ENABLED' } },
      { address: 'aws_cloudwatch_event_target.t', mode: 'managed', type: 'aws_cloudwatch_event_target', name: 't', values: { rule: 'tf-rule', target_id: 'submit', arn: queueArn, batch_target: [{ job_definition: 'tf-job', job_name: 'tf', array_size: 4, job_attempts: 0 }], input_transformer: [{ input_paths: { k: '$.detail.object.key' }, input_template: '{"Parameters":{"key":<k>}}' }], retry_policy: [], dead_letter_config: [] } },
      { address: 'aws_scheduler_schedule.s', mode: 'managed', type: 'aws_scheduler_schedule', name: 's', values: { name: 'tf-nightly', schedule_expression: 'cron(0 3 * * ? *)', flexible_time_window: [{ mode: 'OFF', maximum_window_in_minutes: 0 }], target: [{ arn: 'arn:aws:scheduler:::aws-sdk:batch:submitJob', role_arn: 'arn:aws:iam::000000000000:role/r', input: '{"JobName":"n","JobQueue":"tf-queue","JobDefinition":"tf-job"}', retry_policy: [], dead_letter_config: [] }] } },
      { address: 'aws_sns_topic.alerts', mode: 'managed', type: 'aws_sns_topic', name: 'alerts', values: { name: 'tf-alerts', arn: topic } },
      { address: 'aws_sns_topic_subscription.mail', mode: 'managed', type: 'aws_sns_topic_subscription', name: 'mail', values: { topic_arn: topic, protocol: 'email', endpoint: 'ops@example.com', filter_policy: '' } },
      { address: 'aws_s3_bucket_notification.raw', mode: 'managed', type: 'aws_s3_bucket_notification', name: 'raw', values: { bucket: 'tf-raw', eventbridge: true, topic: [{ id: 'csv', topic_arn: topic, events: ['s3:ObjectCreated:*'], filter_prefix: 'in/', filter_suffix: '.csv' }], queue: [{ queue_arn: 'arn:aws:sqs:us-east-1:123456789012:q', events: ['s3:ObjectRemoved:*'], filter_prefix: '', filter_suffix: '' }] } },
    ];
    const state = { format_version: '1.0', values: { root_module: { resources: resources('arn:aws:batch:us-east-1:123456789012:job-queue/tf-queue', 'arn:aws:sns:us-east-1:123456789012:tf-alerts') } } };
    const plan = {
      format_version: '1.2',
      planned_values: { root_module: { resources: resources(null, null) } },
      resource_changes: [{ address: 'aws_cloudwatch_event_target.t', change: { after_unknown: { arn: true } } }, { address: 'aws_sns_topic_subscription.mail', change: { after_unknown: { topic_arn: true } } }],
      configuration: { root_module: { resources: [
        { address: 'aws_cloudwatch_event_target.t', expressions: { arn: { references: ['aws_batch_job_queue.q.arn', 'aws_batch_job_queue.q'] }, rule: { references: ['aws_cloudwatch_event_rule.r.name', 'aws_cloudwatch_event_rule.r'] } } },
        { address: 'aws_sns_topic_subscription.mail', expressions: { topic_arn: { references: ['aws_sns_topic.alerts.arn', 'aws_sns_topic.alerts'] } } },
        { address: 'aws_s3_bucket_notification.raw', expressions: { topic: [{ topic_arn: { references: ['aws_sns_topic.alerts.arn', 'aws_sns_topic.alerts'] } }] } },
      ] } },
    };
    for (const [file, json, arn, topicArn] of [['state.json', state, 'arn:aws:batch:us-east-1:123456789012:job-queue/tf-queue', 'arn:aws:sns:us-east-1:123456789012:tf-alerts'], ['plan.json', plan, 'arn:aws:batch:us-east-1:000000000000:job-queue/tf-queue', 'arn:aws:sns:us-east-1:000000000000:tf-alerts']] as const) {
      const text = JSON.stringify(json, null, 1);
      const t = readIac(SourceDocument.parse(file, text, 'json'));
      const p = t!.pipeline!;
      assert.equal(p.rules[0].name, 'tf-rule');
      assert.deepEqual(p.rules[0].value.Targets, [{ Id: 'submit', Arn: arn, BatchParameters: { JobDefinition: 'tf-job', JobName: 'tf', ArrayProperties: { Size: 4 } }, InputTransformer: { InputPathsMap: { k: '$.detail.object.key' }, InputTemplate: '{"Parameters":{"key":<k>}}' } }], file);
      assert.equal(p.schedules[0].value.ScheduleExpression, 'cron(0 3 * * ? *)');
      assert.deepEqual(p.schedules[0].value.FlexibleTimeWindow, { Mode: 'OFF' });
      assert.deepEqual(p.subscriptions[0].value, { TopicArn: topicArn, Protocol: 'email', Endpoint: 'ops@example.com' }, file);
      assert.deepEqual(p.buckets[0].value, {
        Bucket: 'tf-raw',
        EventBridgeEnabled: true,
        TopicConfigurations: [{ Id: 'csv', TopicArn: topicArn, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'Prefix', Value: 'in/' }, { Name: 'Suffix', Value: '.csv' }] } } }],
        QueueConfigurations: [{ QueueArn: 'arn:aws:sqs:us-east-1:123456789012:q', Events: ['s3:ObjectRemoved:*'] }],
      }, file);
      const ds = validateWorkspace([{ path: file, text }]).filter((d) => /^(event-pattern|schedule|input-transformer|target-unknown|s3-notification-invalid)/.test(d.rule));
      assert.deepEqual(ds, [], file);
      // The queue is not loaded: a warning at its queue_arn.
      const queue = validateWorkspace([{ path: file, text }]).filter((d) => d.rule === 's3-notification-not-loaded');
      assert.deepEqual(queue.map((d) => d.range.start.line), [text.split('\n').findIndex((l) => l.includes('"queue_arn"'))], file);
    }
    const bad = JSON.stringify(state, null, 1).replace('"job_definition": "tf-job"', '"job_definition": "tf-jbo"');
    const ds = validateWorkspace([{ path: 'state.json', text: bad }]).filter((d) => d.rule === 'target-unknown-job-definition');
    assert.equal(ds.length, 1);
    assert.equal(ds[0].range.start.line, bad.split('\n').findIndex((l) => l.includes('"tf-jbo"')));
    // A bucket notification's unknown event, at its line in the state.
    const badEvent = JSON.stringify(state, null, 1).replace('"s3:ObjectCreated:*"', '"s3:ObjectCreated:Puut"');
    const ev = validateWorkspace([{ path: 'state.json', text: badEvent }]).filter((d) => d.rule === 's3-notification-invalid');
    assert.deepEqual(ev.map((d) => d.range.start.line), [badEvent.split('\n').findIndex((l) => l.includes('Puut'))]);
    // The queue's block with the topic's id: S3 refuses two configurations with one Id, of any kind; at the second's id.
    const twice = JSON.stringify(state, null, 1).replace('"queue_arn"', '"id": "csv",\n "queue_arn"');
    const dup = validateWorkspace([{ path: 'state.json', text: twice }]).filter((d) => d.rule === 's3-notification-invalid');
    const idLines = twice.split('\n').flatMap((l, i) => (l.includes('"id": "csv"') ? [i] : []));
    assert.equal(idLines.length, 2);
    assert.deepEqual(dup.map((d) => [d.range.start.line, d.message]), [[idLines[1], `Bucket 'tf-raw': Same ID used for multiple configurations. IDs must be unique. ('csv' is also the Id of the configuration at line ${idLines[0]! + 1})`]]);
  });

  it('reads a bucket\'s notifications to topics: CloudFormation\'s TopicConfigurations and the CDK handler\'s, merged by bucket', () => {
    const text = `Resources:
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: uploads
  Raw:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: raw
      NotificationConfiguration:
        TopicConfigurations:
          - Event: s3:ObjectCreated:*
            Topic: !Ref Alerts
            Filter:
              S3Key:
                Rules:
                  - { Name: suffix, Value: .csv }
  RawNotifications:
    Type: Custom::S3BucketNotifications
    Properties:
      BucketName: raw
      NotificationConfiguration:
        EventBridgeConfiguration: {}
        TopicConfigurations:
          - Events: [s3:ObjectRemoved:*]
            TopicArn: !Ref Alerts
`;
    const { pipeline } = read('n.yaml', text);
    const topic = 'arn:aws:sns:us-east-1:000000000000:uploads';
    assert.deepEqual(pipeline!.buckets.map((b) => b.value), [{
      Bucket: 'raw',
      EventBridgeEnabled: true,
      TopicConfigurations: [
        { TopicArn: topic, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.csv' }] } } },
        { TopicArn: topic, Events: ['s3:ObjectRemoved:*'] },
      ],
    }]);
  });

  it('checks a bucket\'s notification configurations as S3 does, at the template\'s lines, and warns of those not loaded', () => {
    const text = `Resources:
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: uploads
  Raw:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: raw
      NotificationConfiguration:
        TopicConfigurations:
          - Event: s3:ObjectCreated:Upload
            Topic: !Ref Alerts
          - Event: s3:ObjectRemoved:*
            Topic: arn:aws:sns:us-east-1:000000000000:elsewhere
            Filter:
              S3Key:
                Rules:
                  - { Name: prefix, Value: a/ }
                  - { Name: contains, Value: x }
          - Event: s3:ObjectCreated:*
            Topic: !Ref Alerts
        QueueConfigurations:
          - Event: s3:ObjectCreated:Put
            Queue: arn:aws:sqs:us-east-1:000000000000:q
  RawNotifications:
    Type: Custom::S3BucketNotifications
    Properties:
      BucketName: raw
      NotificationConfiguration:
        TopicConfigurations:
          - Events: [s3:ObjectRestore:Post, s3:ObjectRemoved:Delete]
            TopicArn: !Ref Alerts
`;
    const lines = text.split('\n');
    const lineOf = (needle: string, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(needle));
    const ds = diagnosticsOf('b.yaml', text).filter((d) => d.rule.startsWith('s3-notification'));
    const at = (d: (typeof ds)[number]) => [d.rule, d.severity, d.range.start.line];
    assert.deepEqual(ds.map(at).sort(), [
      // The unknown event, at its Event line (with a did-you-mean).
      ['s3-notification-invalid', 'error', lineOf('s3:ObjectCreated:Upload')],
      // The second filter rule, which is neither prefix nor suffix.
      ['s3-notification-invalid', 'error', lineOf('Name: contains')],
      // A topic no template declares.
      ['s3-notification-invalid', 'warning', lineOf(':elsewhere')],
      // The queue, at its ARN.
      ['s3-notification-not-loaded', 'warning', lineOf('Queue: arn')],
      // The queue's ObjectCreated:Put overlaps the third topic configuration's ObjectCreated:* (neither
      // has a filter): reported at the later one. (An unknown event overlaps nothing.)
      ['s3-notification-invalid', 'error', lineOf('- Event: s3:ObjectCreated:Put')],
    ].sort());
    const unsupported = ds.find((d) => /not supported/.test(d.message))!;
    assert.match(unsupported.message, /Bucket 'raw': the event 's3:ObjectCreated:Upload' is not supported for notifications \(did you mean 's3:ObjectCreated:\w+'\?\)/);
    assert.match(String(unsupported.suggestion), /^s3:ObjectCreated:\w+$/, 'the quick fix puts the suggested event in');
    assert.match(ds.find((d) => /overlap/.test(d.message))!.message, new RegExp(`Configurations overlap.*s3:ObjectCreated.*with the configuration at line ${lineOf('- Event: s3:ObjectCreated:*') + 1}, `));
    assert.match(ds.find((d) => d.rule === 's3-notification-not-loaded')!.message, /^Bucket 'raw': its SQS queue notifications are not loaded \(there is no local SQS\)/);
    assert.match(ds.find((d) => /contains|prefix or suffix/.test(d.message))!.message, /^Bucket 'raw': filter rule name must be either prefix or suffix$/);
    assert.match(ds.find((d) => d.severity === 'warning' && d.rule === 's3-notification-invalid')!.message, /^Bucket 'raw': it notifies the topic 'elsewhere', which no template/);
    // A declared topic's name in another region or account, and a value that is no SNS topic ARN.
    const other = diagnosticsOf('b.yaml', text.replace('arn:aws:sns:us-east-1:000000000000:elsewhere', 'arn:aws:sns:eu-west-1:111111111111:uploads')).find((d) => d.severity === 'warning' && d.rule === 's3-notification-invalid');
    assert.match(other!.message, /it notifies 'arn:aws:sns:eu-west-1:111111111111:uploads', but the workspace's topic uploads is 'arn:aws:sns:us-east-1:000000000000:uploads'/);
    const sqs = diagnosticsOf('b.yaml', text.replace('arn:aws:sns:us-east-1:000000000000:elsewhere', 'arn:aws:sqs:us-east-1:000000000000:q')).find((d) => d.severity === 'warning' && d.rule === 's3-notification-invalid');
    assert.match(sqs!.message, /the topic must be an SNS topic ARN/);
    // A FIFO topic is no destination S3 takes: an error at its ARN.
    const fifoText = text.replace('arn:aws:sns:us-east-1:000000000000:elsewhere', 'arn:aws:sns:us-east-1:000000000000:orders.fifo');
    const fifo = diagnosticsOf('b.yaml', fifoText).find((d) => /FIFO/.test(d.message));
    assert.deepEqual([fifo?.severity, fifo?.rule, fifo?.range.start.line], ['error', 's3-notification-invalid', fifoText.split('\n').findIndex((l) => l.includes('orders.fifo'))]);
    assert.match(fifo!.message, /S3 event notifications go to standard topics; 'orders\.fifo' is a FIFO topic/);
  });

  it('reads a template whose only pipeline resource is a bucket with EventBridge or topic notifications; not one with none, or only Lambda ones', () => {
    const bucket = (nc: string) => `Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: b\n${nc}`;
    const eb = readIac(parseTemplateDocument('eb.yaml', bucket('      NotificationConfiguration:\n        EventBridgeConfiguration:\n          EventBridgeEnabled: true\n')));
    assert.deepEqual(eb?.pipeline?.buckets.map((b) => b.value), [{ Bucket: 'b', EventBridgeEnabled: true }]);
    const cdk = readIac(parseTemplateDocument('cdk.json', JSON.stringify({ Resources: { N: { Type: 'Custom::S3BucketNotifications', Properties: { BucketName: 'b', NotificationConfiguration: { EventBridgeConfiguration: {} } } } } })));
    assert.equal(cdk?.pipeline?.buckets[0]?.value.EventBridgeEnabled, true);
    assert.equal(readIac(parseTemplateDocument('plain.yaml', bucket(''))), undefined);
    assert.equal(readIac(parseTemplateDocument('lambda.yaml', bucket('      NotificationConfiguration:\n        LambdaConfigurations:\n          - { Event: s3:ObjectCreated:*, Function: arn:aws:lambda:us-east-1:1:function:f }\n'))), undefined);
  });

  it('reports a CloudFormation notification configuration in another shape (the API\'s Filter.Key, Events, no Topic) and does not load it', () => {
    const text = `Resources:
  T:
    Type: AWS::SNS::Topic
    Properties: { TopicName: t }
  B:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: b
      NotificationConfiguration:
        TopicConfigurations:
          - Event: s3:ObjectCreated:*
            Topic: !Ref T
            Filter: { Key: { FilterRules: [{ Name: suffix, Value: .csv }] } }
          - Events: [s3:ObjectRemoved:*]
            Topic: !Ref T
          - Event: s3:ObjectRestore:*
          - Event: s3:ObjectCreated:Copy
            Topic: !Ref T
            Filter: { S3Key: { Rules: [{ Name: prefix, Value: in/ }] } }
`;
    const lines = text.split('\n');
    const { pipeline } = read('shape.yaml', text);
    const configs = pipeline!.buckets[0].value.TopicConfigurations as Array<Record<string, unknown>>;
    assert.deepEqual(configs.map((c) => typeof c.Problem === 'string'), [true, true, true, false]);
    assert.match(String(configs[0].Problem), /Filter: \{ S3Key: \{ Rules/);
    assert.match(String(configs[1].Problem), /not 'Events' \(the S3 API's name; CloudFormation's is Event\)/);
    assert.match(String(configs[2].Problem), /needs its Topic/);
    const ds = diagnosticsOf('shape.yaml', text).filter((d) => d.rule === 's3-notification-invalid' && d.severity === 'error');
    assert.deepEqual(ds.map((d) => d.range.start.line), [lines.findIndex((l) => l.includes('- Event: s3:ObjectCreated:*')), lines.findIndex((l) => l.includes('- Events:')), lines.findIndex((l) => l.includes('ObjectRestore'))]);
    assert.ok(ds.every((d) => /this configuration is not loaded$/.test(d.message)));
    const list = read('list.yaml', text.replace(/TopicConfigurations:[\s\S]*$/, 'TopicConfigurations: notalist\n'));
    assert.match(String((list.pipeline!.buckets[0].value.TopicConfigurations as Array<Record<string, unknown>>)[0].Problem), /must be a list/);
  });
});

