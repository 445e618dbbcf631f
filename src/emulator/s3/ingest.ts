/**
 * Reads a request body to a temp file while it streams: decodes `aws-chunked`, checks the
 * declared SHA-256 (signed payloads) and chunk signatures, Content-MD5 and any flexible checksum
 * (header or trailer), and computes the MD5 that makes the ETag. Nothing is gathered in memory.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER, type StreamAuth } from '../edge/stream-auth';
import { ALGORITHMS, type ChecksumAlgorithm, hasher, headerOf, parseAlgorithm } from './checksums';
import { ChunkedDecoder } from './chunked';
import type { OpenFile } from '../store/durable-files';
import { badDigest, S3Error } from './errors';
import { OFF_THREAD_MIN_BYTES, OffThreadHashes } from './hashes-off-thread';

const WRITE_BATCH = 1024 * 1024;
const SYNC_EVERY = 8 * 1024 * 1024;

const lengthMismatch = () => new S3Error('IncompleteBody', 400, 'You did not provide the number of bytes specified by the Content-Length HTTP header.');

export interface Ingested {
  readonly tmp: string;
  readonly size: number;
  readonly md5Hex: string;
  readonly checksum?: { readonly algorithm: ChecksumAlgorithm; readonly value: string };
  /** The temp file, still open (only when `keepOpen` was asked): the caller syncs and closes it. */
  readonly handle?: OpenFile;
}

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
};

/** The checksum algorithm a request names (header value, trailer or x-amz-sdk-checksum-algorithm). */
export function requestedChecksum(h: IncomingHttpHeaders): ChecksumAlgorithm | undefined {
  for (const alg of ALGORITHMS) if (header(h, headerOf(alg)) !== undefined) return alg;
  const trailer = header(h, 'x-amz-trailer')?.trim().toLowerCase();
  if (trailer) {
    const alg = ALGORITHMS.find((a) => headerOf(a) === trailer);
    if (alg) return alg;
  }
  return parseAlgorithm(header(h, 'x-amz-sdk-checksum-algorithm'), 'x-amz-sdk-checksum-algorithm');
}

/** Whether the body is `aws-chunked`, and the length of its data as declared (Content-Length, or x-amz-decoded-content-length when chunked). */
export function bodyLength(req: IncomingMessage, auth: StreamAuth): { chunked: boolean; declared: number | undefined } {
  const h = req.headers;
  const mode = auth.payloadHash;
  const chunked = mode === STREAMING_SIGNED || mode === STREAMING_SIGNED_TRAILER || mode === STREAMING_UNSIGNED_TRAILER || /aws-chunked/i.test(header(h, 'content-encoding') ?? '');
  const lengthHeader = chunked ? header(h, 'x-amz-decoded-content-length') : header(h, 'content-length');
  if (lengthHeader === undefined && !chunked && header(h, 'transfer-encoding') === undefined) {
    throw new S3Error('MissingContentLength', 411, 'You must provide the Content-Length HTTP header.');
  }
  const declared = lengthHeader === undefined ? undefined : Number(lengthHeader);
  if (declared !== undefined && (!Number.isSafeInteger(declared) || declared < 0)) throw new S3Error('InvalidArgument', 400, 'The Content-Length is not a non-negative integer.');
  return { chunked, declared };
}

/**
 * Where a body goes: a new temp file (removed if the body fails), or the bytes from `at` on in an
 * existing file (a multipart upload's data file, see part-layout.ts; left as it is if the body
 * fails, and never written past the declared length).
 */
export type IngestTarget = string | { readonly file: string; readonly at: number };

/**
 * `keepOpen` (a temp file target only): the file is returned open (`handle`), so that the commit
 * syncs it through this handle instead of opening it again.
 */
