/**
 * Rules and schedules in the Local view, as data: EventBridge's ListRules and Scheduler's
 * ListSchedules joined (by name) with what only the emulator knows (next firing, last deliveries,
 * from LocalbatchList), and their rows: state, when they fire next, how the last delivery went.
 * Pure.
 */
import type { Delivery, LocalRulesList } from '../../../client/rules';
import { clockText, type NodeOf, type PipelineNode, type RowText, type RuleView, type ScheduleView } from './nodes';

export interface ListedRule {
  readonly Name?: string;
  readonly State?: string;
  readonly EventPattern?: string;
  readonly ScheduleExpression?: string;
  readonly Description?: string;
}

export interface ListedSchedule {
  readonly Name?: string;
  readonly GroupName?: string;
  readonly State?: string;
  readonly Target?: { readonly Arn?: string };
}

/** Rules (from ListRules) with their next firing and last deliveries, by name. */
export function ruleViews(rules: readonly ListedRule[], local: LocalRulesList | undefined): RuleView[] {
  const extra = new Map((local?.Rules ?? []).map((r) => [r.Name, r]));
  return rules
    .filter((r): r is ListedRule & { Name: string } => typeof r.Name === 'string')
    .map((r) => {
      const x = extra.get(r.Name);
      return { Name: r.Name, State: r.State ?? x?.State ?? 'ENABLED', EventPattern: r.EventPattern, ScheduleExpression: r.ScheduleExpression, Description: r.Description, Next: x?.Next, LastDeliveries: x?.LastDeliveries ?? [] };
    })
    .sort((a, b) => a.Name.localeCompare(b.Name));
}

/** Schedules (from ListSchedules) with their expression, next firing and last deliveries, by name. */
export function scheduleViews(schedules: readonly ListedSchedule[], local: LocalRulesList | undefined): ScheduleView[] {
  const extra = new Map((local?.Schedules ?? []).map((s) => [s.Name, s]));
  return schedules
    .filter((s): s is ListedSchedule & { Name: string } => typeof s.Name === 'string')
    .map((s) => {
      const x = extra.get(s.Name);
      return { Name: s.Name, GroupName: s.GroupName, State: s.State ?? x?.State ?? 'ENABLED', ScheduleExpression: x?.ScheduleExpression, Timezone: x?.Timezone, TargetArn: s.Target?.Arn ?? x?.Target, Next: x?.Next, LastDeliveries: x?.LastDeliveries ?? [] };
    })
    .sort((a, b) => a.Name.localeCompare(b.Name));
}

/** `delivered 14:03:07`, `failed 14:03:07 (the queue does not exist)`. */
export function deliveryText(d: Delivery, now: number): string {
  return `${d.status} ${clockText(d.time, now) ?? d.time}`;
}

function whenText(expr: string | undefined, timezone: string | undefined, state: string, next: string | undefined, now: number): string {
  if (!expr) return 'on matching events';
  if (state === 'DISABLED') return `${expr}, disabled`;
  return `${expr}${timezone ? ` ${timezone}` : ''}, next ${clockText(next, now) ?? '— (none)'}`;
}

function lastText(deliveries: readonly Delivery[], now: number): string | undefined {
  const last = deliveries[0];
  return last ? `last ${deliveryText(last, now)}` : undefined;
}

function stateIcon(state: string, scheduled: boolean, deliveries: readonly Delivery[]): { icon: string; color?: string } {
  if (state === 'DISABLED') return { icon: 'circle-slash', color: 'disabledForeground' };
  const last = deliveries[0]?.status;
  if (last === 'failed' || last === 'dead-lettered') return { icon: scheduled ? 'watch' : 'zap', color: 'testing.iconFailed' };
  return { icon: scheduled ? 'watch' : 'zap' };
}

export function ruleRow(n: NodeOf<'rule'>, now: number): RowText {
  const r = n.rule;
  const { icon, color } = stateIcon(r.State, r.ScheduleExpression !== undefined, r.LastDeliveries);
  const lines = [`Rule ${r.Name} — ${r.State}`];
  if (r.Description) lines.push(r.Description);
  if (r.ScheduleExpression) lines.push(`Schedule: ${r.ScheduleExpression}`, `Next: ${r.State === 'DISABLED' ? '— (disabled)' : (r.Next ?? '— (none)')}`);
  if (r.EventPattern) lines.push(`Pattern: ${r.EventPattern}`);
  for (const d of r.LastDeliveries) lines.push(`${d.time} ${d.status}${d.detail ? `: ${d.detail}` : ''}`);
  return {
    label: r.Name,
    description: [r.State === 'DISABLED' && !r.ScheduleExpression ? 'disabled' : undefined, whenText(r.ScheduleExpression, undefined, r.State, r.Next, now), lastText(r.LastDeliveries, now)].filter(Boolean).join(' · '),
    tooltip: lines.join('\n'),
    icon,
    color,
    collapsible: 'collapsed',
    contextValue: `pipelineRule.${r.State}`,
  };
}

