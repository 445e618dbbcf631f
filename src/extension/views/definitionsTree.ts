/**
 * The Definitions view: the workspace's definition files grouped by kind (state machine files too),
 * with their problem counts, and CloudFormation/CDK templates and Terraform files with their AWS
 * Batch resources and state machines under them.
 */
import * as vscode from 'vscode';
import type { StateMachineEntry } from '../../model/asl/types';
import type { IacResource } from '../../model/iac';
import { KIND_LABELS, type DefinitionKind } from '../../model/kinds';
import { asStr, prop } from '../../model/values';
import type { DefinitionDiagnostics } from '../editing/diagnostics';
import type { DefinitionIndex, IndexedFile } from '../editing/definitionIndex';

type GroupKind = DefinitionKind | 'template';
const GROUPS: ReadonlyArray<[GroupKind, string, string]> = [
  ['workflow', 'Workflows', 'type-hierarchy'],
  ['stateMachine', 'State Machines', 'type-hierarchy-sub'],
  ['jobDefinition', 'Job Definitions', 'file-code'],
  ['jobQueue', 'Job Queues', 'list-ordered'],
  ['computeEnvironment', 'Compute Environments', 'server'],
  ['template', 'Templates', 'cloud'],
  ['settings', 'Local Settings', 'settings-gear'],
];
const RESOURCE_LABELS: Readonly<Record<IacResource['kind'], [string, string]>> = {
  jobDefinition: ['job definition', 'file-code'],
  jobQueue: ['job queue', 'list-ordered'],
  computeEnvironment: ['compute environment', 'server'],
  schedulingPolicy: ['scheduling policy', 'law'],
  consumableResource: ['consumable resource', 'symbol-numeric'],
};
const NAME_KEYS: Partial<Record<DefinitionKind, string>> = { jobDefinition: 'jobDefinitionName', jobQueue: 'jobQueueName', computeEnvironment: 'computeEnvironmentName' };

