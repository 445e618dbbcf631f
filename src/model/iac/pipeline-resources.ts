/**
 * Reads the event-driven resources of a CloudFormation template (hand-written, SAM, or cdk.out):
 * `AWS::Events::Rule` (EventPattern, ScheduleExpression, State, Targets with BatchParameters,
 * Input / InputPath / InputTransformer, RetryPolicy, DeadLetterConfig), `AWS::Scheduler::Schedule`,
 * `AWS::SNS::Topic` (with its inline `Subscription` list), `AWS::SNS::Subscription`, and
 * `AWS::S3::Bucket` with `NotificationConfiguration.EventBridgeConfiguration` and its topic, queue
 * and Lambda configurations (bucket-notifications.ts; and the CDK's `Custom::S3BucketNotifications`, which is how
 * `eventBridgeEnabled: true` and `addEventNotification(..., new SnsDestination(topic))` synthesize). The
 * properties of these resources are their APIs' members already; intrinsics resolve as for the
 * Batch resources (a `Ref` to the template's job queue is its local ARN), and a target's
 * `BatchParameters.JobDefinition` naming one of the template's job definitions becomes its name
 * (the latest local revision, as workflows resolve it). Pure.
 */
import { SourceDocument, type JsonPath } from '../document';
import { isObj, type Obj } from '../values';
import { evaluateCondition, resolveValue, str, type CfnScope, type Origin, type ResolveProblem } from './cfn-intrinsics';
import { coerceNumbers, topicArn, type PipelineKind, type PipelineResource, type PipelineResources } from './pipeline-types';
import { locateOrigin } from './types';
import { apiConfigurations, cfnConfigurations, mergeConfigurations, placeConfigurations, type BucketConfigurations } from './bucket-notifications';

export const PIPELINE_CFN_TYPES: ReadonlySet<string> = new Set(['AWS::Events::Rule', 'AWS::Scheduler::Schedule', 'AWS::SNS::Topic', 'AWS::SNS::Subscription', 'AWS::S3::Bucket', 'Custom::S3BucketNotifications']);

/**
 * Whether a template declares a rule, schedule, topic or subscription, or a bucket with EventBridge
 * or topic notifications (a bucket without them, or with only queue or Lambda ones, does not make
 * a pipeline: many templates have those).
 */
export function hasPipelineResources(template: unknown): boolean {
  if (!isObj(template) || !isObj(template.Resources)) return false;
  return Object.values(template.Resources).some((r) => {
    if (!isObj(r) || typeof r.Type !== 'string') return false;
    if (['AWS::Events::Rule', 'AWS::Scheduler::Schedule', 'AWS::SNS::Topic', 'AWS::SNS::Subscription', 'Custom::S3BucketNotifications'].includes(r.Type)) return true;
    const nc = r.Type === 'AWS::S3::Bucket' && isObj(r.Properties) ? r.Properties.NotificationConfiguration : undefined;
    return isObj(nc) && (nc.EventBridgeConfiguration !== undefined || nc.TopicConfigurations !== undefined);
  });
}

export interface CfnPipelineInput {
  readonly doc: SourceDocument;
  readonly template: Obj;
  readonly stackName: string;
  readonly scope: CfnScope;
  readonly report: (p: ResolveProblem) => void;
  /** The physical name of a resource (name property, else `<stack>-<LogicalId>`). */
  readonly physicalName: (id: string) => string;
  /** Names of the template's job definitions (their ARNs in targets become these names). */
  readonly jobDefinitionNames: ReadonlySet<string>;
}

const NAME_LIMIT: Readonly<Record<string, number>> = { 'AWS::Events::Rule': 64, 'AWS::Scheduler::Schedule': 64, 'AWS::SNS::Topic': 256 };

