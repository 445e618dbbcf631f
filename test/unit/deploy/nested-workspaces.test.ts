/** `deploy` works on one workspace: nested ones (their own localbatch.yaml) in a folder given are left out, paths inside one refused. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeployInputError, loadDeployInput, ownedNotes } from '../../../src/deploy/input';

describe('deploy input: nested workspaces (unit)', () => {
  let dir: string;
  const jobdef = (name: string) => JSON.stringify({ jobDefinitionName: name, type: 'container', containerProperties: { image: 'busybox', resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-deploy-nested-'));
    mkdirSync(path.join(dir, '.git'));
    for (const w of ['a', 'b']) {
      mkdirSync(path.join(dir, w));
      writeFileSync(path.join(dir, w, 'localbatch.yaml'), 'region: us-east-1\n');
      writeFileSync(path.join(dir, w, 'worker.jobdef.json'), jobdef('worker'));
    }
    writeFileSync(path.join(dir, 'top.jobdef.json'), jobdef('top'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('deploys one workspace, and refuses paths that take in two', async () => {
    const a = await loadDeployInput(['a'], dir);
    assert.deepEqual(a.desired.map((d) => `${d.name} ${d.file}`), ['worker a/worker.jobdef.json']);
    await assert.rejects(loadDeployInput(['a', 'b'], dir), (err: Error) => err instanceof DeployInputError && /^a, b have their own localbatch\.yaml: deploy one workspace at a time \(`localbatch deploy a`\)$/.test(err.message));
    await assert.rejects(loadDeployInput(['top.jobdef.json', 'b/worker.jobdef.json'], dir), /^Error: b has its own localbatch\.yaml: deploy one workspace at a time \(`localbatch deploy b`\)$/);
  });

  it('deploys the top folder\'s own files when only they are named', async () => {
    const top = await loadDeployInput(['top.jobdef.json'], dir);
    assert.deepEqual(top.desired.map((d) => d.name), ['top']);
    assert.deepEqual(ownedNotes(top), []);
  });

  it('leaves the workspaces nested in the folder out, and says so', async () => {
    for (const settings of ['localbatch.yaml', 'localbatch.yml']) {
      writeFileSync(path.join(dir, settings), 'region: us-east-1\n');
      const input = await loadDeployInput(['.'], dir);
      assert.deepEqual(input.desired.map((d) => d.name), ['top'], settings);
      assert.deepEqual(ownedNotes(input), [
        'not deployed: a has its own localbatch.yaml, so it is a workspace of its own: `localbatch deploy a` deploys it',
        'not deployed: b has its own localbatch.yaml, so it is a workspace of its own: `localbatch deploy b` deploys it',
      ]);
      rmSync(path.join(dir, settings));
    }
  });
});
