/**
 * A rule's rate counts from the rule's creation, as EventBridge documents ("A rate expression starts
 * when you create the scheduled event rule"), also across a restart of the emulator and when the
 * same rule is put again (a template loaded again). Fake clock; the rules journal on a temp folder.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { EventsService } from '../../../../src/emulator/events';

const MIN = 60_000;

async function open(dir: string, clock: FakeClock): Promise<EventsService> {
  return EventsService.open({ dir, clock, account: '123456789012', region: 'us-east-1', targets: {} });
}

describe('EventBridge rule rates (fake clock)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'lb-rate-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fires rate(5 minutes) 5, 10, ... minutes after the rule was created, across a restart', async () => {
    const clock = new FakeClock();
    const created = clock.now();
    let events = await open(dir, clock);
    events.core.putRule({ Name: 'tick', ScheduleExpression: 'rate(5 minutes)' });
    await events.committed();
    assert.equal(events.schedules.next('tick'), created + 5 * MIN);
    await clock.advance(7 * MIN);
    await events.close();
    events = await open(dir, clock);
    // Counted from creation (next slot 10 min), not from the restart (which would be 12 min).
    assert.equal(events.schedules.next('tick'), created + 10 * MIN);
    await events.close();
  });

  it('keeps the start when the same schedule is put again, and restarts it when the schedule changes', async () => {
    const clock = new FakeClock();
    const created = clock.now();
    const events = await open(dir, clock);
    events.core.putRule({ Name: 'tick', ScheduleExpression: 'rate(5 minutes)' });
    await clock.advance(3 * MIN);
    events.core.putRule({ Name: 'tick', ScheduleExpression: 'rate(5 minutes)', Description: 'loaded again' });
    assert.equal(events.schedules.next('tick'), created + 5 * MIN);
    events.core.setState({ Name: 'tick' }, 'DISABLED');
    events.core.setState({ Name: 'tick' }, 'ENABLED');
    assert.equal(events.schedules.next('tick'), created + 5 * MIN);
    events.core.putRule({ Name: 'tick', ScheduleExpression: 'rate(10 minutes)' });
    assert.equal(events.schedules.next('tick'), created + 3 * MIN + 10 * MIN);
    await events.close();
  });
});
