/**
 * Reads the event-driven resources of `terraform show -json` (plan or state): aws_cloudwatch_event_rule
 * with its aws_cloudwatch_event_target blocks (batch_target, input, input_path, input_transformer,
 * retry_policy, dead_letter_config), aws_scheduler_schedule, aws_sns_topic,
 * aws_sns_topic_subscription, aws_s3_bucket and aws_s3_bucket_notification (`eventbridge = true`;
 * its `topic`, `queue` and `lambda_function` blocks in the S3 API's shape),
 * as the API requests that create them (see pipeline-types.ts). A value a plan knows only after
 * apply (the ARN of a queue or topic created by the same plan) is taken from the configuration's
 * reference to that resource. Pure.
 */
import { SourceDocument, type JsonPath } from '../document';
import { asArr, asStr, isObj, type Obj } from '../values';
import type { Origin } from './cfn-intrinsics';
import type { ConfigurationList } from './bucket-notifications';
import { topicArn, type PipelineKind, type PipelineResource, type PipelineResources } from './pipeline-types';
import { afterUnknown, configurationRefs, moduleResources, type TfResource } from './terraform';
import { locateOrigin } from './types';

const TYPES = new Set(['aws_cloudwatch_event_rule', 'aws_cloudwatch_event_target', 'aws_scheduler_schedule', 'aws_sns_topic', 'aws_sns_topic_subscription', 'aws_s3_bucket', 'aws_s3_bucket_notification']);

/** Builds a value and its origin tree side by side. */
class Built {
  readonly value: Record<string, unknown> = {};
  readonly kids = new Map<string | number, Origin>();
  constructor(readonly at: JsonPath) {}
  set(key: string, v: unknown, at: JsonPath, kid?: Origin): void {
    if (v === undefined || v === null || v === '') return;
    this.value[key] = v;
    this.kids.set(key, kid ?? { at });
  }
  origin(): Origin {
    return { at: this.at, kids: this.kids };
  }
}

function block(v: unknown): Obj | undefined {
  const list = asArr(v);
  const first = list?.[0];
  return isObj(first) ? first : isObj(v) ? v : undefined;
}

