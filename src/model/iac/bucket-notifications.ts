/**
 * A template bucket's notification configurations in the S3 API's shape (the shape
 * PutBucketNotificationConfiguration takes: `TopicConfigurations` with `TopicArn`, `Events`,
 * `Filter.Key.FilterRules`; `QueueConfigurations`, `LambdaFunctionConfigurations`), from
 * CloudFormation's `AWS::S3::Bucket` (`Topic`, one `Event`, `Filter.S3Key.Rules`; `Queue`,
 * `Function`) or the CDK's `Custom::S3BucketNotifications` (already in the API's shape), with the
 * template node each part came from, so a problem is reported at the template's own line. Pure.
 */
import type { Origin } from './cfn-intrinsics';
import { isObj, type Obj } from '../values';

/** The configuration lists of the S3 API, by the CloudFormation list and destination key they come from. */
const LISTS = [
  { api: 'TopicConfigurations', arn: 'TopicArn', cfn: 'TopicConfigurations', cfnArn: 'Topic' },
  { api: 'QueueConfigurations', arn: 'QueueArn', cfn: 'QueueConfigurations', cfnArn: 'Queue' },
  { api: 'LambdaFunctionConfigurations', arn: 'LambdaFunctionArn', cfn: 'LambdaConfigurations', cfnArn: 'Function' },
] as const;

export type ConfigurationList = (typeof LISTS)[number]['api'];
export const CONFIGURATION_LISTS: ReadonlyArray<{ readonly list: ConfigurationList; readonly arn: string }> = LISTS.map((l) => ({ list: l.api, arn: l.arn }));

/** One configuration and the template node it came from (its parts' nodes in its `kids`, by the API's keys). */
export interface Located {
  readonly value: Obj;
  readonly origin: Origin;
}

export type BucketConfigurations = Partial<Record<ConfigurationList, Located[]>>;

/** CloudFormation's `NotificationConfiguration` (its resolved value and origin) in the API's shape. */
export function cfnConfigurations(nc: unknown, origin: Origin | undefined): BucketConfigurations {
  const out: BucketConfigurations = {};
  if (!isObj(nc)) return out;
  for (const l of LISTS) {
    const list = nc[l.cfn];
    if (!Array.isArray(list)) continue;
    const listOrigin = origin?.kids?.get(l.cfn);
    out[l.api] = list.flatMap((t, i) => {
      if (!isObj(t)) return [];
      const at = listOrigin?.kids?.get(i) ?? listOrigin ?? origin ?? { at: [] };
      const kid = (k: string) => at.kids?.get(k);
      const rules = isObj(t.Filter) && isObj(t.Filter.S3Key) && Array.isArray(t.Filter.S3Key.Rules) ? t.Filter.S3Key.Rules : undefined;
      const event = kid('Event') ?? at;
      const filter = kid('Filter');
      const s3Key = filter?.kids?.get('S3Key');
      const kids = new Map<string | number, Origin>([[l.arn, kid(l.cfnArn) ?? at], ['Events', { at: event.at, kids: new Map([[0, event]]) }]]);
      if (filter) kids.set('Filter', { at: filter.at, kids: new Map([['Key', { at: s3Key?.at ?? filter.at, kids: new Map(s3Key?.kids?.get('Rules') ? [['FilterRules', s3Key.kids.get('Rules')!]] : []) }]]) });
      const value: Obj = { ...(t.Id !== undefined ? { Id: t.Id } : {}), [l.arn]: t[l.cfnArn], Events: [t.Event], ...(rules ? { Filter: { Key: { FilterRules: rules } } } : {}) };
      return [{ value, origin: { at: at.at, kids } }];
    });
  }
  return out;
}

/** The CDK notifications handler's `NotificationConfiguration`: already in the API's shape. */
export function apiConfigurations(nc: unknown, origin: Origin | undefined): BucketConfigurations {
  const out: BucketConfigurations = {};
  if (!isObj(nc)) return out;
  for (const l of LISTS) {
    const list = nc[l.api];
    if (!Array.isArray(list)) continue;
    const listOrigin = origin?.kids?.get(l.api);
    out[l.api] = list.flatMap((t, i) => {
      if (!isObj(t)) return [];
      const value: Obj = { ...(t.Id !== undefined ? { Id: t.Id } : {}), [l.arn]: t[l.arn], Events: t.Events, ...(isObj(t.Filter) ? { Filter: t.Filter } : {}) };
      return [{ value, origin: listOrigin?.kids?.get(i) ?? listOrigin ?? origin ?? { at: [] } }];
    });
  }
  return out;
}

/** Both, each list in the order given. */
export function mergeConfigurations(a: BucketConfigurations, b: BucketConfigurations): BucketConfigurations {
  const out: BucketConfigurations = {};
  for (const l of LISTS) {
    const list = [...(a[l.api] ?? []), ...(b[l.api] ?? [])];
    if (list.length > 0) out[l.api] = list;
  }
  return out;
}

/** The lists as a bucket value's members, and their origins as the bucket origin's kids. */
export function placeConfigurations(c: BucketConfigurations, at: Origin['at']): { value: Obj; kids: Map<string, Origin> } {
  const value: Record<string, unknown> = {};
  const kids = new Map<string, Origin>();
  for (const l of LISTS) {
    const list = c[l.api];
    if (!list || list.length === 0) continue;
    value[l.api] = list.map((x) => x.value);
    kids.set(l.api, { at, kids: new Map(list.map((x, i) => [i, x.origin])) });
  }
  return { value, kids };
}
