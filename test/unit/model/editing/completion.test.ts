import assert from 'node:assert/strict';
import { completionsAt } from '../../../../src/model/editing/completion';

const names = { jobDefinitions: ['prep', 'render'], jobQueues: ['gpu'], computeEnvironments: ['ce-a'] };
const labels = (text: string, format: 'json' | 'yaml', kind: Parameters<typeof completionsAt>[2]) =>
  completionsAt(text.replace('|', ''), format, kind, text.indexOf('|'), names);

describe('editing: completion (unit)', () => {
  it('offers enum values, quoted in JSON and replacing the typed token', () => {
    const c = labels('{"type": "c|"}', 'json', 'jobDefinition');
    assert.deepEqual(c.map((x) => x.insertText), ['"container"', '"multinode"']);
    assert.deepEqual(c[0].replace, [9, 12]);
    assert.deepEqual(labels('state: |\n', 'yaml', 'jobQueue').map((x) => x.insertText), ['ENABLED', 'DISABLED']);
  });

  it('offers job definitions, queues and jobs of the workflow by name', () => {
    const wf = 'jobs:\n  prep:\n    jobDefinition: prep\n  main:\n    jobDefinition: |\n    jobQueue: gpu\n    dependsOn:\n      - job: \n';
    assert.deepEqual(labels(wf, 'yaml', 'workflow').map((x) => x.label), ['prep', 'render']);
    const q = wf.replace('|', 'r').replace('jobQueue: gpu', 'jobQueue: |');
    assert.deepEqual(labels(q, 'yaml', 'workflow').map((x) => x.label), ['local', 'gpu']);
    const dep = wf.replace('|', 'r') + '|';
    const depText = dep.replace('      - job: \n|', '      - job: |');
    assert.deepEqual(labels(depText, 'yaml', 'workflow').map((x) => x.label), ['prep']);
    assert.deepEqual(labels('{"jobs": {"a": {"jobDefinition": "|"}}}', 'json', 'workflow').map((x) => x.insertText), ['"prep"', '"render"']);
    assert.deepEqual(labels('{"computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "|"}]}', 'json', 'jobQueue').map((x) => x.label), ['ce-a']);
  });

  it('offers property names not yet set', () => {
    const props = labels('jobQueueName: q\n|\n', 'yaml', 'jobQueue').map((x) => x.label);
    assert.ok(props.includes('priority'));
    assert.ok(!props.includes('jobQueueName'));
  });
});
