/**
 * SigV4 for services whose bodies are streamed (S3): the signature is checked over the request line
 * and headers before the body is read, with the payload hash the client declared in
 * `x-amz-content-sha256` (S3 requires it) or `UNSIGNED-PAYLOAD` for presigned URLs. The body is then
 * checked while it streams: a declared SHA-256 by the service, `aws-chunked` chunk signatures
 * (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) through the `ChunkSigner` returned here.
 *
 * S3 canonicalises as SigV4 documents for it: the path as sent, not normalised and not encoded twice.
 */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  authParams,
  BAD_SIGNATURE,
  checkDate,
  constantTimeEqual,
  type CredentialLookup,
  parseQuery,
  type VerifiedCaller,
} from './auth';
import type { ApiCredentials } from './credentials';
import { AuthError } from './errors';

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface StreamHead {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
}

/** Signs the chunks of an `aws-chunked` body in turn, starting from the request's own signature. */
export interface ChunkSigner {
  /** The signature a chunk with this SHA-256 (hex) must carry after `previous`. */
  chunk(previous: string, chunkSha256: string): string;
  /** The signature of the trailing headers (their canonical text) after the last chunk's. */
  trailer(previous: string, trailerText: string): string;
  readonly seed: string;
}

export interface StreamAuth {
  readonly caller: VerifiedCaller;
  /** The payload hash the signature covers: a hex SHA-256, UNSIGNED-PAYLOAD or a STREAMING-* mode. */
  readonly payloadHash: string;
  readonly chunkSigner: ChunkSigner;
}

export function verifyStreamingSigV4(
  req: StreamHead,
  known: ApiCredentials | CredentialLookup,
  allowedServices: readonly string[],
  now: number = Date.now(),
): StreamAuth {
  const query = parseQuery(req.rawQuery);
  const presigned = 'X-Amz-Signature' in query;
  const auth = authParams(query, req.headers);
  const creds = typeof known === 'function' ? known(auth.accessKeyId) : known.accessKeyId === auth.accessKeyId ? known : undefined;
  if (!creds) throw new AuthError('UnrecognizedClientException', 'The AWS Access Key Id you provided does not exist in our records.');
  const token = presigned ? query['X-Amz-Security-Token'] : req.headers['x-amz-security-token'];
  const sessionToken: string | undefined = (creds as { sessionToken?: string }).sessionToken;
  if (sessionToken !== undefined && (typeof token !== 'string' || !constantTimeEqual(token, sessionToken))) {
    throw new AuthError('UnrecognizedClientException', 'The provided token is malformed or otherwise invalid.');
  }
  if (!allowedServices.includes(auth.service)) {
    throw new AuthError('InvalidSignatureException', `Credential should be scoped to correct service: '${allowedServices[0]}'.`);
  }
  const signingDate = checkDate(auth, now);
  const declared = req.headers['x-amz-content-sha256'];
  let payloadHash: string;
  if (presigned) payloadHash = typeof query['X-Amz-Content-Sha256'] === 'string' ? query['X-Amz-Content-Sha256'] : UNSIGNED_PAYLOAD;
  else if (typeof declared === 'string') payloadHash = declared;
  else throw new AuthError('IncompleteSignatureException', 'Missing required header for this request: x-amz-content-sha256.');
  if (!/^[0-9a-f]{64}$/.test(payloadHash) && ![UNSIGNED_PAYLOAD, STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER].includes(payloadHash)) {
    throw new AuthError('InvalidSignatureException', `x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-... or a SHA-256 in hex, not ${payloadHash.slice(0, 80)}.`);
  }

  const headerLines: string[] = [];
  for (const name of [...auth.signedHeaders].sort()) {
    const value = req.headers[name];
    if (value === undefined) throw new AuthError('InvalidSignatureException', BAD_SIGNATURE);
    const text = Array.isArray(value) ? value.join(',') : value;
    headerLines.push(`${name}:${text.trim().replace(/\s+/g, ' ')}`);
  }
  const canonicalQuery = canonicalQueryString(req.rawQuery, presigned);
  const amzDate = auth.date;
  const shortDate = amzDate.slice(0, 8);
  const scope = `${shortDate}/${auth.region}/${auth.service}/aws4_request`;
  const key = signingKey(creds.secretAccessKey, shortDate, auth.region, auth.service);
  void signingDate;
  const signatureFor = (path: string): string => {
    const canonical = [req.method, path, canonicalQuery, headerLines.join('\n') + '\n', [...auth.signedHeaders].sort().join(';'), payloadHash].join('\n');
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
    return createHmac('sha256', key).update(toSign).digest('hex');
  };
  let ok = constantTimeEqual(signatureFor(req.rawPath), auth.signature);
  if (!ok) {
    const reencoded = reencodePath(req.rawPath);
    if (reencoded !== req.rawPath) ok = constantTimeEqual(signatureFor(reencoded), auth.signature);
  }
  if (!ok) throw new AuthError('InvalidSignatureException', BAD_SIGNATURE);

  const hmac = (text: string) => createHmac('sha256', key).update(text).digest('hex');
  return {
    caller: { accessKeyId: auth.accessKeyId, region: auth.region, service: auth.service },
    payloadHash,
    chunkSigner: {
      seed: auth.signature,
      chunk: (previous, chunkSha256) => hmac(['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, EMPTY_SHA256, chunkSha256].join('\n')),
      trailer: (previous, trailerText) => hmac(['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, previous, sha256Hex(trailerText)].join('\n')),
    },
  };
}

/** Signing keys by secret, day, region and service: the HMAC chain runs once a day per scope, not per request. */
const signingKeys = new Map<string, Buffer>();
const MAX_SIGNING_KEYS = 256;

function signingKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  const id = `${shortDate}\0${region}\0${service}\0${secret}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = deriveSigningKey(secret, shortDate, region, service);
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

function deriveSigningKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(shortDate).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** RFC 3986 encoding as SigV4 uses it: everything but unreserved characters. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQueryString(raw: string, presigned: boolean): string {
  const pairs: Array<[string, string]> = [];
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = decode(eq < 0 ? part : part.slice(0, eq));
    if (presigned && k === 'X-Amz-Signature') continue;
    pairs.push([uriEncode(k), uriEncode(decode(eq < 0 ? '' : part.slice(eq + 1)))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** The path with each segment decoded and encoded again (clients that send a character raw but sign it encoded). */
function reencodePath(rawPath: string): string {
  return rawPath
    .split('/')
    .map((seg) => uriEncode(decode(seg)))
    .join('/');
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return s;
  }
}
