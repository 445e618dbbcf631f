/**
 * Timers that can all be cancelled at once (a service stopping): `later` runs a function after a
 * delay on the clock, `clear` cancels every one not run yet. Pure: the clock's timers only.
 */
import type { Clock } from '../batch/core/ports';

export class Timers {
  private readonly pending = new Set<{ id: number }>();

  constructor(private readonly clock: Clock) {}

  /** Runs `fn` after `delay` ms, unless `clear` comes first. */
  later(delay: number, fn: () => void): void {
    const handle = { id: 0 };
    this.pending.add(handle);
    handle.id = this.clock.setTimer(delay, () => {
      this.pending.delete(handle);
      fn();
    }).id;
  }

  /** Cancels every timer not run yet. */
  clear(): void {
    for (const h of this.pending) this.clock.clearTimer(h);
    this.pending.clear();
  }
}
