/** What every S3 handler gets: the parsed request, the stores, and a way to answer. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamAuth } from '../edge/stream-auth';
import type { BucketRegistry } from './buckets';
import type { Change } from './events';
import type { ListAhead } from './list-ahead';
import type { ObjectStore } from './objects';
import type { PartLayout } from './part-layout';

export interface S3Request {
  readonly requestId: string;
  readonly method: string;
  readonly bucket?: string;
  readonly key?: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: IncomingMessage;
  readonly auth: StreamAuth;
  readonly res: ServerResponse;
}

export interface S3Context {
  readonly buckets: BucketRegistry;
  readonly objects: ObjectStore;
  readonly region: string;
  readonly now: () => Date;
  readonly publish: (change: Omit<Change, 'requestId' | 'sourceIp' | 'accessKeyId' | 'userAgent' | 'eventBridge'>, req: S3Request) => void;
  /** Multipart uploads' folder in the state directory. */
  readonly uploadsDir: string;
  /** Which parts of which uploads are being written into their upload's data file. */
  readonly layout: PartLayout;
  /** Listing pages built ahead of their requests. */
  readonly listAhead: ListAhead;
  /** A bucket was created or deleted, or its notifications changed (the folder watch follows). */
  readonly bucketsChanged?: () => void;
  /** The SNS topics notifications may name (none: a topic configuration cannot be validated). */
  readonly topics?: TopicPort;
}

/** What S3 needs of SNS: whether a topic exists, and a way to publish to it. */
export interface TopicPort {
  exists(topicArn: string): boolean;
  publish(topicArn: string, message: string, subject: string): void;
}

export function header(req: S3Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function reply(req: S3Request, status: number, headers: Record<string, string | number> = {}, body?: string): void {
  const h: Record<string, string | number> = { 'x-amz-request-id': req.requestId, 'x-amz-id-2': 'localbatch', ...headers };
  if (body !== undefined) {
    h['content-type'] ??= 'application/xml';
    h['content-length'] = Buffer.byteLength(body);
  } else if (h['content-length'] === undefined) h['content-length'] = 0;
  req.res.writeHead(status, h);
  req.res.end(body);
}

export function httpDate(d: Date): string {
  return d.toUTCString();
}

export function isoDate(d: Date): string {
  return d.toISOString();
}