interface GroupNode { readonly kind: 'group'; readonly defKind: GroupKind; readonly title: string; readonly icon: string; readonly files: IndexedFile[] }
interface FileNode { readonly kind: 'file'; readonly file: IndexedFile; readonly uri: vscode.Uri }
/** A Batch resource of a template: `resourceId` is its logical id (or Terraform address). */
export interface TemplateResourceNode { readonly kind: 'templateResource'; readonly file: IndexedFile; readonly uri: vscode.Uri; readonly resourceId: string; readonly resource: IacResource }
/** A state machine of a template: the shape Run State Machine Locally takes from a template's lens. */
export interface TemplateStateMachineNode { readonly kind: 'templateStateMachine'; readonly file: IndexedFile; readonly uri: vscode.Uri; readonly machine: string; readonly entry: StateMachineEntry }
export type DefinitionNode = GroupNode | FileNode | TemplateResourceNode | TemplateStateMachineNode;

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
    if (node.kind === 'templateResource') return this.resourceItem(node);
    if (node.kind === 'templateStateMachine') return this.stateMachineItem(node);
    const { file } = node;
    if (file.kind.kind === 'template') return this.templateItem(node, file);
    const nameKey = NAME_KEYS[file.kind.kind];
    const base = file.doc.file.split(/[\\/]/).pop() ?? file.doc.file;
    const name = (nameKey && asStr(prop(file.doc.value, nameKey))) || base.replace(/\.(jobdef|jobqueue|computeenv|workflow|asl)\.(json|ya?ml)$/i, '');
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

  private templateItem(node: FileNode, file: IndexedFile): vscode.TreeItem {
    const item = new vscode.TreeItem(file.doc.file.split(/[\\/]/).pop() ?? file.doc.file, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `template:${file.uri.toString()}`;
    item.resourceUri = file.uri;
    const { errors, warnings } = this.counts(file.uri);
    const problems = [errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}` : '', warnings > 0 ? `${warnings} warning${warnings === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
    const template = this.templateOf(file);
    const tool = template?.tool === 'terraform' ? 'Terraform' : template?.tool === 'cdk' ? 'CDK template' : 'CloudFormation template';
    item.description = problems ? `${file.doc.file} · ${problems}` : file.doc.file;
    item.tooltip = `${tool}: ${file.doc.file}${problems ? `\n${problems}` : '\nno problems'}\nIts resources are deployed by ${template?.tool === 'terraform' ? 'terraform apply' : template?.tool === 'cdk' ? 'cdk deploy' : 'CloudFormation'}, not by LocalBatch.`;
    item.iconPath = errors > 0 ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')) : new vscode.ThemeIcon('cloud');
    item.contextValue = 'definition.template';
    item.command = { command: 'localbatch.openDefinition', title: 'Open Definition', arguments: [node] };
    return item;
  }

  private resourceItem(node: TemplateResourceNode): vscode.TreeItem {
    const { resource } = node;
    const [label, icon] = RESOURCE_LABELS[resource.kind];
    const item = new vscode.TreeItem(resource.name, vscode.TreeItemCollapsibleState.None);
    item.id = `templateResource:${node.uri.toString()}#${resource.id}`;
    item.description = resource.id === resource.name ? label : `${label} · ${resource.id}`;
    item.tooltip = `${label} ${resource.name}\n${resource.type} ${resource.id} in ${node.file.doc.file}`;
    item.iconPath = new vscode.ThemeIcon(icon);
    item.contextValue = `templateResource.${resource.kind}`;
    item.command = { command: 'localbatch.openDefinition', title: 'Open Definition', arguments: [node] };
    return item;
  }

  private stateMachineItem(node: TemplateStateMachineNode): vscode.TreeItem {
    const { entry } = node;
    const item = new vscode.TreeItem(entry.name, vscode.TreeItemCollapsibleState.None);
    item.id = `templateStateMachine:${node.uri.toString()}#${entry.id}`;
    item.description = entry.id === entry.name ? 'state machine' : `state machine · ${entry.id}`;
    const problems = entry.diagnostics.length;
    item.tooltip = `state machine ${entry.name}\n${entry.id} in ${node.file.doc.file}${entry.definition ? '' : '\nits definition could not be read'}${problems ? `\n${problems} problem${problems === 1 ? '' : 's'} reading it` : ''}`;
    item.iconPath = new vscode.ThemeIcon('type-hierarchy-sub');
    item.contextValue = 'templateResource.stateMachine';
    item.command = { command: 'localbatch.openDefinition', title: 'Open Definition', arguments: [node] };
    return item;
  }

  /** The template a file holds, read with its workspace's settings (parameters, region, account). */
  private templateOf(file: IndexedFile) {
    return this.index.workspaceOf(file.doc.file).templates.find((t) => t.doc.file === file.doc.file);
  }

  async getChildren(node?: DefinitionNode): Promise<DefinitionNode[]> {
    if (node?.kind === 'group') return node.files.map((file): FileNode => ({ kind: 'file', file, uri: file.uri }));
    if (node?.kind === 'file' && node.file.kind.kind === 'template') {
      const template = this.templateOf(node.file);
      const file = node.file.doc.file;
      const machines = this.index.workspaceOf(file).stateMachines.filter((m) => m.source !== 'file' && m.file === file);
      // The state machines first: they are what a template's row is run from.
      return [
        ...machines.map((entry): TemplateStateMachineNode => ({ kind: 'templateStateMachine', file: node.file, uri: node.uri, machine: entry.id, entry })),
        ...(template?.resources ?? []).map((resource): TemplateResourceNode => ({ kind: 'templateResource', file: node.file, uri: node.uri, resourceId: resource.id, resource })),
      ];
    }
    if (node) return [];
    await this.index.ready();
    const all = this.index.all();
    // A template is listed when it holds Batch or pipeline resources, or a state machine (whose
    // Batch resources may live in another stack).
    const holdsMachine = (f: IndexedFile) => this.index.workspaceOf(f.doc.file).stateMachines.some((m) => m.source !== 'file' && m.file === f.doc.file);
    const inGroup = (f: IndexedFile, kind: GroupKind) => f.kind.kind === kind && (kind !== 'template' || this.templateOf(f) !== undefined || holdsMachine(f));
    return GROUPS.map(([defKind, title, icon]): GroupNode => ({ kind: 'group', defKind, title, icon, files: all.filter((f) => inGroup(f, defKind)) })).filter((g) => g.files.length > 0);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
