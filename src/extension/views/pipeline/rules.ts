/**
 * The Rules and schedules group of the Local view: EventBridge ListRules / ListTargetsByRule and
 * Scheduler ListSchedules, joined with the emulator's LocalbatchList (next firing, last deliveries),
 * and the actions on them: Fire Now (LocalbatchFire), Enable / Disable (EnableRule / DisableRule;
 * for a schedule GetSchedule then UpdateSchedule with the other State, as the Scheduler API asks).
 */
import { DisableRuleCommand, EnableRuleCommand, ListRulesCommand, ListTargetsByRuleCommand, type Rule } from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand, ListSchedulesCommand, UpdateScheduleCommand, type ScheduleSummary } from '@aws-sdk/client-scheduler';
import { fireNow, listLocalRules } from '../../../client/rules';
import type { EmulatorConnection } from '../../emulator/manager';
import { pipelineClients } from './clients';
import { noteNode, type NodeOf, type PipelineNode, type RowText } from './nodes';
import { deliveryRow, detailNodes, ruleRow, ruleViews, scheduleRow, scheduleViews, targetRow } from './ruleRows';

export async function ruleChildren(conn: EmulatorConnection, node: NodeOf<'group'> | NodeOf<'rule'> | NodeOf<'schedule'>): Promise<PipelineNode[]> {
  const { events } = pipelineClients(conn);
  if (node.type === 'rule') {
    const targets = await events.send(new ListTargetsByRuleCommand({ Rule: node.rule.Name }));
    return withNote(node.id, detailNodes(node.id, targets.Targets ?? [], node.rule.LastDeliveries), 'No targets');
  }
  if (node.type === 'schedule') {
    return detailNodes(node.id, node.schedule.TargetArn ? [{ Id: 'target', Arn: node.schedule.TargetArn }] : [], node.schedule.LastDeliveries);
  }
  const [rules, schedules, local] = await Promise.all([listRules(conn), listSchedules(conn), listLocalRules(conn.endpoint)]);
  const nodes: PipelineNode[] = [
    ...ruleViews(rules, local).map((rule): PipelineNode => ({ kind: 'pipeline', type: 'rule', id: `rule:${rule.Name}`, rule })),
    ...scheduleViews(schedules, local).map((schedule): PipelineNode => ({ kind: 'pipeline', type: 'schedule', id: `schedule:${schedule.GroupName ?? 'default'}/${schedule.Name}`, schedule })),
  ];
  return withNote(node.id, nodes, 'No rules or schedules: declare AWS::Events::Rule or AWS::Scheduler::Schedule in a template, or aws events put-rule');
}

function withNote(parentId: string, nodes: PipelineNode[], empty: string): PipelineNode[] {
  return nodes.length > 0 ? nodes : [noteNode(parentId, empty)];
}

async function listRules(conn: EmulatorConnection): Promise<Rule[]> {
  const { events } = pipelineClients(conn);
  const out: Rule[] = [];
  let token: string | undefined;
  do {
    const page = await events.send(new ListRulesCommand({ NextToken: token }));
    out.push(...(page.Rules ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

async function listSchedules(conn: EmulatorConnection): Promise<ScheduleSummary[]> {
  const { scheduler } = pipelineClients(conn);
  const out: ScheduleSummary[] = [];
  let token: string | undefined;
  do {
    const page = await scheduler.send(new ListSchedulesCommand({ NextToken: token }));
    out.push(...(page.Schedules ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

export function ruleRowOf(node: NodeOf<'rule'> | NodeOf<'schedule'> | NodeOf<'target'> | NodeOf<'delivery'>, now: number): RowText {
  switch (node.type) {
    case 'rule':
      return ruleRow(node, now);
    case 'schedule':
      return scheduleRow(node, now);
    case 'target':
      return targetRow(node);
    case 'delivery':
      return deliveryRow(node, now);
  }
}

/** Fires a rule's targets or a schedule's target now; resolves to what was fired. */
export async function fireRuleNow(conn: EmulatorConnection, node: NodeOf<'rule'> | NodeOf<'schedule'>): Promise<string> {
  const name = node.type === 'rule' ? node.rule.Name : node.schedule.Name;
  return `${await fireNow(conn.endpoint, name)} ${name}`;
}

/** Enables or disables a rule (EnableRule / DisableRule) or a schedule (UpdateSchedule with its other fields unchanged). */
export async function setRuleState(conn: EmulatorConnection, node: NodeOf<'rule'> | NodeOf<'schedule'>, state: 'ENABLED' | 'DISABLED'): Promise<void> {
  const { events, scheduler } = pipelineClients(conn);
  if (node.type === 'rule') {
    await events.send(state === 'ENABLED' ? new EnableRuleCommand({ Name: node.rule.Name }) : new DisableRuleCommand({ Name: node.rule.Name }));
    return;
  }
  const s = await scheduler.send(new GetScheduleCommand({ Name: node.schedule.Name, GroupName: node.schedule.GroupName }));
  await scheduler.send(
    new UpdateScheduleCommand({
      Name: node.schedule.Name,
      GroupName: s.GroupName,
      ScheduleExpression: s.ScheduleExpression,
      ScheduleExpressionTimezone: s.ScheduleExpressionTimezone,
      StartDate: s.StartDate,
      EndDate: s.EndDate,
      Description: s.Description,
      FlexibleTimeWindow: s.FlexibleTimeWindow,
      Target: s.Target,
      ActionAfterCompletion: s.ActionAfterCompletion,
      KmsKeyArn: s.KmsKeyArn,
      State: state,
    }),
  );
}
