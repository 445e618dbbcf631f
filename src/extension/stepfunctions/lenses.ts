/**
 * State machine files in the editor: "Run State Machine Locally" and "Run with Input…" (trusted workspaces only) and "Show
 * Graph" code lenses at the top of every `*.asl.json|yaml|yml` file.
 */
import * as vscode from 'vscode';

export function registerStateMachineLenses(): vscode.Disposable[] {
  const provider: vscode.CodeLensProvider = {
    provideCodeLenses(doc) {
      const top = new vscode.Range(0, 0, 0, 0);
      const lenses = [new vscode.CodeLens(top, { title: '$(type-hierarchy) Show Graph', tooltip: 'Draw the state machine', command: 'localbatch.showStateMachineGraph', arguments: [doc.uri] })];
      if (vscode.workspace.isTrusted) {
        lenses.unshift(
          new vscode.CodeLens(top, { title: '$(play) Run State Machine Locally', tooltip: 'Create or update it on the local emulator and start an execution with the input {}', command: 'localbatch.runStateMachine', arguments: [doc.uri] }),
          new vscode.CodeLens(top, { title: 'Run with Input…', tooltip: 'Start an execution with the input you give (JSON or @file)', command: 'localbatch.runStateMachineWithInput', arguments: [doc.uri] }),
        );
      }
      return lenses;
    },
  };
  return [vscode.languages.registerCodeLensProvider([{ scheme: 'file', pattern: '**/*.asl.{json,yaml,yml}' }], provider)];
}
