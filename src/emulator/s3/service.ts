/**
 * The local S3 as an edge service: routes REST-XML requests (path-style `/<bucket>/<key>` and
 * virtual-hosted-style `<bucket>.localhost:<port>/<key>`) to the bucket, object and multipart
 * handlers, streaming bodies both ways. Signed with the service name `s3` (checked by the edge).
 * `subscribe` hands out the events S3 sends to EventBridge (see events.ts), also for files put into
 * or removed from the folder of a bucket with EventBridge on by hand (folder-watch.ts).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { mkdirSync } from 'node:fs';
import type { EdgeService, EdgeStreamRequest } from '../edge/service';
import type { ErrorResponse } from '../edge/errors';
import { BucketRegistry, type DeclaredBucket } from './buckets';
import { createBucket, deleteBucket, getBucketLocation, getNotifications, headBucket, listBuckets, putNotifications } from './bucket-api';
import type { S3Context, S3Request, TopicPort } from './context';
import { S3Error, s3ErrorResponse } from './errors';
import { eventsFor, NOTIFICATION_SUBJECT, notificationMessage, type Change, type EventContext, type S3EventListener } from './events';
import { eventNameOf, matchingTopics } from './notify-config';
import { FolderWatch, type FolderChange } from './folder-watch';
import { ListAhead } from './list-ahead';
import { listObjects } from './list-api';
import { abortUpload, completeUpload, createUpload, listParts, uploadPart } from './multipart';
import { copyObject, deleteObject, deleteObjects, getObject, putObject } from './object-api';
import { ObjectStore } from './objects';
import { uploadPartCopy } from './part-copy';
import { PartLayout } from './part-layout';
import { listUploads } from './upload-list';

export interface S3ServiceOptions {
  readonly stateDir: string;
  readonly buckets?: Readonly<Record<string, DeclaredBucket>>;
  readonly accountId: string;
  readonly region: string;
  readonly now?: () => Date;
  /** SNS, for notifications to topics (without it a topic configuration is refused). */
  readonly topics?: TopicPort;
  /** Who an access key is, for the events' userIdentity (the composition root asks STS's rules). */
  readonly identity?: EventContext['identity'];
}

export class S3Service implements EdgeService {
  readonly name = 's3';
  readonly signingNames = ['s3'];
  private readonly listeners = new Set<S3EventListener>();
  private readonly ctx: S3Context;
  private readonly folders: FolderWatch;
  private readonly eventContext: EventContext;

  constructor(options: S3ServiceOptions) {
    const s3Dir = join(options.stateDir, 's3');
    const uploadsDir = join(s3Dir, 'uploads');
    mkdirSync(uploadsDir, { recursive: true });
    const buckets = new BucketRegistry(s3Dir, options.buckets ?? {});
    const now = options.now ?? (() => new Date());
    this.eventContext = { account: options.accountId, region: options.region, now, ...(options.identity ? { identity: options.identity } : {}) };
    const objects = new ObjectStore(s3Dir, options.stateDir);
    this.folders = new FolderWatch({ buckets: () => buckets.list(), skip: options.stateDir, emit: (c) => void this.byHand(c), writtenByApi: (b, key, st) => objects.writtenByApi(b, key, st), log: (line) => console.error(line) });
    this.ctx = {
      buckets,
      objects,
      region: options.region,
      now,
      uploadsDir,
      layout: new PartLayout(),
      listAhead: new ListAhead(),
      publish: (change, req) => {
        this.folders.apiChanged(change.bucket, change.key, change.kind);
        const bucket = buckets.find(change.bucket);
        if (this.listeners.size === 0 && !bucket?.notifiesTopics) return;
        const ua = req.headers['user-agent'];
        this.dispatch({
          ...change,
          requestId: req.requestId,
          sourceIp: req.body.socket.remoteAddress ?? '127.0.0.1',
          accessKeyId: req.auth.caller.accessKeyId,
          userAgent: typeof ua === 'string' ? ua : undefined,
          eventBridge: !!bucket?.eventBridge,
        });
      },
      bucketsChanged: () => this.folders.update(),
      topics: options.topics,
    };
    this.folders.update();
  }