export function readTerraformPipeline(doc: SourceDocument, root: Obj, options: { region?: string; accountId?: string } = {}): PipelineResources {
  const top = isObj(root.planned_values) ? 'planned_values' : 'values';
  const all = [...moduleResources((root[top] as Obj).root_module, [top, 'root_module'])].filter((r) => TYPES.has(r.type) || r.type.startsWith('aws_batch_'));
  const region = options.region ?? 'us-east-1';
  const account = options.accountId ?? '000000000000';
  const unknown = afterUnknown(root);
  const refs = configurationRefs(root);
  const byAddress = new Map(all.map((r) => [r.address, r]));
  const nameOf = (r: TfResource): string => asStr(r.values.name) ?? asStr(r.values.bucket) ?? r.name;
  /** What a reference to another resource of the plan gives: queue/topic ARNs, job definition/rule/bucket names. */
  const refValue = (address: string): string | undefined => {
    const r = byAddress.get(address) ?? byAddress.get(address.replace(/\.[a-z_]+$/, ''));
    if (!r) return undefined;
    if (r.type === 'aws_batch_job_queue') return `arn:aws:batch:${region}:${account}:job-queue/${nameOf(r)}`;
    if (r.type === 'aws_sns_topic') return asStr(r.values.arn) ?? topicArn('aws', region, account, nameOf(r));
    return nameOf(r);
  };
  /** An attribute's value, or (unknown in a plan) the value of the resource its configuration references. */
  const attr = (r: TfResource, values: Obj, key: string, exprs: unknown): unknown => {
    const v = values[key];
    if (v !== undefined && v !== null && v !== '') return v;
    const refsOf = isObj(exprs) && isObj(exprs[key]) ? asArr((exprs[key] as Obj).references) : undefined;
    const base = r.address.replace(/\[[^\]]*\]$/, '');
    const modulePrefix = base.slice(0, Math.max(0, base.length - `${r.type}.${r.name}`.length));
    for (const ref of refsOf ?? []) {
      const found = refValue(modulePrefix + String(ref));
      if (found !== undefined) return found;
    }
    return unknown.get(r.address)?.[key] === true ? undefined : v;
  };
  const out = { rules: [] as PipelineResource[], schedules: [] as PipelineResource[], topics: [] as PipelineResource[], subscriptions: [] as PipelineResource[], buckets: [] as PipelineResource[] };
  const make = (kind: PipelineKind, r: TfResource, name: string, b: Built): PipelineResource =>
    ({ kind, id: r.address, type: r.type, name, value: b.value, doc: SourceDocument.view(doc, b.value, locateOrigin(b.origin())), path: r.path });
  const ruleTargets = new Map<string, Array<{ value: unknown; origin: Origin }>>();

  for (const r of all) {
    const v = r.values;
    const at: JsonPath = [...r.path, 'values'];
    const exprs = refs.get(r.address.replace(/\[[^\]]*\]$/, ''));
    if (r.type === 'aws_cloudwatch_event_target') {
      const t = new Built(at);
      t.set('Id', asStr(v.target_id) ?? r.name, [...at, 'target_id']);
      t.set('Arn', attr(r, v, 'arn', exprs), [...at, 'arn']);
      t.set('RoleArn', v.role_arn, [...at, 'role_arn']);
      t.set('Input', v.input, [...at, 'input']);
      t.set('InputPath', v.input_path, [...at, 'input_path']);
      const it = block(v.input_transformer);
      if (it) {
        const p: JsonPath = [...at, 'input_transformer', 0];
        t.set('InputTransformer', { ...(isObj(it.input_paths) ? { InputPathsMap: it.input_paths } : {}), InputTemplate: it.input_template }, p,
          { at: p, kids: new Map([['InputPathsMap', { at: [...p, 'input_paths'] }], ['InputTemplate', { at: [...p, 'input_template'] }]]) });
      }
      const bt = block(v.batch_target);
      if (bt) {
        const p: JsonPath = [...at, 'batch_target', 0];
        const btExprs = block(isObj(exprs) ? exprs.batch_target : undefined);
        const jd = attr(r, bt, 'job_definition', btExprs);
        t.set('BatchParameters', {
          JobDefinition: jd,
          JobName: bt.job_name,
          ...(typeof bt.array_size === 'number' && bt.array_size > 0 ? { ArrayProperties: { Size: bt.array_size } } : {}),
          ...(typeof bt.job_attempts === 'number' && bt.job_attempts > 0 ? { RetryStrategy: { Attempts: bt.job_attempts } } : {}),
        }, p, { at: p, kids: new Map([['JobDefinition', { at: [...p, 'job_definition'] }], ['JobName', { at: [...p, 'job_name'] }], ['ArrayProperties', { at: [...p, 'array_size'] }]]) });
      }
      const rp = block(v.retry_policy);
      if (rp) t.set('RetryPolicy', { ...(typeof rp.maximum_event_age_in_seconds === 'number' ? { MaximumEventAgeInSeconds: rp.maximum_event_age_in_seconds } : {}), ...(typeof rp.maximum_retry_attempts === 'number' ? { MaximumRetryAttempts: rp.maximum_retry_attempts } : {}) }, [...at, 'retry_policy']);
      const dl = block(v.dead_letter_config);
      if (dl && typeof dl.arn === 'string') t.set('DeadLetterConfig', { Arn: dl.arn }, [...at, 'dead_letter_config']);
      const rule = asStr(attr(r, v, 'rule', exprs));
      if (rule) {
        const list = ruleTargets.get(rule) ?? [];
        list.push({ value: t.value, origin: t.origin() });
        ruleTargets.set(rule, list);
      }
    }
  }

  for (const r of all) {
    const v = r.values;
    const at: JsonPath = [...r.path, 'values'];
    const exprs = refs.get(r.address.replace(/\[[^\]]*\]$/, ''));
    if (r.type === 'aws_cloudwatch_event_rule') {
      const b = new Built(at);
      const name = nameOf(r);
      b.set('Name', name, [...at, 'name'], asStr(v.name) ? undefined : { at: r.path });
      b.set('EventPattern', v.event_pattern, [...at, 'event_pattern']);
      b.set('ScheduleExpression', v.schedule_expression, [...at, 'schedule_expression']);
      const state = asStr(v.state) ?? (v.is_enabled === false ? 'DISABLED' : undefined);
      b.set('State', state, [...at, v.state !== undefined ? 'state' : 'is_enabled']);
      b.set('Description', v.description, [...at, 'description']);
      b.set('EventBusName', v.event_bus_name, [...at, 'event_bus_name']);
      b.set('RoleArn', v.role_arn, [...at, 'role_arn']);
      const targets = ruleTargets.get(name) ?? [];
      b.value.Targets = targets.map((t) => t.value);
      b.kids.set('Targets', { at, kids: new Map(targets.map((t, i) => [i, t.origin])) });
      out.rules.push(make('rule', r, name, b));
    } else if (r.type === 'aws_scheduler_schedule') {
      const b = new Built(at);
      const name = nameOf(r);
      b.set('Name', name, [...at, 'name'], asStr(v.name) ? undefined : { at: r.path });
      b.set('GroupName', v.group_name, [...at, 'group_name']);
      b.set('ScheduleExpression', v.schedule_expression, [...at, 'schedule_expression']);
      b.set('ScheduleExpressionTimezone', v.schedule_expression_timezone, [...at, 'schedule_expression_timezone']);
      b.set('StartDate', v.start_date, [...at, 'start_date']);
      b.set('EndDate', v.end_date, [...at, 'end_date']);
      b.set('State', v.state, [...at, 'state']);
      b.set('Description', v.description, [...at, 'description']);
      const ftw = block(v.flexible_time_window);
      b.set('FlexibleTimeWindow', ftw ? { Mode: ftw.mode ?? 'OFF', ...(typeof ftw.maximum_window_in_minutes === 'number' && ftw.maximum_window_in_minutes > 0 ? { MaximumWindowInMinutes: ftw.maximum_window_in_minutes } : {}) } : { Mode: 'OFF' }, [...at, 'flexible_time_window']);
      const tg = block(v.target);
      if (tg) {
        const p: JsonPath = [...at, 'target', 0];
        const rp = block(tg.retry_policy);
        const dl = block(tg.dead_letter_config);
        const target = {
          Arn: attr(r, tg, 'arn', block(isObj(exprs) ? exprs.target : undefined)),
          RoleArn: tg.role_arn,
          ...(typeof tg.input === 'string' && tg.input !== '' ? { Input: tg.input } : {}),
          ...(rp ? { RetryPolicy: { ...(typeof rp.maximum_event_age_in_seconds === 'number' ? { MaximumEventAgeInSeconds: rp.maximum_event_age_in_seconds } : {}), ...(typeof rp.maximum_retry_attempts === 'number' ? { MaximumRetryAttempts: rp.maximum_retry_attempts } : {}) } } : {}),
          ...(dl && typeof dl.arn === 'string' ? { DeadLetterConfig: { Arn: dl.arn } } : {}),
        };
        b.set('Target', target, p, { at: p, kids: new Map([['Arn', { at: [...p, 'arn'] }], ['Input', { at: [...p, 'input'] }]]) });
      }
      out.schedules.push(make('schedule', r, name, b));
    } else if (r.type === 'aws_sns_topic') {
      const b = new Built(at);
      const name = nameOf(r);
      b.set('Name', name, [...at, 'name'], asStr(v.name) ? undefined : { at: r.path });
      b.set('TopicArn', asStr(v.arn) ?? topicArn('aws', region, account, name), [...at, 'name']);
      out.topics.push(make('topic', r, name, b));
    } else if (r.type === 'aws_sns_topic_subscription') {
      const b = new Built(at);
      b.set('TopicArn', attr(r, v, 'topic_arn', exprs), [...at, 'topic_arn']);
      b.set('Protocol', v.protocol, [...at, 'protocol']);
      b.set('Endpoint', attr(r, v, 'endpoint', exprs), [...at, 'endpoint']);
      const attributes: Record<string, string> = {};
      if (typeof v.filter_policy === 'string' && v.filter_policy !== '') attributes.FilterPolicy = v.filter_policy;
      if (typeof v.filter_policy_scope === 'string' && v.filter_policy_scope !== '') attributes.FilterPolicyScope = v.filter_policy_scope;
      if (v.raw_message_delivery === true) attributes.RawMessageDelivery = 'true';
      if (Object.keys(attributes).length > 0) b.set('Attributes', attributes, at, { at, kids: new Map([['FilterPolicy', { at: [...at, 'filter_policy'] }]]) });
      out.subscriptions.push(make('subscription', r, `${String(b.value.TopicArn)}/${String(v.protocol)}`, b));
    } else if (r.type === 'aws_s3_bucket' || r.type === 'aws_s3_bucket_notification') {
      const bucket = r.type === 'aws_s3_bucket' ? nameOf(r) : asStr(attr(r, v, 'bucket', exprs));
      if (!bucket) continue;
      const b = new Built(at);
      b.set('Bucket', bucket, [...at, 'bucket']);
      b.value.EventBridgeEnabled = r.type === 'aws_s3_bucket_notification' && v.eventbridge === true;
      b.kids.set('EventBridgeEnabled', { at: [...at, 'eventbridge'] });
      if (r.type === 'aws_s3_bucket_notification') {
        for (const [list, located] of Object.entries(tfConfigurations(v, at, exprs, (values, key, e) => attr(r, values, key, e)))) {
          b.value[list] = located.map((x) => x.value);
          b.kids.set(list, { at, kids: new Map(located.map((x, i) => [i, x.origin])) });
        }
      }
      out.buckets.push(make('bucket', r, bucket, b));
    }
  }
  // A bucket and its aws_s3_bucket_notification: one entry, with the notification's configuration.
  const byName = new Map<string, PipelineResource>();
  for (const b of out.buckets) {
    const first = byName.get(b.name);
    byName.set(b.name, !first || b.type === 'aws_s3_bucket_notification' ? b : first);
  }
  return { ...out, buckets: [...byName.values()] };
}

