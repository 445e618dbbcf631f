import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SourceDocument } from '../../../../src/model/document';
import { validateWorkspace } from '../../../../src/model/validation';
import { parseRef, Workspace } from '../../../../src/model/workspace';

const doc = (file: string, value: unknown) => SourceDocument.parse(file, JSON.stringify(value, null, 2), 'json');

describe('Workspace model (unit)', () => {
  const ws = Workspace.fromDocuments([
    doc('b/sim.jobdef.json', { jobDefinitionName: 'sim', type: 'container' }),
    doc('a/sim.jobdef.json', { jobDefinitionName: 'sim', type: 'container' }),
    doc('q.jobqueue.json', { jobQueueName: 'q', computeEnvironmentOrder: [] }),
    doc('ce.computeenv.json', { computeEnvironmentName: 'ce' }),
    doc('flow.workflow.json', { jobs: { a: { jobDefinition: 'sim' }, b: 3 } }),
    doc('sub/localbatch.yaml', { port: 1 }),
    doc('localbatch.yaml', { port: 2 }),
    doc('notes.txt', {}),
  ]);

  it('indexes definitions by name, keeping the first file by path', () => {
    assert.equal(ws.jobDefinitions.get('sim')?.doc.file, 'a/sim.jobdef.json');
    assert.equal(ws.diagnostics.length, 1);
    assert.equal(ws.diagnostics[0].file, 'b/sim.jobdef.json');
    assert.equal(ws.diagnostics[0].rule, 'duplicate-definition');
    assert.equal(ws.jobQueues.get('q')?.name, 'q');
    assert.equal(ws.computeEnvironments.get('ce')?.namePath[0], 'computeEnvironmentName');
    assert.equal(ws.settings?.doc.file, 'localbatch.yaml');
  });

  it('resolves names, name:revision and ARNs', () => {
    assert.equal(ws.jobDefinition('sim')?.name, 'sim');
    assert.equal(ws.jobDefinition('sim:12')?.name, 'sim');
    assert.equal(ws.jobDefinition('arn:aws:batch:eu-west-1:123456789012:job-definition/sim:3')?.name, 'sim');
    assert.equal(ws.jobDefinition('arn:aws:batch:eu-west-1:123456789012:job-queue/sim'), undefined);
    assert.equal(ws.jobDefinition('other'), undefined);
    assert.equal(ws.jobQueue('arn:aws:batch:us-east-1:123456789012:job-queue/q')?.name, 'q');
    assert.equal(ws.computeEnvironment('arn:aws:batch:us-east-1:123456789012:compute-environment/ce')?.name, 'ce');
    assert.deepEqual(parseRef('x:7', 'job-definition'), { name: 'x', revision: 7 });
    assert.equal(parseRef('x:7', 'job-queue'), undefined);
  });

  it('lists workflows and their object jobs', () => {
    assert.equal(ws.workflows.length, 1);
    assert.equal(ws.workflows[0].name, 'flow');
    assert.deepEqual([...ws.workflowJobs()].map((j) => j.key), ['a']);
    assert.equal(ws.workflows[0].job('a')?.path.join('.'), 'jobs.a');
  });

  it('never throws on arbitrary values in any kind of file', () => {
    const files = ['a.jobdef.json', 'b.jobqueue.json', 'c.computeenv.json', 'd.workflow.json', 'localbatch.yaml'];
    const value = fc.oneof(fc.jsonValue(), fc.record({ jobs: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.jsonValue()) }), fc.record({ jobDefinitionName: fc.string(), jobQueueName: fc.string(), computeEnvironmentOrder: fc.jsonValue() }));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...files), value), { maxLength: 6 }), (pairs) => {
        const sources = pairs.map(([path, v], i) => ({ path: `${i}/${path}`, text: path.endsWith('yaml') ? JSON.stringify(v) : JSON.stringify(v ?? null) }));
        const diags = validateWorkspace(sources);
        assert.deepEqual(diags.filter((d) => d.rule === 'internal'), []);
      }),
      { numRuns: 200 },
    );
  });
});
