/** Clock-driven waiting that a stop (AbortSignal) interrupts. */
import { setMaxListeners } from 'node:events';
import type { Clock } from '../../batch/core/ports';

export class AbortedError extends Error {
  constructor() {
    super('aborted');
  }
}

/** Resolves after `ms` on the clock; rejects with AbortedError when `signal` aborts first. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new AbortedError());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimer(handle);
      reject(new AbortedError());
    };
    const handle = clock.setTimer(Math.max(0, ms), () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Rejects with AbortedError when `signal` aborts. */
export function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new AbortedError());
    else signal.addEventListener('abort', () => reject(new AbortedError()), { once: true });
  });
}

/**
 * An AbortController that also aborts when `parent` does. Its signal may have many listeners at
 * once (a Map's: one per running iteration and task), so node's warning at 10 is off for it; each
 * listener is removed when its child ends.
 */
export function childController(parent: AbortSignal): AbortController {
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  if (parent.aborted) c.abort();
  else {
    const onAbort = () => c.abort();
    parent.addEventListener('abort', onAbort, { once: true });
    c.signal.addEventListener('abort', () => parent.removeEventListener('abort', onAbort), { once: true });
  }
  return c;
}

/**
 * Runs `work` over `items` with at most `limit()` at once (0 = all), read again as each one ends and
 * when `widen` is called back (UpdateMapRun's maxConcurrency); answers their results in order, or
 * the first failure (after which none is started).
 */
export function pool<T, R>(items: readonly T[], limit: () => number, work: (item: T, index: number) => Promise<R>, onWiden?: (widen: () => void) => void): Promise<R[]> {
  return new Promise<R[]>((resolve, reject) => {
    const out = new Array<R>(items.length);
    let next = 0;
    let running = 0;
    let done = 0;
    let failed = false;
    const fill = () => {
      while (!failed && next < items.length && running < (limit() > 0 ? limit() : items.length)) {
        const i = next++;
        running++;
        // (a work that throws at once fails the pool as one that rejects)
        let started: Promise<R>;
        try {
          started = work(items[i], i);
        } catch (err) {
          started = Promise.reject(err);
        }
        started.then(
          (r) => {
            out[i] = r;
            running--;
            if (++done === items.length) resolve(out);
            else fill();
          },
          (err: unknown) => {
            running--;
            if (failed) return;
            failed = true;
            reject(err);
          },
        );
      }
    };
    if (items.length === 0) return resolve(out);
    onWiden?.(fill);
    fill();
  });
}
