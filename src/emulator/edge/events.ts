/**
 * `GET /localbatch/v1/events`: server-sent events carrying the EventBridge-shaped events the core
 * emits ("Batch Job State Change", "Batch Job Queue Blocked"). Written straight to the socket (no
 * buffering), a comment heartbeat keeps idle connections and proxies alive, and the subscription
 * ends when the client goes away.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * An event as EventBridge delivers it ("Batch Job State Change", "Batch Job Queue Blocked"). The
 * core builds the whole envelope (account, region, id, time), so the stream sends it unchanged;
 * `JobStateChangeEvent` from the core fits this shape.
 */
export interface BatchEvent {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  /** ISO 8601. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

/** Port the core implements (`BatchEngine.subscribe`): returns the unsubscribe function. */
export interface EventSource {
  subscribe(listener: (event: BatchEvent) => void): () => void;
}

export interface EventStreamOptions {
  readonly heartbeatMs?: number;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;

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
    const data = JSON.stringify(event);
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
