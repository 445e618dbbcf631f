/**
 * Which `*.assets.json` lists a CDK template's image assets: the stack's own beside its template, and
 * for a nested stack's template the parent's (the manifest that lists the nested template as a file).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assetManifestFileFor } from '../../../src/node/cdk-asset-manifest';

describe('the asset manifest of a CDK template (unit)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-cdk-manifest-'));
    const write = (name: string, value: unknown) => writeFileSync(path.join(dir, name), JSON.stringify(value));
    write('BatchStack.template.json', {});
    write('BatchStack.assets.json', { version: '36.0.0', files: { abc: { source: { path: 'BatchStackInnerABCDEF12.nested.template.json', packaging: 'file' } } }, dockerImages: {} });
    write('BatchStackInnerABCDEF12.nested.template.json', {});
    write('Other.assets.json', { files: { x: { source: { path: 'Other.template.json' } } } });
    write('Broken.assets.json', '{');
    write('LoneStackOrphanX.nested.template.json', {});
    write('Plain.template.json', {});
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the stack's own manifest, a nested stack's parent manifest, and none for a template without one", () => {
    const at = (f: string) => assetManifestFileFor(path.join(dir, f));
    assert.equal(at('BatchStack.template.json'), path.join(dir, 'BatchStack.assets.json'));
    assert.equal(at('BatchStackInnerABCDEF12.nested.template.json'), path.join(dir, 'BatchStack.assets.json'));
    assert.equal(at('LoneStackOrphanX.nested.template.json'), undefined);
    assert.equal(at('Plain.template.json'), undefined);
    assert.equal(at('notes.json'), undefined);
  });
});
