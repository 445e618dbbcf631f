/**
 * Under an execution in the Local view, a row per distributed Map run (its Map's label, status and
 * progress; the newest 20), expanding to its child workflow executions: up to 100, the ones that did
 * not succeed first, each named by its input and saying its error; a child expands
 * to its own history (executionNodes.ts reads it).
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import * as vscode from 'vscode';
import { CHILDREN_SHOWN, childRows, inputLine, mapRunRows, type ChildRow, type MapRunRow } from '../../client/map-run-children';
import { startTimeText } from '../../model/runs';
import { failureText } from '../stepfunctions/session';

export interface MapRunNode { readonly kind: 'sfnMapRun'; readonly id: string; readonly row: MapRunRow }
export interface ChildExecutionNode { readonly kind: 'sfnChild'; readonly id: string; readonly row: ChildRow }
export interface MapRunNoteNode { readonly kind: 'sfnNote'; readonly id: string; readonly message: string }
export type MapRunsNode = MapRunNode | ChildExecutionNode | MapRunNoteNode;

export const MAP_RUN_KINDS = ['sfnMapRun', 'sfnChild', 'sfnNote'] as const;

const STATUS_ICON: Record<string, [string, string | undefined]> = {
  RUNNING: ['sync~spin', 'charts.blue'],
  SUCCEEDED: ['pass', 'testing.iconPassed'],
  FAILED: ['error', 'testing.iconFailed'],
  TIMED_OUT: ['watch', 'testing.iconFailed'],
  ABORTED: ['circle-slash', undefined],
};

/** A row that only says something (a note, an error), with its icon. */
export function messageItem(node: { readonly id: string; readonly message: string }, icon: string): vscode.TreeItem {
  const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon(icon);
  return item;
}

/** An execution's status as an icon (the Local view's executions and child executions). */
export function statusIcon(status: string): vscode.ThemeIcon {
  const [name, color] = STATUS_ICON[status] ?? ['circle-outline', undefined];
  return new vscode.ThemeIcon(name, color ? new vscode.ThemeColor(color) : undefined);
}

/** An execution's newest map runs, in the order they started (none for an execution without a distributed Map), and a note when it has more. */
export async function mapRunNodes(sfn: SFNClient, executionNodeId: string, executionArn: string): Promise<Array<MapRunNode | MapRunNoteNode>> {
  const { rows, total } = await mapRunRows(sfn, executionArn);
  const nodes: Array<MapRunNode | MapRunNoteNode> = rows.map((row) => ({ kind: 'sfnMapRun', id: `${executionNodeId}/${row.mapRunArn}`, row }));
  if (total > rows.length) nodes.unshift({ kind: 'sfnNote', id: `${executionNodeId}/maprun-more`, message: `The newest ${rows.length} of ${total} map runs: aws stepfunctions list-map-runs --execution-arn ${executionArn} lists them all` });
  return nodes;
}

/** `known`: children described before, by ARN (kept by the caller: not asked for again while they do not change). */
export async function childNodes(sfn: SFNClient, node: MapRunNode, known?: Map<string, ChildRow>): Promise<Array<ChildExecutionNode | MapRunNoteNode>> {
  const rows = await childRows(sfn, node.row.mapRunArn, { counts: node.row.counts, known });
  const nodes: Array<ChildExecutionNode | MapRunNoteNode> = rows.map((row) => ({ kind: 'sfnChild', id: `${node.id}/${row.name}`, row }));
  const started = (node.row.counts?.total ?? 0) - (node.row.counts?.pending ?? 0);
  if (started > rows.length && rows.length >= CHILDREN_SHOWN) {
    nodes.push({ kind: 'sfnNote', id: `${node.id}/more`, message: `${rows.length} of ${started} child executions shown: aws stepfunctions list-executions --map-run-arn ${node.row.mapRunArn} lists them all` });
  }
  return nodes;
}

export function mapRunItem(node: MapRunsNode): vscode.TreeItem {
  switch (node.kind) {
    case 'sfnMapRun': {
      const r = node.row;
      const item = new vscode.TreeItem(`Map run ${r.state}`, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.id;
      item.iconPath = statusIcon(r.status);
      item.description = `${r.status} · ${r.progress}`;
      const started = (r.counts?.total ?? 0) - (r.counts?.pending ?? 0);
      item.tooltip = [`Map run ${r.state}: ${r.status}`, r.progress, `${started} child execution${started === 1 ? '' : 's'} started`, `Map run ARN: ${r.mapRunArn}`].join('\n');
      item.contextValue = 'sfnMapRun';
      return item;
    }
    case 'sfnChild': {
      const c = node.row;
      const item = new vscode.TreeItem(inputLine(c.input) || c.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.id;
      item.iconPath = statusIcon(c.status);
      const failure = failureText(c.error || c.cause ? { error: c.error, cause: c.cause } : undefined);
      item.description = [c.status, failure || startTimeText(c.startDate?.getTime() ?? Date.now(), Date.now())].join(' · ');
      item.tooltip = [
        `Child execution ${c.name} — ${c.status}`,
        ...(c.input !== undefined ? [`Input: ${inputLine(c.input, 400)}`] : []),
        ...(failure ? [`Failed: ${failure}`] : []),
        `Started: ${c.startDate?.toISOString() ?? '?'}`,
        ...(c.stopDate ? [`Stopped: ${c.stopDate.toISOString()}`] : []),
        `Execution ARN: ${c.executionArn}`,
      ].join('\n');
      item.contextValue = `sfnChild.${c.status}`;
      return item;
    }
    case 'sfnNote':
      return messageItem(node, 'info');
  }
}
