import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { localbatch, until } from './util';

describe('LocalBatch diagnostics (extension host)', () => {
  it('reports a broken *.jobdef.json at the offending line', async () => {
    await localbatch().activate();
    const [uri] = await vscode.workspace.findFiles('**/broken.jobdef.json', undefined, 1);
    assert.ok(uri, 'fixture broken.jobdef.json is in the workspace');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('"attempts"'));

    const ours = await until(() => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'localbatch');
      return d.length > 0 && d;
    }, 'a localbatch diagnostic on broken.jobdef.json');
    assert.ok(ours.some((d) => d.range.start.line === line),
      `a diagnostic on line ${line + 1}: ${JSON.stringify(ours.map((d) => [d.range.start.line + 1, d.message]))}`);
  });
});
