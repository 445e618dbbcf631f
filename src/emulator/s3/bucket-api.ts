/** Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation, notifications. */
import { readBodySmall } from './small-body';
import { isoDate, reply, type S3Context, type S3Request } from './context';
import { S3Error } from './errors';
import { NOTIFICATION_SUBJECT, testEventMessage } from './events';
import { notifyConfigXml, parseNotifyConfig } from './notify-config';
import { fromXml, toXml } from './xml';
import { S3_OWNER } from './owner';


export function listBuckets(ctx: S3Context, req: S3Request): void {
  const buckets = ctx.buckets.list();
  const prefix = req.query.get('prefix') ?? '';
  const shown = buckets.filter((b) => b.name.startsWith(prefix));
  reply(req, 200, {}, toXml('ListAllMyBucketsResult', {
    Owner: S3_OWNER,
    Buckets: { Bucket: shown.map((b) => ({ Name: b.name, CreationDate: isoDate(new Date(b.created)), BucketRegion: ctx.region })) },
    ...(prefix ? { Prefix: prefix } : {}),
  }));
}

export async function createBucket(ctx: S3Context, req: S3Request, name: string): Promise<void> {
  const body = await readBodySmall(req, 64 * 1024);
  if (body.length > 0) {
    const conf = fromXml(body, 'CreateBucketConfiguration');
    const loc = typeof conf.LocationConstraint === 'string' ? conf.LocationConstraint : '';
    if (loc && loc !== ctx.region) {
      throw new S3Error('IllegalLocationConstraintException', 400, `The ${loc} location constraint is incompatible for the region specific endpoint this request was sent to.`);
    }
  }
  const created = ctx.buckets.create(name, ctx.now());
  ctx.bucketsChanged?.();
  if (!created && ctx.region !== 'us-east-1') {
    throw new S3Error('BucketAlreadyOwnedByYou', 409, 'Your previous request to create the named bucket succeeded and you already own it.', { BucketName: name });
  }
  reply(req, 200, { location: `/${name}` });
}

export function headBucket(ctx: S3Context, req: S3Request, name: string): void {
  ctx.buckets.get(name);
  reply(req, 200, { 'x-amz-bucket-region': ctx.region, 'x-amz-access-point-alias': 'false' });
}

export async function deleteBucket(ctx: S3Context, req: S3Request, name: string): Promise<void> {
  ctx.buckets.delete(name);
  ctx.bucketsChanged?.();
  await Promise.resolve();
  reply(req, 204);
}

export function getBucketLocation(ctx: S3Context, req: S3Request, name: string): void {
  ctx.buckets.get(name);
  const loc = ctx.region === 'us-east-1' ? '' : ctx.region;
  reply(req, 200, {}, `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${loc}</LocationConstraint>`);
}

export function getNotifications(ctx: S3Context, req: S3Request, name: string): void {
  const b = ctx.buckets.get(name);
  const xml = b.notificationXml === undefined ? toXml('NotificationConfiguration', b.eventBridge ? { EventBridgeConfiguration: '' } : {}) : notifyConfigXml({ ...ctx.buckets.notifyConfig(name), eventBridge: b.eventBridge });
  reply(req, 200, {}, xml);
}

export async function putNotifications(ctx: S3Context, req: S3Request, name: string): Promise<void> {
  ctx.buckets.get(name);
  const body = await readBodySmall(req, 256 * 1024);
  const config = parseNotifyConfig(fromXml(body, 'NotificationConfiguration'));
  const topics = config.targets.filter((t) => t.kind === 'Topic');
  // S3 checks that each destination exists (and lets S3 publish to it) before it keeps the
  // configuration; there is no local SQS or Lambda, so a queue or function never does.
  // (S3 publishes to standard topics only: a FIFO topic is not a destination it can use)
  const fifo = (t: { arn: string }) => t.arn.endsWith('.fifo');
  const why = (t: { kind: string; arn: string }) => t.kind === 'Queue' ? 'no local SQS queue to deliver to' : t.kind === 'CloudFunction' ? 'no local Lambda function to invoke' : fifo(t) ? 'S3 event notifications go to standard topics, not FIFO topics' : ctx.topics ? 'the topic does not exist' : 'no local SNS to deliver to';
  const missing = config.targets.filter((t) => t.kind !== 'Topic' || fifo(t) || !ctx.topics?.exists(t.arn));
  // SkipDestinationValidation (x-amz-skip-destination-validation: true): kept unchecked, as S3 does; delivered where a topic exists.
  const skip = String(req.headers['x-amz-skip-destination-validation'] ?? '').toLowerCase() === 'true';
  if (missing.length > 0 && !skip) {
    throw new S3Error('InvalidArgument', 400, 'Unable to validate the following destination configurations', Object.fromEntries(missing.flatMap((t, i) => [[`ArgumentName${i + 1}`, t.arn], [`ArgumentValue${i + 1}`, `Error: ${why(t)}`]])));
  }
  const before = new Set(ctx.buckets.notifyConfig(name).targets.map((t) => t.arn));
  ctx.buckets.setNotifications(name, notifyConfigXml(config), config);
  ctx.bucketsChanged?.();
  // S3 sends a destination newly named an s3:TestEvent.
  for (const arn of new Set(topics.map((t) => t.arn))) if (!before.has(arn) && ctx.topics?.exists(arn)) ctx.topics.publish(arn, testEventMessage(name, req.requestId, ctx.now()), NOTIFICATION_SUBJECT);
  reply(req, 200);
}
