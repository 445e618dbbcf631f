/**
 * Multipart uploads, kept under `<state>/s3/uploads/<uploadId>/`: `upload.json` (bucket, key,
 * metadata, checksum algorithm) and each part's record `<n>.json` (ETag, size, checksum, where its
 * bytes are), each written durably before its request answers. A part's bytes are written into the
 * upload's `data` file at its place when the parts have one size, else into a file `<n>` of its own
 * (part-layout.ts). Completing parts laid out in place makes the data file the object (cut to
 * size, renamed: no copy); otherwise the parts are copied into one temp file. A FULL_OBJECT
 * checksum is computed by reading the object's bytes once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { type FileHandle, open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bucket } from './buckets';
import { type ChecksumAlgorithm, type ChecksumType, composite, defaultType, type Hasher, hasher, headerOf, parseAlgorithm } from './checksums';
import { header, isoDate, reply, type S3Context, type S3Request } from './context';
import { writeDurable } from '../store/durable-files';
import { writeCondition } from './conditional-writes';
import { invalidArgument, noSuchUpload, S3Error } from './errors';
import { bodyLength, ingest, type Ingested } from './ingest';
import { MAX_OBJECT_BYTES, MAX_PART_BYTES, MAX_PARTS, MIN_PART_BYTES } from './names';
import type { NewMeta } from './objects';
import { metaFromHeaders } from './object-api';
import { DATA_FILE, laidOutInPlace, type PartPlace } from './part-layout';
import { readBodySmall } from './small-body';
import { fromXml, many, toXml } from './xml';
import { S3_OWNER } from './owner';

const COPY_BUFFER = 8 * 1024 * 1024;

export interface Upload {
  readonly bucket: string;
  readonly key: string;
  readonly initiated: string;
  readonly meta: Pick<NewMeta, 'contentType' | 'headers' | 'userMeta'>;
  readonly algorithm?: ChecksumAlgorithm;
  readonly type?: ChecksumType;
}

export interface Part extends PartPlace {
  readonly etag: string;
  readonly size: number;
  readonly lastModified: string;
  readonly checksum?: string;
}

export const uploadDir = (ctx: S3Context, id: string) => {
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(id)) throw noSuchUpload(id);
  return join(ctx.uploadsDir, id);
};

export function load(ctx: S3Context, id: string, bucket: Bucket, key: string): Upload {
  const dir = uploadDir(ctx, id);
  let up: Upload;
  try {
    up = JSON.parse(readFileSync(join(dir, 'upload.json'), 'utf8')) as Upload;
  } catch {
    throw noSuchUpload(id);
  }
  if (up.bucket !== bucket.name || up.key !== key) throw noSuchUpload(id);
  return up;
}

function parts(ctx: S3Context, id: string): Map<number, Part> {
  const dir = uploadDir(ctx, id);
  const out = new Map<number, Part>();
  for (const f of readdirSync(dir)) {
    const m = /^(\d+)\.json$/.exec(f);
    if (!m) continue;
    try {
      out.set(Number(m[1]), JSON.parse(readFileSync(join(dir, f), 'utf8')) as Part);
    } catch {
      // a part being written
    }
  }
  return out;
}

/**
 * A new upload's id: 32 URL-safe characters, never starting with '-' (the AWS CLI would read
 * `--upload-id -abc…` as an option: 1 id in 64 did).
 */
export function newUploadId(): string {
  return randomBytes(24).toString('base64url').replace(/^-/, 'A');
}

