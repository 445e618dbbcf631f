/** The plan as text: one header per item (kind, name, action, why) and its diff, then a summary line. */
import { renderYaml } from './diff';
import { KIND_TITLES, planHasChanges, planSummary, type DeployPlan, type PlanItem } from './plan';

const ACTION_TEXT: Record<PlanItem['action'], string> = {
  create: 'create',
  update: 'update in place',
  register: 'register a new revision',
  'no-change': 'no change',
  'cannot-change': 'CANNOT CHANGE IN PLACE',
};

const MARK: Record<PlanItem['action'], string> = { create: '+', update: '~', register: '+', 'no-change': '=', 'cannot-change': '!' };

export function itemHeader(item: PlanItem): string {
  let action = ACTION_TEXT[item.action];
  if (item.kind === 'jobDefinition' && item.action === 'register') {
    action = item.currentRevision === undefined ? 'register (new job definition, revision 1)' : `register revision ${item.currentRevision + 1} (latest ACTIVE: ${item.currentRevision})`;
  } else if (item.kind === 'jobDefinition' && item.action === 'no-change' && item.currentRevision !== undefined) action = `no change (revision ${item.currentRevision})`;
  const from = item.file ? `  [${item.file}]` : '';
  return `${MARK[item.action]} ${KIND_TITLES[item.kind]} ${item.name}: ${action}${from}`;
}

/** The whole plan, for the terminal. `verbose` also lists unchanged items. */
export function renderPlan(plan: DeployPlan, target: string, verbose = true): string[] {
  const services = plan.items.some((i) => i.kind === 'stateMachine') ? 'AWS Batch and Step Functions' : 'AWS Batch';
  const lines = [`Plan for ${services} in ${target}:`];
  if (plan.items.length === 0) lines.push('  (no compute environments, job queues, job definitions or state machine files to deploy)');
  for (const item of plan.items) {
    if (!verbose && item.action === 'no-change' && !item.deregister) continue;
    lines.push(itemHeader(item));
    if (item.action === 'update' && item.reason) lines.push(`    changes: ${item.reason}`);
    if (item.action === 'cannot-change') lines.push(`    ${item.reason}`, '    (left as it is; the rest of the plan still applies)');
    if (item.action !== 'no-change') for (const d of item.diff) lines.push(`    ${d}`);
    for (const arn of item.deregister ?? []) lines.push(`    - deregister ${arn.slice(arn.lastIndexOf('/') + 1)} (superseded)`);
  }
  lines.push(planHasChanges(plan) ? `Plan: ${planSummary(plan)}.` : 'No changes: AWS already matches the definitions.');
  return lines;
}

/** Two documents for a side-by-side diff: everything AWS holds now, and everything after the deploy. */
export function planDocuments(plan: DeployPlan): { current: string; after: string } {
  const section = (item: PlanItem, side: 'current' | 'desired') => {
    const head = `# ${KIND_TITLES[item.kind]} ${item.name}${side === 'desired' && item.action !== 'no-change' ? ` (${ACTION_TEXT[item.action]})` : ''}`;
    const value = side === 'current' ? item.current : item.action === 'cannot-change' ? item.current : item.desired;
    const body = value === undefined ? '# (does not exist)\n' : renderYaml(value);
    return `${head}\n${body}`;
  };
  return {
    current: plan.items.map((i) => section(i, 'current')).join('\n---\n'),
    after: plan.items.map((i) => section(i, 'desired')).join('\n---\n'),
  };
}
