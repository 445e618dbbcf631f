/** Where a template's pipeline resource is, in the lines serve prints (src/client/pipeline-where.ts). */
import assert from 'node:assert/strict';
import { parseTemplateDocument, readIac } from '../../../src/model/iac';
import { whereIs } from '../../../src/client/pipeline-where';

const TEMPLATE = `Resources:
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: alerts
  Oncall:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Alerts
      Protocol: email
      Endpoint: oncall@example.com
      RawMessageDelivery: "true"
      FilterPolicy: { level: warn }
`;
const lineOf = (text: string) => TEMPLATE.split('\n').findIndex((l) => l.includes(text)) + 1;

describe('whereIs (where serve says a template resource is)', () => {
  const sub = readIac(parseTemplateDocument('t.yaml', TEMPLATE))!.pipeline!.subscriptions[0]!;

  it('the resource itself (its Properties, line 8) when no property is named', () => {
    assert.equal(whereIs(sub), 't.yaml:8');
  });

  it('the line of the attribute an error names, as validate points at it', () => {
    assert.equal(whereIs(sub, 'Invalid parameter: FilterPolicy: Match value must be an array'), `t.yaml:${lineOf('FilterPolicy:')}`);
    assert.equal(whereIs(sub, 'Invalid parameter: RawMessageDelivery'), `t.yaml:${lineOf('RawMessageDelivery:')}`);
    assert.equal(whereIs(sub, 'Invalid parameter: Endpoint'), `t.yaml:${lineOf('Endpoint:')}`);
  });

  it('a word that only contains a property name is not that property', () => {
    assert.equal(whereIs(sub, 'MyFilterPolicyX is wrong'), whereIs(sub));
  });

  it('the line of the value an S3 error quotes (the event or the topic it could not validate)', () => {
    const text = `Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: raw
      NotificationConfiguration:
        TopicConfigurations:
          - Event: s3:ObjectCreated:Puut
            Topic: arn:aws:sns:us-east-1:000000000000:missing
`;
    const bucket = readIac(parseTemplateDocument('b.yaml', text))!.pipeline!.buckets[0]!;
    const at = (needle: string) => `b.yaml:${text.split('\n').findIndex((l) => l.includes(needle)) + 1}`;
    assert.equal(whereIs(bucket, 'The event is not supported for notifications (Event: s3:ObjectCreated:Puut)'), at('Puut'));
    assert.equal(whereIs(bucket, 'Unable to validate the following destination configurations (arn:aws:sns:us-east-1:000000000000:missing: Error: the topic does not exist)'), at(':missing'));
  });
});