export async function createUpload(ctx: S3Context, req: S3Request, bucket: Bucket, key: string): Promise<void> {
  ctx.objects.pathOf(bucket, key);
  req.body.resume();
  const algorithm = parseAlgorithm(header(req, 'x-amz-checksum-algorithm'));
  const typeHeader = header(req, 'x-amz-checksum-type')?.toUpperCase();
  if (typeHeader && typeHeader !== 'COMPOSITE' && typeHeader !== 'FULL_OBJECT') throw invalidArgument('Value for x-amz-checksum-type header is invalid.', 'x-amz-checksum-type', typeHeader);
  const type = algorithm ? ((typeHeader as ChecksumType | undefined) ?? defaultType(algorithm)) : undefined;
  if (algorithm && type === 'FULL_OBJECT' && (algorithm === 'SHA1' || algorithm === 'SHA256')) throw invalidArgument(`The ${algorithm} checksum algorithm does not support the FULL_OBJECT checksum type.`);
  if (algorithm && type === 'COMPOSITE' && algorithm === 'CRC64NVME') throw invalidArgument('The CRC64NVME checksum algorithm supports only the FULL_OBJECT checksum type.');
  const id = newUploadId();
  const up: Upload = { bucket: bucket.name, key, initiated: ctx.now().toISOString(), meta: metaFromHeaders(req), algorithm, type };
  mkdirSync(uploadDir(ctx, id), { recursive: true });
  await writeDurable(join(uploadDir(ctx, id), 'upload.json'), JSON.stringify(up));
  const h: Record<string, string> = algorithm ? { 'x-amz-checksum-algorithm': algorithm, 'x-amz-checksum-type': type! } : {};
  reply(req, 200, h, toXml('InitiateMultipartUploadResult', { Bucket: bucket.name, Key: key, UploadId: id }));
}

/**
 * The part's bytes and its record moved into the upload's folder, then one fsync of the part's
 * file makes both durable (the file system's journal commits the renames with it; see objects.ts).
 */
export async function savePart(ctx: S3Context, dir: string, n: number, tmp: string, part: Part): Promise<void> {
  const file = join(dir, String(n));
  await rename(tmp, file);
  const recordTmp = ctx.objects.tempPath();
  await writeFile(recordTmp, JSON.stringify(part), { mode: 0o600 });
  await rename(recordTmp, join(dir, `${n}.json`));
  await fsyncPath(file);
}

/** The record of a part written into the data file, then one fsync of that file (as in savePart). */
async function savePartInPlace(ctx: S3Context, dir: string, n: number, part: Part): Promise<void> {
  const recordTmp = ctx.objects.tempPath();
  await writeFile(recordTmp, JSON.stringify(part), { mode: 0o600 });
  await rename(recordTmp, join(dir, `${n}.json`));
  await rm(join(dir, String(n)), { force: true });
  await fsyncPath(join(dir, DATA_FILE));
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function partNumber(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARTS) throw invalidArgument(`Part number must be an integer between 1 and ${MAX_PARTS}, inclusive`, 'partNumber', raw);
  return n;
}

export async function uploadPart(ctx: S3Context, req: S3Request, bucket: Bucket, key: string, id: string, partRaw: string): Promise<void> {
  const n = partNumber(partRaw);
  const up = load(ctx, id, bucket, key);
  const dir = uploadDir(ctx, id);
  const { declared } = bodyLength(req.body, req.auth);
  const at = declared !== undefined && declared <= MAX_PART_BYTES ? ctx.layout.claim(id, dir, n, declared) : undefined;
  let part: Part;
  let got: Ingested;
  try {
    got = await ingest(req.body, req.auth, at === undefined ? ctx.objects.tempPath() : { file: join(dir, DATA_FILE), at }, MAX_PART_BYTES, up.algorithm);
    if (!existsSync(dir)) {
      if (at === undefined) await rm(got.tmp, { force: true });
      throw noSuchUpload(id);
    }
    part = { etag: `"${got.md5Hex}"`, size: got.size, lastModified: ctx.now().toISOString(), checksum: got.checksum?.value, ...(at === undefined ? {} : { at, stride: ctx.layout.stride(id) }) };
    if (at === undefined) await savePart(ctx, dir, n, got.tmp, part);
    else await savePartInPlace(ctx, dir, n, part);
  } finally {
    if (at !== undefined) ctx.layout.release(id, n);
  }
  const h: Record<string, string> = { etag: part.etag };
  if (got.checksum) h[headerOf(got.checksum.algorithm)] = got.checksum.value;
  reply(req, 200, h);
}