export async function ingest(req: IncomingMessage, auth: StreamAuth, target: IngestTarget, maxBytes: number, extraAlgorithm?: ChecksumAlgorithm, keepOpen = false): Promise<Ingested> {
  const h = req.headers;
  const mode = auth.payloadHash;
  const { chunked, declared } = bodyLength(req, auth);
  const tmp = typeof target === 'string' ? target : target.file;
  let position = typeof target === 'string' ? 0 : target.at;
  if (typeof target !== 'string' && declared === undefined) throw new Error('ingest: a body written into a region needs a declared length');
  if (declared !== undefined && declared > maxBytes) {
    req.resume();
    throw new S3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size', { ProposedSize: String(declared), MaxSizeAllowed: String(maxBytes) });
  }
  const algorithm = requestedChecksum(h) ?? extraAlgorithm;
  const check = algorithm ? hasher(algorithm) : undefined;
  // (opened before the hashing job starts: a file that cannot be opened, such as a multipart
  // upload's data file removed by an abort racing this part, must not leave the job, and with it
  // the worker thread, held)
  const out = typeof target === 'string' ? await open(tmp, 'w', 0o600) : await open(tmp, constants.O_RDWR | constants.O_CREAT, 0o600);
  // A big body's MD5 and payload SHA-256 are computed on a worker thread (hashes-off-thread.ts), a small one's here.
  const signedPayload = /^[0-9a-f]{64}$/.test(mode);
  let offThread: OffThreadHashes | undefined;
  try {
    offThread = declared === undefined || declared >= OFF_THREAD_MIN_BYTES ? new OffThreadHashes(signedPayload) : undefined;
  } catch (err) {
    // (no worker thread could be started: the file opened for the body is not left behind)
    await out.close().catch(() => undefined);
    if (typeof target === 'string') await rm(tmp, { force: true });
    throw err;
  }
  const md5 = offThread ? undefined : createHash('md5');
  const sha = signedPayload && !offThread ? createHash('sha256') : undefined;
  let size = 0;
  const decoder = chunked ? new ChunkedDecoder(mode === STREAMING_SIGNED || mode === STREAMING_SIGNED_TRAILER ? auth.chunkSigner : undefined) : undefined;
  // One loop, no stream stages: each piece is hashed once, and pieces are written together in one
  // writev once they reach 1 MiB (awaiting the write holds the socket back: memory stays flat).
  let pieces: Buffer[] = [];
  let gathered = 0;
  let tooBig = false;
  let overDeclared = false;
  const take = (piece: Buffer) => {
    size += piece.length;
    if (size > maxBytes) {
      tooBig = true;
      return;
    }
    if (declared !== undefined && size > declared) {
      overDeclared = true;
      return;
    }
    md5?.update(piece);
    sha?.update(piece);
    check?.update(piece);
    pieces.push(piece);
    gathered += piece.length;
  };
  // Written data is handed to the disk while the rest of the body streams in (a datasync every
  // SYNC_EVERY bytes, one at a time, not awaited), so the fsync that makes the object durable
  // (objects.ts) finds little left to write, instead of the whole object at once.
  let unsynced = 0;
  let syncing: Promise<void> | undefined;
  const writeGathered = async () => {
    const batch = pieces;
    const at = position;
    position += gathered;
    unsynced += gathered;
    pieces = [];
    gathered = 0;
    // (the copy to the MD5 worker first: it hashes while the bytes are written)
    const hashed = batch.length > 0 ? offThread?.update(batch) : undefined;
    hashed?.catch(() => undefined);
    if (batch.length > 0) await out.writev(batch, at);
    await hashed;
    // (not once the whole declared body is in: the caller's fsync comes right after)
    if (unsynced >= SYNC_EVERY && !syncing && (declared === undefined || size < declared)) {
      unsynced = 0;
      syncing = out.datasync().then(
        () => void (syncing = undefined),
        () => void (syncing = undefined),
      );
    }
  };
  let closed = false;
  let work: Promise<void> | undefined;
  try {
    const aborted = new Promise<never>((_, reject) => req.once('aborted', () => reject(new S3Error('IncompleteBody', 400, 'The client closed the connection before sending the whole body.'))));
    aborted.catch(() => undefined);
    const consume = async () => {
      for await (const raw of req) {
        if (decoder) decoder.feed(raw as Buffer, take);
        else take(raw as Buffer);
        if (tooBig) throw new S3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size', { MaxSizeAllowed: String(maxBytes) });
        if (overDeclared) throw lengthMismatch();
        if (gathered >= WRITE_BATCH) await writeGathered();
      }
      decoder?.finish();
      await writeGathered();
    };
    work = consume();
    work.catch(() => undefined);
    await Promise.race([work, aborted]);
    await syncing;
    const handOver = keepOpen && typeof target === 'string';
    if (!handOver) {
      closed = true;
      await out.close();
    }
    if (declared !== undefined && size !== declared) throw lengthMismatch();
    const digests = offThread ? await offThread.digest() : undefined;
    const shaHex = digests?.sha256?.toString('hex') ?? sha?.digest('hex');
    if (shaHex !== undefined && shaHex !== mode) {
      throw new S3Error('XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed.", { ClientComputedContentSHA256: mode });
    }
    const md5Raw = digests?.md5 ?? md5!.digest();
    const contentMd5 = header(h, 'content-md5');
    if (contentMd5 !== undefined) {
      if (!/^[A-Za-z0-9+/]{22}==$/.test(contentMd5)) throw new S3Error('InvalidDigest', 400, 'The Content-MD5 you specified was invalid.');
      if (contentMd5 !== md5Raw.toString('base64')) throw badDigest('Content-MD5');
    }
    let checksum: Ingested['checksum'];
    if (algorithm && check) {
      const value = await check.digest();
      const given = header(h, headerOf(algorithm)) ?? decoder?.trailers[headerOf(algorithm)];
      if (given !== undefined && given !== value) {
        throw new S3Error('BadDigest', 400, `The ${algorithm} you specified did not match the calculated checksum.`);
      }
      checksum = { algorithm, value };
    }
    // Not fsync'd here: the caller renames the file into place and then syncs it once (objects.ts).
    return { tmp, size, md5Hex: md5Raw.toString('hex'), checksum, handle: handOver ? out : undefined };
  } catch (err) {
    offThread?.drop();
    req.resume();
    // A write still under way (the client went away mid-body) lands before the file is closed, so
    // nothing is written into a shared data file after this returns.
    await work?.catch(() => undefined);
    if (!closed) await out.close().catch(() => undefined);
    if (typeof target === 'string') await rm(tmp, { force: true });
    if (err instanceof S3Error) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET') throw new S3Error('IncompleteBody', 400, 'The client closed the connection before sending the whole body.');
    throw err;
  }
}
