/**
 * The events S3 sends to EventBridge, in AWS's documented shapes: "Object Created" and "Object
 * Deleted" (for buckets with EventBridge notifications on), and the CloudTrail data event
 * "AWS API Call via CloudTrail" for object writes, which the AWS Batch user guide's S3-triggered
 * rule matches (`detail.eventSource: s3.amazonaws.com`, `detail.eventName: PutObject`,
 * `detail.requestParameters.bucketName`). Locally every bucket's writes produce the CloudTrail
 * event, as with a trail logging S3 data events for all buckets.
 */
import { randomUUID } from 'node:crypto';

export interface S3Event {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Object Created' | 'Object Deleted' | 'AWS API Call via CloudTrail';
  readonly source: 'aws.s3';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

export type S3EventListener = (event: S3Event) => void;

export interface Change {
  readonly kind: 'created' | 'deleted';
  readonly bucket: string;
  readonly key: string;
  readonly size?: number;
  /** Without quotes. */
  readonly etag?: string;
  /** PutObject, CopyObject, CompleteMultipartUpload, DeleteObject, DeleteObjects. */
  readonly reason: string;
  readonly requestId: string;
  readonly sourceIp: string;
  readonly accessKeyId: string;
  readonly userAgent?: string;
  readonly eventBridge: boolean;
}

export interface EventContext {
  readonly account: string;
  readonly region: string;
  readonly now: () => Date;
  /** Who an access key is (as STS GetCallerIdentity says): the emulator's user, or a job's assumed role. */
  readonly identity?: (accessKeyId: string) => { readonly Account: string; readonly Arn: string; readonly UserId: string } | undefined;
}

/** CloudTrail's userIdentity of the request's key: an IAM user, or a role assumed (a job's key). */
function trailIdentity(change: Change, ctx: EventContext): Record<string, unknown> {
  const who = change.accessKeyId ? ctx.identity?.(change.accessKeyId) : undefined;
  if (!who) return { type: 'IAMUser', accountId: ctx.account, accessKeyId: change.accessKeyId, principalId: change.accessKeyId, arn: `arn:aws:iam::${ctx.account}:user/localbatch` };
  return { type: who.Arn.includes(':assumed-role/') ? 'AssumedRole' : 'IAMUser', principalId: who.UserId, arn: who.Arn, accountId: who.Account, accessKeyId: change.accessKeyId };
}

let sequence = 0;
function sequencer(now: Date): string {
  return (now.getTime() * 1000 + (sequence++ % 1000)).toString(16).toUpperCase().padStart(16, '0');
}

export function eventsFor(change: Change, ctx: EventContext): S3Event[] {
  const now = ctx.now();
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const base = { version: '0' as const, source: 'aws.s3' as const, account: ctx.account, time, region: ctx.region };
  const out: S3Event[] = [];
  if (change.eventBridge) {
    const object: Record<string, unknown> =
      change.kind === 'created'
        ? { key: change.key, size: change.size ?? 0, etag: change.etag ?? '', sequencer: sequencer(now) }
        : { key: change.key, sequencer: sequencer(now) };
    out.push({
      ...base,
      id: randomUUID(),
      'detail-type': change.kind === 'created' ? 'Object Created' : 'Object Deleted',
      resources: [`arn:aws:s3:::${change.bucket}`],
      detail: {
        version: '0',
        bucket: { name: change.bucket },
        object,
        'request-id': change.requestId,
        requester: ctx.account,
        'source-ip-address': change.sourceIp,
        reason: change.reason,
        ...(change.kind === 'deleted' ? { 'deletion-type': 'Permanently Deleted' } : {}),
      },
    });
  }
  out.push({
    ...base,
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: trailIdentity(change, ctx),
      eventTime: time,
      eventSource: 's3.amazonaws.com',
      eventName: change.reason,
      awsRegion: ctx.region,
      sourceIPAddress: change.sourceIp,
      userAgent: change.userAgent ?? '',
      requestParameters: { bucketName: change.bucket, key: change.key, Host: 'localhost' },
      responseElements: null,
      requestID: change.requestId,
      eventID: randomUUID(),
      readOnly: false,
      resources: [
        { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${change.bucket}/${change.key}` },
        { accountId: ctx.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${change.bucket}` },
      ],
      eventType: 'AwsApiCall',
      managementEvent: false,
      recipientAccountId: ctx.account,
      eventCategory: 'Data',
    },
  });
  return out;
}

/** An object key as S3's event messages write it: URL-encoded, a space as `+`, `/` kept. */
export function eventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

function identityOf(change: Change, ctx: EventContext): string | undefined {
  if (!change.accessKeyId) return undefined;
  const who = ctx.identity?.(change.accessKeyId);
  return `AWS:${who?.UserId ?? change.accessKeyId}`;
}

/** The message S3 publishes to a notification's topic for `change` (event structure version 2.1). */
export function notificationMessage(change: Change, eventName: string, configurationId: string, ctx: EventContext): string {
  const now = ctx.now();
  const object: Record<string, unknown> = change.kind === 'created'
    ? { key: eventKey(change.key), size: change.size ?? 0, eTag: change.etag ?? '', sequencer: sequencer(now) }
    : { key: eventKey(change.key), sequencer: sequencer(now) };
  const record = {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: ctx.region,
    eventTime: now.toISOString(),
    eventName,
    // (S3 names the requester `AWS:<its unique id>`; a file dropped into the folder has no requester)
    userIdentity: { principalId: identityOf(change, ctx) ?? ctx.account },
    requestParameters: { sourceIPAddress: change.sourceIp },
    responseElements: { 'x-amz-request-id': change.requestId, 'x-amz-id-2': change.requestId },
    s3: { s3SchemaVersion: '1.0', configurationId, bucket: { name: change.bucket, ownerIdentity: { principalId: ctx.account }, arn: `arn:aws:s3:::${change.bucket}` }, object },
  };
  return JSON.stringify({ Records: [record] });
}

/** The s3:TestEvent S3 sends a destination when a configuration names it. */
export function testEventMessage(bucket: string, requestId: string, now: Date): string {
  return JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: now.toISOString(), Bucket: bucket, RequestId: requestId, HostId: requestId });
}

/** The Subject of S3's messages to SNS topics. */
export const NOTIFICATION_SUBJECT = 'Amazon S3 Notification';
