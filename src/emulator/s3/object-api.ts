/** Object operations: PutObject, GetObject, HeadObject, CopyObject, DeleteObject, DeleteObjects. */
import { copyFile, rm } from 'node:fs/promises';
import type { Bucket } from './buckets';
import { type ChecksumAlgorithm, hasher, headerOf, parseAlgorithm } from './checksums';
import { header, httpDate, isoDate, reply, type S3Context, type S3Request } from './context';
import { noSuchKey, S3Error } from './errors';
import { writeCondition } from './conditional-writes';
import { ingest } from './ingest';
import { MAX_PUT_BYTES, MAX_USER_METADATA_BYTES } from './names';
import type { NewMeta, ObjectInfo } from './objects';
import { sendFile } from './send';
import { readBodySmall } from './small-body';
import { fromXml, many, toXml } from './xml';

const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'];

/** Content type, stored headers and user metadata from a request's headers. */
export function metaFromHeaders(req: S3Request): Pick<NewMeta, 'contentType' | 'headers' | 'userMeta'> {
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    let v = header(req, name);
    if (name === 'content-encoding' && v) v = v.split(',').map((s) => s.trim()).filter((s) => s && s.toLowerCase() !== 'aws-chunked').join(',');
    if (v) headers[name] = v;
  }
  const userMeta: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('x-amz-meta-')) continue;
    const v = Array.isArray(value) ? value.join(',') : (value ?? '');
    userMeta[name.slice(11)] = v;
    size += Buffer.byteLength(name.slice(11)) + Buffer.byteLength(v);
  }
  if (size > MAX_USER_METADATA_BYTES) throw new S3Error('MetadataTooLarge', 400, 'Your metadata headers exceed the maximum allowed metadata size.', { MaxSizeAllowed: String(MAX_USER_METADATA_BYTES) });
  return { contentType: header(req, 'content-type') ?? 'binary/octet-stream', headers, userMeta };
}

function objectHeaders(info: ObjectInfo, checksumMode: boolean, partAsked: boolean): Record<string, string | number> {
  const h: Record<string, string | number> = {
    etag: info.etag,
    'last-modified': httpDate(info.lastModified),
    'content-type': info.contentType ?? 'binary/octet-stream',
    'accept-ranges': 'bytes',
    ...(info.headers ?? {}),
  };
  for (const [k, v] of Object.entries(info.userMeta ?? {})) h[`x-amz-meta-${k}`] = v;
  // (S3 names the part count only to a request for a part: "only returned if you specify partNumber")
  if (info.parts && partAsked) h['x-amz-mp-parts-count'] = info.parts;
  if (checksumMode && info.checksum) {
    h[headerOf(info.checksum.algorithm)] = info.checksum.value;
    h['x-amz-checksum-type'] = info.checksum.type;
  }
  return h;
}

export async function putObject(ctx: S3Context, req: S3Request, bucket: Bucket, key: string): Promise<void> {
  const meta = metaFromHeaders(req);
  ctx.objects.pathOf(bucket, key);
  const condition = writeCondition(header(req, 'if-match'), header(req, 'if-none-match'), key);
  // (checked again when the object is committed; here to refuse before reading the body)
  if (condition) {
    try {
      condition(await ctx.objects.head(bucket, key));
    } catch (err) {
      req.body.resume();
      throw err;
    }
  }
  // The temp file stays open until the commit syncs it (no second open of it).
  const got = await ingest(req.body, req.auth, ctx.objects.tempPath(), MAX_PUT_BYTES, undefined, true);
  if (key.endsWith('/') && got.size > 0) {
    await got.handle?.close();
    await rm(got.tmp, { force: true });
    throw new S3Error('InvalidArgument', 400, `localbatch stores a key ending in '/' as a folder, so it must be empty (this one has ${got.size} bytes). S3 itself allows it; this is a local limit.`);
  }
  const checksum = got.checksum && { ...got.checksum, type: 'FULL_OBJECT' as const };
  let info: ObjectInfo;
  try {
    info = await ctx.objects.commit(bucket, key, got.tmp, { ...meta, etag: `"${got.md5Hex}"`, checksum }, got.handle, condition);
  } catch (err) {
    await rm(got.tmp, { force: true });
    throw err;
  }
  ctx.publish({ kind: 'created', bucket: bucket.name, key, size: info.size, etag: got.md5Hex, reason: 'PutObject' }, req);
  const h: Record<string, string> = { etag: info.etag };
  if (checksum) {
    h[headerOf(checksum.algorithm)] = checksum.value;
    h['x-amz-checksum-type'] = 'FULL_OBJECT';
  }
  reply(req, 200, h);
}

