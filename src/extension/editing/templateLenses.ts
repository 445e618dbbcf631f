/**
 * Templates in the editor: a "Run Job Definition Locally" code lens above each job definition of a
 * CloudFormation/CDK template or Terraform file (trusted workspaces only), and the context key
 * `localbatch.templateFiles` (their paths) for menus.
 */
import * as vscode from 'vscode';
import { toVsRange } from './convert';
import type { DefinitionIndex } from './definitionIndex';

export const TEMPLATE_FILES_CONTEXT = 'localbatch.templateFiles';

export function registerTemplateLenses(index: DefinitionIndex): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(doc) {
      if (!vscode.workspace.isTrusted) return [];
      const file = index.get(doc.uri);
      if (file?.kind.kind !== 'template') return [];
      const ws = index.workspaceOf(file.doc.file);
      const template = ws.templates.find((t) => t.doc.file === file.doc.file);
      return (template?.resources ?? []).filter((r) => r.kind === 'jobDefinition').map((r) => new vscode.CodeLens(toVsRange(template!.doc.rangeOf(r.path, 'key')), {
        title: '$(play) Run Job Definition Locally',
        tooltip: `Run ${r.name} (${r.id}) on the local emulator`,
        command: 'localbatch.runJobDefinition',
        arguments: [{ kind: 'templateResource', uri: doc.uri, resourceId: r.id }],
      }));
    },
  };
  const publishContext = () => {
    const files = index.all().filter((f) => f.kind.kind === 'template').map((f) => f.uri.fsPath);
    void vscode.commands.executeCommand('setContext', TEMPLATE_FILES_CONTEXT, files);
    changed.fire();
  };
  return [
    changed,
    vscode.languages.registerCodeLensProvider([{ scheme: 'file', pattern: '**/*.{json,yaml,yml,template}' }], provider),
    index.onDidChange(publishContext),
  ];
}
