import assert from 'node:assert/strict';
import { checkInputTransformer, targetInput } from '../../../../src/emulator/events/core/input';

const event = {
  version: '0',
  id: 'e1',
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: '123456789012',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:s3:::raw'],
  detail: { bucket: { name: 'raw' }, object: { key: 'in/a "q".csv', size: 42 }, list: [1, 2] },
};
const ctx = { ruleName: 'r', ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/r', ingestionTime: '2026-01-01T00:00:01.000Z' };

describe('EventBridge target input', () => {
  it('sends the whole event by default, Input as given, InputPath as the selected JSON', () => {
    assert.deepEqual(JSON.parse(targetInput({}, event, ctx)), event);
    assert.equal(targetInput({ Input: '{"a":1}' }, event, ctx), '{"a":1}');
    assert.equal(targetInput({ InputPath: '$.detail.bucket' }, event, ctx), '{"name":"raw"}');
  });

  it('quotes a JSON template as AWS does: values outside quotes as JSON, inside quotes as escaped text', () => {
    const out = targetInput(
      {
        InputTransformer: {
          InputPathsMap: { bucket: '$.detail.bucket.name', key: '$.detail.object.key', size: '$.detail.object.size', list: '$.detail.list', none: '$.detail.missing' },
          InputTemplate: '{"Parameters": {"bucket": <bucket>, "key": "<key>", "note": "size <size> of <bucket>"}, "size": <size>, "list": <list>, "none": <none>, "rule": "<aws.events.rule-name>"}',
        },
      },
      event,
      ctx,
    );
    assert.deepEqual(JSON.parse(out), {
      Parameters: { bucket: 'raw', key: 'in/a "q".csv', note: 'size 42 of raw' },
      size: 42,
      list: [1, 2],
      none: null,
      rule: 'r',
    });
  });

  it('fills a plain-text template with the values as they are', () => {
    const out = targetInput({ InputTransformer: { InputPathsMap: { b: '$.detail.bucket.name', s: '$.detail.object.size' }, InputTemplate: 'file in <b> has <s> bytes' } }, event, ctx);
    assert.equal(out, 'file in raw has 42 bytes');
  });

  it('offers the predefined variables', () => {
    const out = JSON.parse(targetInput({ InputTransformer: { InputTemplate: '{"e": <aws.events.event.json>, "arn": "<aws.events.rule-arn>", "t": "<aws.events.event.ingestion-time>"}' } }, event, ctx)) as Record<string, unknown>;
    assert.deepEqual(out.e, event);
    assert.equal(out.arn, ctx.ruleArn);
    assert.equal(out.t, ctx.ingestionTime);
  });

  it('refuses templates naming undefined variables, reserved keys and bad paths', () => {
    assert.deepEqual(checkInputTransformer({ InputPathsMap: { a: '$.detail' }, InputTemplate: '{"a": <a>}' }), []);
    assert.match(checkInputTransformer({ InputPathsMap: {}, InputTemplate: '{"a": <b>}' }).join(), /<b>, which InputPathsMap does not define/);
    assert.match(checkInputTransformer({ InputPathsMap: { 'aws.x': '$.a' }, InputTemplate: 'x' }).join(), /reserved/);
    assert.match(checkInputTransformer({ InputPathsMap: { a: 'detail.a' }, InputTemplate: '<a>' }).join(), /not a JSON path/);
  });
});
