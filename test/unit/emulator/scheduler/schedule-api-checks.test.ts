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

  it('an at() schedule whose time passed while the emulator was down is deleted at the next start when it says DELETE (kept with NONE)', () => {
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const changes: Array<[string, boolean]> = [];
    const options = { clock, runner: new ScheduleRunner(clock), account: '123456789012', region: 'us-east-1', fire: () => undefined, onChange: (k: string, r: unknown) => changes.push([k, r !== undefined]) };
    const first = new SchedulerCore(options);
    first.create('once', input({ ScheduleExpression: 'at(2026-01-01T00:05:00)', ActionAfterCompletion: 'DELETE' }));
    first.create('kept', input({ ScheduleExpression: 'at(2026-01-01T00:05:00)', ActionAfterCompletion: 'NONE' }));
    first.create('later', input({ ScheduleExpression: 'at(2026-01-02T00:00:00)', ActionAfterCompletion: 'DELETE' }));
    const saved = first.all();
    // The emulator restarts after 00:05.
    const after = new FakeClock(Date.parse('2026-01-01T01:00:00Z'));
    changes.length = 0;
    const second = new SchedulerCore({ ...options, clock: after, runner: new ScheduleRunner(after) });
    for (const r of saved) second.restore(r);
    assert.deepEqual(second.all().map((r) => r.Name), ['kept', 'later']);
    assert.deepEqual(changes, [['default/once', false]], 'the deletion is journaled');
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
