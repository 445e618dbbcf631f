/**
 * Delivering one event to one target: the port does the work (Batch, SNS, Logs, Step Functions);
 * a retryable failure is tried again with exponential backoff (1 s doubling, at most 60 s apart)
 * until the target's RetryPolicy runs out (MaximumRetryAttempts, default 185;
 * MaximumEventAgeInSeconds, default 86,400), then the event goes to the DeadLetterConfig queue
 * through the port, or, without one, the failure is reported. A failure that retrying cannot fix
 * (the queue does not exist, the input is malformed) skips the retries, as EventBridge does.
 * Every outcome is kept in a short per-rule history for the editor and `events list`. A delivery
 * waiting for its next attempt is handed to the `pending` store (journaled by the services), and
 * `resume` takes those back after a restart: an accepted event is not lost to a SIGKILL while it
 * is being retried. Pure: the clock's timers only.
 */
import type { Target } from '@aws-sdk/client-eventbridge';
import type { Clock } from '../../batch/core/ports';
import { Timers } from '../../clock/timers';

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface DeliveryContext {
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly event: Record<string, unknown>;
}

export interface TargetPort {
  /** Delivers `input` (the text the target receives); resolves to a note (e.g. the job id). */
  deliver(target: Target, input: string, ctx: DeliveryContext): Promise<string | undefined>;
  /** Sends an undeliverable event to a dead-letter queue (absent: none can be reached locally). */
  deadLetter?(queueArn: string, input: string, reason: string): Promise<void>;
}

/** A delivery waiting for its next attempt, as it is journaled. */
export interface PendingDelivery {
  readonly target: Target;
  readonly input: string;
  readonly ctx: DeliveryContext;
  /** Attempts made so far. */
  readonly attempts: number;
  /** When the first attempt was made (the RetryPolicy's event age counts from it). */
  readonly first: number;
  /** When the next attempt is due. */
  readonly due: number;
}

/** Where waiting deliveries are kept (a journal); `put` before the retry is scheduled, `delete` once it ends. */
export interface PendingStore {
  put(key: string, pending: PendingDelivery): void;
  delete(key: string): void;
}

function eventIdOf(ctx: DeliveryContext): string {
  return typeof ctx.event.id === 'string' ? ctx.event.id : '';
}

export type DeliveryStatus = 'delivered' | 'retrying' | 'failed' | 'dead-lettered';

export interface DeliveryRecord {
  /** ISO 8601. */
  readonly time: string;
  readonly rule: string;
  readonly targetId: string;
  readonly targetArn: string;
  readonly eventId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly detail?: string;
}

const HISTORY = 20;

export class Deliveries {
  private readonly history = new Map<string, DeliveryRecord[]>();
  private readonly timers: Timers;
  /** First attempts not settled yet. */
  private readonly inFlight = new Set<Promise<void>>();
  private sent = 0;

  constructor(
    private readonly clock: Clock,
    private readonly port: TargetPort,
    private readonly onRecord: (r: DeliveryRecord) => void = () => {},
    private readonly store?: PendingStore,
  ) {
    this.timers = new Timers(clock);
  }

  /** The last deliveries of a rule, newest first. */
  of(rule: string): readonly DeliveryRecord[] {
    return this.history.get(rule) ?? [];
  }

  /** How many deliveries have been started (a change tells that an event reached a target). */
  get started(): number {
    return this.sent;
  }

  /** Starts delivering; resolves when the first attempt has settled (retries continue on timers). */
  send(target: Target, input: string, ctx: DeliveryContext): Promise<void> {
    this.sent++;
    const first = this.clock.now();
    const key = `${ctx.ruleName}/${target.Id ?? ''}/${eventIdOf(ctx) || `${first}.${this.sent}`}`;
    const done = this.run(key, target, input, ctx, first, 1);
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return done;
  }

  /**
   * Resolves once every first attempt started so far has settled: each event then has reached its
   * target or has its retry handed to the pending store (a PutEvents answers after this).
   */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /**
   * Takes back the deliveries that were waiting for a retry when the server stopped; each is tried
   * when it is due (one older than its RetryPolicy's MaximumEventAgeInSeconds is given up at once,
   * without delivering). Returns how many there were.
   */
  resume(pending: Iterable<[string, PendingDelivery]>): number {
    let count = 0;
    for (const [key, p] of pending) {
      count++;
      this.timers.later(Math.max(0, p.due - this.clock.now()), () => void this.run(key, p.target, p.input, p.ctx, p.first, p.attempts + 1));
    }
    return count;
  }

  private run(key: string, target: Target, input: string, ctx: DeliveryContext, first: number, from: number): Promise<void> {
    const eventId = eventIdOf(ctx);
    const maxAttempts = 1 + (target.RetryPolicy?.MaximumRetryAttempts ?? 185);
    const maxAgeMs = (target.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400) * 1000;
    const record = (status: DeliveryStatus, attempts: number, detail?: string): void => {
      const r: DeliveryRecord = { time: new Date(this.clock.now()).toISOString(), rule: ctx.ruleName, targetId: target.Id ?? '', targetArn: target.Arn ?? '', eventId, status, attempts, detail };
      const list = this.history.get(ctx.ruleName) ?? [];
      list.unshift(r);
      if (list.length > HISTORY) list.length = HISTORY;
      this.history.set(ctx.ruleName, list);
      this.onRecord(r);
    };
    const attempt = async (n: number): Promise<void> => {
      if (n > 1 && this.clock.now() - first > maxAgeMs) {
        // Only a delivery taken back after a restart can be due this late.
        this.store?.delete(key);
        await this.giveUp(target, input, n - 1, `the event is older than the target's MaximumEventAgeInSeconds (${maxAgeMs / 1000}) after a restart of the emulator`, record);
        return;
      }
      try {
        const note = await this.port.deliver(target, input, ctx);
        if (n > 1) this.store?.delete(key);
        record('delivered', n, note);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const retryable = err instanceof DeliveryError ? err.retryable : true;
        const delay = Math.min(60_000, 1000 * 2 ** (n - 1));
        if (retryable && n < maxAttempts && this.clock.now() + delay - first <= maxAgeMs) {
          record('retrying', n, message);
          this.store?.put(key, { target, input, ctx, attempts: n, first, due: this.clock.now() + delay });
          this.timers.later(delay, () => void attempt(n + 1));
          return;
        }
        if (n > 1) this.store?.delete(key);
        await this.giveUp(target, input, n, message, record);
      }
    };
    return attempt(from);
  }

  /** Stops pending retries (the server is stopping). */
  stop(): void {
    this.timers.clear();
  }

  private async giveUp(target: Target, input: string, attempts: number, message: string, record: (s: DeliveryStatus, n: number, d?: string) => void): Promise<void> {
    const dlq = target.DeadLetterConfig?.Arn;
    if (dlq && this.port.deadLetter) {
      try {
        await this.port.deadLetter(dlq, input, message);
        record('dead-lettered', attempts, `${message}; sent to ${dlq}`);
        return;
      } catch (err) {
        record('failed', attempts, `${message}; the dead-letter queue ${dlq} failed too: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
    }
    record('failed', attempts, dlq ? `${message}; dead-letter queue ${dlq} is not emulated locally, so the event is reported here` : message);
  }
}
