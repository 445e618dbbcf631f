/**
 * The SNS service as the composition root uses it: the core, its journal (`<state>/sns/topics.jsonl`),
 * delivery (http/https subscribers on this machine get SNS's JSON POST with its x-amz-sns-* headers,
 * retried by the subscription's delivery policy and journaled in `<state>/sns/retries.jsonl` until it
 * ends; email subscribers get a file in `<state>/sns/outbox/`), and every published message as a
 * local event ("SNS Notification", source `localbatch.sns`) for the editor's notifications.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../batch/core/ports';
import type { EdgeService } from '../edge/service';
import { RecordJournal } from '../store/record-journal';
import { snsService } from './api';
import { SnsCore, type Notification, type SnsRecord, type SubscriptionRecord, type TopicRecord } from './core';
import { HttpDeliveries, type AttemptOutcome, type PendingHttpDelivery } from './http-retries';

export interface SnsServiceOptions {
  readonly dir?: string;
  readonly clock: Clock;
  readonly account: string;
  readonly region: string;
  /** The endpoint's URL, for SubscribeURL / UnsubscribeURL. */
  readonly endpointUrl: () => string;
  readonly log?: (line: string) => void;
}

export interface LocalEvent {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export class SnsService {
  readonly edge: EdgeService;
  private readonly listeners = new Set<(e: LocalEvent) => void>();

  private constructor(
    readonly core: SnsCore,
    private readonly journal: RecordJournal<SnsRecord> | undefined,
    private readonly retries: RecordJournal<PendingHttpDelivery> | undefined,
    private readonly http: HttpDeliveries,
  ) {
    this.edge = snsService(core, () => this.committed());
  }

  static async open(o: SnsServiceOptions): Promise<SnsService> {
    const journal = o.dir ? await RecordJournal.open<SnsRecord>(o.dir, 'topics') : undefined;
    const retries = o.dir ? await RecordJournal.open<PendingHttpDelivery>(o.dir, 'retries') : undefined;
    for (const p of [...(journal?.problems ?? []), ...(retries?.problems ?? [])]) o.log?.(`localbatch sns: ${p}`);
    const outbox = o.dir ? join(o.dir, 'outbox') : undefined;
    let service: SnsService | undefined = undefined;
    const log = (line: string) => o.log?.(line);
    const core: SnsCore = new SnsCore({
      clock: o.clock,
      account: o.account,
      region: o.region,
      onChange: (k, r) => (r ? journal?.put(k, r) : journal?.delete(k)),
      ports: {
        deliver: (sub, n) => (sub.Protocol.startsWith('email') ? deliverEmail(sub, n, o, outbox) : http.send(sub, n)),
        published: (topic, n) => service?.emit(topic, n),
      },
    });
    const http = new HttpDeliveries(
      o.clock,
      {
        post: (sub, n) => post(sub, n, o, core.deliveryPolicyOf(sub).contentType),
        subscription: (arn) => core.findSubscription(arn),
        retryPolicy: (sub) => core.deliveryPolicyOf(sub).retry,
        log,
      },
      retries,
    );
    for (const r of journal?.values() ?? []) core.restore(r);
    service = new SnsService(core, journal, retries, http);
    return service;
  }

  /**
   * Takes back the http(s) deliveries left unfinished when the server stopped (call it once the
   * endpoint's URL is known: the messages carry it); returns how many.
   */
  resumeDeliveries(): number {
    return this.retries ? this.http.resume([...this.retries.records]) : 0;
  }

  /** Resolves once every acknowledged change is on disk: topics, subscriptions and the deliveries started. */
  async committed(): Promise<void> {
    await Promise.all([this.journal?.committed(), this.retries?.committed()]);
  }

