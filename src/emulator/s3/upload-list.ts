/**
 * ListMultipartUploads: the uploads in progress for a bucket (kept under `<state>/s3/uploads/`),
 * sorted by key and then by the time each was initiated, with prefix, delimiter (CommonPrefixes),
 * key-marker / upload-id-marker paging, max-uploads (at most 1,000) and encoding-type=url.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bucket } from './buckets';
import { reply, type S3Context, type S3Request } from './context';
import { invalidArgument } from './errors';
import type { Upload } from './multipart';
import { compareKeys } from './names';
import { toXml } from './xml';
import { S3_OWNER } from './owner';

interface Listed extends Upload {
  readonly id: string;
}

function uploadsOf(ctx: S3Context, bucket: Bucket): Listed[] {
  const out: Listed[] = [];
  let ids: string[];
  try {
    ids = readdirSync(ctx.uploadsDir);
  } catch {
    return out;
  }
  for (const id of ids) {
    try {
      const up = JSON.parse(readFileSync(join(ctx.uploadsDir, id, 'upload.json'), 'utf8')) as Upload;
      if (up.bucket === bucket.name) out.push({ ...up, id });
    } catch {
      // being created, or completed meanwhile
    }
  }
  return out.sort((a, b) => compareKeys(a.key, b.key) || a.initiated.localeCompare(b.initiated) || a.id.localeCompare(b.id));
}

export function listUploads(ctx: S3Context, req: S3Request, bucket: Bucket): void {
  req.body.resume();
  const q = req.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const idMarker = q.get('upload-id-marker') ?? '';
  const maxRaw = q.get('max-uploads');
  const max = maxRaw === null ? 1000 : Number(maxRaw);
  if (!Number.isInteger(max) || max < 0) throw invalidArgument('Provided max-uploads not an integer or within integer range', 'max-uploads', maxRaw ?? '');
  const limit = Math.min(max, 1000);
  const encode = q.get('encoding-type') === 'url';
  const enc = (s: string) => (encode ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
  let all = uploadsOf(ctx, bucket).filter((u) => u.key.startsWith(prefix));
  if (keyMarker) {
    // after the marker: later keys, and (with upload-id-marker) later uploads of the marker's key
    const at = idMarker ? all.findIndex((u) => u.key === keyMarker && u.id === idMarker) : -1;
    all = all.filter((u, i) => compareKeys(u.key, keyMarker) > 0 || (at >= 0 && u.key === keyMarker && i > at));
  }
  const uploads: Listed[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let lastKey = '';
  let lastId = '';
  for (const u of all) {
    let common: string | undefined;
    if (delimiter) {
      const cut = u.key.indexOf(delimiter, prefix.length);
      if (cut >= 0) common = u.key.slice(0, cut + delimiter.length);
    }
    if (common !== undefined && prefixes.at(-1) === common) continue;
    if (uploads.length + prefixes.length >= limit) {
      truncated = true;
      break;
    }
    if (common !== undefined) {
      prefixes.push(common);
      lastKey = common;
      lastId = '';
    } else {
      uploads.push(u);
      lastKey = u.key;
      lastId = u.id;
    }
  }
  const owner = S3_OWNER;
  reply(req, 200, {}, toXml('ListMultipartUploadsResult', {
    Bucket: bucket.name,
    KeyMarker: enc(keyMarker),
    UploadIdMarker: idMarker,
    ...(truncated ? { NextKeyMarker: enc(lastKey), NextUploadIdMarker: lastId } : {}),
    ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
    Prefix: enc(prefix),
    MaxUploads: max,
    IsTruncated: truncated,
    Upload: uploads.map((u) => ({
      UploadId: u.id,
      Key: enc(u.key),
      Initiated: u.initiated,
      StorageClass: 'STANDARD',
      Owner: owner,
      Initiator: owner,
      ...(u.algorithm ? { ChecksumAlgorithm: u.algorithm, ChecksumType: u.type } : {}),
    })),
    CommonPrefixes: prefixes.map((p) => ({ Prefix: enc(p) })),
    ...(encode ? { EncodingType: 'url' } : {}),
  }));
}
