/**
 * Templates in the editor: a "Run Job Definition Locally" code lens above each job definition of a
 * CloudFormation/CDK template or Terraform file, and "Run State Machine Locally", "Run with Input…"
 * and "Show Graph" at each state machine's definition (the runs in trusted workspaces only), and the
 * context key `localbatch.templateFiles` (their paths) for menus.
 */
import * as vscode from 'vscode';
import { toVsRange } from './convert';
import type { DefinitionIndex } from './definitionIndex';

export const TEMPLATE_FILES_CONTEXT = 'localbatch.templateFiles';
/** The templates that declare state machines (for the state machine commands' menus). */
export const STATE_MACHINE_TEMPLATES_CONTEXT = 'localbatch.stateMachineTemplates';

export function registerTemplateLenses(index: DefinitionIndex): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(doc) {
      const file = index.get(doc.uri);
      if (file?.kind.kind !== 'template') return [];
      const ws = index.workspaceOf(file.doc.file);
      const trusted = vscode.workspace.isTrusted;
      const template = ws.templates.find((t) => t.doc.file === file.doc.file);
      const jobs = trusted ? (template?.resources ?? []).filter((r) => r.kind === 'jobDefinition').map((r) => new vscode.CodeLens(toVsRange(template!.doc.rangeOf(r.path, 'key')), {
        title: '$(play) Run Job Definition Locally',
        tooltip: `Run ${r.name} (${r.id}) on the local emulator`,
        command: 'localbatch.runJobDefinition',
        arguments: [{ kind: 'templateResource', uri: doc.uri, resourceId: r.id }],
      })) : [];
      const machines = ws.stateMachines.filter((m) => m.source !== 'file' && m.file === file.doc.file).flatMap((m) => {
        const start = toVsRange(m.doc.rangeOf([])).start;
        const at = new vscode.Range(start, start);
        const arg = { kind: 'templateStateMachine', uri: doc.uri, machine: m.id };
        const graph = new vscode.CodeLens(at, { title: '$(type-hierarchy) Show Graph', tooltip: `Draw ${m.id}`, command: 'localbatch.showStateMachineGraph', arguments: [arg] });
        if (!trusted) return [graph];
        return [
          new vscode.CodeLens(at, { title: '$(play) Run State Machine Locally', tooltip: `Create or update ${m.name} (${m.id}) on the local emulator and start an execution with the input {}`, command: 'localbatch.runStateMachine', arguments: [arg] }),
          new vscode.CodeLens(at, { title: 'Run with Input…', tooltip: `Start an execution of ${m.name} with the input you give (JSON or @file)`, command: 'localbatch.runStateMachineWithInput', arguments: [arg] }),
          graph,
        ];
      });
      return [...jobs, ...machines];
    },
  };
  const publishContext = () => {
    const templates = index.all().filter((f) => f.kind.kind === 'template');
    void vscode.commands.executeCommand('setContext', TEMPLATE_FILES_CONTEXT, templates.map((f) => f.uri.fsPath));
    const declaring = new Set(index.groups().flatMap((g) => index.workspaceOfGroup(g).stateMachines.filter((m) => m.source !== 'file').map((m) => m.file)));
    void vscode.commands.executeCommand('setContext', STATE_MACHINE_TEMPLATES_CONTEXT, templates.filter((f) => declaring.has(f.doc.file)).map((f) => f.uri.fsPath));
    changed.fire();
  };
  return [
    changed,
    vscode.languages.registerCodeLensProvider([{ scheme: 'file', pattern: '**/*.{json,yaml,yml,template}' }], provider),
    index.onDidChange(publishContext),
  ];
}
