/** The system clock with real timers: delays past setTimeout's 2^31-1 ms limit are re-armed in steps. */
import assert from 'node:assert/strict';
import { systemClock } from '../../../../src/emulator/clock/clock';

const DAY_MS = 86_400_000;

function after(clock: ReturnType<typeof systemClock>, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(ms, resolve));
}

describe('systemClock', () => {
  it('does not fire a 30-day timer at once (setTimeout alone would overflow to 1 ms)', async () => {
    const clock = systemClock();
    let fired = false;
    const long = clock.setTimer(30 * DAY_MS, () => (fired = true));
    await after(clock, 30);
    clock.clearTimer(long);
    assert.equal(fired, false);
  });

  it('fires a delay longer than one step after the whole delay, re-arming in steps', async () => {
    const clock = systemClock(10);
    const start = Date.now();
    await after(clock, 60);
    assert.ok(Date.now() - start >= 59, `fired after ${Date.now() - start} ms`);
  });

  it('cancels a stepped timer between steps', async () => {
    const clock = systemClock(5);
    let fired = false;
    const t = clock.setTimer(40, () => (fired = true));
    await after(clock, 12);
    clock.clearTimer(t);
    await after(clock, 60);
    assert.equal(fired, false);
  });
});
