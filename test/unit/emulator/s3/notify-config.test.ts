import assert from 'node:assert/strict';
import { eventKey, eventsFor, notificationMessage } from '../../../../src/emulator/s3/events';
import { eventNameOf, matchingTopics, notifyConfigXml, parseNotifyConfig } from '../../../../src/emulator/s3/notify-config';
import { S3Error } from '../../../../src/emulator/s3/errors';
import { fromXml } from '../../../../src/emulator/s3/xml';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:t';
const parse = (xml: string) => {
  let made = 0;
  return parseNotifyConfig(fromXml(Buffer.from(`<NotificationConfiguration>${xml}</NotificationConfiguration>`), 'NotificationConfiguration'), () => `generated-${++made}`);
};
const topic = (events: string[], rules = '', id = '') => `<TopicConfiguration>${id ? `<Id>${id}</Id>` : ''}<Topic>${TOPIC}</Topic>${events.map((e) => `<Event>${e}</Event>`).join('')}${rules ? `<Filter><S3Key>${rules}</S3Key></Filter>` : ''}</TopicConfiguration>`;
const rule = (name: string, value: string) => `<FilterRule><Name>${name}</Name><Value>${value}</Value></FilterRule>`;
const refused = (xml: string, code: string, message: RegExp) => assert.throws(() => parse(xml), (e: unknown) => e instanceof S3Error && e.code === code && message.test(e.message));

