/** loadWorkspace (what `run` and `serve` load) leaves out the workspaces nested in the folder it loads. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadWorkspace } from '../../../src/node/load-workspace';

const jobdef = (name: string) => `jobDefinitionName: ${name}\ntype: container\ncontainerProperties:\n  image: busybox\n  resourceRequirements: [{type: VCPU, value: "1"}, {type: MEMORY, value: "512"}]\n`;

describe('loadWorkspace: nested workspaces (unit)', () => {
  let dir: string;
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lb-load-'));
    mkdirSync(path.join(dir, '.git')); // a repository: the search for localbatch.yaml stops here
    write('svc/localbatch.yaml', 'region: us-east-1\n');
    write('svc/worker.jobdef.yaml', jobdef('worker'));
    write('svc/deep/only-in-svc.jobdef.yaml', jobdef('only-in-svc'));
    write('worker.jobdef.yaml', jobdef('worker'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const names = (ws: Awaited<ReturnType<typeof loadWorkspace>>) => [...ws.workspace.jobDefinitions.values()].map((d) => `${d.name} ${d.doc.file}`).sort();

  it("reports an images: entry whose build context or Dockerfile does not exist, at its line", async () => {
    write('app/Dockerfile', 'FROM busybox\n');
    write('localbatch.yaml', 'images:\n  - name: app:1\n    context: app\n  - name: gone:1\n    context: nothere\n  - name: nofile:1\n    context: app\n    dockerfile: Other.Dockerfile\n');
    const loaded = await loadWorkspace(dir, dir);
    const found = loaded.diagnostics.filter((d) => d.rule === 'image-context-not-found').map((d) => `${d.range.start.line + 1}: ${d.message}`);
    assert.deepEqual(found, ["5: the build context 'nothere' is not a folder (paths are relative to this file)", "8: the Dockerfile 'Other.Dockerfile' is not in the build context 'app'"]);
  });

  it('loads a folder without the subfolder that has its own localbatch.yaml (no duplicate names)', async () => {
    for (const settings of [false, true]) {
      if (settings) write('localbatch.yaml', 'region: us-east-1\n');
      const loaded = await loadWorkspace(dir, dir);
      assert.deepEqual(names(loaded), ['worker worker.jobdef.yaml'], settings ? 'with a localbatch.yaml at the top' : 'with none at the top');
      assert.deepEqual(loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
      assert.deepEqual(loaded.nested, [{ folder: path.join(dir, 'svc'), settings: path.join(dir, 'svc', 'localbatch.yaml') }]);
    }
  });

  it('takes a localbatch.yml as the root\'s settings too (alone, or beside a localbatch.yaml)', async () => {
    write('localbatch.yml', 'region: eu-west-1\n');
    const yml = await loadWorkspace(dir, dir);
    assert.deepEqual(names(yml), ['worker worker.jobdef.yaml']);
    assert.deepEqual(yml.nested.map((n) => n.folder), [path.join(dir, 'svc')]);
    write('localbatch.yaml', 'region: us-east-1\n');
    const both = await loadWorkspace(dir, dir);
    assert.deepEqual(names(both), ['worker worker.jobdef.yaml']);
  });

  it('loads a template the root lists from a nested workspace\'s folder with the root', async () => {
    write('localbatch.yaml', 'region: us-east-1\ntemplates: [svc/infra/stack.json]\n');
    write('svc/infra/stack.json', JSON.stringify({ Resources: { J: { Type: 'AWS::Batch::JobDefinition', Properties: { Type: 'container', JobDefinitionName: 'from-template', ContainerProperties: { Image: 'busybox', ResourceRequirements: [{ Type: 'VCPU', Value: '1' }, { Type: 'MEMORY', Value: '512' }] } } } } }));
    assert.deepEqual(names(await loadWorkspace(dir, dir)), ['from-template svc/infra/stack.json', 'worker worker.jobdef.yaml']);
  });

  it('loads the nested workspace from its own folder, or a folder inside it', async () => {
    write('localbatch.yaml', 'region: us-east-1\n');
    assert.deepEqual(names(await loadWorkspace(path.join(dir, 'svc'), dir)), ['only-in-svc svc/deep/only-in-svc.jobdef.yaml', 'worker svc/worker.jobdef.yaml']);
    const deep = await loadWorkspace(path.join(dir, 'svc', 'deep'), dir);
    assert.equal(deep.root, path.join(dir, 'svc'));
    assert.deepEqual(names(deep), ['only-in-svc svc/deep/only-in-svc.jobdef.yaml']);
    assert.equal(deep.workspace.settings?.doc.file, 'svc/localbatch.yaml');
    assert.deepEqual(deep.nested, []);
  });
});