/** Terraform's `topic`, `queue` and `lambda_function` blocks of an aws_s3_bucket_notification in the S3 API's shape, each with where it is. */
function tfConfigurations(v: Obj, at: JsonPath, exprs: unknown, attr: (values: Obj, key: string, exprs: unknown) => unknown): Partial<Record<ConfigurationList, Array<{ value: Obj; origin: Origin }>>> {
  const out: Partial<Record<ConfigurationList, Array<{ value: Obj; origin: Origin }>>> = {};
  const blocks = [['topic', 'TopicConfigurations', 'TopicArn', 'topic_arn'], ['queue', 'QueueConfigurations', 'QueueArn', 'queue_arn'], ['lambda_function', 'LambdaFunctionConfigurations', 'LambdaFunctionArn', 'lambda_function_arn']] as const;
  for (const [name, list, arnKey, tfArn] of blocks) {
    const items = asArr(v[name]) ?? [];
    const itemExprs = isObj(exprs) ? asArr(exprs[name]) : undefined;
    const located = items.flatMap((t, i) => {
      if (!isObj(t)) return [];
      const p: JsonPath = [...at, name, i];
      const events = asArr(t.events) ?? [];
      const rules = [...(asStr(t.filter_prefix) ? [{ Name: 'Prefix', Value: t.filter_prefix }] : []), ...(asStr(t.filter_suffix) ? [{ Name: 'Suffix', Value: t.filter_suffix }] : [])];
      const value: Obj = { ...(asStr(t.id) ? { Id: t.id } : {}), [arnKey]: attr(t, tfArn, itemExprs?.[i]), Events: events, ...(rules.length > 0 ? { Filter: { Key: { FilterRules: rules } } } : {}) };
      const ruleAt = (n: number) => ({ at: [...p, rules[n]!.Name === 'Prefix' ? 'filter_prefix' : 'filter_suffix'] });
      const kids = new Map<string | number, Origin>([
        [arnKey, { at: [...p, tfArn] }],
        ['Events', { at: [...p, 'events'], kids: new Map(events.map((_, k) => [k, { at: [...p, 'events', k] }])) }],
        ...(asStr(t.id) ? [['Id', { at: [...p, 'id'] }] as const] : []),
        ['Filter', { at: p, kids: new Map([['Key', { at: p, kids: new Map([['FilterRules', { at: p, kids: new Map(rules.map((_, n) => [n, ruleAt(n)])) }]]) }]]) }],
      ]);
      return [{ value, origin: { at: p, kids } }];
    });
    if (located.length > 0) out[list] = located;
  }
  return out;
}
