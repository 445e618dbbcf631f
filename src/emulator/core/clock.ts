/** The real clock: epoch milliseconds and the platform's timers. */
import type { Clock, TimerHandle } from './ports';

export function systemClock(): Clock {
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let seq = 0;
  return {
    now: () => Date.now(),
    setTimer(delayMs: number, fn: () => void): TimerHandle {
      const id = ++seq;
      const t = setTimeout(() => {
        timers.delete(id);
        fn();
      }, Math.max(0, delayMs));
      timers.set(id, t);
      return { id };
    },
    clearTimer(handle: TimerHandle): void {
      const t = timers.get(handle.id);
      if (t !== undefined) clearTimeout(t);
      timers.delete(handle.id);
    },
  };
}
