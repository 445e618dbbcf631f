import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { localbatch, until } from './util';

interface TreeProvider { getChildren(node?: unknown): Promise<unknown[]>; getTreeItem(node: unknown): vscode.TreeItem }
interface Api { views: { definitions: TreeProvider } }

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  Nightly:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      JobDefinitionName: nightly
      RetryStrategy:
        Attempts: 11
      ContainerProperties:
        Image: busybox
        JobRoleArn: !GetAtt Role.Arn
        ResourceRequirements:
          - { Type: VCPU, Value: "1" }
          - { Type: MEMORY, Value: "512" }
`;

const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : item.label?.label ?? '');

describe('LocalBatch CloudFormation templates (extension host)', () => {
  let uri: vscode.Uri;

  before(async () => {
    await localbatch().activate();
    const folder = vscode.workspace.workspaceFolders![0].uri;
    uri = vscode.Uri.joinPath(folder, 'infra', 'nightly-stack.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(TEMPLATE));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(uri, '..'), { recursive: true });
  });

  it('shows a rule at its line inside the template, and follows edits as you type', async () => {
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const line = TEMPLATE.split('\n').findIndex((l) => l.includes('Attempts: 11'));
    const retry = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'localbatch' && d.code === 'retry-attempts-range');
    const found = await until(() => retry().length > 0 && retry(), 'retry-attempts-range on the template');
    assert.deepEqual(found.map((d) => [d.range.start.line, d.range.start.character]), [[line, 18]]);

    const at = new vscode.Range(line, 18, line, 20);
    assert.equal(doc.getText(at), '11');
    await editor.edit((e) => e.replace(at, '3'));
    await until(() => retry().length === 0, 'the diagnostic gone after the edit (unsaved)');
    await editor.edit((e) => e.insert(new vscode.Position(line + 3, 0), '        JobRoleArn2: !ImportValue shared-role\n'));
    const imported = await until(() => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.code === 'template-import-value');
      return d.length > 0 && d;
    }, 'template-import-value after typing an Fn::ImportValue');
    assert.equal(imported[0].range.start.line, line + 3);
  });

  it('lists the template and its job definition in the Definitions view, with a run code lens', async () => {
    const api = localbatch().exports as Api;
    const groups = await api.views.definitions.getChildren();
    const group = await until(async () => {
      for (const g of await api.views.definitions.getChildren()) if (label(api.views.definitions.getTreeItem(g)) === 'Templates') return g;
      return undefined;
    }, `a Templates group among ${groups.length} groups`);
    const [file] = await api.views.definitions.getChildren(group);
    assert.equal(label(api.views.definitions.getTreeItem(file)), 'nightly-stack.yaml');
    const resources = await api.views.definitions.getChildren(file);
    const items = resources.map((r) => api.views.definitions.getTreeItem(r));
    assert.deepEqual(items.map((i) => [label(i), i.contextValue]), [['nightly', 'templateResource.jobDefinition']]);

    const lenses = await until(async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return l.some((x) => x.command?.command === 'localbatch.runJobDefinition') && l;
    }, 'a Run Job Definition Locally code lens');
    const lens = lenses.find((x) => x.command?.command === 'localbatch.runJobDefinition')!;
    assert.equal(lens.range.start.line, TEMPLATE.split('\n').indexOf('  Nightly:'));
    assert.deepEqual(lens.command!.arguments?.[0]?.resourceId, 'Nightly');
  });
});
