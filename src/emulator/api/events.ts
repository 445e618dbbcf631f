/**
 * `GET /localbatch/v1/events`: server-sent events carrying the EventBridge-shaped events the core
 * emits ("Batch Job State Change", "Batch Job Queue Blocked"). Written straight to the socket (no
 * buffering), a comment heartbeat keeps idle connections and proxies alive, and the subscription
 * ends when the client goes away.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the core emits; the server wraps it in the EventBridge envelope. */
export interface BatchEvent {
  readonly detailType: 'Batch Job State Change' | 'Batch Job Queue Blocked' | (string & {});
  /** Epoch ms. */
  readonly time: number;
  /** ARNs the event is about (the job's ARN for job state changes). */
  readonly resources: readonly string[];
  /** For job state changes: the job as DescribeJobs returns it. */
  readonly detail: unknown;
}

/** Port the core implements: `subscribe` returns the unsubscribe function. */
export interface EventSource {
  subscribe(listener: (event: BatchEvent) => void): () => void;
}

export interface EventStreamOptions {
  readonly accountId: string;
  readonly region: string;
  readonly heartbeatMs?: number;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;

/** The AWS shape of an event as EventBridge delivers it. */
export function toEventBridgeShape(event: BatchEvent, opts: EventStreamOptions): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': event.detailType,
    source: 'aws.batch',
    account: opts.accountId,
    time: new Date(event.time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: opts.region,
    resources: [...event.resources],
    detail: event.detail,
  };
}

/** Serves one SSE client until it disconnects or the server closes. Returns the cleanup function. */
export function serveEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  source: EventSource,
  opts: EventStreamOptions,
  baseHeaders: Record<string, string>,
): () => void {
  // A stream is long-lived by design: no inactivity timeout, no Nagle delay.
  req.socket.setTimeout(0);
  req.socket.setNoDelay(true);
  res.writeHead(200, {
    ...baseHeaders,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  res.write(': localbatch events\n\n');

  let seq = 0;
  const unsubscribe = source.subscribe((event) => {
    const data = JSON.stringify(toEventBridgeShape(event, opts));
    res.write(`id: ${++seq}\ndata: ${data}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(`: heartbeat ${new Date().toISOString()}\n\n`), opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  heartbeat.unref();

  let done = false;
  const cleanup = () => {
    if (done) return;
    done = true;
    clearInterval(heartbeat);
    unsubscribe();
    if (!res.writableEnded) res.end();
  };
  res.on('close', cleanup);
  req.on('error', cleanup);
  return cleanup;
}
