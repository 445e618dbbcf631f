/**
 * Whether the Docker engine answers, for the runtime port's `availability`. A call that fails
 * because the engine cannot be reached (socket gone, connection refused or reset, no answer in
 * time) marks it down; while down it is pinged with backoff until it answers again. While
 * containers are being followed it is also pinged now and then, so a wait on an engine that hangs
 * without closing the connection is noticed too.
 */
import type Docker from 'dockerode';
import type { RuntimeAvailability } from '../batch/core/ports';

export interface HealthTimings {
  /** A ping that takes longer counts as no answer. */
  readonly pingTimeoutMs: number;
  /** First and longest pause between pings while the engine is down (doubling in between). */
  readonly probeMinMs: number;
  readonly probeMaxMs: number;
  /** Pause between pings while containers are followed and the engine is up. */
  readonly heartbeatMs: number;
}

export const DEFAULT_HEALTH_TIMINGS: HealthTimings = { pingTimeoutMs: 3_000, probeMinMs: 200, probeMaxMs: 2_000, heartbeatMs: 5_000 };

/** Short Docker calls (create, start, inspect, kill, remove, list) that take longer count as no answer. */
export const CALL_TIMEOUT_MS = 60_000;

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'EAI_AGAIN', 'ENOTCONN', 'ERR_SOCKET_CLOSED']);

/** True when `err` says the engine could not be reached (as opposed to an answer from it, like a 404). */
export function isUnreachable(err: unknown): boolean {
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.statusCode === 'number') return false;
  if (typeof e.code === 'string' && UNREACHABLE_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && /socket hang up|no answer within|connect E\w+|read ECONNRESET|aborted/i.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== err && isUnreachable(e.cause);
}

/** Rejects with an ETIMEDOUT error (unreachable) when `p` has not settled within `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error(`Docker gave no answer within ${ms} ms (${what})`), { code: 'ETIMEDOUT' })), ms);
    t.unref?.();
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e as Error)),
    );
  });
}

export class EngineHealth implements RuntimeAvailability {
  available = true;
  private readonly listeners = new Set<(available: boolean) => void>();
  private timer: NodeJS.Timeout | undefined;
  private probeDelay: number;
  private followed = 0;
  private disposed = false;

  constructor(
    private readonly docker: Docker,
    private readonly endpoint: string,
    private readonly timings: HealthTimings = DEFAULT_HEALTH_TIMINGS,
  ) {
    this.probeDelay = timings.probeMinMs;
  }

  get unavailableReason(): string {
    return `CAPACITY:DOCKER_UNREACHABLE - the Docker engine at ${this.endpoint} is not reachable; jobs start when it is back`;
  }

  onChange(listener: (available: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A call could not reach the engine. */
  markDown(): void {
    if (this.disposed || !this.available) return;
    this.available = false;
    this.probeDelay = this.timings.probeMinMs;
    this.schedule(this.probeDelay);
    this.notify(false);
  }

  /** Resolves when the engine answers (at once when it is up). */
  whenUp(): Promise<void> {
    if (this.available || this.disposed) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.onChange((up) => {
        if (!up) return;
        off();
        resolve();
      });
    });
  }

  /** Settles (rejecting with an unreachable error) when the engine goes down; `cancel` stops listening. */
  whenDown(): { promise: Promise<never>; cancel: () => void } {
    let off: () => void = () => undefined;
    const promise = new Promise<never>((_, reject) => {
      off = this.onChange((up) => {
        if (up) return;
        off();
        reject(Object.assign(new Error(`the Docker engine at ${this.endpoint} stopped answering`), { code: 'ECONNRESET' }));
      });
    });
    promise.catch(() => undefined);
    return { promise, cancel: () => void off() };
  }

  /** A container is being followed: ping now and then while it is (ends with the returned function). */
  follow(): () => void {
    this.followed++;
    if (this.followed === 1 && this.available) this.schedule(this.timings.heartbeatMs);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.followed--;
    };
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.ping(), ms);
    this.timer.unref();
  }

  private async ping(): Promise<void> {
    this.timer = undefined;
    if (this.disposed) return;
    let ok: boolean;
    try {
      await withTimeout(this.docker.ping(), this.timings.pingTimeoutMs, 'ping');
      ok = true;
    } catch {
      ok = false;
    }
    if (this.disposed) return;
    if (ok && !this.available) {
      this.available = true;
      this.notify(true);
    } else if (!ok && this.available) {
      this.markDown();
      return;
    }
    if (!this.available) {
      this.probeDelay = Math.min(this.timings.probeMaxMs, this.probeDelay * 2);
      this.schedule(this.probeDelay);
    } else if (this.followed > 0) {
      this.schedule(this.timings.heartbeatMs);
    }
  }

  private notify(available: boolean): void {
    for (const l of [...this.listeners]) l(available);
  }
}
