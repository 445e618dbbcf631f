import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { localbatch, until } from './util';

interface Manifest {
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations: string[] } };
}

describe('LocalBatch Workspace Trust and live diagnostics (extension host)', () => {
  before(async () => {
    await localbatch().activate();
  });

  it('declares limited support for untrusted workspaces and restricts the settings that choose what runs where', () => {
    const pkg = localbatch().packageJSON as Manifest;
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    for (const key of ['localbatch.aws.endpointUrl', 'localbatch.emulator.stateDir']) {
      assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key), key);
    }
    assert.ok(!pkg.activationEvents.includes('*'), 'activation is lazy');
  });

  it('updates diagnostics as a definition is edited, at the edited line', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const uri = vscode.Uri.joinPath(folder.uri, 'lb-live.workflow.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('jobs:\n  a:\n    jobDefinition: hello\n'));
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'localbatch');
      await until(() => ours().length === 0, 'no diagnostics on the valid workflow');
      const edit = new vscode.WorkspaceEdit();
      edit.insert(uri, new vscode.Position(3, 0), '  b:\n    jobDefinition: helo\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const diags = await until(() => ours().length > 0 && ours(), 'a diagnostic for the unknown job definition');
      assert.equal(diags[0].range.start.line, 4, JSON.stringify(diags.map((d) => [d.range.start.line, d.message])));
      assert.match(diags[0].message, /helo.*did you mean 'hello'/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.workspace.fs.delete(uri);
    }
  });
});