export function readCfnPipeline(input: CfnPipelineInput): PipelineResources {
  const { doc, template, scope } = input;
  const resources = template.Resources as Obj;
  const partition = str(scope.pseudo['AWS::Partition']);
  const region = str(scope.pseudo['AWS::Region']);
  const account = str(scope.pseudo['AWS::AccountId']);
  const out = { rules: [] as PipelineResource[], schedules: [] as PipelineResource[], topics: [] as PipelineResource[], subscriptions: [] as PipelineResource[], buckets: [] as PipelineResource[] };
  const buckets: BucketDraft[] = [];
  const make = (kind: PipelineKind, id: string, type: string, name: string, value: Obj, origin: Origin, at: JsonPath): PipelineResource =>
    ({ kind, id, type, name, value, doc: SourceDocument.view(doc, value, locateOrigin(origin)), path: at });

  for (const [id, res] of Object.entries(resources)) {
    if (!isObj(res) || typeof res.Type !== 'string' || !PIPELINE_CFN_TYPES.has(res.Type)) continue;
    const type = res.Type;
    const at: JsonPath = ['Resources', id];
    const local: CfnScope = { ...scope, problems: [], unresolved: [] };
    if (typeof res.Condition === 'string' && !evaluateCondition(res.Condition, [...at, 'Condition'], local, 0)) {
      local.problems.forEach(input.report);
      continue;
    }
    const resolved = resolveValue(isObj(res.Properties) ? res.Properties : {}, [...at, 'Properties'], local);
    local.problems.forEach(input.report);
    const props = coerceNumbers(isObj(resolved.value) ? resolved.value : {}) as Obj;
    const kids = new Map(resolved.origin.kids ?? []);
    const origin: Origin = { ...resolved.origin, kids };
    const named = (prop: string): string => {
      const given = props[prop];
      if (typeof given === 'string' && given !== '') return given;
      kids.set(prop, { at, part: 'key' });
      return `${input.stackName}-${id}`.slice(0, NAME_LIMIT[type] ?? 128);
    };
    if (type === 'AWS::Events::Rule') {
      const name = named('Name');
      const value: Record<string, unknown> = { ...props, Name: name };
      if (isObj(value.EventPattern)) value.EventPattern = JSON.stringify(value.EventPattern);
      value.Targets = (Array.isArray(props.Targets) ? props.Targets : []).map((t) => localTarget(t, input.jobDefinitionNames));
      out.rules.push(make('rule', id, type, name, value, origin, at));
    } else if (type === 'AWS::Scheduler::Schedule') {
      const name = named('Name');
      const value: Record<string, unknown> = { ...props, Name: name };
      if (isObj(value.Target) && isObj(value.Target.BatchParameters)) value.Target = localTarget(value.Target, input.jobDefinitionNames);
      out.schedules.push(make('schedule', id, type, name, value, origin, at));
    } else if (type === 'AWS::SNS::Topic') {
      const name = input.physicalName(id);
      if (typeof props.TopicName !== 'string') kids.set('Name', { at, part: 'key' });
      else kids.set('Name', kids.get('TopicName') ?? { at });
      const arn = topicArn(partition, region, account, name);
      out.topics.push(make('topic', id, type, name, { Name: name, TopicArn: arn }, origin, at));
      (Array.isArray(props.Subscription) ? props.Subscription : []).forEach((s, i) => {
        if (!isObj(s)) return;
        const sOrigin = kids.get('Subscription')?.kids?.get(i) ?? { at: [...at, 'Properties', 'Subscription', i] };
        const value: Obj = { TopicArn: arn, Protocol: s.Protocol, Endpoint: s.Endpoint };
        const subKids = new Map(sOrigin.kids ?? []);
        subKids.set('TopicArn', { at });
        out.subscriptions.push(make('subscription', `${id}.Subscription[${i}]`, type, `${name}/${String(s.Protocol)}`, value, { ...sOrigin, kids: subKids }, sOrigin.at));
      });
    } else if (type === 'AWS::SNS::Subscription') {
      const attributes: Record<string, string> = {};
      for (const key of ['FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'DeliveryPolicy']) {
        const v = props[key];
        if (v !== undefined) attributes[key] = typeof v === 'string' ? v : JSON.stringify(v);
      }
      const value: Obj = { TopicArn: props.TopicArn, Protocol: props.Protocol, Endpoint: props.Endpoint, ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}) };
      if (Object.keys(attributes).length > 0) kids.set('Attributes', { at: [...at, 'Properties'], kids: new Map(Object.keys(attributes).map((k) => [k, kids.get(k) ?? { at }])) });
      out.subscriptions.push(make('subscription', id, type, `${String(props.TopicArn)}/${String(props.Protocol)}`, value, origin, at));
    } else if (type === 'AWS::S3::Bucket') {
      const name = input.physicalName(id);
      const nc = props.NotificationConfiguration;
      const enabled = isObj(nc) && isObj(nc.EventBridgeConfiguration) && nc.EventBridgeConfiguration.EventBridgeEnabled !== false && nc.EventBridgeConfiguration.EventBridgeEnabled !== 'false';
      kids.set('Bucket', kids.get('BucketName') ?? { at, part: 'key' });
      buckets.push({ id, type, name, enabled, configurations: cfnConfigurations(nc, kids.get('NotificationConfiguration')), origin, at });
    } else if (type === 'Custom::S3BucketNotifications') {
      // The CDK's bucket notifications handler: `BucketName` + `NotificationConfiguration` in the
      // S3 API's own shape (`EventBridgeConfiguration: {}`, `TopicConfigurations`, ...).
      const nc = props.NotificationConfiguration;
      const configurations = apiConfigurations(nc, kids.get('NotificationConfiguration'));
      if (typeof props.BucketName === 'string' && isObj(nc) && (isObj(nc.EventBridgeConfiguration) || Object.keys(configurations).length > 0)) {
        kids.set('Bucket', kids.get('BucketName') ?? { at });
        buckets.push({ id, type, name: props.BucketName, enabled: isObj(nc.EventBridgeConfiguration), configurations, origin, at });
      }
    }
  }
  // A bucket named by both its resource and the CDK's notifications resource: one entry, with the notifications of both.
  const byName = new Map<string, BucketDraft>();
  for (const b of buckets) {
    const first = byName.get(b.name);
    byName.set(b.name, first ? { ...first, enabled: first.enabled || b.enabled, configurations: mergeConfigurations(first.configurations, b.configurations) } : b);
  }
  for (const b of byName.values()) {
    const placed = placeConfigurations(b.configurations, b.at);
    const origin: Origin = { ...b.origin, kids: new Map([...(b.origin.kids ?? []), ...placed.kids]) };
    out.buckets.push(make('bucket', b.id, b.type, b.name, { Bucket: b.name, EventBridgeEnabled: b.enabled, ...placed.value }, origin, b.at));
  }
  return out;
}

/** A bucket read from a template, before the buckets of one name are merged. */
interface BucketDraft {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly configurations: BucketConfigurations;
  readonly origin: Origin;
  readonly at: JsonPath;
}

/** A target whose BatchParameters.JobDefinition is the ARN of a template job definition: its name instead. */
export function localTarget(t: unknown, jobDefinitionNames: ReadonlySet<string>): unknown {
  if (!isObj(t) || !isObj(t.BatchParameters)) return t;
  const jd = t.BatchParameters.JobDefinition;
  const m = typeof jd === 'string' ? /^arn:[^:]+:batch:[^:]*:[^:]*:job-definition\/([^:]+)(:\d+)?$/.exec(jd) : null;
  if (!m || !jobDefinitionNames.has(m[1])) return t;
  return { ...t, BatchParameters: { ...t.BatchParameters, JobDefinition: m[1] } };
}
