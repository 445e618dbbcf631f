/** When a background emulator stops by itself (emulator/idle-shutdown.ts), on the fake clock. */
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/emulator/clock/testing/fakeClock';
import type { BatchEvent, EventSource } from '../../../src/emulator/edge/events';
import { checkInterval, CountedEventSource, IdleShutdown } from '../../../src/emulator/idle-shutdown';

const MIN = 60_000;

function watch(idleMs: number) {
  const clock = new FakeClock();
  const state = { attached: 0, busy: false, idleAt: undefined as number | undefined };
  const w = new IdleShutdown({ clock, idleMs, probe: { attached: () => state.attached, busy: () => state.busy }, onIdle: () => (state.idleAt = clock.now() - start) });
  const start = clock.now();
  return { clock, state, w };
}

describe('idle shutdown (unit, fake clock)', () => {
  it('stops once nothing was attached, busy or requested for the whole wait, within a check of it', async () => {
    const { clock, state } = watch(10 * MIN);
    await clock.advance(10 * MIN - 1);
    assert.equal(state.idleAt, undefined, 'not before the wait');
    await clock.advance(checkInterval(10 * MIN));
    assert.ok(state.idleAt !== undefined && state.idleAt >= 10 * MIN && state.idleAt <= 10 * MIN + checkInterval(10 * MIN), String(state.idleAt));
  });

  it('stays up while a window holds the event stream, and the wait starts when it lets go', async () => {
    const { clock, state } = watch(10 * MIN);
    state.attached = 1;
    await clock.advance(60 * MIN);
    assert.equal(state.idleAt, undefined);
    state.attached = 0;
    await clock.advance(9 * MIN);
    assert.equal(state.idleAt, undefined, 'a window closed 9 minutes ago');
    await clock.advance(2 * MIN);
    assert.ok(state.idleAt !== undefined && state.idleAt >= 70 * MIN, String(state.idleAt));
  });

  it('a reload (stream dropped for a moment, then back) does not stop it', async () => {
    const { clock, state } = watch(10 * MIN);
    state.attached = 1;
    await clock.advance(5 * MIN);
    state.attached = 0;
    await clock.advance(3000);
    state.attached = 1;
    await clock.advance(30 * MIN);
    assert.equal(state.idleAt, undefined);
  });

  it('stays up while a job is unfinished, with no window', async () => {
    const { clock, state } = watch(10 * MIN);
    state.busy = true;
    await clock.advance(45 * MIN);
    assert.equal(state.idleAt, undefined);
    state.busy = false;
    await clock.advance(11 * MIN);
    assert.ok(state.idleAt !== undefined && state.idleAt >= 55 * MIN, String(state.idleAt));
  });

  it('an API request restarts the wait', async () => {
    const { clock, state, w } = watch(10 * MIN);
    await clock.advance(8 * MIN);
    w.touch();
    await clock.advance(8 * MIN);
    assert.equal(state.idleAt, undefined);
    await clock.advance(3 * MIN);
    assert.notEqual(state.idleAt, undefined);
  });

  it('fires once; 0 never fires; stop() cancels', async () => {
    const once = watch(1000);
    let calls = 0;
    const w = new IdleShutdown({ clock: once.clock, idleMs: 1000, probe: { attached: () => 0, busy: () => false }, onIdle: () => calls++ });
    await once.clock.advance(10_000);
    assert.equal(calls, 1);
    const never = watch(0);
    await never.clock.advance(365 * 24 * 60 * MIN);
    assert.equal(never.state.idleAt, undefined);
    assert.equal(never.clock.pendingTimers, 0);
    const stopped = watch(1000);
    stopped.w.stop();
    await stopped.clock.advance(10_000);
    assert.equal(stopped.state.idleAt, undefined);
    w.stop();
  });

  it('counts the clients holding the event stream, each unsubscribe once', () => {
    const listeners = new Set<(e: BatchEvent) => void>();
    const inner: EventSource = { subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) };
    const counted = new CountedEventSource(inner);
    const a = counted.subscribe(() => undefined);
    const b = counted.subscribe(() => undefined);
    assert.equal(counted.subscribers, 2);
    assert.equal(listeners.size, 2);
    a();
    a();
    assert.equal(counted.subscribers, 1);
    b();
    assert.equal(counted.subscribers, 0);
    assert.equal(listeners.size, 0);
  });
});
