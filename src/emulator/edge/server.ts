/**
 * The emulator's HTTP endpoint on 127.0.0.1: the AWS Batch API (restJson1), CloudWatch Logs
 * (awsJson1_1, `POST /` + X-Amz-Target) and localbatch's own `/localbatch/v1/` endpoints, all
 * behind SigV4. Thin by design: route → read and verify → parse → handler → serialise; every
 * error goes through `toErrorResponse`.
 *
 * Authentication covers every path, health included: a signature proves the caller can read the
 * state directory, and anything that can sign can also ask for health.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4, type CredentialLookup } from './auth';
import type { ApiCredentials } from './credentials';
import { ApiError, ClientException, RequestEntityTooLargeException, SerializationException, toErrorResponse, UnknownOperationException } from './errors';
import { type EventSource, serveEventStream } from './events';
import { bodyLimitError, MAX_BODY_BYTES, parseJsonObject, PUT_LOG_EVENTS_MAX_BYTES, readBody, send, sendRaw, SUBMIT_JOB_MAX_BYTES } from './http';
import { LOGS_OPERATIONS, LOGS_TARGET_PREFIX, type LogsBackend, type LogsContext } from '../logs/api';
import { type BatchHandlers, matchRoute, queryMembers, type RouteMatch } from '../batch/api/routes';
import { type EdgeService, findService, serviceOfQueryVersion, signingServiceOf } from './service';
import { OWN_SIGNING_NAMES, unservedResponse } from './unserved';
import { verifyStreamingSigV4 } from './stream-auth';

export interface ApiServerOptions {
  /**
   * Loopback, or the container network's gateway (169.254.170.2, see jobs-env/network.ts) for the
   * listener jobs reach; any other value is refused.
   */
  readonly host?: '127.0.0.1' | '169.254.170.2';
  /** 0 picks a free port. */
  readonly port: number;
  readonly credentials: ApiCredentials;
  /** Also accepted: credentials the emulator handed to running jobs (by access key id). */
  readonly jobCredentials?: CredentialLookup;
  readonly batch: BatchHandlers;
  readonly logs: LogsBackend;
  readonly events: EventSource;
  readonly accountId: string;
  readonly region: string;
  readonly version: string;
  /** Where request errors are reported (default: console.error). Lines never hold credentials. */
  readonly log?: (line: string) => void;
  readonly heartbeatMs?: number;
  /** Overrides of the slow-client limits (tests). */
  readonly timeouts?: { readonly headersMs?: number; readonly requestMs?: number; readonly idleMs?: number };
  /** Clock for signature dates (tests). */
  readonly now?: () => number;
  /** Extra members of the health answer, e.g. `{ docker: 'ok' | <problem> }` (read on every health request). */
  readonly health?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** `POST /localbatch/v1/interrupt {jobId}`: rehearse a Spot interruption of a running job. */
  readonly interrupt?: (jobId: string) => unknown;  // may return a promise: answered once it resolves
  /** Further services on the same endpoint (S3, EventBridge, SNS, ...), see `service.ts`. */
  readonly services?: readonly EdgeService[];
  /** Further `POST /localbatch/v1/<name>` endpoints from the composition root: a JSON object in, JSON out. */
  readonly local?: Readonly<Record<string, (input: Record<string, unknown>) => unknown>>;
}

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
export const IDLE_SOCKET_TIMEOUT_MS = 60_000;

const BATCH_JSON = 'application/json';
const LOGS_JSON = 'application/x-amz-json-1.1';
const LOCAL_PREFIX = '/localbatch/v1/';