/** Evaluates If-Match/If-None-Match/If-Modified-Since/If-Unmodified-Since as S3 does. */
export function preconditions(req: S3Request, info: ObjectInfo, prefix = ''): { status: 304 | 412; condition: string } | undefined {
  const ifMatch = header(req, `${prefix}if-match`);
  const ifNoneMatch = header(req, `${prefix}if-none-match`);
  const ifModified = header(req, `${prefix}if-modified-since`);
  const ifUnmodified = header(req, `${prefix}if-unmodified-since`);
  const etagIn = (list: string) => list.split(',').map((s) => s.trim()).some((t) => t === '*' || t === info.etag || `"${t}"` === info.etag);
  const seconds = Math.floor(info.lastModified.getTime() / 1000) * 1000;
  if (ifMatch !== undefined && !etagIn(ifMatch)) return { status: 412, condition: 'If-Match' };
  if (ifMatch === undefined && ifUnmodified !== undefined) {
    const t = Date.parse(ifUnmodified);
    if (!Number.isNaN(t) && seconds > t) return { status: 412, condition: 'If-Unmodified-Since' };
  }
  if (ifNoneMatch !== undefined && etagIn(ifNoneMatch)) return { status: prefix ? 412 : 304, condition: 'If-None-Match' };
  if (ifNoneMatch === undefined && ifModified !== undefined) {
    const t = Date.parse(ifModified);
    if (!Number.isNaN(t) && seconds <= t) return { status: prefix ? 412 : 304, condition: 'If-Modified-Since' };
  }
  return undefined;
}

/**
 * The bytes of part `raw` of a multipart object (the whole object for part 1 of one uploaded whole,
 * or of one whose part sizes are not recorded); 416 InvalidPartNumber past its last part.
 */
function partRange(info: ObjectInfo, raw: string): { start: number; end: number } | 'ignore' {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 10_000) throw new S3Error('InvalidArgument', 400, 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber', ArgumentValue: raw });
  const sizes = info.partSizes;
  if (n > (sizes?.length ?? 1)) throw new S3Error('InvalidPartNumber', 416, 'The requested partnumber is not satisfiable', { PartNumberRequested: raw, ActualPartCount: String(sizes?.length ?? 1) });
  if (!sizes || info.size === 0) return 'ignore';
  const start = sizes.slice(0, n - 1).reduce((a, b) => a + b, 0);
  return { start, end: start + sizes[n - 1]! - 1 };
}

function parseRange(value: string, size: number): { start: number; end: number } | 'ignore' | 'invalid' {
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'ignore';
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'invalid';
    // (the last n bytes of an empty object: satisfiable, and the whole object, which is nothing)
    if (size === 0) return 'ignore';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return 'ignore';
  if (start >= size) return 'invalid';
  return { start, end };
}

