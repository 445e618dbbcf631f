/**
 * Checks the EventBridge rules and EventBridge Scheduler schedules read from templates, at their
 * lines, as AWS checks them when they are created (the same checks the local EventBridge makes):
 * event pattern syntax and operators, schedule expressions (rate / cron, and at for schedules),
 * InputTransformer templates using placeholders InputPathsMap does not define, Batch targets
 * naming a job queue or job definition the workspace does not define (with a did-you-mean), SNS
 * subscriptions' filter policies, and buckets' notification configurations.
 */
import type { JsonPath } from '../../document';
import { compilePattern, parsePattern, PatternError } from '../../events/pattern';
import { checkInputTransformer } from '../../events/input-transformer';
import { parseSchedule, ScheduleExpressionError } from '../../events/schedule-expression';
import type { PipelineResource } from '../../iac/pipeline-types';
import { checkBucketNotifications } from './bucket-notifications';
import { deliveryPolicyProblem, unknownDeliveryPolicyMembers } from '../../sns/delivery-policy';
import { LOCAL_QUEUE_NAME } from '../../types';
import { asStr, isObj } from '../../values';
import { parseRef } from '../../workspace';
import { didYouMean, suggestion, type WorkspaceRuleContext, type WorkspaceRule } from './context';

export const PIPELINE_RULES = {
  'event-pattern-invalid': 'an EventBridge rule\'s EventPattern that EventBridge refuses (syntax, unknown operator, wrong operand)',
  'schedule-expression-invalid': 'a rule\'s or schedule\'s ScheduleExpression that AWS refuses (rate / cron / at syntax)',
  'input-transformer-invalid': 'an InputTransformer whose InputTemplate uses a placeholder InputPathsMap does not define, or an invalid path',
  'target-unknown-job-queue': 'a rule or schedule target names a job queue the workspace does not define',
  'target-unknown-job-definition': 'a rule or schedule target names a job definition the workspace does not define',
  'sns-filter-policy-invalid': 'an SNS subscription\'s FilterPolicy (or FilterPolicyScope, RawMessageDelivery) that SNS refuses',
  'sns-delivery-policy-invalid': 'an SNS subscription\'s DeliveryPolicy that SNS refuses (an error), or with members SNS does not document (a warning)',
  's3-notification-invalid': 'a bucket\'s notification configuration that S3 refuses (an event it does not document, filter rules other than one prefix and one suffix, overlapping configurations), or a topic the workspace does not declare (a warning)',
  's3-notification-not-loaded': 'a bucket\'s queue or Lambda notification configuration: there is no local SQS or Lambda, so it is not loaded (a warning)',
} as const;

const QUEUE_ARN = /^arn:[^:]+:batch:[^:]*:[^:]*:job-queue\/(.+)$/;

export const pipelineChecks: WorkspaceRule = (ctx) => {
  const topics = new Set(ctx.ws.templates.flatMap((t) => (t.pipeline?.topics ?? []).map((x) => asStr(x.value.TopicArn))));
  for (const template of ctx.ws.templates) {
    for (const rule of template.pipeline?.rules ?? []) checkRule(ctx, rule);
    for (const schedule of template.pipeline?.schedules ?? []) checkSchedule(ctx, schedule);
    for (const sub of template.pipeline?.subscriptions ?? []) checkSubscription(ctx, sub);
    for (const bucket of template.pipeline?.buckets ?? []) checkBucketNotifications(ctx, bucket, topics);
  }
};

/** A subscription's attributes as SNS checks them at Subscribe (FilterPolicy: the event pattern grammar, as the local SNS matches it). */
function checkSubscription(ctx: WorkspaceRuleContext, sub: PipelineResource): void {
  const attributes = isObj(sub.value.Attributes) ? sub.value.Attributes : {};
  const label = `Subscription ${String(sub.value.Protocol)} ${String(sub.value.Endpoint)}`;
  const policy = asStr(attributes.FilterPolicy);
  if (policy !== undefined && !/^\s*(\{\s*\})?\s*$/.test(policy)) {
    try {
      parsePattern(policy);
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      ctx.report('error', sub.doc, ['Attributes', 'FilterPolicy'], 'sns-filter-policy-invalid', `${label}: FilterPolicy: ${err.message}`);
    }
  }
  const scope = asStr(attributes.FilterPolicyScope);
  if (scope !== undefined && scope !== 'MessageAttributes' && scope !== 'MessageBody') ctx.report('error', sub.doc, ['Attributes', 'FilterPolicyScope'], 'sns-filter-policy-invalid', `${label}: FilterPolicyScope must be MessageAttributes or MessageBody, not ${scope}`);
  const delivery = asStr(attributes.DeliveryPolicy);
  if (delivery !== undefined && delivery.trim() !== '') {
    const problem = deliveryPolicyProblem(delivery, 'subscription');
    if (problem) ctx.report('error', sub.doc, ['Attributes', 'DeliveryPolicy'], 'sns-delivery-policy-invalid', `${label}: DeliveryPolicy: ${problem}`);
    for (const m of problem ? [] : unknownDeliveryPolicyMembers(delivery)) {
      const like = suggestion(m, ['healthyRetryPolicy', 'throttlePolicy', 'requestPolicy']);
      ctx.report('warning', sub.doc, ['Attributes', 'DeliveryPolicy'], 'sns-delivery-policy-invalid', `${label}: DeliveryPolicy: SNS does not document a member '${m}'${like}: it has no effect`);
    }
  }
  const raw = asStr(attributes.RawMessageDelivery);
  if (raw !== undefined && raw !== 'true' && raw !== 'false') ctx.report('error', sub.doc, ['Attributes', 'RawMessageDelivery'], 'sns-filter-policy-invalid', `${label}: RawMessageDelivery must be true or false, not ${raw}`);
}

