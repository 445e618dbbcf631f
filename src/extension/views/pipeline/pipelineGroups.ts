/**
 * The pipeline groups at the top of the Local view (Buckets, Rules and schedules, Topics): which
 * group provider lists a node's children, and the one place their rows become TreeItems. Listing
 * errors show as a row under the node. The Topics group redraws when a message arrives.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../../errors';
import type { EmulatorManager } from '../../emulator/manager';
import type { MoreNode } from '../jobNodes';
import { bucketChildren, bucketRowOf } from './buckets';
import { dropPipelineClients } from './clients';
import { GROUP_ROWS, groupNodes, noteNode, noteRow, type NodeOf, type PipelineNode, type RowText } from './nodes';
import { ruleChildren, ruleRowOf } from './rules';
import { topicChildrenOf, topicRowOf } from './topics';

export class PipelineGroups implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PipelineNode | undefined>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** The same group objects every time, so a group can be redrawn alone. */
  private readonly groups = groupNodes();
  readonly onDidChange = this.changed.event;

  constructor(private readonly emulator: EmulatorManager) {
    this.disposables.push(
      emulator.onSnsMessage(() => this.changed.fire(this.group('topics'))),
      emulator.onDidChangeState((s) => {
        if (s !== 'running') dropPipelineClients();
      }),
    );
  }

  roots(): PipelineNode[] {
    return this.groups;
  }

  group(name: NodeOf<'group'>['group']): PipelineNode {
    return this.groups.find((g) => g.type === 'group' && g.group === name)!;
  }

  /** `limitOf(listKey)`: how many entries a paged listing (a bucket's folder) shows. */
  async children(node: PipelineNode, limitOf: (listKey: string) => number): Promise<Array<PipelineNode | MoreNode>> {
    const conn = this.emulator.connection;
    if (!conn) return [];
    try {
      switch (node.type) {
        case 'group':
          return node.group === 'buckets' ? await bucketChildren(conn, node) : node.group === 'rules' ? await ruleChildren(conn, node) : await topicChildrenOf(conn, node);
        case 'bucket':
        case 'folder':
          return await bucketChildren(conn, node, limitOf(node.id));
        case 'rule':
        case 'schedule':
          return await ruleChildren(conn, node);
        case 'topic':
          return await topicChildrenOf(conn, node);
        default:
          return [];
      }
    } catch (err) {
      return [noteNode(node.id, `Could not list: ${errorMessage(err)}`, true)];
    }
  }

  item(node: PipelineNode): vscode.TreeItem {
    return toTreeItem(node, rowOf(node, Date.now()));
  }

  dispose(): void {
    dropPipelineClients();
    for (const d of this.disposables) d.dispose();
  }
}

function rowOf(node: PipelineNode, now: number): RowText {
  switch (node.type) {
    case 'group':
      return GROUP_ROWS[node.group];
    case 'bucket':
    case 'folder':
    case 'object':
      return bucketRowOf(node, now);
    case 'rule':
    case 'schedule':
    case 'target':
    case 'delivery':
      return ruleRowOf(node, now);
    case 'topic':
    case 'subscription':
    case 'message':
      return topicRowOf(node, now);
    case 'note':
      return noteRow(node);
  }
}

function collapsible(c: RowText['collapsible']): vscode.TreeItemCollapsibleState {
  return c === 'none' ? vscode.TreeItemCollapsibleState.None : c === 'collapsed' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded;
}

function toTreeItem(node: PipelineNode, row: RowText): vscode.TreeItem {
  const item = new vscode.TreeItem(row.label, collapsible(row.collapsible));
  item.id = node.id;
  item.description = row.description;
  item.tooltip = row.tooltip;
  if (row.icon) item.iconPath = new vscode.ThemeIcon(row.icon, row.color ? new vscode.ThemeColor(row.color) : undefined);
  item.contextValue = row.contextValue;
  if (row.command) item.command = { command: row.command.id, title: row.command.title, arguments: [node] };
  return item;
}
