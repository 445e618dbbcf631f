/** ListObjectsV2 (and V1 for older clients): prefix, delimiter, continuation token, max-keys, start-after. */
import type { Bucket } from './buckets';
import { isoDate, reply, type S3Context, type S3Request } from './context';
import { invalidArgument } from './errors';
import { compareKeys } from './names';
import { FRESH_MS, type Pace } from './list-ahead';
import type { Walk } from './list-index';
import { toXml } from './xml';
import { S3_OWNER } from './owner';

interface ListParams {
  readonly v2: boolean;
  readonly query: URLSearchParams;
  readonly prefix: string;
  readonly delimiter: string;
  readonly maxKeys: number;
  readonly encode: boolean;
  /** Each object names its owner (ListObjects always, ListObjectsV2 with fetch-owner=true). */
  readonly owner: boolean;
  readonly token: string | null;
  /** Keys up to this one (StartAfter, marker, the token's) are not listed. */
  readonly after: string;
  /** A common prefix listed on the page before (the continuation token's): its keys are not listed again. */
  readonly skipPrefix: string;
}

/** A page's answer, and what a read-ahead of the next page needs. */
interface Page {
  readonly xml: string;
  /** The next page's request, when this one is truncated. */
  readonly next?: ListParams;
  readonly walk: Walk;
  /** The count of API writes (all buckets) when its keys were walked. */
  readonly generation: number;
}

export async function listObjects(ctx: S3Context, req: S3Request, bucket: Bucket, v2: boolean): Promise<void> {
  const params = parseParams(req.query, v2);
  let page = await ctx.listAhead.take<Page>(pageId(bucket, params), ctx.objects.generation());
  if (!page) {
    const generation = ctx.objects.generation();
    page = (await buildPage(ctx, bucket, params, ctx.objects.walkKeys(bucket, params.prefix), generation))!;
  }
  reply(req, 200, {}, page.xml);
  const { next, walk, generation } = page;
  // The next page, built while the client reads this one (list-ahead.ts), from the same walk:
  // unless the walk may have missed a change (a folder changed just before it) and is no longer recent.
  if (next && (walk.settled || performance.now() - walk.at <= FRESH_MS)) {
    ctx.listAhead.prepare(pageId(bucket, next), generation, walk.dirs, (pace) => buildPage(ctx, bucket, next, walk, generation, pace));
  }
}

function parseParams(q: URLSearchParams, v2: boolean): ListParams {
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxRaw = q.get('max-keys');
  const maxKeys = maxRaw === null ? 1000 : Number(maxRaw);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', maxRaw ?? '');
  const token = v2 ? q.get('continuation-token') : null;
  let after = v2 ? (q.get('start-after') ?? '') : (q.get('marker') ?? '');
  let skipPrefix = '';
  if (token !== null) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (!/^[kp]:/.test(decoded)) throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
    after = decoded.slice(2);
    if (decoded.startsWith('p:')) skipPrefix = after;
  }
  // (a marker or StartAfter that is a common prefix needs no skipping: pageOf leaves out common
  // prefixes up to `after`; skipping every key that begins with it left out `a/b` after `a/` with
  // the prefix `a/`)
  const encoding = q.get('encoding-type');
  if (encoding !== null && encoding !== 'url') throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encoding);
  const owner = !v2 || q.get('fetch-owner') === 'true';
  return { v2, query: q, prefix, delimiter, maxKeys, encode: encoding === 'url', owner, token, after, skipPrefix };
}

/** What the page's answer depends on: the bucket and the request's parameters. */
function pageId(bucket: Bucket, p: ListParams): string {
  const q = p.query;
  return JSON.stringify([bucket.name, bucket.dir, bucket.created, p.v2, p.prefix, p.delimiter, p.maxKeys, p.encode, p.owner, p.token, q.get('start-after'), q.get('marker')]);
}

/**
 * The page `p` asks for, from the keys of `walk`. `pace`: read ahead of its request (undefined
 * when it cannot be read ahead cheaply).
 */
async function buildPage(ctx: S3Context, bucket: Bucket, p: ListParams, walk: Walk, generation: number, pace?: Pace): Promise<Page | undefined> {
  const { prefix, delimiter, after, skipPrefix } = p;
  const keys = walk.keys;
  // first index past `after` (binary search over the sorted keys)
  let lo = 0;
  let hi = keys.length;
  while (after && lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(keys[mid], after) <= 0) lo = mid + 1;
    else hi = mid;
  }
  while (skipPrefix && lo < keys.length && keys[lo].startsWith(skipPrefix)) lo++;
  const { contents, prefixes, truncated, last, lastIsPrefix } = pageOf(keys, lo, Math.min(p.maxKeys, 1000), prefix, delimiter, after);
  const infos = await ctx.objects.heads(bucket, contents, pace);
  if (!infos) return undefined;
  const enc = (s: string) => (p.encode ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
  const items = [];
  for (const [i, info] of infos.entries()) {
    if (!info) continue;
    items.push({
      Key: enc(contents[i]),
      LastModified: isoDate(info.lastModified),
      ETag: info.etag,
      ...(info.checksum ? { ChecksumAlgorithm: info.checksum.algorithm, ChecksumType: info.checksum.type } : {}),
      Size: info.size,
      StorageClass: 'STANDARD',
      // (ListObjects always names the owner; ListObjectsV2 when asked to, with fetch-owner=true)
      ...(p.owner ? { Owner: S3_OWNER } : {}),
    });
  }
  const common = prefixes.map((c) => ({ Prefix: enc(c) }));
  const body: Record<string, unknown> = {
    IsTruncated: truncated,
    Contents: items,
    Name: bucket.name,
    Prefix: enc(prefix),
    ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
    MaxKeys: p.maxKeys,
    CommonPrefixes: common,
    ...(p.encode ? { EncodingType: 'url' } : {}),
  };
  const q = p.query;
  let next: ListParams | undefined;
  if (p.v2) {
    body.KeyCount = items.length + common.length;
    if (p.token !== null) body.ContinuationToken = p.token;
    if (truncated) body.NextContinuationToken = Buffer.from(`${lastIsPrefix ? 'p' : 'k'}:${last}`).toString('base64url');
    if (q.get('start-after') !== null) body.StartAfter = enc(q.get('start-after')!);
    if (truncated) next = nextParams(p, 'continuation-token', body.NextContinuationToken as string);
  } else {
    body.Marker = enc(q.get('marker') ?? '');
    if (truncated && delimiter) body.NextMarker = enc(last);
    // a client pages on with NextMarker, or without a delimiter with the page's last key
    if (truncated) next = nextParams(p, 'marker', last);
  }
  return { xml: toXml('ListBucketResult', body), next, walk, generation };
}

/** The request for the page after `p`: its parameters with `name` (the token or marker) set. */
function nextParams(p: ListParams, name: string, value: string): ListParams {
  const q = new URLSearchParams(p.query);
  q.set(name, value);
  return parseParams(q, p.v2);
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
  return { contents, prefixes, truncated, last, lastIsPrefix };
}
