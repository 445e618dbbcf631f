import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { localbatch } from './util';

/** A state machine file written into the test workspace at run time and removed afterwards. */
const TEXT = '{\n  "StartAt": "Prep",\n  "States": {\n    "Prep": {"Type": "Pass", "Next": "Done"},\n    "Done": {"Type": "Succeed"},\n    "Pick": {"Type": "Choice", "Choices": [{"Variable": "$.x", "": 1, "Next": "Done"}], "Default": "Done"}\n  }\n}\n';

describe('LocalBatch state machine hover and completion (extension host)', () => {
  let uri: vscode.Uri;
  let doc: vscode.TextDocument;

  before(async () => {
    await localbatch().activate();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    uri = vscode.Uri.joinPath(folder.uri, 'lb-editing-test.asl.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(TEXT));
    doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(uri);
  });

  it('describes a state type on hover', async () => {
    const pos = doc.positionAt(TEXT.indexOf('"Pass"') + 2);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*Pass\*\* state/);
  });

  it('completes a Choice rule\'s operators and describes its Variable', async () => {
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, doc.positionAt(TEXT.indexOf('"": 1') + 1));
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(['StringEquals', 'NumericGreaterThan', 'IsPresent', 'And'].every((l) => labels.includes(l)) && !labels.includes('Variable'), JSON.stringify(labels.slice(0, 60)));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, doc.positionAt(TEXT.indexOf('"Variable"') + 2));
    assert.match(hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n'), /\*\*Variable\*\* \(Choice rule\)/);
  });

  it('completes Next with the state names', async () => {
    const pos = doc.positionAt(TEXT.indexOf('"Done"') + 1);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, pos);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('Done') && !labels.includes('Prep'), JSON.stringify(labels.slice(0, 20)));
  });
});
