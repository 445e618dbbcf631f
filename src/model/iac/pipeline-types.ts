/**
 * The event-driven resources of a template, as the API requests that create them locally:
 * EventBridge rules with their targets (PutRule + PutTargets), EventBridge Scheduler schedules
 * (CreateSchedule), SNS topics (CreateTopic) and subscriptions (Subscribe), and S3 buckets with
 * their EventBridge notification setting (CreateBucket + PutBucketNotificationConfiguration).
 * Each value is a view over the template: diagnostics on a value path point at the template.
 */
import type { JsonPath, SourceDocument } from '../document';
import type { Obj } from '../values';

export type PipelineKind = 'rule' | 'schedule' | 'topic' | 'subscription' | 'bucket';

export interface PipelineResource {
  readonly kind: PipelineKind;
  /** The CloudFormation logical id, or the Terraform resource address. */
  readonly id: string;
  /** `AWS::Events::Rule`, `aws_cloudwatch_event_rule`, ... */
  readonly type: string;
  /** The resolved name (the name property, else generated as for Batch resources). */
  readonly name: string;
  /**
   * The API request:
   * - rule: PutRule input (`Name`, `EventPattern` as JSON text, `ScheduleExpression`, `State`, ...)
   *   plus `Targets` (PutTargets entries);
   * - schedule: CreateSchedule input (`Name`, `ScheduleExpression`, `Target`, ...);
   * - topic: `{ Name, TopicArn }`;
   * - subscription: `{ TopicArn, Protocol, Endpoint, Attributes? }`;
   * - bucket: `{ Bucket, EventBridgeEnabled }`.
   */
  readonly value: Obj;
  /** A view over the template: its value is `value`, its ranges point into the template. */
  readonly doc: SourceDocument;
  /** Where the resource is declared in the template. */
  readonly path: JsonPath;
}

export interface PipelineResources {
  readonly rules: readonly PipelineResource[];
  readonly schedules: readonly PipelineResource[];
  readonly topics: readonly PipelineResource[];
  readonly subscriptions: readonly PipelineResource[];
  readonly buckets: readonly PipelineResource[];
}

export function isEmptyPipeline(p: PipelineResources | undefined): boolean {
  return !p || p.rules.length + p.schedules.length + p.topics.length + p.subscriptions.length + p.buckets.length === 0;
}

/** Whether it holds a rule, schedule, topic or subscription, or a bucket with EventBridge or topic notifications. */
export function isEventDriven(p: PipelineResources | undefined): boolean {
  return !!p && (p.rules.length + p.schedules.length + p.topics.length + p.subscriptions.length > 0 || p.buckets.some((b) => b.value.EventBridgeEnabled === true || Array.isArray(b.value.TopicConfigurations)));
}

/** The ARN of an SNS topic (its CloudFormation Ref). */
export function topicArn(partition: string, region: string, account: string, name: string): string {
  return `arn:${partition}:sns:${region}:${account}:${name}`;
}

/** Members holding numbers that a template may write as strings ("10"). */
export const NUMERIC_MEMBERS = new Set(['Size', 'Attempts', 'MaximumRetryAttempts', 'MaximumEventAgeInSeconds', 'MaximumWindowInMinutes']);

/** A value with the numeric members' digit strings as numbers (CloudFormation converts these). */
export function coerceNumbers(v: unknown, key?: string): unknown {
  if (Array.isArray(v)) return v.map((x) => coerceNumbers(x));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: coerceNumbers(x, k), enumerable: true, writable: true, configurable: true });
    return out;
  }
  if (key && NUMERIC_MEMBERS.has(key) && typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  return v;
}
