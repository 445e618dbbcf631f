/**
 * What a service plugs into the edge. The edge decides which service a request is for from what
 * the request itself carries, in order: the SigV4 credential scope's service name (header or
 * presigned query), then the `X-Amz-Target` prefix (JSON protocols). It reads the body (up to the
 * service's cap), verifies the signature against the service's signing names, and hands the
 * service a parsed request. The service answers with status, headers and body; errors it throws are
 * serialised by its own `errorResponse` (each AWS protocol shapes errors its own way) or, without
 * one, as JSON with `X-Amzn-Errortype`.
 *
 * Batch, Logs and `/localbatch/v1/` keep their own routes in `server.ts`; every other service is
 * one `EdgeService` given to `startApiServer({ services })`.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorResponse } from './errors';
import type { StreamAuth } from './stream-auth';

export interface EdgeRequest {
  readonly requestId: string;
  readonly method: string;
  /** Path as received, still percent-encoded, without the query. */
  readonly rawPath: string;
  /** Query string as received, without `?`. */
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Who signed the request (the server's own key, or a running job's). */
  readonly caller: { readonly accessKeyId: string; readonly region: string; readonly service: string };
}

export interface EdgeStreamRequest {
  readonly requestId: string;
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  /** The body, unread. */
  readonly body: IncomingMessage;
  readonly auth: StreamAuth;
}

export interface EdgeResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

export interface EdgeService {
  /** For errors and logs, e.g. 'sns'. */
  readonly name: string;
  /** SigV4 signing names (the credential scope's service) this service answers, e.g. ['sns']. */
  readonly signingNames: readonly string[];
  /** JSON protocols: `X-Amz-Target` prefixes this service answers, e.g. ['AWSEvents.']. */
  readonly targetPrefixes?: readonly string[];
  /**
   * Query protocol (STS, SNS): the API version its requests name (`Version=2011-06-15`). An
   * unsigned query request is routed by it, so that it is refused in this service's own shape.
   */
  readonly queryVersion?: string;
  /** Cap on a request body (default: the edge's 1 MiB). */
  readonly maxBodyBytes?: number;
  handle?(req: EdgeRequest): Promise<EdgeResponse>;
  /**
   * Whether a request that carries no signature is still this service's and may be answered
   * unsigned (AWS does so for SNS's SubscribeURL: a plain GET of
   * `?Action=ConfirmSubscription&TopicArn=...&Token=...`, where the token is the secret). Such a
   * request reaches `handle` with an empty `caller.accessKeyId`.
   */
  acceptsUnsigned?(method: string, rawQuery: string): boolean;
  /**
   * Streaming services (S3) take the raw request and response instead of `handle`: the edge checks
   * the signature over the request line and headers (see stream-auth.ts) and hands over the body
   * unread; the service checks the declared payload hash or chunk signatures as the body streams,
   * and writes the response. A throw before the response is started is serialised by `errorResponse`.
   */
  handleStream?(req: EdgeStreamRequest, res: ServerResponse): Promise<void>;
  /** Shapes a thrown error as this service's protocol does (default: JSON with X-Amzn-Errortype). */
  errorResponse?(err: unknown, requestId: string): ErrorResponse;
}

/** The SigV4 service name a request was signed for, from its Authorization header or presigned query. */
export function signingServiceOf(headers: IncomingHttpHeaders, rawQuery: string): string | undefined {
  const auth = headers.authorization;
  const fromHeader = typeof auth === 'string' ? /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1] : undefined;
  if (fromHeader) return fromHeader;
  if (!rawQuery.includes('X-Amz-Credential=')) return undefined;
  const credential = new URLSearchParams(rawQuery).get('X-Amz-Credential') ?? '';
  return /^[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/.exec(credential)?.[1];
}

/** The service a request is for: by signing name first, then by X-Amz-Target prefix. */
export function findService(services: readonly EdgeService[], signingName: string | undefined, amzTarget: unknown): EdgeService | undefined {
  if (signingName) {
    const bySigning = services.find((s) => s.signingNames.includes(signingName));
    if (bySigning) return bySigning;
  }
  if (typeof amzTarget === 'string') return services.find((s) => s.targetPrefixes?.some((p) => amzTarget.startsWith(p)));
  return undefined;
}

/** The query-protocol service whose API version an unsigned request names, if any. */
export function serviceOfQueryVersion(services: readonly EdgeService[], version: string | null): EdgeService | undefined {
  return version ? services.find((s) => s.queryVersion === version) : undefined;
}