  private dispatch(change: Change): void {
    this.notifyTopics(change);
    if (this.listeners.size === 0) return;
    for (const e of eventsFor(change, this.eventContext)) {
      for (const l of this.listeners) {
        try {
          l(e);
        } catch {
          // a listener's failure is its own
        }
      }
    }
  }

  /** The bucket's notifications to SNS topics that `change` matches, each published (S3's event message). */
  private notifyTopics(change: Change): void {
    const topics = this.ctx.topics;
    if (!topics || !this.ctx.buckets.find(change.bucket)?.notifiesTopics) return;
    const eventName = eventNameOf(change.kind, change.reason);
    for (const t of matchingTopics(this.ctx.buckets.notifyConfig(change.bucket), eventName, change.key)) {
      try {
        topics.publish(t.arn, notificationMessage(change, eventName, t.id, this.eventContext), NOTIFICATION_SUBJECT);
      } catch (err) {
        // (the topic was deleted since: S3 drops the message too)
        console.error(`localbatch s3: the notification of ${change.bucket}/${change.key} to ${t.arn} was not delivered: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** A file put into (or removed from) a watched bucket's folder by hand: the events of a PutObject (DeleteObject). */
  private async byHand(c: FolderChange): Promise<void> {
    const bucket = this.ctx.buckets.find(c.bucket);
    if (!bucket || (this.listeners.size === 0 && !bucket.notifiesTopics)) return;
    const info = c.kind === 'created' ? await this.ctx.objects.head(bucket, c.key).catch(() => undefined) : undefined;
    if (c.kind === 'created' && !info) return;
    const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
    this.dispatch({ kind: c.kind, bucket: c.bucket, key: c.key, size: info?.size, etag: info?.etag.replace(/"/g, ''), reason: c.kind === 'created' ? 'PutObject' : 'DeleteObject', requestId, sourceIp: '127.0.0.1', accessKeyId: '', userAgent: 'localbatch (a file changed in the bucket\'s folder)', eventBridge: bucket.eventBridge });
  }

  /** Resolves once the watched bucket folders' first walks are done (files there now are not new). */
  watching(): Promise<void> {
    return this.folders.ready();
  }

  /** Stops watching the buckets' folders. */
  close(): void {
    this.folders.close();
  }

  /** Object Created / Object Deleted (buckets with EventBridge on) and CloudTrail-shaped API call events. Returns an unsubscribe. */
  subscribe(listener: S3EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The buckets and their folders (for the editor and CLI). */
  buckets() {
    return this.ctx.buckets.list();
  }

  errorResponse(err: unknown, requestId: string): ErrorResponse {
    return s3ErrorResponse(err, requestId);
  }

  async handleStream(edge: EdgeStreamRequest, res: ServerResponse): Promise<void> {
    const { bucket, key } = address(edge);
    const req: S3Request = { requestId: edge.requestId, method: edge.method, bucket, key, query: new URLSearchParams(edge.rawQuery), headers: edge.headers, body: edge.body, auth: edge.auth, res };
    await route(this.ctx, req);
  }
}

/** Bucket and key from the Host header (virtual-hosted style) or the path (path style). */
export function address(edge: Pick<EdgeStreamRequest, 'rawPath' | 'headers'>): { bucket?: string; key?: string } {
  const host = (edge.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  const path = edge.rawPath.startsWith('/') ? edge.rawPath.slice(1) : edge.rawPath;
  const vhost = /^(.+)\.localhost$/.exec(host)?.[1];
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new S3Error('InvalidURI', 400, 'Couldn\'t parse the specified URI.');
    }
  };
  if (vhost && vhost !== 's3') return { bucket: vhost, key: path === '' ? undefined : decode(path) };
  if (path === '') return {};
  const slash = path.indexOf('/');
  if (slash < 0) return { bucket: decode(path) };
  const key = path.slice(slash + 1);
  return { bucket: decode(path.slice(0, slash)), key: key === '' ? undefined : decode(key) };
}

/** The bucket sub-resources of the S3 API (the query names of its bucket operations) other than a listing's. */
const SUB_RESOURCES: ReadonlySet<string> = new Set([
  'accelerate', 'acl', 'analytics', 'cors', 'encryption', 'intelligent-tiering', 'inventory', 'lifecycle', 'logging', 'metadataConfiguration', 'metadataTable',
  'metrics', 'object-lock', 'ownershipControls', 'policy', 'policyStatus', 'publicAccessBlock', 'replication', 'requestPayment', 'session', 'tagging',
  'uploads', 'versioning', 'versions', 'website', 'abac', 'notification', 'location',
]);

async function route(ctx: S3Context, req: S3Request): Promise<void> {
  const { method, query: q } = req;
  if (!req.bucket) {
    if (method === 'GET') return listBuckets(ctx, req);
    throw notImplemented(req);
  }
  const name = req.bucket;
  if (req.key === undefined) {
    if (method === 'PUT' && q.has('notification')) return putNotifications(ctx, req, name);
    if (method === 'GET' && q.has('notification')) return getNotifications(ctx, req, name);
    if (method === 'GET' && q.has('location')) return getBucketLocation(ctx, req, name);
    if (method === 'PUT' && [...q.keys()].length === 0) return createBucket(ctx, req, name);
    if (method === 'HEAD') return headBucket(ctx, req, name);
    if (method === 'DELETE' && [...q.keys()].length === 0) return deleteBucket(ctx, req, name);
    const bucket = ctx.buckets.get(name);
    if (method === 'POST' && q.has('delete')) return deleteObjects(ctx, req, bucket);
    if (method === 'GET' && q.has('uploads')) return listUploads(ctx, req, bucket);
    // A bucket sub-resource this S3 does not serve (?cors, ?encryption, ?lifecycle, ...) is not a
    // listing; other parameters S3 ignores, as it does.
    if (method === 'GET' && ![...q.keys()].some((k) => SUB_RESOURCES.has(k))) {
      return listObjects(ctx, req, bucket, q.get('list-type') === '2');
    }
    throw notImplemented(req);
  }
  const bucket = ctx.buckets.get(name);
  const key = req.key;
  const uploadId = q.get('uploadId');
  if (method === 'POST' && q.has('uploads')) return createUpload(ctx, req, bucket, key);
  if (uploadId !== null) {
    if (method === 'PUT' && q.has('partNumber')) {
      const source = req.headers['x-amz-copy-source'];
      if (typeof source === 'string') return uploadPartCopy(ctx, req, bucket, key, uploadId, q.get('partNumber')!, source);
      return uploadPart(ctx, req, bucket, key, uploadId, q.get('partNumber')!);
    }
    if (method === 'POST') return completeUpload(ctx, req, bucket, key, uploadId);
    if (method === 'DELETE') return abortUpload(ctx, req, bucket, key, uploadId);
    if (method === 'GET') return listParts(ctx, req, bucket, key, uploadId);
  }
  const onlyOwn = [...q.keys()].every((k) => k.startsWith('X-Amz-') || k.startsWith('x-amz-') || k.startsWith('response-') || k === 'partNumber' || k === 'versionId' || k === 'x-id');
  if (!onlyOwn) throw notImplemented(req);
  // Buckets here are never versioned: the only version an object has is `null`.
  const versionId = q.get('versionId');
  if (versionId !== null && versionId !== 'null') {
    req.body.resume();
    throw new S3Error('InvalidArgument', 400, 'Invalid version id specified', { ArgumentName: 'versionId', ArgumentValue: versionId });
  }
  if (method === 'PUT') {
    const source = req.headers['x-amz-copy-source'];
    if (typeof source === 'string') return copyObject(ctx, req, bucket, key, source);
    return putObject(ctx, req, bucket, key);
  }
  if (method === 'GET') return getObject(ctx, req, bucket, key, false);
  if (method === 'HEAD') return getObject(ctx, req, bucket, key, true);
  if (method === 'DELETE') return deleteObject(ctx, req, bucket, key);
  throw notImplemented(req);
}

function notImplemented(req: S3Request, what?: string): S3Error {
  req.body.resume();
  const sub = [...req.query.keys()].filter((k) => !k.startsWith('X-Amz-')).join('&');
  return new S3Error('NotImplemented', 501, `localbatch's S3 does not implement ${what ?? `${req.method} ${req.key === undefined ? 'on a bucket' : 'on an object'}${sub ? ` with ?${sub}` : ''}`}; it serves the operations listed in the README (S3).`);
}
