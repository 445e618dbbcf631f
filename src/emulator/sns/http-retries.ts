/**
 * Delivering SNS messages to http/https subscribers with SNS's retries. A delivery is put in the
 * pending store (a journal) before its first attempt, so a published message is not lost to a
 * SIGKILL; it is tried again after each retryable failure (no answer, a connection error, a
 * timeout, a 5xx status: the port decides) after the delays of the subscription's effective
 * delivery policy, and leaves the store once it is delivered, refused (a 4xx) or out of retries.
 * `resume` takes back the deliveries a stopped server left. Pure: the clock's timers only.
 */
import type { Clock } from '../batch/core/ports';
import { Timers } from '../clock/timers';
import type { Notification, SubscriptionRecord } from './core';
import { retryDelays, type RetryPolicy } from '../../model/sns/delivery-policy';

export interface PendingHttpDelivery {
  readonly subscriptionArn: string;
  readonly notification: Notification;
  /** Attempts made so far. */
  readonly attempts: number;
  /** When the next attempt is due (ms since the epoch). */
  readonly due: number;
}

export interface HttpPendingStore {
  put(key: string, pending: PendingHttpDelivery): void;
  delete(key: string): void;
}

export interface AttemptOutcome {
  readonly delivered: boolean;
  /** A failure that a later attempt may fix. */
  readonly retryable: boolean;
  /** What happened, for the log. */
  readonly detail: string;
}

export interface HttpDeliveryPort {
  post(sub: SubscriptionRecord, n: Notification): Promise<AttemptOutcome>;
  /** The subscription as it is now (undefined: unsubscribed since, so the delivery ends). */
  subscription(arn: string): SubscriptionRecord | undefined;
  retryPolicy(sub: SubscriptionRecord): RetryPolicy;
  log(line: string): void;
}

export class HttpDeliveries {
  private readonly timers: Timers;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly port: HttpDeliveryPort,
    private readonly store?: HttpPendingStore,
  ) {
    this.timers = new Timers(clock);
  }

  /** Journals the delivery, then makes its first attempt. */
  send(sub: SubscriptionRecord, n: Notification): void {
    const key = `${n.MessageId}/${sub.SubscriptionArn}`;
    this.store?.put(key, { subscriptionArn: sub.SubscriptionArn, notification: n, attempts: 0, due: this.clock.now() });
    void this.attempt(key, sub.SubscriptionArn, n, 1);
  }

  /** Takes back the deliveries a stopped server left, each tried when it is due; returns how many. */
  resume(pending: Iterable<[string, PendingHttpDelivery]>): number {
    let count = 0;
    for (const [key, p] of pending) {
      count++;
      this.later(Math.max(0, p.due - this.clock.now()), () => void this.attempt(key, p.subscriptionArn, p.notification, p.attempts + 1));
    }
    return count;
  }

  /** Stops the waiting retries (the server is stopping; they stay journaled). */
  stop(): void {
    this.stopped = true;
    this.timers.clear();
  }

  private async attempt(key: string, subArn: string, n: Notification, attempt: number): Promise<void> {
    const sub = this.port.subscription(subArn);
    if (!sub) {
      this.store?.delete(key);
      this.port.log(`localbatch sns: message ${n.MessageId} not delivered: subscription ${subArn} is gone`);
      return;
    }
    const outcome = await this.port.post(sub, n).catch((err: unknown): AttemptOutcome => ({ delivered: false, retryable: true, detail: err instanceof Error ? err.message : String(err) }));
    if (this.stopped) return;
    if (outcome.delivered) {
      this.store?.delete(key);
      if (attempt > 1) this.port.log(`localbatch sns: message ${n.MessageId} delivered to ${sub.Endpoint} on attempt ${attempt}`);
      return;
    }
    const delays = retryDelays(this.port.retryPolicy(sub));
    const delay = delays[attempt - 1];
    if (!outcome.retryable || delay === undefined) {
      this.store?.delete(key);
      this.port.log(`localbatch sns: gave up delivering message ${n.MessageId} to ${sub.Endpoint} after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${outcome.detail}`);
      return;
    }
    const due = this.clock.now() + delay * 1000;
    this.store?.put(key, { subscriptionArn: subArn, notification: n, attempts: attempt, due });
    this.port.log(`localbatch sns: ${outcome.detail}; message ${n.MessageId} to ${sub.Endpoint} is tried again in ${delay} s (retry ${attempt} of ${delays.length})`);
    this.later(delay * 1000, () => void this.attempt(key, subArn, n, attempt + 1));
  }

  private later(delay: number, fn: () => void): void {
    if (!this.stopped) this.timers.later(delay, fn);
  }
}