export function scheduleRow(n: NodeOf<'schedule'>, now: number): RowText {
  const s = n.schedule;
  const { icon, color } = stateIcon(s.State, true, s.LastDeliveries);
  const lines = [`Schedule ${s.Name}${s.GroupName && s.GroupName !== 'default' ? ` (group ${s.GroupName})` : ''} — ${s.State}`];
  if (s.ScheduleExpression) lines.push(`Schedule: ${s.ScheduleExpression}${s.Timezone ? ` (${s.Timezone})` : ''}`, `Next: ${s.State === 'DISABLED' ? '— (disabled)' : (s.Next ?? '— (none)')}`);
  for (const d of s.LastDeliveries) lines.push(`${d.time} ${d.status}${d.detail ? `: ${d.detail}` : ''}`);
  return {
    label: s.Name,
    description: [whenText(s.ScheduleExpression ?? 'schedule', s.Timezone, s.State, s.Next, now), lastText(s.LastDeliveries, now)].filter(Boolean).join(' · '),
    tooltip: lines.join('\n'),
    icon,
    color,
    collapsible: 'collapsed',
    contextValue: `pipelineSchedule.${s.State}`,
  };
}

/** What a target ARN names, in words: `job queue q`, `topic alerts`, `log group /x`, `state machine m`. */
export function targetText(arn: string): string {
  if (arn === 'arn:aws:scheduler:::aws-sdk:batch:submitJob') return 'Batch SubmitJob';
  if (arn === 'arn:aws:scheduler:::aws-sdk:sfn:startExecution') return 'Step Functions StartExecution';
  const parts = arn.split(':');
  const [service, resource] = [parts[2], parts.slice(5).join(':')];
  if (service === 'batch' && resource.startsWith('job-queue/')) return `job queue ${resource.slice('job-queue/'.length)}`;
  if (service === 'sns') return `topic ${resource}`;
  if (service === 'logs' && resource.startsWith('log-group:')) return `log group ${resource.slice('log-group:'.length).replace(/:\*$/, '')}`;
  if (service === 'states' && resource.startsWith('stateMachine:')) return `state machine ${resource.slice('stateMachine:'.length)}`;
  if (service === 'sqs') return `queue ${resource}`;
  return arn;
}

export function targetRow(n: NodeOf<'target'>): RowText {
  return { label: `→ ${targetText(n.arn)}`, description: n.targetId ? `target ${n.targetId}` : undefined, tooltip: n.arn, icon: 'arrow-right', collapsible: 'none', contextValue: 'pipelineTarget' };
}

export function deliveryRow(n: NodeOf<'delivery'>, now: number): RowText {
  const d = n.delivery;
  const ok = d.status === 'delivered';
  const icon = ok ? 'pass' : d.status === 'retrying' ? 'sync' : 'error';
  const color = ok ? 'testing.iconPassed' : d.status === 'retrying' ? 'testing.iconQueued' : 'testing.iconFailed';
  return {
    label: deliveryText(d, now),
    description: d.detail,
    tooltip: [`${d.time} ${d.status}${d.attempts !== undefined ? ` after ${d.attempts} attempt(s)` : ''}`, d.targetArn ? `Target: ${d.targetArn}` : undefined, d.detail].filter(Boolean).join('\n'),
    icon,
    color,
    collapsible: 'none',
    contextValue: 'pipelineDelivery',
  };
}

/** A rule's or schedule's children: its targets, then its last deliveries (newest first). */
export function detailNodes(parentId: string, targets: ReadonlyArray<{ Id?: string; Arn?: string }>, deliveries: readonly Delivery[]): PipelineNode[] {
  return [
    ...targets.filter((t) => typeof t.Arn === 'string').map((t, i): PipelineNode => ({ kind: 'pipeline', type: 'target', id: `${parentId}/target:${t.Id ?? i}`, arn: t.Arn!, targetId: t.Id })),
    ...deliveries.map((d, i): PipelineNode => ({ kind: 'pipeline', type: 'delivery', id: `${parentId}/delivery:${i}:${d.time}`, delivery: d })),
  ];
}
