import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatDiagnostic } from '../../../src/model/diagnostics';
import { validateWorkspace } from '../../../src/model/validation';
import { Workspace } from '../../../src/model/workspace';
import { SourceDocument } from '../../../src/model/document';
import { kindOfFile } from '../../../src/model/kinds';
import { displayPath, findDefinitionFiles } from '../../../src/node/definition-files';

const ROOT = path.resolve(__dirname, '../../..');

async function exampleSources() {
  const found = await findDefinitionFiles(['examples'], ROOT);
  // examples/stepfunctions is a workspace of its own (its localbatch.yaml), checked below.
  return found.files.filter((f) => !f.includes(`${path.sep}stepfunctions${path.sep}`)).map((abs) => ({ path: displayPath(abs, ROOT), text: readFileSync(abs, 'utf8') }));
}

describe('examples (unit)', () => {
  it('validate with zero errors and zero warnings', async () => {
    const sources = await exampleSources();
    assert.ok(sources.length >= 10, `expected the example files, found ${sources.length}`);
    const diags = validateWorkspace(sources);
    assert.deepEqual(diags.map(formatDiagnostic), []);
  });

  it('show the classic patterns: fan-out, N_TO_N of the same size, plain dependency on an array, SEQUENTIAL', async () => {
    const docs = (await exampleSources()).map((s) => SourceDocument.parse(s.path, s.text, kindOfFile(s.path)!.format));
    const ws = Workspace.fromDocuments(docs);
    const wf = ws.workflows[0];
    const job = (n: string) => wf.job(n)!.value as { arrayProperties?: { size: number }; dependsOn?: Array<{ job?: string; type?: string }> };
    assert.equal(job('simulate').arrayProperties?.size, 8);
    assert.deepEqual(job('postprocess').dependsOn, [{ job: 'simulate', type: 'N_TO_N' }]);
    assert.equal(job('postprocess').arrayProperties?.size, 8);
    assert.deepEqual(job('aggregate').dependsOn, [{ job: 'postprocess' }]);
    assert.equal(job('render-frames').arrayProperties?.size, 4);
    assert.ok(job('render-frames').dependsOn?.some((d) => d.type === 'SEQUENTIAL' && d.job === undefined));
    assert.equal(ws.jobQueues.size, 2);
    assert.equal(ws.computeEnvironments.size, 2);
    assert.ok(ws.settings);
    const formats = new Set(docs.filter((d) => kindOfFile(d.file)?.kind === 'jobDefinition').map((d) => d.format));
    assert.deepEqual([...formats].sort(), ['json', 'yaml']);
  });

  it('stepfunctions: validates with zero errors and zero warnings; its state machine uses the example queues', async () => {
    const found = await findDefinitionFiles(['examples/stepfunctions'], ROOT);
    const sources = found.files.map((abs) => ({ path: displayPath(abs, ROOT), text: readFileSync(abs, 'utf8') }));
    assert.deepEqual(validateWorkspace(sources).map(formatDiagnostic), []);
    const ws = Workspace.fromDocuments(sources.map((s) => SourceDocument.parse(s.path, s.text, kindOfFile(s.path)!.format)));
    assert.deepEqual(ws.stateMachines.map((m) => m.id), ['pipeline']);
    assert.deepEqual([...ws.jobQueues.keys()].sort(), ['ondemand', 'reserved', 'spot']);
  });
});
