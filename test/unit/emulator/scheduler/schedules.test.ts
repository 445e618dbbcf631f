import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { atTime, nextFiring, parseSchedule } from '../../../../src/emulator/scheduler/core/expression';
import { ScheduleRunner } from '../../../../src/emulator/scheduler/core/runner';

const T0 = Date.UTC(2026, 0, 1); // Thursday
const iso = (t: number | undefined): string => new Date(t!).toISOString();
const next = (expr: string, after = T0, tz?: string): string => iso(nextFiring(parseSchedule(expr, { allowAt: true, timezone: tz }), after, after, tz));

describe('Schedule expressions (EventBridge cron with 6 fields)', () => {
  it('evaluates EventBridge cron forms: year, ? , L, W, #, 1=Sunday, steps, names', () => {
    assert.equal(next('cron(0 3 * * ? *)'), '2026-01-01T03:00:00.000Z');
    assert.equal(next('cron(0 12 ? * 1 *)'), '2026-01-04T12:00:00.000Z'); // 1 = SUN
    assert.equal(next('cron(0 10 ? * 2#1 *)'), '2026-01-05T10:00:00.000Z'); // first Monday
    assert.equal(next('cron(0 12 L * ? *)'), '2026-01-31T12:00:00.000Z');
    assert.equal(next('cron(0 12 ? * 6L *)'), '2026-01-30T12:00:00.000Z'); // last Friday
    assert.equal(next('cron(0 12 15W 2 ? *)'), '2026-02-16T12:00:00.000Z'); // Sun 15th -> Mon 16th
    assert.equal(next('cron(0/15 * ? * MON-FRI *)'), '2026-01-01T00:15:00.000Z');
    assert.equal(next('cron(0 3 * * ? 2027)'), '2027-01-01T03:00:00.000Z');
    assert.equal(next('cron(0 3 * * ? *)', T0, 'America/New_York'), '2026-01-01T08:00:00.000Z');
    assert.equal(next('rate(5 minutes)'), '2026-01-01T00:05:00.000Z');
    assert.equal(next('at(2026-03-01T10:00:00)'), '2026-03-01T10:00:00.000Z');
    assert.equal(iso(atTime('2026-07-01T10:00:00', 'Europe/Berlin')), '2026-07-01T08:00:00.000Z');
  });

  it('refuses what EventBridge refuses, saying what to write', () => {
    assert.throws(() => parseSchedule('rate(1 minutes)'), /singular unit/);
    assert.throws(() => parseSchedule('rate(5 minute)'), /plural unit/);
    assert.throws(() => parseSchedule('rate(0 minutes)'), /positive/);
    assert.throws(() => parseSchedule('cron(0 12 * * * *)'), /exactly one of day-of-month and day-of-week must be \?/);
    assert.throws(() => parseSchedule('cron(0 12 * * ?)'), /6 fields/);
    assert.throws(() => parseSchedule('at(2026-03-01T10:00:00)'), /a rule takes rate\(\) or cron\(\)/);
    assert.throws(() => parseSchedule('every day'), /use rate\(value unit\)/);
    for (const impossible of ['at(2030-02-30T00:00:00)', 'at(2031-02-29T00:00:00)', 'at(2030-04-31T10:00:00)', 'at(2030-01-01T24:00:00)', 'at(2030-01-01T10:60:00)']) {
      assert.throws(() => parseSchedule(impossible, { allowAt: true }), /not a valid date and time \(no such day or time\)/, impossible);
    }
    assert.equal(iso(atTime('2032-02-29T00:00:00')), '2032-02-29T00:00:00.000Z', 'a leap day is one');
    assert.throws(() => parseSchedule('cron(99 12 * * ? *)'), /99 is not a valid minutes \(0-59\)/);
  });

  it('refuses numbers out of each cron field\'s range, naming what was written (day-of-week 1-7, years 1970-2199)', () => {
    assert.throws(() => parseSchedule('cron(0 3 ? * 8 *)'), /: 8 is not a valid day-of-week \(1-7 or SUN-SAT\)$/);
    assert.throws(() => parseSchedule('cron(0 3 ? * 0 *)'), /: 0 is not a valid day-of-week/);
    assert.throws(() => parseSchedule('cron(0 3 ? * 7-9 *)'), /: 9 is not a valid day-of-week/);
    assert.throws(() => parseSchedule('cron(0 3 32 * ? *)'), /: 32 is not a valid day-of-month \(1-31\)/);
    assert.throws(() => parseSchedule('cron(0 3 * 13 ? *)'), /: 13 is not a valid month \(1-12 or JAN-DEC\)/);
    assert.throws(() => parseSchedule('cron(0 3 * * ? 1969)'), /1969 is not a valid year \(1970-2199\)/);
    assert.throws(() => parseSchedule('cron(0 3 * * ? 2200)'), /2200 is not a valid year/);
    assert.throws(() => parseSchedule('cron(0 3 ? * 2#6 *)'), /#1-#5/);
    assert.throws(() => parseSchedule('cron(5/0 * * * ? *)'), /step "\/0"/);
    for (const ok of ['cron(0 3 ? * 1,7 *)', 'cron(0 3 ? * 6L *)', 'cron(0 3 LW * ? *)', 'cron(0 3 15W * ? *)', 'cron(0 3 ? * 2#5 *)', 'cron(0 3 * * ? 1970-2199)']) parseSchedule(ok);
  });
});

describe('ScheduleRunner (fake clock)', () => {
  it('fires a rate on its period from its anchor, and stops when removed', async () => {
    const clock = new FakeClock(T0);
    const runner = new ScheduleRunner(clock);
    const fired: string[] = [];
    runner.set('r', { schedule: parseSchedule('rate(1 minute)'), anchor: T0, fire: () => fired.push(iso(clock.now())) });
    assert.equal(iso(runner.next('r')), '2026-01-01T00:01:00.000Z');
    await clock.advance(3 * 60_000);
    assert.deepEqual(fired, ['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z', '2026-01-01T00:03:00.000Z']);
    runner.set('r', undefined);
    await clock.advance(5 * 60_000);
    assert.equal(fired.length, 3);
  });

  it('keeps StartDate / EndDate, fires at() once, and places a flexible window inside it', async () => {
    const clock = new FakeClock(T0);
    const runner = new ScheduleRunner(clock, () => 0.5);
    const fired: string[] = [];
    runner.set('c', { schedule: parseSchedule('cron(0 * * * ? *)'), anchor: T0, start: T0 + 2 * 3600_000, end: T0 + 4 * 3600_000, windowMs: 10 * 60_000, fire: () => fired.push(iso(clock.now())) });
    runner.set('a', { schedule: parseSchedule('at(2026-01-01T01:30:00)', { allowAt: true }), anchor: T0, fire: () => fired.push(`at ${iso(clock.now())}`) });
    await clock.advance(6 * 3600_000);
    assert.deepEqual(fired, ['at 2026-01-01T01:30:00.000Z', '2026-01-01T02:05:00.000Z', '2026-01-01T03:05:00.000Z', '2026-01-01T04:05:00.000Z']);
    assert.equal(runner.next('a'), undefined);
  });
});
