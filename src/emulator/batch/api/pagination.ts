/**
 * Opaque `nextToken`s and page sizes for the paginated Batch operations. A token is base64url of
 * `v1:<offset>:<fingerprint>` (lists that do not change while paged), or for ListJobs
 * `v2:<createdAt>:<index>:<fingerprint>:<jobId>`, a cursor naming the last job of the page. The
 * fingerprint hashes the request's query (everything but maxResults and nextToken): a token handed
 * to a different query is refused instead of silently paging through the wrong list.
 */
import { createHash } from 'node:crypto';
import { ClientException } from '../../edge/errors';

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/** A short stable hash of the query parts (built by the caller in a fixed key order). */
export function fingerprint(operation: string, query: unknown): string {
  return createHash('sha256').update(operation).update('\0').update(JSON.stringify(query ?? null)).digest('base64url').slice(0, 16);
}

export function encodeToken(offset: number, fp: string): string {
  return Buffer.from(`v1:${offset}:${fp}`).toString('base64url');
}

/** The offset a token stands for (0 without one); a malformed or foreign token is a ClientException. */
export function decodeToken(token: unknown, fp: string): number {
  if (token === undefined || token === null || token === '') return 0;
  if (typeof token !== 'string' || token.length > 256) throw new ClientException('nextToken is not valid');
  const m = /^v1:(\d{1,9}):([A-Za-z0-9_-]{16})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw new ClientException('nextToken is not valid');
  if (m[2] !== fp) throw new ClientException('nextToken was returned for a different request; repeat the original request parameters with it');
  return Number(m[1]);
}

/** maxResults checked against the operation's limit; `fallback` when absent. */
export function pageSize(maxResults: unknown, max: number, fallback = max): number {
  if (maxResults === undefined || maxResults === null) return fallback;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > max) {
    throw new ClientException(`maxResults must be an integer between 1 and ${max}`);
  }
  return maxResults;
}

/** One page of an array. */
export function pageOfArray<T>(all: readonly T[], offset: number, size: number, fp: string): Page<T> {
  const items = all.slice(offset, offset + size);
  const end = offset + items.length;
  return end < all.length ? { items, nextToken: encodeToken(end, fp) } : { items };
}

/** Where a ListJobs page ended: the last job listed (its index for array children). */
export interface JobCursor {
  readonly createdAt: number;
  readonly id: string;
  readonly index?: number;
}

export function encodeCursor(c: JobCursor, fp: string): string {
  return Buffer.from(`v2:${c.createdAt}:${c.index ?? '-'}:${fp}:${c.id}`).toString('base64url');
}

/** The cursor a ListJobs token stands for (undefined without one); a malformed or foreign token is a ClientException. */
export function decodeCursor(token: unknown, fp: string): JobCursor | undefined {
  if (token === undefined || token === null || token === '') return undefined;
  if (typeof token !== 'string' || token.length > 512) throw new ClientException('nextToken is not valid');
  const m = /^v2:(\d{1,15}):(-|\d{1,5}):([A-Za-z0-9_-]{16}):([A-Za-z0-9:#_-]{1,200})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw new ClientException('nextToken is not valid');
  if (m[3] !== fp) throw new ClientException('nextToken was returned for a different request; repeat the original request parameters with it');
  return { createdAt: Number(m[1]), id: m[4], ...(m[2] === '-' ? {} : { index: Number(m[2]) }) };
}

/** One page of a sequence already positioned after the cursor; reads one item past the page to know whether another exists. */
export function pageAfter<S extends JobCursor, T>(source: Iterable<S>, size: number, fp: string, map: (s: S) => T): Page<T> {
  const items: T[] = [];
  let last: S | undefined;
  for (const s of source) {
    if (items.length === size) return { items, nextToken: encodeCursor({ createdAt: last!.createdAt, id: last!.id, index: last!.index }, fp) };
    items.push(map(s));
    last = s;
  }
  return { items };
}