export async function completeUpload(ctx: S3Context, req: S3Request, bucket: Bucket, key: string, id: string): Promise<void> {
  const up = load(ctx, id, bucket, key);
  const doc = fromXml(await readBodySmall(req, 4 * 1024 * 1024), 'CompleteMultipartUpload');
  const listed = many<Record<string, unknown>>(doc.Part);
  if (listed.length === 0) throw new S3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema');
  const have = parts(ctx, id);
  const chosen: Array<{ n: number; part: Part }> = [];
  let prev = 0;
  for (const p of listed) {
    const n = Number(p.PartNumber);
    if (!(n > prev)) throw new S3Error('InvalidPartOrder', 400, 'The list of parts was not in ascending order. Parts must be ordered by part number.', { UploadId: id });
    prev = n;
    const part = have.get(n);
    const etag = String(p.ETag ?? '').replace(/^"?(.*?)"?$/, '"$1"');
    if (!part || part.etag !== etag) {
      throw new S3Error('InvalidPart', 400, 'One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part\'s entity tag.', { UploadId: id, PartNumber: String(n), ETag: etag });
    }
    if (up.algorithm && up.type === 'COMPOSITE') {
      const given = p[`Checksum${up.algorithm}`];
      if (given !== undefined && String(given) !== part.checksum) throw new S3Error('InvalidPart', 400, `The ${up.algorithm} of part ${n} you specified does not match the part's.`, { UploadId: id, PartNumber: String(n) });
    }
    chosen.push({ n, part });
  }
  chosen.forEach(({ part, n }, i) => {
    if (i < chosen.length - 1 && part.size < MIN_PART_BYTES) {
      throw new S3Error('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed object size.', { ProposedSize: String(part.size), MinSizeAllowed: String(MIN_PART_BYTES), PartNumber: String(n) });
    }
  });
  const total = chosen.reduce((s, c) => s + c.part.size, 0);
  if (total > MAX_OBJECT_BYTES) throw new S3Error('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed size');
  const dir = uploadDir(ctx, id);
  const full = up.algorithm && up.type === 'FULL_OBJECT' ? hasher(up.algorithm) : undefined;
  const inPlace = ctx.layout.beginComplete(id, dir) && laidOutInPlace(chosen, have);
  let source: string;
  let info;
  // If-Match / If-None-Match: checked now (nothing assembled for a write that cannot happen) and again at the commit
  const condition = writeCondition(header(req, 'if-match'), header(req, 'if-none-match'), key);
  condition?.(await ctx.objects.head(bucket, key));
  const etag = `"${createHash('md5').update(Buffer.concat(chosen.map((c) => Buffer.from(c.part.etag.slice(1, -1), 'hex')))).digest('hex')}-${chosen.length}"`;
  let checksum: NewMeta['checksum'];
  try {
    source = inPlace ? await cutInPlace(join(dir, DATA_FILE), total, full) : await assemble(ctx, dir, chosen, total, full);
    if (up.algorithm && full) checksum = { algorithm: up.algorithm, value: await full.digest(), type: 'FULL_OBJECT' };
    else if (up.algorithm && chosen.every((c) => c.part.checksum)) checksum = { algorithm: up.algorithm, value: await composite(up.algorithm, chosen.map((c) => c.part.checksum!)), type: 'COMPOSITE' };
    info = await ctx.objects.commit(bucket, key, source, { ...up.meta, etag, checksum, parts: chosen.length, partSizes: chosen.map((c) => c.part.size) }, undefined, condition).catch(async (err: unknown) => {
      if (!inPlace) await rm(source, { force: true });
      throw err;
    });
  } catch (err) {
    ctx.layout.endComplete(id);
    throw err;
  }
  await rm(dir, { recursive: true, force: true });
  ctx.layout.forget(id);
  ctx.publish({ kind: 'created', bucket: bucket.name, key, size: info.size, etag: etag.slice(1, -1), reason: 'CompleteMultipartUpload' }, req);
  // Location: the object's URL, as S3 gives it (path style on this endpoint)
  const location = `http://${header(req, 'host') ?? '127.0.0.1'}/${encodeURIComponent(bucket.name)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const body: Record<string, unknown> = { Location: location, Bucket: bucket.name, Key: key, ETag: etag };
  if (checksum) {
    body[`Checksum${checksum.algorithm}`] = checksum.value;
    body.ChecksumType = checksum.type;
  }
  reply(req, 200, {}, toXml('CompleteMultipartUploadResult', body));
}

/** The data file cut to the object's size (its parts are laid out in place), read once for a FULL_OBJECT checksum. */
async function cutInPlace(data: string, total: number, full: Hasher | undefined): Promise<string> {
  const fh = await open(data, 'r+');
  try {
    await fh.truncate(total);
    if (full) await readRange(fh, 0, total, Buffer.allocUnsafe(Math.min(COPY_BUFFER, total)), (piece) => full.update(piece));
  } finally {
    await fh.close();
  }
  return data;
}

/** The chosen parts copied into one new temp file through one reused buffer. */
async function assemble(ctx: S3Context, dir: string, chosen: ReadonlyArray<{ n: number; part: Part }>, total: number, full: Hasher | undefined): Promise<string> {
  const tmp = ctx.objects.tempPath();
  const out = await open(tmp, 'w', 0o600);
  try {
    const buf = Buffer.allocUnsafe(Math.min(COPY_BUFFER, Math.max(1, total)));
    for (const { n, part } of chosen) {
      const src = await open(join(dir, part.at === undefined ? String(n) : DATA_FILE), 'r');
      try {
        await readRange(src, part.at ?? 0, part.size, buf, async (piece) => {
          full?.update(piece);
          await out.write(piece);
        });
      } finally {
        await src.close();
      }
    }
    await out.close();
  } catch (err) {
    await out.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  return tmp;
}

/** Reads `length` bytes from `at` through `buf`, handing each piece to `each` (awaited before the buffer is reused). */
async function readRange(fh: FileHandle, at: number, length: number, buf: Buffer, each: (piece: Buffer) => unknown): Promise<void> {
  let pos = at;
  const end = at + length;
  while (pos < end) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos), pos);
    if (bytesRead === 0) throw new S3Error('InternalError', 500, 'A part of this upload is shorter than when it was uploaded (was a file in the state directory changed?); upload the part again.');
    await each(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
}

export async function abortUpload(ctx: S3Context, req: S3Request, bucket: Bucket, key: string, id: string): Promise<void> {
  load(ctx, id, bucket, key);
  req.body.resume();
  await rm(uploadDir(ctx, id), { recursive: true, force: true });
  ctx.layout.forget(id);
  reply(req, 204);
}

export function listParts(ctx: S3Context, req: S3Request, bucket: Bucket, key: string, id: string): void {
  const up = load(ctx, id, bucket, key);
  const max = Math.min(Number(req.query.get('max-parts') ?? 1000) || 1000, 1000);
  const marker = Number(req.query.get('part-number-marker') ?? 0) || 0;
  const all = [...parts(ctx, id)].filter(([n]) => n > marker).sort((a, b) => a[0] - b[0]);
  const page = all.slice(0, max);
  const truncated = all.length > page.length;
  reply(req, 200, {}, toXml('ListPartsResult', {
    Bucket: bucket.name,
    Key: key,
    UploadId: id,
    PartNumberMarker: marker,
    ...(truncated ? { NextPartNumberMarker: page[page.length - 1][0] } : {}),
    MaxParts: max,
    IsTruncated: truncated,
    Part: page.map(([n, p]) => ({ PartNumber: n, LastModified: isoDate(new Date(p.lastModified)), ETag: p.etag, Size: p.size, ...(up.algorithm && p.checksum ? { [`Checksum${up.algorithm}`]: p.checksum } : {}) })),
    Initiator: S3_OWNER,
    Owner: S3_OWNER,
    StorageClass: 'STANDARD',
    ...(up.algorithm ? { ChecksumAlgorithm: up.algorithm, ChecksumType: up.type } : {}),
  }));
}
