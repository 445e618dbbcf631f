/**
 * UploadPartCopy: a part of a multipart upload copied from an existing object (all of it, or the
 * bytes `x-amz-copy-source-range: bytes=first-last`), with the copy-source preconditions; the part
 * is kept like an uploaded one (multipart.ts) and answered with a CopyPartResult.
 */
import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import type { Bucket } from './buckets';
import { hasher } from './checksums';
import { header, isoDate, reply, type S3Context, type S3Request } from './context';
import { invalidArgument, noSuchKey, noSuchUpload, S3Error } from './errors';
import { load, partNumber, savePart, uploadDir, type Part } from './multipart';
import { MAX_PART_BYTES } from './names';
import { parseCopySource, preconditions } from './object-api';
import { toXml } from './xml';
import { existsSync } from 'node:fs';

const BUFFER = 8 * 1024 * 1024;

/** `bytes=first-last` (both required, as S3 requires them here) within an object of `size` bytes. */
export function copyRange(value: string | undefined, size: number): { start: number; end: number } {
  if (value === undefined) return { start: 0, end: size - 1 };
  const m = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  if (!m) throw invalidArgument('The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', 'x-amz-copy-source-range', value);
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (start > end || end >= size) throw invalidArgument(`Range specified is not valid for source object of size: ${size}`, 'x-amz-copy-source-range', value);
  return { start, end };
}

export async function uploadPartCopy(ctx: S3Context, req: S3Request, bucket: Bucket, key: string, id: string, partRaw: string, source: string): Promise<void> {
  req.body.resume();
  const n = partNumber(partRaw);
  const up = load(ctx, id, bucket, key);
  const { srcBucket, srcKey } = parseCopySource(source);
  const info = await ctx.objects.head(ctx.buckets.get(srcBucket), srcKey);
  if (!info) throw noSuchKey(srcKey);
  const failed = preconditions(req, info, 'x-amz-copy-source-');
  if (failed) throw new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', { Condition: `x-amz-copy-source-${failed.condition}` });
  const range = copyRange(header(req, 'x-amz-copy-source-range'), info.size);
  const length = range.end - range.start + 1;
  if (length > MAX_PART_BYTES) throw new S3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size', { ProposedSize: String(length), MaxSizeAllowed: String(MAX_PART_BYTES) });
  const md5 = createHash('md5');
  const check = up.algorithm ? hasher(up.algorithm) : undefined;
  const tmp = ctx.objects.tempPath();
  const out = await open(tmp, 'w', 0o600);
  try {
    const src = await open(info.path, 'r');
    try {
      const buf = Buffer.allocUnsafe(Math.max(1, Math.min(BUFFER, length)));
      let pos = range.start;
      while (pos <= range.end) {
        const { bytesRead } = await src.read(buf, 0, Math.min(buf.length, range.end - pos + 1), pos);
        if (bytesRead === 0) throw new S3Error('InternalError', 500, `The source object ${srcKey} changed while it was being copied; try again.`);
        const piece = buf.subarray(0, bytesRead);
        md5.update(piece);
        check?.update(piece);
        await out.write(piece);
        pos += bytesRead;
      }
    } finally {
      await src.close();
    }
    await out.close();
  } catch (err) {
    await out.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  const dir = uploadDir(ctx, id);
  if (!existsSync(dir)) {
    await rm(tmp, { force: true });
    throw noSuchUpload(id);
  }
  const now = ctx.now();
  const part: Part = { etag: `"${md5.digest('hex')}"`, size: length, lastModified: now.toISOString(), checksum: check ? await check.digest() : undefined };
  await savePart(ctx, dir, n, tmp, part);
  const result: Record<string, unknown> = { ETag: part.etag, LastModified: isoDate(now) };
  if (up.algorithm && part.checksum) result[`Checksum${up.algorithm}`] = part.checksum;
  reply(req, 200, {}, toXml('CopyPartResult', result));
}