describe('S3 notification configurations (unit)', () => {
  it('reads topic, queue and function configurations with their filters, gives an Id to those without, and writes them back', () => {
    const c = parse(`${topic(['s3:ObjectCreated:*'], rule('prefix', 'in/') + rule('Suffix', '.csv'), 'mine')}${topic(['s3:ObjectRemoved:Delete'])}<QueueConfiguration><Queue>arn:aws:sqs:us-east-1:1:q</Queue><Event>s3:ObjectRestore:Completed</Event></QueueConfiguration><EventBridgeConfiguration/>`);
    assert.deepEqual(c.targets.map((t) => [t.kind, t.id, t.events.join(','), t.prefix, t.suffix]), [
      ['Topic', 'mine', 's3:ObjectCreated:*', 'in/', '.csv'],
      ['Topic', 'generated-1', 's3:ObjectRemoved:Delete', undefined, undefined],
      ['Queue', 'generated-2', 's3:ObjectRestore:Completed', undefined, undefined],
    ]);
    assert.equal(c.eventBridge, true);
    const again = parseNotifyConfig(fromXml(Buffer.from(notifyConfigXml(c)), 'NotificationConfiguration'));
    assert.deepEqual(again, c);
    assert.match(notifyConfigXml(c), /<FilterRule><Name>Prefix<\/Name><Value>in\/<\/Value><\/FilterRule><FilterRule><Name>Suffix<\/Name>/);
  });

  it('refuses unknown events, bad filter rules, missing events and overlapping configurations, as S3 does', () => {
    refused(topic(['s3:ObjectCreated:Upload']), 'InvalidArgument', /^The event is not supported for notifications$/);
    refused(topic(['s3:TestEvent']), 'InvalidArgument', /not supported/);
    refused(topic(['s3:ObjectCreated:*'], rule('contains', 'x')), 'InvalidArgument', /filter rule name must be either prefix or suffix/);
    refused(topic(['s3:ObjectCreated:*'], rule('prefix', 'a') + rule('Prefix', 'b')), 'InvalidArgument', /Cannot specify more than one prefix rule/);
    refused(topic([]), 'MalformedXML', /at least one Event/);
    refused(`<TopicConfiguration><Event>s3:ObjectCreated:*</Event></TopicConfiguration>`, 'MalformedXML', /needs its Topic ARN/);
    refused(topic(['s3:ObjectCreated:*']) + topic(['s3:ObjectCreated:Put'], rule('prefix', 'in/')), 'InvalidArgument', /Configurations overlap/);
    refused(topic(['s3:ObjectCreated:Put'], rule('prefix', 'in/')) + topic(['s3:ObjectCreated:Put'], rule('prefix', 'in/deep/')), 'InvalidArgument', /overlap/);
    // Two configurations with one Id, whatever their kinds (checked after the overlap); Ids made here never clash.
    refused(topic(['s3:ObjectCreated:*'], '', 'csv') + `<QueueConfiguration><Id>csv</Id><Queue>arn:aws:sqs:us-east-1:1:q</Queue><Event>s3:ObjectRemoved:*</Event></QueueConfiguration>`, 'InvalidArgument', /^Same ID used for multiple configurations\. IDs must be unique\.$/);
    parse(topic(['s3:ObjectCreated:*'], '', 'csv') + topic(['s3:ObjectRemoved:*'], '', 'CSV'));
    assert.throws(() => parse(topic(['s3:ObjectCreated:*'], '', 'a') + topic(['s3:ObjectRemoved:*'], '', 'a')), (e: unknown) => e instanceof S3Error && e.extra.ArgumentName === 'Id' && e.extra.ArgumentValue === 'a');
    // No overlap: other events, or filters no key can match both of.
    parse(topic(['s3:ObjectCreated:*']) + topic(['s3:ObjectRemoved:*']));
    parse(topic(['s3:ObjectCreated:*'], rule('prefix', 'a/')) + topic(['s3:ObjectCreated:*'], rule('prefix', 'b/')));
    parse(topic(['s3:ObjectCreated:*'], rule('suffix', '.csv')) + topic(['s3:ObjectCreated:*'], rule('suffix', '.json')));
  });

  it('matches a change by event (a wildcard covers its family) and by key prefix and suffix', () => {
    const c = parse(topic(['s3:ObjectCreated:Put', 's3:ObjectRemoved:*'], rule('prefix', 'in/') + rule('suffix', '.csv')));
    assert.equal(matchingTopics(c, 'ObjectCreated:Put', 'in/a.csv').length, 1);
    assert.equal(matchingTopics(c, 'ObjectRemoved:Delete', 'in/a.csv').length, 1);
    assert.equal(matchingTopics(c, 'ObjectCreated:Copy', 'in/a.csv').length, 0);
    assert.equal(matchingTopics(c, 'ObjectCreated:Put', 'out/a.csv').length, 0);
    assert.equal(matchingTopics(c, 'ObjectCreated:Put', 'in/a.txt').length, 0);
    assert.deepEqual(['PutObject', 'CopyObject', 'CompleteMultipartUpload'].map((r) => eventNameOf('created', r)), ['ObjectCreated:Put', 'ObjectCreated:Copy', 'ObjectCreated:CompleteMultipartUpload']);
    assert.equal(eventNameOf('deleted', 'DeleteObjects'), 'ObjectRemoved:Delete');
  });

  it("writes S3's event message: version 2.1, the key URL-encoded with + for spaces", () => {
    assert.equal(eventKey('in/day 1+x.csv'), 'in/day+1%2Bx.csv');
    const ctx = { account: '000000000000', region: 'eu-west-1', now: () => new Date('2026-01-02T03:04:05.678Z') };
    const change = { kind: 'created' as const, bucket: 'b', key: 'a b', size: 3, etag: 'abc', reason: 'PutObject', requestId: 'R1', sourceIp: '127.0.0.1', accessKeyId: 'K', eventBridge: false };
    const [r] = (JSON.parse(notificationMessage(change, 'ObjectCreated:Put', 'cfg', ctx)) as { Records: Array<Record<string, unknown>> }).Records;
    assert.deepEqual(r, {
      eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'eu-west-1', eventTime: '2026-01-02T03:04:05.678Z', eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:K' }, requestParameters: { sourceIPAddress: '127.0.0.1' }, responseElements: { 'x-amz-request-id': 'R1', 'x-amz-id-2': 'R1' },
      s3: { s3SchemaVersion: '1.0', configurationId: 'cfg', bucket: { name: 'b', ownerIdentity: { principalId: '000000000000' }, arn: 'arn:aws:s3:::b' }, object: { key: 'a+b', size: 3, eTag: 'abc', sequencer: (r.s3 as { object: { sequencer: string } }).object.sequencer } },
    });
    // With who the key is (the server asks STS's rules): the requester's unique id, and CloudTrail's
    // userIdentity an assumed role for a job's key.
    const role = { Account: '111122223333', Arn: 'arn:aws:sts::111122223333:assumed-role/etl/localbatch-j1-1', UserId: 'AROAABCDEFGHIJKLMNOPQ:localbatch-j1-1' };
    const withId = { ...ctx, identity: (key: string) => (key === 'K' ? role : undefined) };
    const [n] = (JSON.parse(notificationMessage(change, 'ObjectCreated:Put', 'cfg', withId)) as { Records: Array<{ userIdentity: unknown }> }).Records;
    assert.deepEqual(n.userIdentity, { principalId: `AWS:${role.UserId}` });
    const trail = eventsFor(change, withId).find((e) => e['detail-type'] === 'AWS API Call via CloudTrail')!;
    assert.deepEqual((trail.detail as { userIdentity: unknown }).userIdentity, { type: 'AssumedRole', principalId: role.UserId, arn: role.Arn, accountId: '111122223333', accessKeyId: 'K' });
    // A file dropped into the folder has no requester: the bucket owner's account.
    const [dropped] = (JSON.parse(notificationMessage({ ...change, accessKeyId: '' }, 'ObjectCreated:Put', 'cfg', withId)) as { Records: Array<{ userIdentity: unknown }> }).Records;
    assert.deepEqual(dropped.userIdentity, { principalId: '000000000000' });
  });
});
