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

  describe('a folder holding several workspaces (a localbatch.yaml each)', () => {
    let services: vscode.Uri;
    const jobdef = (name: string) => `jobDefinitionName: ${name}\ntype: container\ncontainerProperties:\n  image: busybox\n  resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "512"}]\n`;
    const write = (rel: string, text: string) => vscode.workspace.fs.writeFile(vscode.Uri.joinPath(services, rel), new TextEncoder().encode(text));
    const ours = (rel: string) => vscode.languages.getDiagnostics(vscode.Uri.joinPath(services, rel)).filter((d) => d.source === 'localbatch').map((d) => String(d.code));

    before(async () => {
      await localbatch().activate();
      services = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'services');
      for (const w of ['a', 'b']) {
        await write(`${w}/localbatch.yaml`, 'region: us-east-1\n');
        await write(`${w}/worker.jobdef.yaml`, jobdef('worker'));
      }
      await write('b/only-in-b.jobdef.yaml', jobdef('only-in-b'));
      await write('a/flow.workflow.yaml', 'jobs:\n  one:\n    jobDefinition: worker\n  two:\n    jobDefinition: only-in-b\n');
      // VS Code's file watcher can miss files written into folders just created (CI run 2 of the
      // twelfth session: a's files never came): the Definitions view's Refresh reads them all again.
      await vscode.commands.executeCommand('localbatch.definitions.refresh');
    });

    after(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(services, { recursive: true });
    });

    it('checks each on its own: the same name in two is no duplicate, and a workflow sees only its own definitions', async () => {
      await until(() => ours('a/flow.workflow.yaml').includes('unknown-job-definition'), 'the workflow of a to be told only-in-b (defined in b) is unknown');
      assert.deepEqual(ours('a/flow.workflow.yaml'), ['unknown-job-definition']);
      const [unknown] = vscode.languages.getDiagnostics(vscode.Uri.joinPath(services, 'a/flow.workflow.yaml')).filter((d) => d.source === 'localbatch');
      assert.match(unknown.message, /'only-in-b', which is not defined in the workspace; services\/b\/only-in-b\.jobdef\.yaml defines it, in another workspace/);
      assert.deepEqual([...ours('a/worker.jobdef.yaml'), ...ours('b/worker.jobdef.yaml')], [], 'worker is defined once in each workspace');

      // Completion of a job definition name in a's workflow offers a's definitions only.
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(services, 'a/flow.workflow.yaml'));
      await vscode.window.showTextDocument(doc);
      const at = doc.positionAt(doc.getText().indexOf('only-in-b'));
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at);
      const names = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert.ok(names.includes('worker'), `worker offered: ${names.join(', ')}`);
      assert.ok(!names.includes('only-in-b'), `b's definition not offered in a: ${names.join(', ')}`);
    });

    it('a Refresh of the Definitions view reads again a file the file watcher missed', async () => {
      const api = localbatch().exports as { index: { remove(uri: vscode.Uri): void } };
      // As if the watcher had missed a's worker (VS Code's can miss files written into a new folder).
      api.index.remove(vscode.Uri.joinPath(services, 'a/worker.jobdef.yaml'));
      await until(() => ours('a/flow.workflow.yaml').length === 2, 'the workflow of a to lose worker');
      await vscode.commands.executeCommand('localbatch.definitions.refresh');
      await until(() => ours('a/flow.workflow.yaml').length === 1, 'worker back after the Refresh');
      assert.deepEqual(ours('a/flow.workflow.yaml'), ['unknown-job-definition']);
    });
  });
});
