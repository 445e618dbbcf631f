import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { localbatch, until } from './util';

/** Written into the test workspace at run time and removed afterwards, so fixtures stay untouched. */
const TEXT = '{\n  "jobDefinitionName": "edit-test",\n  "type": "container",\n  "containerProperties": {"image": "busybox"},\n  "retryStrategy": {"attemps": 2}\n}\n';

describe('LocalBatch editing features (extension host)', () => {
  let uri: vscode.Uri;
  let doc: vscode.TextDocument;

  before(async () => {
    await localbatch().activate();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    uri = vscode.Uri.joinPath(folder.uri, 'lb-editing-test.jobdef.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(TEXT));
    doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(uri);
  });

  it('shows schema documentation on hover', async () => {
    const pos = doc.positionAt(TEXT.indexOf('"type"') + 2);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /multinode/);
  });

  it('completes enum values', async () => {
    const pos = doc.positionAt(TEXT.indexOf('"container"') + 1);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, pos);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('multinode'), JSON.stringify(labels.slice(0, 20)));
  });

  it('offers a quick fix that renames an unknown property', async () => {
    const diag = await until(() => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'localbatch' && /attemps/.test(d.message)), 'the unknown-property diagnostic');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range);
    const fix = actions.find((a) => /Rename "attemps" to "attempts"/.test(a.title));
    assert.ok(fix?.edit, JSON.stringify(actions.map((a) => a.title)));
    await vscode.workspace.applyEdit(fix.edit);
    assert.match(doc.getText(), /"attempts": 2/);
    await until(() => !vscode.languages.getDiagnostics(uri).some((d) => /attemps/.test(d.message)), 'the diagnostic to clear after the fix');
  });
});
