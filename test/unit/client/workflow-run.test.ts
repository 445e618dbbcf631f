import assert from 'node:assert/strict';
import { jobDefinitionResolver, referencedDefinitions } from '../../../src/client/workflow-run';
import { SourceDocument } from '../../../src/model/document';
import { Workspace } from '../../../src/model/workspace';

const doc = (file: string, value: unknown) => SourceDocument.parse(file, JSON.stringify(value), 'json');

describe('workflow run preparation (unit)', () => {
  const ws = Workspace.fromDocuments([
    doc('a.jobdef.json', { jobDefinitionName: 'prep', type: 'container' }),
    doc('b.jobdef.json', { jobDefinitionName: 'unused', type: 'container' }),
    doc('q.jobqueue.json', { jobQueueName: 'gpu', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'gpu-ce' }] }),
    doc('c.computeenv.json', { computeEnvironmentName: 'gpu-ce', type: 'UNMANAGED' }),
    doc('p.workflow.json', { jobs: { a: { jobDefinition: 'prep:3', jobQueue: 'gpu' }, b: { jobDefinition: 'arn:aws:batch:us-east-1:1:job-definition/x:1' } } }),
  ]);

  it('collects what the workflow references, and nothing else', () => {
    const refs = referencedDefinitions(ws, ws.workflows[0]);
    assert.deepEqual(refs.jobDefinitions.map((j) => j.jobDefinitionName), ['prep']);
    assert.deepEqual(refs.jobQueues.map((q) => q.jobQueueName), ['gpu']);
    assert.deepEqual(refs.computeEnvironments.map((c) => c.computeEnvironmentName), ['gpu-ce']);
    assert.deepEqual(refs.files, ['p.workflow.json', 'c.computeenv.json', 'q.jobqueue.json', 'a.jobdef.json']);
  });

  it('maps references to the registered revisions', () => {
    const resolve = jobDefinitionResolver(ws, new Map([['prep', 'arn:local:prep:1']]));
    assert.equal(resolve('prep:3'), 'arn:local:prep:1');
    assert.equal(resolve('other'), 'other');
  });
});
