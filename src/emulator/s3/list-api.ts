/** ListObjectsV2 (and V1 for older clients): prefix, delimiter, continuation token, max-keys, start-after. */
import type { Bucket } from './buckets';
import { isoDate, reply, type S3Context, type S3Request } from './context';
import { invalidArgument } from './errors';
import { compareKeys } from './objects';
import { toXml } from './xml';

export async function listObjects(ctx: S3Context, req: S3Request, bucket: Bucket, v2: boolean): Promise<void> {
  const q = req.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxRaw = q.get('max-keys');
  const maxKeys = maxRaw === null ? 1000 : Number(maxRaw);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', maxRaw ?? '');
  const limit = Math.min(maxKeys, 1000);
  const encode = q.get('encoding-type') === 'url';
  const token = q.get('continuation-token');
  let after = v2 ? (q.get('start-after') ?? '') : (q.get('marker') ?? '');
  let skipPrefix = '';
  if (v2 && token !== null) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (!/^[kp]:/.test(decoded)) throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
    after = decoded.slice(2);
    if (decoded.startsWith('p:')) skipPrefix = after;
  } else if (delimiter && after.endsWith(delimiter)) skipPrefix = after;
  const keys = ctx.objects.keys(bucket, prefix);
  // first index past `after` (binary search over the sorted keys)
  let lo = 0;
  let hi = keys.length;
  while (after && lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(keys[mid], after) <= 0) lo = mid + 1;
    else hi = mid;
  }
  while (skipPrefix && lo < keys.length && keys[lo].startsWith(skipPrefix)) lo++;
  const { contents, prefixes, truncated, last, lastIsPrefix, next } = pageOf(keys, lo, limit, prefix, delimiter, after);
  // the next page's objects, hashed (if dropped in) while the client reads this one
  const upcoming = truncated ? pageOf(keys, next, limit, prefix, delimiter, after).contents : [];
  const enc = (s: string) => (encode ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
  const items = [];
  const infos = await ctx.objects.heads(bucket, contents, upcoming);
  for (const [i, info] of infos.entries()) {
    if (!info) continue;
    items.push({
      Key: enc(contents[i]),
      LastModified: isoDate(info.lastModified),
      ETag: info.etag,
      ...(info.checksum ? { ChecksumAlgorithm: info.checksum.algorithm, ChecksumType: info.checksum.type } : {}),
      Size: info.size,
      StorageClass: 'STANDARD',
    });
  }
  const common = prefixes.map((p) => ({ Prefix: enc(p) }));
  const body: Record<string, unknown> = {
    IsTruncated: truncated,
    Contents: items,
    Name: bucket.name,
    Prefix: enc(prefix),
    ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
    MaxKeys: maxKeys,
    CommonPrefixes: common,
    ...(encode ? { EncodingType: 'url' } : {}),
  };
  if (v2) {
    body.KeyCount = items.length + common.length;
    if (token !== null) body.ContinuationToken = token;
    if (truncated) body.NextContinuationToken = Buffer.from(`${lastIsPrefix ? 'p' : 'k'}:${last}`).toString('base64url');
    if (q.get('start-after') !== null) body.StartAfter = enc(q.get('start-after')!);
  } else {
    body.Marker = enc(q.get('marker') ?? '');
    if (truncated && delimiter) body.NextMarker = enc(last);
  }
  reply(req, 200, {}, toXml('ListBucketResult', body));
}

/**
 * One page from index `lo` of the sorted keys: objects and common prefixes (at most `limit` in all),
 * and the index the next page starts at. As AWS documents, a common prefix that is not greater than
 * `after` (StartAfter, marker) is left out.
 */
function pageOf(keys: readonly string[], lo: number, limit: number, prefix: string, delimiter: string, after: string) {
  const contents: string[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last = '';
  let lastIsPrefix = false;
  let i = lo;
  for (; i < keys.length; i++) {
    const key = keys[i];
    let common: string | undefined;
    if (delimiter) {
      const at = key.indexOf(delimiter, prefix.length);
      if (at >= 0) common = key.slice(0, at + delimiter.length);
    }
    if (common !== undefined && (prefixes[prefixes.length - 1] === common || (after && compareKeys(common, after) <= 0))) continue;
    if (contents.length + prefixes.length >= limit) {
      truncated = true;
      break;
    }
    if (common !== undefined) {
      prefixes.push(common);
      last = common;
      lastIsPrefix = true;
      // skip the rest of this common prefix
      let j = i + 1;
      while (j < keys.length && keys[j].startsWith(common)) j++;
      i = j - 1;
    } else {
      contents.push(key);
      last = key;
      lastIsPrefix = false;
    }
  }
  return { contents, prefixes, truncated, last, lastIsPrefix, next: i };
}