type Target =
  | { readonly api: 'batch'; readonly route: RouteMatch }
  | { readonly api: 'logs'; readonly operation: string }
  | { readonly api: 'local'; readonly endpoint: string }
  | { readonly api: 'none' };

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const host = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '169.254.170.2') throw new Error(`localbatch serves on 127.0.0.1 (and the container gateway 169.254.170.2) only, not ${String(host)}.`);
  const own = opts.credentials;
  const known: ApiCredentials | CredentialLookup = opts.jobCredentials
    ? (id) => (id === own.accessKeyId ? own : opts.jobCredentials!(id))
    : own;
  const log = opts.log ?? ((line: string) => console.error(line));
  const logsCtx: LogsContext = { backend: opts.logs, accountId: opts.accountId, region: opts.region };
  const streams = new Set<() => void>();

  const requestMs = opts.timeouts?.requestMs ?? REQUEST_TIMEOUT_MS;
  // Streamed bodies (S3 objects) may take longer than any fixed bound, so with a streaming service
  // node's whole-request timeout is off and every other request gets the same bound per request
  // (`boundRequest`); streamed ones are bound by the idle-socket and headers timeouts.
  const perRequestBound = opts.services?.some((s) => s.handleStream) ?? false;
  const server = createServer(
    {
      headersTimeout: opts.timeouts?.headersMs ?? HEADERS_TIMEOUT_MS,
      requestTimeout: perRequestBound ? 0 : requestMs,
      connectionsCheckingInterval: 250,
    },
    (req, res) => {
      handle(req, res).catch((err: unknown) => log(`localbatch api: unexpected failure: ${String(err)}`));
    },
  );
  server.keepAliveTimeout = 5_000;
  // Requests node cannot parse (bad request line, header overflow, timeouts) still get an AWS-shaped
  // answer with a request id instead of node's bare default.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const [status, text] =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout'] : err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : [400, 'Bad Request'];
    refuseOnSocket(socket, status, text);
  });

  /** A request that is not streamed must arrive whole within `requestMs`, as node would enforce. */
  function boundRequest(req: IncomingMessage, res: ServerResponse): void {
    if (!perRequestBound || req.complete) return;
    const timer = setTimeout(() => {
      if (req.complete || res.headersSent) return;
      refuseOnSocket(req.socket, 408, 'Request Timeout');
    }, requestMs);
    timer.unref();
    const clear = () => clearTimeout(timer);
    req.once('end', clear);
    req.once('close', clear);
  }
  server.setTimeout(opts.timeouts?.idleMs ?? IDLE_SOCKET_TIMEOUT_MS, (socket) => socket.destroy());

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const base = { 'x-amzn-requestid': requestId };
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    const signedFor = signingServiceOf(req.headers, rawQuery);
    let service = opts.services?.length && !rawPath.startsWith(LOCAL_PREFIX)
      ? (findService(opts.services, signedFor, req.headers['x-amz-target']) ?? (signedFor === undefined ? unsignedService(opts.services, method, rawPath, rawQuery, req.headers['x-amz-target']) : undefined))
      : undefined;
    // An unsigned query-protocol request (STS, SNS) is that service's, by the API version it names,
    // so it is refused in that service's shape rather than as S3 refuses an anonymous request.
    let preread: Buffer | undefined;
    if (service && signedFor === undefined && rawPath === '/' && !service.acceptsUnsigned?.(method, rawQuery)) {
      let version = new URLSearchParams(rawQuery).get('Version');
      if (version === null && method === 'POST' && isSmallForm(req)) {
        boundRequest(req, res);
        try {
          preread = await readBody(req, QUERY_FORM_MAX_BYTES, () => new RequestEntityTooLargeException('The request body is too large.'));
        } catch (err) {
          const out = toErrorResponse(err);
          send(res, out.status, { ...base, ...out.headers, connection: 'close' }, out.body);
          return;
        }
        version = new URLSearchParams(preread.toString('utf8')).get('Version');
      }
      service = serviceOfQueryVersion(opts.services!, version) ?? service;
    }
    if (!service?.handleStream && preread === undefined) boundRequest(req, res);
    if (service) return handleService(service, req, res, { requestId, method, rawPath, rawQuery }, preread);
    if (signedFor !== undefined && !OWN_SIGNING_NAMES.includes(signedFor) && !rawPath.startsWith(LOCAL_PREFIX)) {
      const out = unservedResponse(signedFor, [...OWN_SIGNING_NAMES.filter((n) => n !== 'localbatch'), ...(opts.services ?? []).flatMap((s) => s.signingNames)], req.headers, requestId);
      req.resume();
      send(res, out.status, { ...base, ...out.headers }, out.body);
      return;
    }
    const target = classify(method, rawPath, req.headers['x-amz-target']);
    const contentType = target.api === 'logs' ? LOGS_JSON : BATCH_JSON;
    try {
      const operation = target.api === 'batch' && target.route.kind === 'operation' ? target.route.operation : undefined;
      const limit = operation === 'SubmitJob' ? SUBMIT_JOB_MAX_BYTES : target.api === 'logs' && target.operation === 'PutLogEvents' ? PUT_LOG_EVENTS_MAX_BYTES : MAX_BODY_BYTES;
      const body = await readBody(req, limit, bodyLimitError(operation));
      await verifySigV4({ method, rawPath, rawQuery, headers: req.headers, body }, known, servicesFor(target), opts.now?.());

      if (target.api === 'local') return await serveLocal(target.endpoint, req, res, base, body);
      const result = await dispatch(target, method, rawPath, rawQuery, body);
      send(res, 200, { ...base, 'content-type': contentType }, JSON.stringify(result ?? {}));
    } catch (err) {
      const out = toErrorResponse(err, contentType);
      const where = `${method} ${rawPath.slice(0, 200)}`;
      if (out.logLine) log(`localbatch api: ${requestId} ${where}: ${out.logLine}`);
      else if (err instanceof ApiError && err.status === 403) log(`localbatch api: ${requestId} ${where}: refused (${err.type})`);
      if (out.status === 413 || !req.complete) res.setHeader('connection', 'close');
      send(res, out.status, { ...base, ...out.headers }, out.body);
    }
  }

  async function handleService(
    service: EdgeService,
    req: IncomingMessage,
    res: ServerResponse,
    head: { requestId: string; method: string; rawPath: string; rawQuery: string },
    preread?: Buffer,
  ): Promise<void> {
    const base = { 'x-amzn-requestid': head.requestId };
    try {
      if (service.handleStream) {
        const auth = verifyStreamingSigV4({ ...head, headers: req.headers }, known, service.signingNames, opts.now?.());
        await service.handleStream({ ...head, headers: req.headers, body: req, auth }, res);
        return;
      }
      if (!service.handle) throw new UnknownOperationException(`${service.name} has no request handler.`);
      const limit = service.maxBodyBytes ?? MAX_BODY_BYTES;
      const body = preread ?? (await readBody(req, limit, () => new RequestEntityTooLargeException(`The request body is larger than localbatch's limit of ${limit} bytes for ${service.name}.`)));
      const unsigned = signingServiceOf(req.headers, head.rawQuery) === undefined && service.acceptsUnsigned?.(head.method, head.rawQuery) === true;
      const caller = unsigned
        ? { accessKeyId: '', region: '', service: service.name }
        : await verifySigV4({ method: head.method, rawPath: head.rawPath, rawQuery: head.rawQuery, headers: req.headers, body }, known, service.signingNames, opts.now?.());
      const out = await service.handle({ ...head, headers: req.headers, body, caller });
      sendRaw(res, out.status, { ...base, ...out.headers }, out.body ?? '');
    } catch (err) {
      const out = service.errorResponse ? service.errorResponse(err, head.requestId) : toErrorResponse(err);
      const where = `${service.name} ${head.method} ${head.rawPath.slice(0, 200)}`;
      if (out.logLine) log(`localbatch api: ${head.requestId} ${where}: ${out.logLine}`);
      else if (err instanceof ApiError && err.status === 403) log(`localbatch api: ${head.requestId} ${where}: refused (${err.type})`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (out.status === 413 || !req.complete) res.setHeader('connection', 'close');
      sendRaw(res, out.status, { ...base, ...out.headers }, out.body);
      if (!req.complete) req.resume();
    }
  }

  async function dispatch(target: Target, method: string, rawPath: string, rawQuery: string, body: Buffer): Promise<unknown> {
    if (target.api === 'logs') {
      const op = LOGS_OPERATIONS[target.operation];
      if (!op) throw new UnknownOperationException(`localbatch does not implement CloudWatch Logs operation ${target.operation}.`, 400);
      return op(parseJsonObject(body, (m) => new SerializationException(m)), logsCtx);
    }
    if (target.api === 'batch' && target.route.kind === 'operation') {
      const { operation, pathParams } = target.route;
      const handler = opts.batch[operation];
      if (!handler) throw new ClientException(`localbatch does not implement ${operation} yet`);
      const input = {
        ...parseJsonObject(body, (m) => new ClientException(m)),
        ...pathParams,
        ...queryMembers(operation, new URLSearchParams(rawQuery)),
      };
      return await handler(input);
    }
    if (target.api === 'batch' && target.route.kind === 'method-not-allowed') {
      throw new UnknownOperationException(`No AWS Batch operation at ${method} ${rawPath}; this path takes ${target.route.allowed.join(', ')}.`, 405);
    }
    throw new UnknownOperationException(`No AWS Batch, CloudWatch Logs or localbatch operation at ${method} ${rawPath.slice(0, 200)}.`);
  }

  async function serveLocal(endpoint: string, req: IncomingMessage, res: ServerResponse, base: Record<string, string>, body: Buffer): Promise<void> {
    if (req.method === 'POST' && endpoint === 'interrupt' && opts.interrupt) {
      const input = parseJsonObject(body, (m) => new ClientException(m));
      if (typeof input.jobId !== 'string' || input.jobId === '') throw new ClientException('jobId is required');
      send(res, 200, { ...base, 'content-type': BATCH_JSON }, JSON.stringify(await opts.interrupt(input.jobId)));
      return;
    }
    const more = opts.local && Object.prototype.hasOwnProperty.call(opts.local, endpoint) ? opts.local[endpoint] : undefined;
    if (req.method === 'POST' && more) {
      const input = parseJsonObject(body, (m) => new ClientException(m));
      send(res, 200, { ...base, 'content-type': BATCH_JSON }, JSON.stringify(await more(input)));
      return;
    }
    if (req.method === 'GET' && endpoint === 'health') {
      const extra = opts.health ? await opts.health() : {};
      send(res, 200, { ...base, 'content-type': BATCH_JSON }, JSON.stringify({ status: 'ok', version: opts.version, pid: process.pid, ...extra }));
      return;
    }
    if (req.method === 'GET' && endpoint === 'events') {
      const cleanup = serveEventStream(req, res, opts.events, { heartbeatMs: opts.heartbeatMs }, base);
      streams.add(cleanup);
      res.on('close', () => streams.delete(cleanup));
      return;
    }
    throw new UnknownOperationException(`No localbatch endpoint at ${req.method} ${LOCAL_PREFIX}${endpoint.slice(0, 200)}; there are GET health, GET events and POST ${['interrupt', ...Object.keys(opts.local ?? {})].join(', POST ')}.`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const cleanup of streams) cleanup();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** An AWS-shaped error written straight on the socket (no request object to answer through), then closed. */
function refuseOnSocket(socket: { writable: boolean; end(data: string): unknown; destroy(): unknown }, status: number, text: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ __type: 'ClientException', message: `localbatch could not read the HTTP request: ${text}.` });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-type: application/json\r\nx-amzn-errortype: ClientException\r\n` +
      `x-amzn-requestid: ${randomUUID()}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * The service an unsigned request is for: one that takes it unsigned (an SNS subscription
 * confirmation), else S3 for anything no other API addresses (no X-Amz-Target, no Batch path), so
 * that a bucket or object URL opened without credentials (a browser, curl) is refused as S3 refuses
 * it: 403 AccessDenied, in S3's XML.
 */
function unsignedService(services: readonly EdgeService[], method: string, rawPath: string, rawQuery: string, amzTarget: unknown): EdgeService | undefined {
  const accepting = services.find((s) => s.acceptsUnsigned?.(method, rawQuery));
  if (accepting || amzTarget !== undefined || matchRoute(method, rawPath).kind !== 'none') return accepting;
  return services.find((s) => s.signingNames.includes('s3'));
}

/** A query request's form body is read ahead (to route it by its Version) only when it says it is at most this long (an SNS Publish's 256 KiB and its encoding fit). */
const QUERY_FORM_MAX_BYTES = MAX_BODY_BYTES;

function isSmallForm(req: IncomingMessage): boolean {
  const type = req.headers['content-type'] ?? '';
  const length = Number(req.headers['content-length']);
  return type.toLowerCase().startsWith('application/x-www-form-urlencoded') && Number.isInteger(length) && length <= QUERY_FORM_MAX_BYTES;
}

function classify(method: string, rawPath: string, amzTarget: string | string[] | undefined): Target {
  if (rawPath.startsWith(LOCAL_PREFIX)) return { api: 'local', endpoint: rawPath.slice(LOCAL_PREFIX.length) };
  if (rawPath === '/' && method === 'POST' && typeof amzTarget === 'string') {
    if (amzTarget.startsWith(LOGS_TARGET_PREFIX)) return { api: 'logs', operation: amzTarget.slice(LOGS_TARGET_PREFIX.length) };
    return { api: 'logs', operation: amzTarget };
  }
  const route = matchRoute(method, rawPath);
  return route.kind === 'none' ? { api: 'none' } : { api: 'batch', route };
}

/** The SigV4 service names a request may be scoped to, by what it addresses. */
function servicesFor(target: Target): readonly string[] {
  switch (target.api) {
    case 'batch':
      return ['batch'];
    case 'logs':
      return ['logs'];
    default:
      return ['localbatch', 'batch', 'logs'];
  }
}
