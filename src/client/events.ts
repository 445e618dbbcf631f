/**
 * The emulator's live job events: a server-sent-events stream (`GET /localbatch/v1/events`, signed
 * with SigV4) of AWS-shaped "Batch Job State Change" events and the emulator's SNS messages
 * ("SNS Notification", source `localbatch.sns`). Used by the extension and the CLI.
 */
import * as http from 'node:http';
import type { EmulatorEndpoint } from './endpoint';
import { signGet } from './signed-http';
import { toSnsNotification, type SnsNotification } from './sns-messages';

export const EVENTS_PATH = '/localbatch/v1/events';

/** The `detail` of an AWS "Batch Job State Change" event (the fields localbatch tools use). */
export interface JobStateChangeDetail {
  readonly jobId: string;
  readonly jobName?: string;
  readonly jobArn?: string;
  readonly jobQueue?: string;
  readonly status: string;
  readonly statusReason?: string;
  readonly [field: string]: unknown;
}

export interface JobStateChangeEvent {
  readonly 'detail-type': string;
  readonly source?: string;
  readonly time?: string;
  readonly detail: JobStateChangeDetail;
}

export interface SseMessage {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

/** Incremental parser of the text/event-stream format: feed chunks, get complete messages. */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;

  feed(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const sepLength = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      // A lone \r at the end of the buffer may be half of \r\n: wait for more.
      if (sepLength === 1 && this.buffer[nl] === '\r' && nl === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(nl + sepLength);
      const message = this.line(line);
      if (message) out.push(message);
    }
    return out;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') {
      const message = this.data.length > 0 ? { event: this.event || 'message', data: this.data.join('\n'), id: this.id } : undefined;
      this.data = [];
      this.event = '';
      return message;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
    return undefined;
  }
}

/** Parses one message into a job state change, or undefined for other messages (pings, hellos). */
export function toJobStateChange(message: SseMessage): JobStateChangeEvent | undefined {
  try {
    const value = JSON.parse(message.data) as Partial<JobStateChangeEvent>;
    const detail = value?.detail;
    if (typeof detail !== 'object' || detail === null || typeof detail.jobId !== 'string' || typeof detail.status !== 'string') return undefined;
    return { ...value, 'detail-type': value['detail-type'] ?? 'Batch Job State Change', detail } as JobStateChangeEvent;
  } catch {
    return undefined;
  }
}

export interface EventSubscription {
  close(): void;
}

export interface SubscribeHandlers {
  onEvent(event: JobStateChangeEvent): void;
  /** A message published to an SNS topic of the emulator (by a rule, a schedule, a state machine or a job). */
  onNotification?(message: SnsNotification): void;
  /** The stream is open (the server answered 200). */
  onOpen?(): void;
  /** The stream ended or failed; not called after close(). */
  onClose?(error?: Error): void;
}

/** Opens the event stream. No automatic reconnect: the caller decides (it knows whether the server still runs). */
export function subscribeEvents(endpoint: EmulatorEndpoint, handlers: SubscribeHandlers): EventSubscription {
  let closed = false;
  let request: http.ClientRequest | undefined;
  const finish = (error?: Error) => {
    if (closed) return;
    closed = true;
    handlers.onClose?.(error);
  };
  void signGet(endpoint, EVENTS_PATH, { accept: 'text/event-stream' }).then(({ url, headers }) => {
    if (closed) return;
    request = http.get(url, { headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        finish(new Error(`event stream refused: HTTP ${res.statusCode}`));
        return;
      }
      handlers.onOpen?.();
      const parser = new SseParser();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        for (const message of parser.feed(chunk)) {
          if (closed) break;
          const event = toJobStateChange(message);
          if (event) handlers.onEvent(event);
          const sns = event ? undefined : toSnsNotification(message.data);
          if (sns) handlers.onNotification?.(sns);
        }
      });
      res.on('end', () => finish());
      res.on('error', (err) => finish(err));
    });
    request.on('error', (err) => finish(err));
  }, (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))));
  return {
    close() {
      closed = true;
      request?.destroy();
    },
  };
}
