/** The Definitions view: the workspace's definition files grouped by kind, with their problem counts. */
import * as vscode from 'vscode';
import { KIND_LABELS, type DefinitionKind } from '../../model/kinds';
import { asStr, prop } from '../../model/values';
import type { DefinitionDiagnostics } from '../editing/diagnostics';
import type { DefinitionIndex, IndexedFile } from '../editing/definitionIndex';

const GROUPS: ReadonlyArray<[DefinitionKind, string, string]> = [
  ['workflow', 'Workflows', 'type-hierarchy'],
  ['jobDefinition', 'Job Definitions', 'file-code'],
  ['jobQueue', 'Job Queues', 'list-ordered'],
  ['computeEnvironment', 'Compute Environments', 'server'],
  ['settings', 'Local Settings', 'settings-gear'],
];
const NAME_KEYS: Partial<Record<DefinitionKind, string>> = { jobDefinition: 'jobDefinitionName', jobQueue: 'jobQueueName', computeEnvironment: 'computeEnvironmentName' };

interface GroupNode { readonly kind: 'group'; readonly defKind: DefinitionKind; readonly title: string; readonly icon: string; readonly files: IndexedFile[] }
interface FileNode { readonly kind: 'file'; readonly file: IndexedFile; readonly uri: vscode.Uri }
export type DefinitionNode = GroupNode | FileNode;

export class DefinitionsTree implements vscode.TreeDataProvider<DefinitionNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DefinitionNode | undefined>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly index: DefinitionIndex, private readonly diagnostics: DefinitionDiagnostics) {
    // Diagnostics are published after every index change, so one event covers both.
    this.disposables.push(diagnostics.onDidPublish(() => this.refresh()));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  private counts(uri: vscode.Uri): { errors: number; warnings: number } {
    const diags = this.diagnostics.model(uri);
    const errors = diags.filter((d) => d.severity === 'error').length;
    return { errors, warnings: diags.length - errors };
  }

  getTreeItem(node: DefinitionNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.title, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${node.defKind}`;
      item.iconPath = new vscode.ThemeIcon(node.icon);
      const errors = node.files.reduce((n, f) => n + this.counts(f.uri).errors, 0);
      item.description = `${node.files.length}${errors > 0 ? ` · ${errors} error${errors === 1 ? '' : 's'}` : ''}`;
      item.contextValue = `definitionGroup.${node.defKind}`;
      return item;
    }
    const { file } = node;
    const nameKey = NAME_KEYS[file.kind.kind];
    const base = file.doc.file.split(/[\\/]/).pop() ?? file.doc.file;
    const name = (nameKey && asStr(prop(file.doc.value, nameKey))) || base.replace(/\.(jobdef|jobqueue|computeenv|workflow)\.(json|ya?ml)$/i, '');
    const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
    item.id = `file:${file.uri.toString()}`;
    item.resourceUri = file.uri;
    const { errors, warnings } = this.counts(file.uri);
    const problems = [errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}` : '', warnings > 0 ? `${warnings} warning${warnings === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
    item.description = problems ? `${file.doc.file} · ${problems}` : file.doc.file;
    item.tooltip = `${KIND_LABELS[file.kind.kind]}: ${file.doc.file}${problems ? `\n${problems}` : '\nno problems'}`;
    item.iconPath = errors > 0 ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
      : warnings > 0 ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    item.contextValue = `definition.${file.kind.kind}`;
    item.command = { command: 'localbatch.openDefinition', title: 'Open Definition', arguments: [node] };
    return item;
  }

  async getChildren(node?: DefinitionNode): Promise<DefinitionNode[]> {
    if (node?.kind === 'group') return node.files.map((file): FileNode => ({ kind: 'file', file, uri: file.uri }));
    if (node) return [];
    await this.index.ready();
    const all = this.index.all();
    return GROUPS.map(([defKind, title, icon]): GroupNode => ({ kind: 'group', defKind, title, icon, files: all.filter((f) => f.kind.kind === defKind) })).filter((g) => g.files.length > 0);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
