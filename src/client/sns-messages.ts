/**
 * The emulator's SNS messages as the editor sees them: from the event stream ("SNS Notification",
 * source `localbatch.sns`) and from `POST /localbatch/v1/sns-messages` (the recent ones per topic),
 * with what a notification shows (topic, subject, a one-line summary) and, when the message is an
 * EventBridge "Batch Job State Change" event (what a rule with an SNS target publishes by default),
 * the job it is about. Pure, except `recentMessages` (one signed request).
 */
import type { EmulatorEndpoint } from './endpoint';
import { postLocal } from './signed-http';

export const SNS_MESSAGES_PATH = '/localbatch/v1/sns-messages';

export interface SnsNotification {
  readonly TopicArn: string;
  readonly MessageId: string;
  readonly Subject?: string;
  readonly Message: string;
  /** ISO 8601. */
  readonly Timestamp?: string;
}

/** The job a message is about: an AWS "Batch Job State Change" event, published whole (no InputTransformer). */
export interface MessageJob {
  readonly jobId: string;
  readonly jobName?: string;
  readonly status?: string;
  readonly statusReason?: string;
  readonly exitCode?: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function isMessage(v: unknown): v is SnsNotification {
  const m = v as SnsNotification;
  return typeof v === 'object' && v !== null && typeof m.TopicArn === 'string' && typeof m.Message === 'string' && typeof m.MessageId === 'string';
}

/** An event-stream message's data as an SNS message, or undefined for anything else. */
export function toSnsNotification(data: string): SnsNotification | undefined {
  try {
    const e = JSON.parse(data) as { 'detail-type'?: unknown; source?: unknown; time?: unknown; detail?: unknown };
    if (e?.['detail-type'] !== 'SNS Notification' || e.source !== 'localbatch.sns' || !isMessage(e.detail)) return undefined;
    const d = e.detail;
    return { TopicArn: d.TopicArn, MessageId: d.MessageId, Subject: str(d.Subject), Message: d.Message, Timestamp: str(d.Timestamp) ?? str(e.time) };
  } catch {
    return undefined;
  }
}

/** The job a message is about, when its text is a Batch Job State Change event (as a rule publishes it). */
export function jobOfMessage(message: string): MessageJob | undefined {
  if (!message.trimStart().startsWith('{')) return undefined;
  try {
    const e = JSON.parse(message) as { 'detail-type'?: unknown; detail?: Record<string, unknown> };
    const d = e?.detail;
    if (e?.['detail-type'] !== 'Batch Job State Change' || typeof d !== 'object' || d === null || typeof d.jobId !== 'string') return undefined;
    const container = d.container as { exitCode?: unknown } | undefined;
    return {
      jobId: d.jobId,
      jobName: str(d.jobName),
      status: str(d.status),
      statusReason: str(d.statusReason),
      exitCode: typeof container?.exitCode === 'number' ? container.exitCode : undefined,
    };
  } catch {
    return undefined;
  }
}

/** The topic's name: the last part of its ARN. */
export function topicName(topicArn: string): string {
  return topicArn.slice(topicArn.lastIndexOf(':') + 1) || topicArn;
}

const MAX_SUMMARY = 300;

/** One line for the message: a job state change in words, or the text itself (whitespace folded, cut at 300 characters). */
export function messageSummary(m: Pick<SnsNotification, 'Subject' | 'Message'>): string {
  const job = jobOfMessage(m.Message);
  let text: string;
  if (job) {
    const exit = job.exitCode !== undefined && job.exitCode !== 0 ? `exit ${job.exitCode}` : undefined;
    const why = [exit, job.statusReason].filter(Boolean).join(': ');
    text = `job ${job.jobName ?? job.jobId} ${job.status ?? 'changed state'}${why ? ` (${why})` : ''}`;
  } else text = m.Message.replace(/\s+/g, ' ').trim();
  if (m.Subject) text = `${m.Subject}: ${text}`;
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text;
}

/** What the editor's notification says for a message. */
export function notificationText(m: SnsNotification): string {
  return `LocalBatch SNS ${topicName(m.TopicArn)}: ${messageSummary(m)}`;
}

/** The messages published since the emulator started (one topic's, or all), newest first. */
export async function recentMessages(endpoint: EmulatorEndpoint, topicArn?: string): Promise<SnsNotification[]> {
  const out = (await postLocal(endpoint, SNS_MESSAGES_PATH, topicArn ? { TopicArn: topicArn } : {})) as { Messages?: unknown };
  return Array.isArray(out?.Messages) ? out.Messages.filter(isMessage) : [];
}

/**
 * How many message notifications the editor shows: at most `max` per `windowMs` (a failing array job
 * would otherwise raise one per child); the rest are counted and announced together once the window
 * has passed (`flush`).
 */
export class NotificationGate {
  private shown: number[] = [];
  private held = 0;

  constructor(
    private readonly max = 3,
    private readonly windowMs = 10_000,
  ) {}

  /** True when this message may show now; false when it is held back (counted). */
  admit(now: number): boolean {
    this.shown = this.shown.filter((t) => now - t < this.windowMs);
    if (this.shown.length < this.max) {
      this.shown.push(now);
      return true;
    }
    this.held++;
    return false;
  }

  /** When the held-back messages may be announced (undefined when none are held). */
  flushAt(): number | undefined {
    return this.held > 0 && this.shown.length > 0 ? this.shown[0] + this.windowMs : undefined;
  }

  /** The number of held-back messages, reset to 0. */
  flush(): number {
    const n = this.held;
    this.held = 0;
    return n;
  }
}
