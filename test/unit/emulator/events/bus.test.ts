/** The events core on a fake clock with a scripted target port (a fake: records what it is given). */
import assert from 'node:assert/strict';
import type { Target } from '@aws-sdk/client-eventbridge';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { EventsCore, EventsError } from '../../../../src/emulator/events/core/bus';
import { DeliveryError, type TargetPort } from '../../../../src/emulator/events/core/delivery';

function setup(fail: (n: number) => Error | undefined = () => undefined) {
  const clock = new FakeClock();
  const seen: Array<{ arn: string; input: string }> = [];
  const dead: string[] = [];
  let calls = 0;
  const port: TargetPort = {
    async deliver(t: Target, input: string) {
      calls++;
      const err = fail(calls);
      if (err) throw err;
      seen.push({ arn: t.Arn!, input });
      return undefined;
    },
    async deadLetter(arn: string) {
      dead.push(arn);
    },
  };
  const core = new EventsCore({ clock, account: '123456789012', region: 'us-east-1', targets: port });
  return { clock, core, seen, dead, calls: () => calls };
}

describe('EventBridge core', () => {
  it('routes PutEvents entries to the targets of matching enabled rules, with AWS entry errors', async () => {
    const { core, seen } = setup();
    core.putRule({ Name: 'r', EventPattern: '{"source":["my.app"],"detail":{"n":[{"numeric":[">",1]}]}}' });
    core.putTargets({ Rule: 'r', Targets: [{ Id: 't', Arn: 'arn:aws:sns:us-east-1:123456789012:topic', InputPath: '$.detail' }] });
    const out = core.putEvents({
      Entries: [
        { Source: 'my.app', DetailType: 'x', Detail: '{"n":2}' },
        { Source: 'my.app', DetailType: 'x', Detail: '{"n":1}' },
        { Source: 'my.app', DetailType: 'x', Detail: 'nope' },
        { DetailType: 'x', Detail: '{}' },
        { Source: 'aws.batch', DetailType: 'Batch Job State Change', Detail: '{}' },
      ],
    });
    assert.equal(out.FailedEntryCount, 3);
    assert.equal(out.Entries[2]!.ErrorCode, 'MalformedDetail');
    assert.equal(out.Entries[3]!.ErrorCode, 'InvalidArgument');
    assert.deepEqual(out.Entries[4], { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' });
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    assert.match(out.Entries[0]!.EventId!, uuid);
    // Each event its own id, within a call and across calls.
    const more = [...core.putEvents({ Entries: [{ Source: 'a', DetailType: 'x', Detail: '{}' }, { Source: 'a', DetailType: 'x', Detail: '{}' }] }).Entries, ...core.putEvents({ Entries: [{ Source: 'a', DetailType: 'x', Detail: '{}' }] }).Entries].map((e) => e.EventId!);
    for (const id of more) assert.match(id, uuid);
    assert.equal(new Set([out.Entries[0]!.EventId!, out.Entries[1]!.EventId!, ...more]).size, 5, more.join(' '));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, [{ arn: 'arn:aws:sns:us-east-1:123456789012:topic', input: '{"n":2}' }]);
    core.setState({ Name: 'r' }, 'DISABLED');
    core.putEvents({ Entries: [{ Source: 'my.app', DetailType: 'x', Detail: '{"n":5}' }] });
    await new Promise((r) => setImmediate(r));
    assert.equal(seen.length, 1);
  });

  it('refuses a PutEvents whose entries hold more than 256 KB in all, counted as EventBridge counts them', () => {
    const { core } = setup();
    const detail = (bytes: number) => JSON.stringify({ x: 'y'.repeat(bytes - 8) });
    // Source 1 + DetailType 1 + Detail: exactly 256 KiB is taken; a byte more is not
    assert.equal(core.putEvents({ Entries: [{ Source: 'a', DetailType: 'b', Detail: detail(256 * 1024 - 2) }] }).FailedEntryCount, 0);
    assert.throws(() => core.putEvents({ Entries: [{ Source: 'a', DetailType: 'b', Detail: detail(256 * 1024 - 1) }] }), /Total size of the entries in the request is over the limit/);
    assert.throws(() => core.putEvents({ Entries: [{ Source: 'a', DetailType: 'b', Detail: detail(200 * 1024) }, { Source: 'a', DetailType: 'b', Detail: detail(100 * 1024) }] }), /over the limit/);
  });

  it('says a target that is no object is one, and refuses a PutEvents entry whose Time is no timestamp', () => {
    const { core } = setup();
    core.putRule({ Name: 'r', EventPattern: '{"source":["a"]}' });
    assert.throws(() => core.putTargets({ Rule: 'r', Targets: [null] }), /Each target is an object with an Id and an Arn/);
    const put = core.putEvents({ Entries: [{ Source: 'a', DetailType: 'b', Detail: '{}', Time: 'yesterday' as unknown as Date }, { Source: 'a', DetailType: 'b', Detail: '{}', Time: new Date(0) }] });
    assert.deepEqual(put.Entries.map((e) => e.ErrorCode), ['InvalidArgument', undefined]);
    assert.match(put.Entries[0]!.ErrorMessage!, /Time must be a timestamp/);
  });

  it("dates an event by its entry's Time as the SDKs send it: epoch seconds (it was read as milliseconds: 1970), or a date string", async () => {
    const { core, seen } = setup();
    core.putRule({ Name: 'r', EventPattern: '{"source":["a"]}' });
    core.putTargets({ Rule: 'r', Targets: [{ Id: 't', Arn: 'arn:aws:sns:us-east-1:123456789012:topic', InputPath: '$.time' }] });
    const at = Date.UTC(2026, 2, 4, 5, 6, 7) / 1000;
    core.putEvents({ Entries: [{ Source: 'a', DetailType: 'b', Detail: '{}', Time: at as unknown as Date }, { Source: 'a', DetailType: 'b', Detail: '{}', Time: '2026-03-04T05:06:08Z' as unknown as Date }, { Source: 'a', DetailType: 'b', Detail: '{}', Time: String(at + 2) as unknown as Date }] });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen.map((x) => x.input), ['"2026-03-04T05:06:07Z"', '"2026-03-04T05:06:08Z"', '"2026-03-04T05:06:09Z"']);
  });

  it('validates rules and targets with AWS error codes', () => {
    const { core } = setup();
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (err) {
        return err instanceof EventsError ? err.type : 'other';
      }
      return 'none';
    };
    assert.equal(code(() => core.putRule({ Name: 'r' })), 'ValidationException');
    assert.equal(code(() => core.putRule({ Name: 'r', EventPattern: '{"a":"b"}' })), 'InvalidEventPatternException');
    assert.equal(code(() => core.putRule({ Name: 'r', ScheduleExpression: 'rate(1 minutes)' })), 'ValidationException');
    assert.equal(code(() => core.describeRule({ Name: 'nope' })), 'ResourceNotFoundException');
    core.putRule({ Name: 'r', ScheduleExpression: 'cron(0 3 * * ? *)' });
    const targets = [1, 2, 3, 4, 5].map((i) => ({ Id: `t${i}`, Arn: 'arn:aws:sns:us-east-1:1:t' }));
    core.putTargets({ Rule: 'r', Targets: targets });
    assert.equal(code(() => core.putTargets({ Rule: 'r', Targets: [{ Id: 't6', Arn: 'arn:aws:sns:us-east-1:1:t' }] })), 'LimitExceededException');
    assert.equal(code(() => core.deleteRule({ Name: 'r' })), 'ValidationException');
    assert.equal(code(() => core.putTargets({ Rule: 'r', Targets: [{ Id: 'b', Arn: 'arn:aws:batch:us-east-1:123456789012:job-queue/q' }] })), 'ValidationException');
    assert.equal(code(() => core.putTargets({ Rule: 'r', Targets: [{ Id: 'x', Arn: 'arn:aws:sns:us-east-1:1:t', InputTransformer: { InputTemplate: '<nope>' } }] })), 'ValidationException');
    core.removeTargets({ Rule: 'r', Ids: targets.map((t) => t.Id) });
    core.deleteRule({ Name: 'r' });
    assert.equal(core.rules.size, 0);
  });

  it('pages ListRules by Limit (1 to 100) with a token naming the last rule; refuses a bad Limit or token', () => {
    const { core } = setup();
    for (let i = 0; i < 25; i++) core.putRule({ Name: `r${String(i).padStart(2, '0')}`, ScheduleExpression: 'rate(1 hour)' });
    const first = core.listRules({ Limit: 10 });
    assert.deepEqual(first.Rules.map((r) => r.Name), Array.from({ length: 10 }, (_, i) => `r0${i}`));
    // A rule deleted between two pages hides no other.
    core.deleteRule({ Name: 'r09' });
    const second = core.listRules({ Limit: 10, NextToken: first.NextToken });
    assert.equal(second.Rules[0]?.Name, 'r10');
    const rest = core.listRules({ NextToken: second.NextToken });
    assert.equal(rest.Rules.length, 5);
    assert.equal(rest.NextToken, undefined);
    assert.equal(core.listRules({}).Rules.length, 24);
    for (const Limit of [0, 101, 2.5, '10']) assert.throws(() => core.listRules({ Limit }), (e: unknown) => e instanceof EventsError && e.type === 'ValidationException' && /limit/.test(e.message), String(Limit));
    assert.throws(() => core.listRules({ NextToken: 'forged' }), (e: unknown) => e instanceof EventsError && /NextToken/.test(e.message));
  });

  it('retries a retryable failure with backoff, then sends to the dead-letter queue', async () => {
    const { clock, core, seen, dead, calls } = setup(() => new DeliveryError('throttled', true));
    core.putRule({ Name: 'r', EventPattern: '{"source":["a"]}' });
    core.putTargets({ Rule: 'r', Targets: [{ Id: 't', Arn: 'arn:aws:sns:us-east-1:1:t', RetryPolicy: { MaximumRetryAttempts: 3 }, DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:1:dlq' } }] });
    core.putEvents({ Entries: [{ Source: 'a', DetailType: 'x', Detail: '{}' }] });
    await clock.advance(0);
    assert.equal(calls(), 1);
    await clock.advance(1000);
    assert.equal(calls(), 2);
    await clock.advance(2000);
    await clock.advance(4000);
    assert.equal(calls(), 4);
    await clock.advance(60_000);
    assert.equal(calls(), 4);
    assert.deepEqual(dead, ['arn:aws:sqs:us-east-1:1:dlq']);
    assert.equal(seen.length, 0);
    assert.equal(core.deliveries.of('r')[0]!.status, 'dead-lettered');
  });

  it('does not retry a failure retrying cannot fix, and reports it', async () => {
    const { clock, core, calls } = setup(() => new DeliveryError('no such queue', false));
    core.putRule({ Name: 'r', EventPattern: '{"source":["a"]}' });
    core.putTargets({ Rule: 'r', Targets: [{ Id: 't', Arn: 'arn:aws:sns:us-east-1:1:t' }] });
    core.putEvents({ Entries: [{ Source: 'a', DetailType: 'x', Detail: '{}' }] });
    await clock.advance(120_000);
    assert.equal(calls(), 1);
    const last = core.deliveries.of('r')[0]!;
    assert.equal(last.status, 'failed');
    assert.match(last.detail!, /no such queue/);
  });

  it('TestEventPattern answers Result and refuses events without the envelope', () => {
    const { core } = setup();
    const ev = { id: '1', account: '1', source: 'a', time: 't', region: 'r', resources: [], 'detail-type': 'x', detail: { k: 'v' } };
    assert.deepEqual(core.testEventPattern({ EventPattern: '{"detail":{"k":["v"]}}', Event: JSON.stringify(ev) }), { Result: true });
    assert.deepEqual(core.testEventPattern({ EventPattern: '{"detail":{"k":["w"]}}', Event: JSON.stringify(ev) }), { Result: false });
    assert.throws(() => core.testEventPattern({ EventPattern: '{"a":["b"]}', Event: '{"source":"a"}' }), /lacks id/);
  });
});
