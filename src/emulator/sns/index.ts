/**
 * The SNS service as the composition root uses it: the core, its journal (`<state>/sns/topics.jsonl`),
 * delivery (http/https subscribers on this machine get SNS's JSON POST with its x-amz-sns-* headers;
 * email subscribers get a file in `<state>/sns/outbox/`), and every published message as a local
 * event ("SNS Notification", source `localbatch.sns`) for the editor's notifications.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../batch/core/ports';
import type { EdgeService } from '../edge/service';
import { RecordJournal } from '../store/record-journal';
import { snsService } from './api';
import { SnsCore, type Notification, type SnsRecord, type SubscriptionRecord, type TopicRecord } from './core';

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
  ) {
    this.edge = snsService(core, () => journal?.committed() ?? Promise.resolve());
  }

  static async open(o: SnsServiceOptions): Promise<SnsService> {
    const journal = o.dir ? await RecordJournal.open<SnsRecord>(o.dir, 'topics') : undefined;
    for (const p of journal?.problems ?? []) o.log?.(`localbatch sns: ${p}`);
    const outbox = o.dir ? join(o.dir, 'outbox') : undefined;
    let service: SnsService | undefined = undefined;
    const core = new SnsCore({
      clock: o.clock,
      account: o.account,
      region: o.region,
      onChange: (k, r) => (r ? journal?.put(k, r) : journal?.delete(k)),
      ports: {
        deliver: (sub, n) => deliver(sub, n, o, outbox),
        published: (topic, n) => service?.emit(topic, n),
      },
    });
    for (const r of journal?.values() ?? []) core.restore(r);
    service = new SnsService(core, journal);
    return service;
  }

  /** Published messages as local events (for `/localbatch/v1/events`). */
  subscribe(listener: (e: LocalEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publish for other services (EventBridge targets, schedules): resolves to the MessageId. */
  publish(topicArn: string, message: string, subject?: string): string {
    return this.core.publish(topicArn, message, subject);
  }

  async close(): Promise<void> {
    await this.journal?.close();
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

function deliver(sub: SubscriptionRecord, n: Notification, o: SnsServiceOptions, outbox: string | undefined): void {
  if (sub.Protocol.startsWith('email')) {
    if (!outbox) return;
    mkdirSync(outbox, { recursive: true });
    const text = sub.Protocol === 'email-json' ? JSON.stringify(body(sub, n, o), null, 2) : n.Message;
    const file = join(outbox, `${n.Timestamp.replace(/[:.]/g, '-')}-${n.MessageId}.eml`);
    writeFileSync(file, `To: ${sub.Endpoint}\nFrom: no-reply@sns.localbatch\nSubject: ${n.Subject ?? 'AWS Notification Message'}\nX-Topic-Arn: ${n.TopicArn}\n\n${text}\n`, { mode: 0o600 });
    return;
  }
  let url: URL;
  try {
    url = new URL(sub.Endpoint);
  } catch {
    o.log?.(`localbatch sns: ${sub.Endpoint} is not a URL; message ${n.MessageId} not delivered`);
    return;
  }
  if (!LOOPBACK.has(url.hostname)) {
    o.log?.(`localbatch sns: ${sub.Endpoint} is not on this machine; localbatch delivers http(s) messages to 127.0.0.1/localhost only`);
    return;
  }
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': n.Type, 'x-amz-sns-message-id': n.MessageId, 'x-amz-sns-topic-arn': n.TopicArn };
  if (n.Type === 'Notification') headers['x-amz-sns-subscription-arn'] = sub.SubscriptionArn;
  // RawMessageDelivery: the message itself is the body (confirmations keep their JSON), as on AWS.
  const raw = n.Type === 'Notification' && sub.Attributes.RawMessageDelivery === 'true';
  if (raw) headers['x-amz-sns-rawdelivery'] = 'true';
  void fetch(url, { method: 'POST', headers, body: raw ? n.Message : JSON.stringify(body(sub, n, o)), signal: AbortSignal.timeout(15_000) }).then(
    (r) => {
      if (!r.ok) o.log?.(`localbatch sns: ${sub.Endpoint} answered ${r.status} to message ${n.MessageId}`);
    },
    (err: unknown) => o.log?.(`localbatch sns: could not deliver message ${n.MessageId} to ${sub.Endpoint}: ${err instanceof Error ? err.message : String(err)}`),
  );
}
