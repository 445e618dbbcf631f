/** The real clock: epoch milliseconds and the platform's timers. */
import type { Clock, TimerHandle } from '../batch/core/ports';

/**
 * The longest delay one platform timer takes: setTimeout treats anything above 2^31-1 ms
 * (24.8 days) as 1 ms, so longer delays are re-armed in steps of at most this much.
 */
export const MAX_TIMER_STEP_MS = 2 ** 31 - 1;

export function systemClock(maxStepMs = MAX_TIMER_STEP_MS): Clock {
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let seq = 0;
  const arm = (id: number, dueAt: number, fn: () => void): void => {
    const left = dueAt - Date.now();
    // NaN or Infinity never fires (a timer that can never come due).
    if (Number.isNaN(left) || left === Infinity) {
      timers.delete(id);
      return;
    }
    if (left > maxStepMs) {
      timers.set(id, setTimeout(() => arm(id, dueAt, fn), maxStepMs));
      return;
    }
    timers.set(
      id,
      setTimeout(() => {
        timers.delete(id);
        fn();
      }, Math.max(0, left)),
    );
  };
  return {
    now: () => Date.now(),
    setTimer(delayMs: number, fn: () => void): TimerHandle {
      const id = ++seq;
      arm(id, Date.now() + Math.max(0, delayMs), fn);
      return { id };
    },
    clearTimer(handle: TimerHandle): void {
      const t = timers.get(handle.id);
      if (t !== undefined) clearTimeout(t);
      timers.delete(handle.id);
    },
  };
}
