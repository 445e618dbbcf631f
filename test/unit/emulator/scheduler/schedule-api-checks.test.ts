/** The Scheduler core's request checks and list paging (a fake clock, named: FakeClock). */
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { ScheduleRunner } from '../../../../src/emulator/scheduler/core/runner';
import { SchedulerCore, SchedulerError } from '../../../../src/emulator/scheduler/core/schedules';

const ROLE = 'arn:aws:iam::123456789012:role/r';
const input = (extra: Record<string, unknown> = {}) => ({ ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: 'arn:aws:scheduler:::aws-sdk:batch:submitJob', RoleArn: ROLE }, ...extra });
const refused = (text: RegExp) => (e: unknown) => e instanceof SchedulerError && e.type === 'ValidationException' && text.test(e.message);

describe('Scheduler requests and paging (unit)', () => {
  const setup = () => {
    const clock = new FakeClock();
    return new SchedulerCore({ clock, runner: new ScheduleRunner(clock), account: '123456789012', region: 'us-east-1', fire: () => undefined });
  };

  it('refuses a RoleArn that is no IAM role ARN, a Description over 512 characters and an impossible at() date', () => {
    const core = setup();
    assert.throws(() => core.create('a', input({ Target: { Arn: 'arn:aws:scheduler:::aws-sdk:batch:submitJob', RoleArn: 'notarole' } })), refused(/target\.roleArn.*regular expression/));
    assert.throws(() => core.create('a', input({ Target: { Arn: 'arn:aws:scheduler:::aws-sdk:batch:submitJob', RoleArn: 'arn:aws:iam::123:role/r' } })), refused(/target\.roleArn/));
    assert.throws(() => core.create('a', input({ Description: 'x'.repeat(513) })), refused(/length less than or equal to 512/));
    assert.throws(() => core.create('a', input({ ScheduleExpression: 'at(2030-02-30T00:00:00)' })), refused(/no such day or time/));
    core.create('a', input({ Description: 'x'.repeat(512) }));
  });

  it('pages with tokens that name the last schedule: one created between pages neither repeats another nor is lost; bad values refused', () => {
    const core = setup();
    for (const n of ['a', 'c', 'e', 'g']) core.create(n, input());
    const first = core.list({ MaxResults: 2 });
    assert.deepEqual(first.Schedules.map((s) => (s as { Name: string }).Name), ['a', 'c']);
    core.create('b', input());
    core.delete('c', undefined);
    const second = core.list({ MaxResults: 2, NextToken: first.NextToken });
    assert.deepEqual(second.Schedules.map((s) => (s as { Name: string }).Name), ['e', 'g']);
    assert.equal(second.NextToken, undefined);
    assert.throws(() => core.list({ NextToken: 'garbage' }), refused(/NextToken is not valid/));
    assert.throws(() => core.list({ MaxResults: 0 }), refused(/maxResults/));
    assert.throws(() => core.list({ MaxResults: Number('abc') }), refused(/maxResults/));
    assert.throws(() => core.list({ State: 'BOGUS' }), refused(/ENABLED, DISABLED/));
  });
});