function checkRule(ctx: WorkspaceRuleContext, rule: PipelineResource): void {
  const { doc, value } = rule;
  const pattern = value.EventPattern;
  if (typeof pattern === 'string') {
    try {
      parsePattern(pattern);
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      ctx.report('error', doc, ['EventPattern'], 'event-pattern-invalid', `Rule '${rule.name}': ${err.message}`);
    }
  } else if (pattern !== undefined) {
    try {
      compilePattern(pattern);
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      ctx.report('error', doc, ['EventPattern'], 'event-pattern-invalid', `Rule '${rule.name}': ${err.message}`);
    }
  }
  const schedule = asStr(value.ScheduleExpression);
  if (schedule !== undefined) scheduleProblem(ctx, rule, ['ScheduleExpression'], schedule, false);
  if (pattern === undefined && schedule === undefined) ctx.report('error', doc, [], 'event-pattern-invalid', `Rule '${rule.name}' has neither EventPattern nor ScheduleExpression; EventBridge needs one of them`, 'key');
  (Array.isArray(value.Targets) ? value.Targets : []).forEach((t, i) => {
    if (!isObj(t)) return;
    const at: JsonPath = ['Targets', i];
    if (isObj(t.InputTransformer)) {
      const problems = checkInputTransformer(t.InputTransformer as { InputPathsMap?: Record<string, string>; InputTemplate?: string });
      if (problems.length > 0) ctx.report('error', doc, [...at, 'InputTransformer', 'InputTemplate'], 'input-transformer-invalid', `Rule '${rule.name}', target ${String(t.Id)}: ${problems.join('; ')}`);
    }
    const arn = asStr(t.Arn);
    if (arn && QUEUE_ARN.test(arn)) {
      checkQueue(ctx, rule, [...at, 'Arn'], QUEUE_ARN.exec(arn)![1]);
      const jd = isObj(t.BatchParameters) ? asStr(t.BatchParameters.JobDefinition) : undefined;
      if (jd !== undefined) checkJobDefinition(ctx, rule, [...at, 'BatchParameters', 'JobDefinition'], jd);
    }
  });
}

function checkSchedule(ctx: WorkspaceRuleContext, schedule: PipelineResource): void {
  const { value, doc } = schedule;
  const expr = asStr(value.ScheduleExpression);
  if (expr !== undefined) scheduleProblem(ctx, schedule, ['ScheduleExpression'], expr, true, asStr(value.ScheduleExpressionTimezone));
  const target = isObj(value.Target) ? value.Target : undefined;
  if (!target || !/^arn:aws[a-z-]*:scheduler:::aws-sdk:batch:submitJob$/.test(String(target.Arn)) || typeof target.Input !== 'string') return;
  let input: unknown;
  try {
    input = JSON.parse(target.Input);
  } catch {
    ctx.report('error', doc, ['Target', 'Input'], 'target-unknown-job-queue', `Schedule '${schedule.name}': the batch:submitJob target's Input is not JSON; it is the SubmitJob request, e.g. {"JobName":"x","JobQueue":"q","JobDefinition":"d"}`);
    return;
  }
  if (!isObj(input)) return;
  const queue = asStr(input.JobQueue);
  if (queue !== undefined) checkQueue(ctx, schedule, ['Target', 'Input'], QUEUE_ARN.exec(queue)?.[1] ?? queue);
  const jd = asStr(input.JobDefinition);
  if (jd !== undefined) checkJobDefinition(ctx, schedule, ['Target', 'Input'], jd);
}

function scheduleProblem(ctx: WorkspaceRuleContext, r: PipelineResource, path: JsonPath, expr: string, allowAt: boolean, timezone?: string): void {
  try {
    parseSchedule(expr, { allowAt, timezone });
  } catch (err) {
    if (!(err instanceof ScheduleExpressionError)) throw err;
    ctx.report('error', r.doc, path, 'schedule-expression-invalid', `${r.kind === 'rule' ? 'Rule' : 'Schedule'} '${r.name}': ${err.message}`);
  }
}

function checkQueue(ctx: WorkspaceRuleContext, r: PipelineResource, path: JsonPath, name: string): void {
  if (name === LOCAL_QUEUE_NAME || ctx.ws.jobQueue(name)) return;
  const best = ctx.closest(name, [...ctx.ws.jobQueues.keys(), LOCAL_QUEUE_NAME]);
  ctx.report('error', r.doc, path, 'target-unknown-job-queue', `${r.kind === 'rule' ? 'Rule' : 'Schedule'} '${r.name}' targets the job queue '${name}', which is not defined in the workspace${didYouMean(best)}; localbatch cannot submit its jobs`);
}

function checkJobDefinition(ctx: WorkspaceRuleContext, r: PipelineResource, path: JsonPath, ref: string): void {
  if (ctx.ws.jobDefinition(ref)) return;
  const name = parseRef(ref, 'job-definition')?.name ?? ref;
  const best = ctx.closest(name, ctx.ws.jobDefinitions.keys());
  ctx.report('error', r.doc, path, 'target-unknown-job-definition', `${r.kind === 'rule' ? 'Rule' : 'Schedule'} '${r.name}' submits the job definition '${name}', which is not defined in the workspace${didYouMean(best)}`, 'value', best);
}
