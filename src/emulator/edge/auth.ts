/**
 * SigV4 verification. The server recomputes the signature with `@smithy/signature-v4` over the
 * request as received (method, path, query, the headers the client signed, body) and compares it in
 * constant time. Refusals are 403s with the codes AWS's JSON services use. Nothing here logs or
 * echoes the secret or the client's signature.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiCredentials } from './credentials';
import { AuthError, SIGV2_UNSUPPORTED } from './errors';

/** How far X-Amz-Date may be from the server's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface SignedRequest {
  readonly method: string;
  /** Path as received, still percent-encoded, without the query. */
  readonly rawPath: string;
  /** Query string as received, without `?`. */
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface VerifiedCaller {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
}

export interface AuthParams {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** Presigned URLs only: seconds the signature stays valid. */
  readonly expiresSec?: number;
}

export const BAD_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];

/** Finds the credentials of an access key id (the server's own, or ones it handed to a running job). */
export type CredentialLookup = (accessKeyId: string) => (ApiCredentials & { readonly sessionToken?: string }) | undefined;

export async function verifySigV4(
  req: SignedRequest,
  known: ApiCredentials | CredentialLookup,
  allowedServices: readonly string[],
  now: number = Date.now(),
): Promise<VerifiedCaller> {
  const query = parseQuery(req.rawQuery);
  const presigned = 'X-Amz-Signature' in query;
  const auth = authParams(query, req.headers);
  const creds = typeof known === 'function' ? known(auth.accessKeyId) : known.accessKeyId === auth.accessKeyId ? known : undefined;
  if (!creds) {
    throw new AuthError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  // Temporary credentials are valid only with their own session token.
  const token = presigned ? query['X-Amz-Security-Token'] : req.headers['x-amz-security-token'];
  const sessionToken: string | undefined = (creds as { sessionToken?: string }).sessionToken;
  if (sessionToken !== undefined && (typeof token !== 'string' || !constantTimeEqual(token, sessionToken))) {
    throw new AuthError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (!allowedServices.includes(auth.service)) {
    throw new AuthError('InvalidSignatureException', `Credential should be scoped to correct service: '${allowedServices[0]}'.`);
  }
  const signingDate = checkDate(auth, now);
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) throw new AuthError('InvalidSignatureException', BAD_SIGNATURE);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const claimedHash = headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(req.body).digest('hex')) {
    throw new AuthError('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const signer = new SignatureV4({
    credentials: creds,
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const request = {
    method: req.method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    path: req.rawPath,
    query,
    headers,
    body: req.body.length > 0 ? req.body : undefined,
  };
  const signOptions = { signingDate, signableHeaders: new Set(auth.signedHeaders), signingRegion: auth.region, signingService: auth.service };
  let expected: string | undefined;
  if (presigned) {
    const unsignedQuery = { ...query };
    for (const p of PRESIGN_PARAMS) delete unsignedQuery[p];
    const signed = await signer.presign({ ...request, query: unsignedQuery }, { ...signOptions, expiresIn: auth.expiresSec });
    expected = String(signed.query?.['X-Amz-Signature'] ?? '');
  } else {
    const signed = await signer.sign(request, signOptions);
    expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers['authorization']))?.[1];
  }
  if (!expected || !constantTimeEqual(expected, auth.signature)) {
    throw new AuthError('InvalidSignatureException', BAD_SIGNATURE);
  }
  return { accessKeyId: auth.accessKeyId, region: auth.region, service: auth.service };
}

/** The auth parameters of a request: from its presigned query, else from its Authorization header. */
export function authParams(query: Record<string, string | string[]>, headers: IncomingHttpHeaders): AuthParams {
  if ('X-Amz-Signature' in query) return fromQuery(query);
  if (headers['authorization'] === undefined && 'Signature' in query && 'AWSAccessKeyId' in query) throw new AuthError('IncompleteSignatureException', SIGV2_UNSUPPORTED);
  return fromHeader(headers);
}

export function fromHeader(headers: IncomingHttpHeaders): AuthParams {
  const header = headers['authorization'];
  if (!header) throw new AuthError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  if (/^AWS [^:\s]+:\S+$/.test(header)) throw new AuthError('IncompleteSignatureException', SIGV2_UNSUPPORTED);
  const m = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(header);
  if (!m) throw new AuthError('IncompleteSignatureException', 'Authorization header must use the AWS4-HMAC-SHA256 algorithm.');
  const parts: Record<string, string> = {};
  for (const part of m[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((k) => !parts[k]);
  if (missing.length > 0) {
    throw new AuthError('IncompleteSignatureException', missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' '));
  }
  const date = headers['x-amz-date'];
  if (typeof date !== 'string') {
    throw new AuthError('IncompleteSignatureException', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  return { ...parseCredential(parts['Credential']), date, signedHeaders: parts['SignedHeaders'].split(';'), signature: parts['Signature'] };
}

export function fromQuery(query: Record<string, string | string[]>): AuthParams {
  const get = (k: string): string => {
    const v = query[k];
    if (typeof v !== 'string' || !v) throw new AuthError('IncompleteSignatureException', `Presigned request requires '${k}'.`);
    return v;
  };
  if (get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
    throw new AuthError('IncompleteSignatureException', 'X-Amz-Algorithm must be AWS4-HMAC-SHA256.');
  }
  const expiresSec = Number(get('X-Amz-Expires'));
  if (!Number.isInteger(expiresSec) || expiresSec < 1 || expiresSec > 604800) {
    throw new AuthError('IncompleteSignatureException', 'X-Amz-Expires must be between 1 and 604800 seconds.');
  }
  return {
    ...parseCredential(get('X-Amz-Credential')),
    date: get('X-Amz-Date'),
    signedHeaders: get('X-Amz-SignedHeaders').split(';'),
    signature: get('X-Amz-Signature'),
    expiresSec,
  };
}

function parseCredential(credential: string): Pick<AuthParams, 'accessKeyId' | 'region' | 'service'> {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1]) || !parts[2] || !parts[0]) {
    throw new AuthError('IncompleteSignatureException', 'Credential must have the form <key>/<date>/<region>/<service>/aws4_request.');
  }
  return { accessKeyId: parts[0], region: parts[2], service: parts[3] };
}

export function checkDate(auth: AuthParams, now: number): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(auth.date);
  if (!m) throw new AuthError('IncompleteSignatureException', 'X-Amz-Date must be in the ISO 8601 basic format YYYYMMDDTHHMMSSZ.');
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const fmt = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
  if (auth.expiresSec !== undefined) {
    if (now > t + auth.expiresSec * 1000) throw new AuthError('InvalidSignatureException', `Signature expired: ${auth.date} + ${auth.expiresSec} s is earlier than ${fmt(now)}.`);
  } else if (t < now - MAX_CLOCK_SKEW_MS) {
    throw new AuthError('InvalidSignatureException', `Signature expired: ${auth.date} is now earlier than ${fmt(now - MAX_CLOCK_SKEW_MS)} (${fmt(now)} - 15 min.)`);
  }
  if (t > now + MAX_CLOCK_SKEW_MS) {
    throw new AuthError('InvalidSignatureException', `Signature not yet current: ${auth.date} is still later than ${fmt(now + MAX_CLOCK_SKEW_MS)} (${fmt(now)} + 15 min.)`);
  }
  return new Date(t);
}

/** Decodes a raw query string into the shape the signer expects (repeated keys become arrays). */
export function parseQuery(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const k = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
    const v = safeDecode(eq < 0 ? '' : pair.slice(eq + 1));
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
