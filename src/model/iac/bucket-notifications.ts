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
    if (list === undefined) continue;
    const listOrigin = origin?.kids?.get(l.cfn);
    if (!Array.isArray(list)) {
      out[l.api] = [{ value: { Problem: `${l.cfn} must be a list of configurations` }, origin: listOrigin ?? origin ?? { at: [] } }];
      continue;
    }
    out[l.api] = list.map((t, i) => {
      const at = listOrigin?.kids?.get(i) ?? listOrigin ?? origin ?? { at: [] };
      const problem = cfnProblem(t, l.cfnArn);
      if (problem) return { value: { Problem: problem }, origin: at };
      const c = t as Obj;
      const kid = (k: string) => at.kids?.get(k);
      const rules = isObj(c.Filter) && isObj(c.Filter.S3Key) && Array.isArray(c.Filter.S3Key.Rules) ? c.Filter.S3Key.Rules : undefined;
      const event = kid('Event') ?? at;
      const filter = kid('Filter');
      const s3Key = filter?.kids?.get('S3Key');
      const kids = new Map<string | number, Origin>([[l.arn, kid(l.cfnArn) ?? at], ['Events', { at: event.at, kids: new Map([[0, event]]) }]]);
      if (filter) kids.set('Filter', { at: filter.at, kids: new Map([['Key', { at: s3Key?.at ?? filter.at, kids: new Map(s3Key?.kids?.get('Rules') ? [['FilterRules', s3Key.kids.get('Rules')!]] : []) }]]) });
      const value: Obj = { [l.arn]: c[l.cfnArn], Events: [c.Event], ...(rules ? { Filter: { Key: { FilterRules: rules } } } : {}) };
      return { value, origin: { at: at.at, kids } };
    });
  }
  return out;
}

/**
 * What is wrong with the shape of a CloudFormation notification configuration (a member it does not
 * take, such as the API's `Events` or `Filter.Key`, a missing destination or event), if anything:
 * such a configuration is reported and not loaded (loading it without its filter would notify for
 * every key).
 */
function cfnProblem(t: unknown, arnKey: string): string | undefined {
  if (!isObj(t)) return 'a configuration must be an object (Event, ' + arnKey + ', Filter)';
  const allowed = ['Event', arnKey, 'Filter'];
  const api: Readonly<Record<string, string>> = { Events: 'Event', TopicArn: 'Topic', QueueArn: 'Queue', LambdaFunctionArn: 'Function', Id: '' };
  for (const k of Object.keys(t)) {
    if (allowed.includes(k)) continue;
    const instead = api[k];
    return `CloudFormation's configuration takes Event, ${arnKey} and Filter, not '${k}'${instead ? ` (the S3 API's name; CloudFormation's is ${instead})` : ''}`;
  }
  if (typeof t[arnKey] !== 'string') return `the configuration needs its ${arnKey} (an ARN)`;
  if (typeof t.Event !== 'string') return 'the configuration needs its Event (one event type, such as s3:ObjectCreated:*)';
  if (t.Filter !== undefined && !(isObj(t.Filter) && Object.keys(t.Filter).length === 1 && isObj(t.Filter.S3Key) && Object.keys(t.Filter.S3Key).length === 1 && Array.isArray(t.Filter.S3Key.Rules))) {
    return "its Filter is written Filter: { S3Key: { Rules: [{ Name: prefix, Value: ... }] } } in CloudFormation (it would be loaded without its filter, for every key)";
  }
  return undefined;
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