export async function getObject(ctx: S3Context, req: S3Request, bucket: Bucket, key: string, headOnly: boolean): Promise<void> {
  const info = await ctx.objects.head(bucket, key);
  if (!info) {
    if (headOnly) throw new S3Error('NotFound', 404, 'Not Found');
    throw noSuchKey(key);
  }
  const failed = preconditions(req, info);
  if (failed?.status === 304) {
    reply(req, 304, { etag: info.etag, 'last-modified': httpDate(info.lastModified) });
    return;
  }
  if (failed) throw new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', { Condition: failed.condition });
  const partNumber = req.query.get('partNumber');
  const rangeHeader = header(req, 'range');
  if (partNumber !== null && rangeHeader !== undefined) throw new S3Error('InvalidRequest', 400, 'Cannot specify both Range header and partNumber query parameter');
  const range = rangeHeader !== undefined ? parseRange(rangeHeader, info.size) : partNumber !== null ? partRange(info, partNumber) : 'ignore';
  // (an empty object has no first byte: bytes=0- is not satisfiable either, as on S3)
  if (range === 'invalid') throw new S3Error('InvalidRange', 416, 'The requested range is not satisfiable', { RangeRequested: rangeHeader ?? '', ActualObjectSize: String(info.size) });
  const checksumMode = header(req, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED' && range === 'ignore';
  const h = objectHeaders(info, checksumMode, partNumber !== null);
  for (const [q, name] of [['response-content-type', 'content-type'], ['response-content-disposition', 'content-disposition'], ['response-cache-control', 'cache-control'], ['response-content-encoding', 'content-encoding'], ['response-content-language', 'content-language'], ['response-expires', 'expires']]) {
    const v = req.query.get(q);
    if (v !== null) h[name] = v;
  }
  if (range !== 'ignore') {
    h['content-range'] = `bytes ${range.start}-${range.end}/${info.size}`;
    h['content-length'] = range.end - range.start + 1;
  } else h['content-length'] = info.size;
  const status = range !== 'ignore' ? 206 : 200;
  if (headOnly || info.size === 0 || key.endsWith('/')) {
    reply(req, status, h);
    return;
  }
  req.res.writeHead(status, { 'x-amz-request-id': req.requestId, 'x-amz-id-2': 'localbatch', ...h });
  await sendFile(req.res, info.path, range !== 'ignore' ? range.start : 0, range !== 'ignore' ? range.end : info.size - 1).catch(() => req.res.destroy());
}

export async function deleteObject(ctx: S3Context, req: S3Request, bucket: Bucket, key: string): Promise<void> {
  const existed = await ctx.objects.delete(bucket, key, writeCondition(header(req, 'if-match'), undefined, key, 'delete'));
  if (existed) ctx.publish({ kind: 'deleted', bucket: bucket.name, key, reason: 'DeleteObject' }, req);
  reply(req, 204);
}

export async function deleteObjects(ctx: S3Context, req: S3Request, bucket: Bucket): Promise<void> {
  const body = await readBodySmall(req, 2 * 1024 * 1024);
  const doc = fromXml(body, 'Delete');
  const objects = many<Record<string, unknown>>(doc.Object);
  if (objects.length === 0 || objects.length > 1000) throw new S3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema');
  const quiet = String(doc.Quiet).toLowerCase() === 'true';
  const deleted: Array<Record<string, string>> = [];
  const errors: Array<Record<string, string>> = [];
  for (const o of objects) {
    const key = String(o.Key ?? '');
    try {
      const existed = await ctx.objects.delete(bucket, key, writeCondition(o.ETag === undefined ? undefined : String(o.ETag), undefined, key, 'delete'));
      if (existed) ctx.publish({ kind: 'deleted', bucket: bucket.name, key, reason: 'DeleteObjects' }, req);
      if (!quiet) deleted.push({ Key: key });
    } catch (err) {
      errors.push({ Key: key, Code: err instanceof S3Error ? err.code : 'InternalError', Message: err instanceof Error ? err.message : String(err) });
    }
  }
  reply(req, 200, {}, toXml('DeleteResult', { Deleted: deleted, Error: errors }));
}

export async function copyObject(ctx: S3Context, req: S3Request, bucket: Bucket, key: string, source: string): Promise<void> {
  req.body.resume();
  const { srcBucket, srcKey } = parseCopySource(source);
  const from = ctx.buckets.get(srcBucket);
  const info = await ctx.objects.head(from, srcKey);
  if (!info) throw noSuchKey(srcKey);
  const failed = preconditions(req, info, 'x-amz-copy-source-');
  if (failed) throw new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', { Condition: `x-amz-copy-source-${failed.condition}` });
  const condition = writeCondition(header(req, 'if-match'), header(req, 'if-none-match'), key);
  const directive = header(req, 'x-amz-metadata-directive') ?? 'COPY';
  if (directive !== 'COPY' && directive !== 'REPLACE') throw new S3Error('InvalidArgument', 400, 'Unknown metadata directive.', { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: directive });
  if (from.name === bucket.name && srcKey === key && directive !== 'REPLACE') {
    throw new S3Error('InvalidRequest', 400, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  const tmp = ctx.objects.tempPath();
  await copyFile(info.path, tmp);
  const alg: ChecksumAlgorithm | undefined = parseAlgorithm(header(req, 'x-amz-checksum-algorithm')) ?? info.checksum?.algorithm;
  let checksum: NewMeta['checksum'];
  if (alg) {
    if (info.checksum?.algorithm === alg && info.checksum.type === 'FULL_OBJECT') checksum = info.checksum;
    else {
      const h = hasher(alg);
      for await (const c of ctx.objects.read(info)) h.update(c as Buffer);
      checksum = { algorithm: alg, value: await h.digest(), type: 'FULL_OBJECT' };
    }
  }
  const meta: NewMeta = directive === 'REPLACE' ? { ...metaFromHeaders(req), etag: info.etag, checksum, parts: info.parts, partSizes: info.partSizes } : { contentType: info.contentType, headers: info.headers, userMeta: info.userMeta, etag: info.etag, checksum, parts: info.parts, partSizes: info.partSizes };
  let out: ObjectInfo;
  try {
    out = await ctx.objects.commit(bucket, key, tmp, meta, undefined, condition);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  ctx.publish({ kind: 'created', bucket: bucket.name, key, size: out.size, etag: out.etag.replace(/"/g, ''), reason: 'CopyObject' }, req);
  reply(req, 200, {}, toXml('CopyObjectResult', { ETag: out.etag, LastModified: isoDate(out.lastModified), ...(checksum ? { [`Checksum${checksum.algorithm}`]: checksum.value } : {}) }));
}

export function parseCopySource(source: string): { srcBucket: string; srcKey: string } {
  let s: string;
  try {
    s = decodeURIComponent(source.split('?')[0]);
  } catch {
    throw new S3Error('InvalidArgument', 400, 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', { ArgumentName: 'x-amz-copy-source', ArgumentValue: source });
  }
  if (s.startsWith('/')) s = s.slice(1);
  const slash = s.indexOf('/');
  if (slash <= 0 || slash === s.length - 1) throw new S3Error('InvalidArgument', 400, 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', { ArgumentName: 'x-amz-copy-source', ArgumentValue: source });
  // Buckets here are never versioned: a source version other than `null` names none (as GET ?versionId= does).
  const q = source.indexOf('?');
  const versionId = q < 0 ? null : new URLSearchParams(source.slice(q + 1)).get('versionId');
  if (versionId !== null && versionId !== 'null') throw new S3Error('InvalidArgument', 400, 'Invalid version id specified', { ArgumentName: 'x-amz-copy-source', ArgumentValue: source });
  return { srcBucket: s.slice(0, slash), srcKey: s.slice(slash + 1) };
}
