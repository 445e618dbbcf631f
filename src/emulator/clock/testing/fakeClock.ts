/**
 * A fake Clock for tests and benchmarks: time moves only when told to, so a 60-second timeout takes
 * microseconds. `advance` fires due timers in time order and lets pending promise chains (container
 * exits, engine reactions) run between them.
 */
import type { Clock, TimerHandle } from '../../batch/core/ports';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Lets every queued microtask and promise continuation run. */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly heap: Timer[] = [];
  private readonly live = new Set<number>();

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = ++this.seq;
    this.push({ id, at: this.time + Math.max(0, delayMs), seq: id, fn });
    this.live.add(id);
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.live.delete(handle.id);
  }

  /** Number of timers still due to fire. */
  get pendingTimers(): number {
    return this.live.size;
  }

  /** Moves time forward by `ms`, firing due timers in order and settling promises between them. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await flushPromises();
    for (;;) {
      const next = this.popDue(target);
      if (!next) break;
      this.time = next.at;
      next.fn();
      await flushPromises();
    }
    this.time = target;
    await flushPromises();
  }

  /** Lets pending promises run without moving time. */
  settle(): Promise<void> {
    return this.advance(0);
  }

  /** Fires timers until none is left (or `limitMs` has passed); returns the time advanced. */
  async runAll(limitMs = 30 * 24 * 3600_000): Promise<number> {
    const start = this.time;
    await flushPromises();
    for (;;) {
      const next = this.popDue(start + limitMs);
      if (!next) break;
      this.time = next.at;
      next.fn();
      await flushPromises();
    }
    return this.time - start;
  }

  private popDue(limit: number): Timer | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0];
      if (!this.live.has(top.id)) {
        this.pop();
        continue;
      }
      if (top.at > limit) return undefined;
      this.pop();
      this.live.delete(top.id);
      return top;
    }
    return undefined;
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (h.length === 0 || !last) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
