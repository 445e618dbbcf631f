/**
 * Fires schedules at their times on the clock: one timer per enabled schedule, re-armed after each
 * firing for the next time after it. A firing missed while the emulator was not running is not made
 * up: after a start the next firing is the first time after the start (EventBridge delivers a
 * schedule's invocation once, at its time, and never replays past ones). Pure: the clock's timers.
 */
import type { Clock, TimerHandle } from '../../batch/core/ports';
import { nextFiring, type Schedule } from './expression';

export interface ScheduleEntry {
  readonly schedule: Schedule;
  /** Rates count from here (epoch ms). */
  readonly anchor: number;
  readonly timezone?: string;
  /** No firing before / after these (epoch ms). */
  readonly start?: number;
  readonly end?: number;
  /** Extra delay for a flexible time window (ms, chosen once per firing by `jitter`). */
  readonly windowMs?: number;
  readonly fire: () => void;
}

export class ScheduleRunner {
  private readonly entries = new Map<string, { entry: ScheduleEntry; timer?: TimerHandle; next?: number }>();

  constructor(
    private readonly clock: Clock,
    /** 0..1: where in a flexible window a firing lands (Math.random in production; fixed in tests). */
    private readonly jitter: () => number = () => 0,
  ) {}

  set(key: string, entry: ScheduleEntry | undefined): void {
    this.clear(key);
    if (entry) {
      this.entries.set(key, { entry });
      this.arm(key, this.clock.now());
    }
  }

  /** The next firing of a schedule (epoch ms), if any. */
  next(key: string): number | undefined {
    return this.entries.get(key)?.next;
  }

  stop(): void {
    for (const key of [...this.entries.keys()]) this.clear(key);
  }

  private clear(key: string): void {
    const e = this.entries.get(key);
    if (e?.timer) this.clock.clearTimer(e.timer);
    this.entries.delete(key);
  }

  private arm(key: string, after: number): void {
    const e = this.entries.get(key);
    if (!e) return;
    const { entry } = e;
    const from = entry.start !== undefined && entry.start > after ? entry.start - 1 : after;
    const t = nextFiring(entry.schedule, from, entry.anchor, entry.timezone);
    if (t === undefined || (entry.end !== undefined && t > entry.end)) {
      e.next = undefined;
      e.timer = undefined;
      return;
    }
    const at = t + Math.floor((entry.windowMs ?? 0) * this.jitter());
    e.next = at;
    e.timer = this.clock.setTimer(at - this.clock.now(), () => {
      try {
        entry.fire();
      } finally {
        // From the nominal time, so a window's delay never skips the next slot.
        if (this.entries.get(key) === e) this.arm(key, Math.max(t, this.clock.now() - (at - t)));
      }
    });
  }
}
