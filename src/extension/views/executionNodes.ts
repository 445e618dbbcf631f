/**
 * The Local view's "State machine executions" group: the local emulator's Step Functions executions,
 * newest first (state machine: execution name, status, start time), each with its distributed Map
 * runs (mapRunNodes.ts) and its history events as children. Listed with ListStateMachines / ListExecutions each time the view redraws; while one runs,
 * the view redraws every couple of seconds, and a running execution's row says how far its latest
 * distributed Map is (ListMapRuns, DescribeMapRun). Execution items carry the Re-run / Stop / Show
 * Graph actions (contextValue `execution.<STATUS>`, `execution.express.<STATUS>` for an EXPRESS one).
 */
import { ListExecutionsCommand, ListStateMachinesCommand, type ExecutionListItem, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import * as vscode from 'vscode';
import { startTimeText } from '../../model/runs';
import { errorMessage } from '../errors';
import type { EmulatorManager } from '../emulator/manager';
import { sfnClientOf } from '../stepfunctions/client';
import { latestMapRunText } from '../../client/map-run-summary';
import { readHistory } from '../../client/sfn-history';
import { failureText } from '../stepfunctions/session';
import { eventFailure, type HistoryEventLike } from '../../model/asl-live';
import type { ChildRow } from '../../client/map-run-children';
import { childNodes, MAP_RUN_KINDS, mapRunItem, mapRunNodes, messageItem, statusIcon, type MapRunsNode } from './mapRunNodes';

export const EXECUTIONS_GROUP_ID = 'sfn:executions';
const MAX_EXECUTIONS = 50;
const PER_MACHINE = 20;
const RUNNING_REFRESH_MS = 2000;
/** While nothing runs, the view looks for executions started elsewhere this often. */
const LOOK_FOR_NEW_MS = 5000;
/** Map run children remembered at most (then forgotten, and described again when shown). */
const KNOWN_CHILDREN_KEPT = 5000;
/** Running executions whose map runs are read for a redraw (each costs two calls). */
const MAP_RUNS_READ = 10;

/** `mapRuns`: a running execution's latest distributed Map progress, by execution ARN. */
export interface ExecutionsGroupNode { readonly kind: 'sfnGroup'; readonly id: string; readonly executions: readonly ExecutionListItem[]; readonly mapRuns?: ReadonlyMap<string, string> }
export interface ExecutionNode { readonly kind: 'execution'; readonly id: string; readonly execution: ExecutionListItem; readonly mapRun?: string }
export interface HistoryEventNode { readonly kind: 'sfnEvent'; readonly id: string; readonly event: HistoryEvent }
export interface SfnErrorNode { readonly kind: 'sfnError'; readonly id: string; readonly message: string }
export type ExecutionsNode = ExecutionsGroupNode | ExecutionNode | HistoryEventNode | SfnErrorNode | MapRunsNode;

const KINDS = new Set<string>(['sfnGroup', 'execution', 'sfnEvent', 'sfnError', ...MAP_RUN_KINDS]);
export function isExecutionsNode(x: unknown): x is ExecutionsNode {
  return typeof x === 'object' && x !== null && KINDS.has((x as { kind?: string }).kind ?? '');
}
export function isExecutionNode(x: unknown): x is ExecutionNode {
  return isExecutionsNode(x) && x.kind === 'execution' && typeof x.execution?.executionArn === 'string';
}

/** Where a state machine comes from: an ASL file, or a template's state machine (`machine`: its id). */
export interface StateMachineRef {
  readonly file: string;
  readonly machine?: string;
}

export class ExecutionNodes implements vscode.Disposable {
  private readonly files = new Map<string, StateMachineRef>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The executions (ARN and status) last listed for the view, and when a look for new ones was last made. */
  private listed: string | undefined;
  private lastLook = 0;
  private looking = false;
  /** Map run children described, by ARN (an input never changes, an ended child's row neither). */
  private readonly knownChildren = new Map<string, ChildRow>();

  /** Each execution's status when last listed (to tell when one ends). */
  private statuses = new Map<string, string>();

  /**
   * `redraw` redraws the Local view; `ended` is told when an execution listed running is listed
   * ended (the runs of its Batch jobs take their status from it, and no job event says so).
   */
  constructor(private readonly emulator: EmulatorManager, private readonly redraw: () => void, private readonly ended: () => void = () => undefined) {}

  /** Remembers which workspace file (and template state machine) an execution was started from (for its graph). */
  remember(executionArn: string, source: StateMachineRef): void {
    this.files.set(executionArn, source);
    this.changed();
  }

  fileOf(executionArn: string): StateMachineRef | undefined {
    return this.files.get(executionArn);
  }

  /** Something changed (an execution started or ended): redraw the view. */
  changed(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.redraw();
  }

  private sfn(): SFNClient | undefined {
    const conn = this.emulator.connection;
    return conn && this.emulator.state === 'running' ? sfnClientOf(conn) : undefined;
  }

  /** The group at the top of the Local view, when there are executions. */
  async roots(): Promise<ExecutionsNode[]> {
    const sfn = this.sfn();
    if (!sfn) return [];
    try {
      const executions = await listExecutions(sfn);
      const before = this.statuses;
      this.statuses = new Map(executions.map((e) => [e.executionArn ?? '', e.status ?? '']));
      if (executions.some((e) => before.get(e.executionArn ?? '') === 'RUNNING' && e.status !== 'RUNNING')) this.ended();
      const running = executions.filter((e) => e.status === 'RUNNING' && e.executionArn);
      if (running.length > 0 && !this.timer) this.timer = setTimeout(() => this.changed(), RUNNING_REFRESH_MS);
      // A running execution's distributed Map: how far it is (its history does not say).
      const mapRuns = new Map<string, string>();
      await Promise.all(running.slice(0, MAP_RUNS_READ).map(async (e) => {
        const text = await latestMapRunText(sfn, e.executionArn!);
        if (text) mapRuns.set(e.executionArn!, text);
      }));
      return executions.length > 0 ? [{ kind: 'sfnGroup', id: EXECUTIONS_GROUP_ID, executions, mapRuns }] : [];
    } catch (err) {
      return [{ kind: 'sfnError', id: 'sfn:error', message: `Could not list the state machine executions: ${errorMessage(err)}` }];
    }
  }

  /**
   * The view's top rows as VS Code was given them: the executions they show are what lookForNew
   * compares with (a listing of the tree's own, e.g. to reveal a job, shows nothing).
   */
  shown(rows: readonly { readonly kind: string }[]): void {
    const group = rows.find((r): r is ExecutionsGroupNode => r.kind === 'sfnGroup');
    this.listed = signature(group?.executions ?? []);
  }

  /**
   * While the view shows and nothing runs (a running execution redraws it every couple of seconds
   * anyway): at most every `everyMs`, lists the executions and redraws when they changed. An
   * execution started elsewhere (the AWS CLI, a rule, a schedule, a `localbatch run` in a terminal)
   * shows without a Refresh.
   */
  async lookForNew(now = Date.now(), everyMs = LOOK_FOR_NEW_MS): Promise<void> {
    if (this.timer || this.looking || now - this.lastLook < everyMs) return;
    const sfn = this.sfn();
    if (!sfn) return;
    this.lastLook = now;
    this.looking = true;
    try {
      const current = signature(await listExecutions(sfn));
      if (this.listed !== undefined && current !== this.listed && !this.timer) this.changed();
    } catch {
      // (the next look tries again; the view's own listing says what went wrong)
    } finally {
      this.looking = false;
    }
  }

  async children(node: ExecutionsNode): Promise<ExecutionsNode[]> {
    if (node.kind === 'sfnGroup') {
      return node.executions.map((execution): ExecutionNode => {
        const mapRun = node.mapRuns?.get(execution.executionArn ?? '');
        return { kind: 'execution', id: `execution:${execution.executionArn}`, execution, ...(mapRun ? { mapRun } : {}) };
      });
    }
    if (node.kind !== 'execution' && node.kind !== 'sfnMapRun' && node.kind !== 'sfnChild') return [];
    const sfn = this.sfn();
    if (!sfn) return [];
    try {
      if (node.kind === 'sfnMapRun') {
        // (a redraw every couple of seconds while the execution runs describes only children new or changed)
        if (this.knownChildren.size > KNOWN_CHILDREN_KEPT) this.knownChildren.clear();
        return await childNodes(sfn, node, this.knownChildren);
      }
      // An execution: its distributed Maps' runs first (their children are executions of their own), then its history.
      const executionArn = node.kind === 'execution' ? node.execution.executionArn! : node.row.executionArn;
      const [runs, events] = await Promise.all([node.kind === 'execution' ? mapRunNodes(sfn, node.id, executionArn) : [], readHistory(sfn, executionArn)]);
      return [...runs, ...events.map((event): HistoryEventNode => ({ kind: 'sfnEvent', id: `${node.id}#${event.id}`, event }))];
    } catch (err) {
      return [{ kind: 'sfnError', id: `${node.id}#error`, message: `Could not read ${node.kind === 'sfnMapRun' ? 'the map run\'s child executions' : 'the history'}: ${errorMessage(err)}` }];
    }
  }

  item(node: ExecutionsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'sfnGroup': {
        const item = new vscode.TreeItem('State machine executions', vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        const running = node.executions.filter((e) => e.status === 'RUNNING').length;
        item.description = `${node.executions.length}${running ? ` · ${running} running` : ''}`;
        item.iconPath = new vscode.ThemeIcon('type-hierarchy');
        item.contextValue = 'sfnExecutions';
        return item;
      }
      case 'execution': {
        const e = node.execution;
        const item = new vscode.TreeItem(`${e.stateMachineArn?.split(':').at(-1) ?? '?'}: ${e.name ?? '?'}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.iconPath = statusIcon(e.status ?? '');
        item.description = `${e.status ?? ''}${node.mapRun ? ` · map run ${node.mapRun}` : ''} · ${startTimeText(e.startDate?.getTime() ?? Date.now(), Date.now())}`;
        item.tooltip = [`${e.name} — ${e.status}`, ...(node.mapRun ? [`Map run: ${node.mapRun}`] : []), `State machine: ${e.stateMachineArn}`, `Started: ${e.startDate?.toISOString() ?? '?'}`, ...(e.stopDate ? [`Stopped: ${e.stopDate.toISOString()}`] : []), `Execution ARN: ${e.executionArn}`].join('\n');
        // (an EXPRESS execution can be neither stopped nor redriven: its actions are the others)
        item.contextValue = `execution.${e.executionArn?.includes(':express:') ? 'express.' : ''}${e.status ?? 'UNKNOWN'}`;
        item.command = { command: 'localbatch.showExecutionGraph', title: 'Show Graph', arguments: [node] };
        return item;
      }
      case 'sfnEvent': {
        const ev = node.event;
        const name = ev.stateEnteredEventDetails?.name ?? ev.stateExitedEventDetails?.name;
        const item = new vscode.TreeItem(`${ev.id} ${ev.type ?? ''}`, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        // (a failure's error and cause, where the event has them: ExecutionFailed, TaskFailed, ...)
        item.description = name ?? failureText(eventFailure(ev as HistoryEventLike));
        item.tooltip = JSON.stringify(ev, null, 2).slice(0, 4000);
        return item;
      }
      case 'sfnError':
        return messageItem(node, 'warning');
      default:
        return mapRunItem(node);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

/** The executions listed, as a text that changes when one starts, ends or goes. */
function signature(executions: readonly ExecutionListItem[]): string {
  return executions.map((e) => `${e.executionArn} ${e.status}`).join('\n');
}

/** The newest executions of every state machine on the emulator, newest first. */
export async function listExecutions(sfn: SFNClient): Promise<ExecutionListItem[]> {
  const all: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ nextToken }));
    // One state machine's executions at a time would be a round trip each, one after another.
    const lists = await Promise.all((page.stateMachines ?? []).map((m) => sfn.send(new ListExecutionsCommand({ stateMachineArn: m.stateMachineArn, maxResults: PER_MACHINE }))));
    for (const res of lists) all.push(...(res.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return all.sort((a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0)).slice(0, MAX_EXECUTIONS);
}