  /** Published messages as local events (for `/localbatch/v1/events`). */
  subscribe(listener: (e: LocalEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether a topic of this ARN exists (S3 checks its notifications' topics). */
  hasTopic(topicArn: string): boolean {
    try {
      this.core.topic(topicArn);
      return true;
    } catch {
      return false;
    }
  }

  /** Publish for other services (EventBridge targets, schedules, S3 notifications): returns the MessageId. */
  publish(topicArn: string, message: string, subject?: string): string {
    return this.core.publish(topicArn, message, subject);
  }

  async close(): Promise<void> {
    this.http.stop();
    await Promise.all([this.journal?.close(), this.retries?.close()]);
  }

  private emit(topic: TopicRecord, n: Notification): void {
    const event: LocalEvent = { version: '0', id: n.MessageId, 'detail-type': 'SNS Notification', source: 'localbatch.sns', account: topic.TopicArn.split(':')[4] ?? '', time: n.Timestamp, region: topic.TopicArn.split(':')[3] ?? '', resources: [topic.TopicArn], detail: { TopicArn: n.TopicArn, MessageId: n.MessageId, Subject: n.Subject, Message: n.Message } };
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a listener's failure does not stop publishing
      }
    }
  }
}

function body(sub: SubscriptionRecord, n: Notification, o: SnsServiceOptions): Record<string, unknown> {
  const base = o.endpointUrl();
  const out: Record<string, unknown> = { Type: n.Type, MessageId: n.MessageId, TopicArn: n.TopicArn, ...(n.Subject !== undefined ? { Subject: n.Subject } : {}), Message: n.Message, Timestamp: n.Timestamp, SignatureVersion: '1', Signature: 'localbatch-unsigned', SigningCertURL: `${base}/localbatch/v1/sns-cert` };
  if (n.Type === 'SubscriptionConfirmation') {
    out.Token = n.Token;
    out.SubscribeURL = `${base}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(n.TopicArn)}&Token=${n.Token}`;
  } else {
    out.UnsubscribeURL = `${base}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(sub.SubscriptionArn)}`;
    if (n.MessageAttributes) out.MessageAttributes = n.MessageAttributes;
  }
  return out;
}

function deliverEmail(sub: SubscriptionRecord, n: Notification, o: SnsServiceOptions, outbox: string | undefined): void {
  if (!outbox) return;
  mkdirSync(outbox, { recursive: true, mode: 0o700 });
  const text = sub.Protocol === 'email-json' ? JSON.stringify(body(sub, n, o), null, 2) : n.Message;
  // One file per subscriber of the message (its subscription's id: the ARN's last part).
  const file = join(outbox, `${n.Timestamp.replace(/[:.]/g, '-')}-${n.MessageId}-${sub.SubscriptionArn.split(':').pop()}.eml`);
  writeFileSync(file, `To: ${sub.Endpoint}\nFrom: no-reply@sns.localbatch\nSubject: ${n.Subject ?? 'AWS Notification Message'}\nX-Topic-Arn: ${n.TopicArn}\n\n${text}\n`, { mode: 0o600 });
}

/** SNS waits 15 seconds for an answer. */
const ANSWER_TIMEOUT_MS = 15_000;

/**
 * One attempt to POST a message to an http/https subscriber. As SNS counts them, a 2xx is
 * delivered; a 5xx (or a status outside 200-599), no answer within 15 s or a connection error is a
 * failure worth retrying; a 4xx is the endpoint refusing the message, not retried.
 */
async function post(sub: SubscriptionRecord, n: Notification, o: SnsServiceOptions, contentType: string): Promise<AttemptOutcome> {
  let url: URL;
  try {
    url = new URL(sub.Endpoint);
  } catch {
    return { delivered: false, retryable: false, detail: `${sub.Endpoint} is not a URL` };
  }
  if (!LOOPBACK.has(url.hostname)) return { delivered: false, retryable: false, detail: `${sub.Endpoint} is not on this machine; localbatch delivers http(s) messages to 127.0.0.1/localhost only` };
  const headers: Record<string, string> = { 'content-type': contentType, 'x-amz-sns-message-type': n.Type, 'x-amz-sns-message-id': n.MessageId, 'x-amz-sns-topic-arn': n.TopicArn };
  if (n.Type === 'Notification') headers['x-amz-sns-subscription-arn'] = sub.SubscriptionArn;
  // RawMessageDelivery: the message itself is the body (confirmations keep their JSON), as on AWS.
  const raw = n.Type === 'Notification' && sub.Attributes.RawMessageDelivery === 'true';
  if (raw) headers['x-amz-sns-rawdelivery'] = 'true';
  try {
    const r = await fetch(url, { method: 'POST', headers, body: raw ? n.Message : JSON.stringify(body(sub, n, o)), signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) });
    await r.body?.cancel().catch(() => undefined);
    if (r.status >= 200 && r.status < 300) return { delivered: true, retryable: false, detail: `answered ${r.status}` };
    return { delivered: false, retryable: !(r.status >= 400 && r.status < 500), detail: `${sub.Endpoint} answered ${r.status}` };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    return { delivered: false, retryable: true, detail: timedOut ? `${sub.Endpoint} did not answer within ${ANSWER_TIMEOUT_MS / 1000} s` : `could not reach ${sub.Endpoint}: ${err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err)}` };
  }
}
