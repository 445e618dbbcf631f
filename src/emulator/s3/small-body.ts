/** Small XML request bodies (bucket configuration, DeleteObjects, CompleteMultipartUpload), read whole with a cap. */
import { createHash } from 'node:crypto';
import { STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER } from '../edge/stream-auth';
import { ChunkedDecoder } from './chunked';
import type { S3Request } from './context';
import { S3Error } from './errors';

export async function readBodySmall(req: S3Request, limit: number): Promise<Buffer> {
  const mode = req.auth.payloadHash;
  const chunked = mode === STREAMING_SIGNED || mode === STREAMING_SIGNED_TRAILER || mode === STREAMING_UNSIGNED_TRAILER;
  const source = chunked ? req.body.pipe(new ChunkedDecoder(mode === STREAMING_UNSIGNED_TRAILER ? undefined : req.auth.chunkSigner)) : req.body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of source) {
    size += (c as Buffer).length;
    if (size > limit) throw new S3Error('MaxMessageLengthExceeded', 400, `Your request was too big (localbatch reads at most ${limit} bytes for this operation).`);
    chunks.push(c as Buffer);
  }
  const body = Buffer.concat(chunks);
  if (/^[0-9a-f]{64}$/.test(mode) && createHash('sha256').update(body).digest('hex') !== mode) {
    throw new S3Error('XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  return body;
}
