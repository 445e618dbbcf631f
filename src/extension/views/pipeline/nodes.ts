/**
 * The Local view's pipeline groups (Buckets, Rules and schedules, Topics) as plain data: the nodes
 * and what each row shows (`RowText`), turned into TreeItems in one place (pipelineGroups.ts). Pure:
 * no VS Code, no I/O, so the row texts are unit-tested.
 */
import type { Delivery } from '../../../client/rules';
import type { SnsNotification } from '../../../client/sns-messages';

export type PipelineGroup = 'buckets' | 'rules' | 'topics';

/** A rule (ListRules) with what only the emulator knows (LocalbatchList): next firing, last deliveries. */
export interface RuleView {
  readonly Name: string;
  readonly State: string;
  readonly EventPattern?: string;
  readonly ScheduleExpression?: string;
  readonly Description?: string;
  readonly Next?: string;
  readonly LastDeliveries: readonly Delivery[];
}

/** A schedule (ListSchedules) with its next firing and last deliveries. */
export interface ScheduleView {
  readonly Name: string;
  readonly GroupName?: string;
  readonly State: string;
  readonly ScheduleExpression?: string;
  readonly Timezone?: string;
  readonly TargetArn?: string;
  readonly Next?: string;
  readonly LastDeliveries: readonly Delivery[];
}

export interface SubscriptionView {
  readonly SubscriptionArn: string;
  readonly Protocol: string;
  readonly Endpoint: string;
}

interface Base {
  readonly kind: 'pipeline';
  readonly id: string;
}

export type PipelineNode = Base &
  (
    | { readonly type: 'group'; readonly group: PipelineGroup }
    | { readonly type: 'bucket'; readonly bucket: string }
    | { readonly type: 'folder'; readonly bucket: string; readonly prefix: string }
    | { readonly type: 'object'; readonly bucket: string; readonly key: string; readonly size?: number; readonly lastModified?: string }
    | { readonly type: 'rule'; readonly rule: RuleView }
    | { readonly type: 'schedule'; readonly schedule: ScheduleView }
    | { readonly type: 'target'; readonly arn: string; readonly targetId?: string }
    | { readonly type: 'delivery'; readonly delivery: Delivery }
    | { readonly type: 'topic'; readonly topicArn: string }
    | { readonly type: 'subscription'; readonly subscription: SubscriptionView }
    | { readonly type: 'message'; readonly message: SnsNotification }
    | { readonly type: 'note'; readonly text: string; readonly error?: boolean }
  );

export type NodeOf<T extends PipelineNode['type']> = Extract<PipelineNode, { type: T }>;

/** What a row shows; `icon` is a codicon id, `color` a theme color id. */
export interface RowText {
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  readonly icon?: string;
  readonly color?: string;
  readonly contextValue?: string;
  readonly collapsible: 'none' | 'collapsed' | 'expanded';
  /** Run when the row is clicked, with the node as its argument. */
  readonly command?: { readonly id: string; readonly title: string };
}

export function isPipelineNode(x: unknown): x is PipelineNode {
  return typeof x === 'object' && x !== null && (x as PipelineNode).kind === 'pipeline' && typeof (x as PipelineNode).type === 'string';
}

/** `14:03:07` today, `Dec 6 03:00` on another day (local time). */
export function clockText(iso: string | undefined, now: number): string | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t);
  const two = (n: number) => String(n).padStart(2, '0');
  if (d.toDateString() === new Date(now).toDateString()) return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
  return `${month} ${d.getDate()} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

export const GROUP_ROWS: Readonly<Record<PipelineGroup, RowText>> = {
  buckets: { label: 'Buckets', icon: 'database', collapsible: 'collapsed', contextValue: 'pipelineGroup.buckets', tooltip: 'The local S3: each bucket, its folders (key prefixes) and objects' },
  rules: { label: 'Rules and schedules', icon: 'zap', collapsible: 'collapsed', contextValue: 'pipelineGroup.rules', tooltip: 'EventBridge rules and Scheduler schedules: state, next firing, last deliveries' },
  topics: { label: 'Topics', icon: 'megaphone', collapsible: 'collapsed', contextValue: 'pipelineGroup.topics', tooltip: 'SNS topics: subscriptions and the messages published since the emulator started' },
};

export function groupNodes(): PipelineNode[] {
  return (['buckets', 'rules', 'topics'] as const).map((group) => ({ kind: 'pipeline', type: 'group', id: `pipeline:${group}`, group }));
}

export function noteNode(parentId: string, text: string, error = false): PipelineNode {
  return { kind: 'pipeline', type: 'note', id: `${parentId}/note`, text, error };
}

export function noteRow(n: NodeOf<'note'>): RowText {
  return { label: n.text, tooltip: n.text, icon: n.error ? 'warning' : 'info', color: n.error ? 'problemsWarningIcon.foreground' : undefined, collapsible: 'none', contextValue: n.error ? 'pipelineError' : 'pipelineNote' };
}
