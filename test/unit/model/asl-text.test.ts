/** Reading a state machine file for the editor (asl-text.ts): which files, the definition, the name, the Batch references. */
import assert from 'node:assert/strict';
import { batchReferences } from '../../../src/model/asl/batch-refs';
import { isAslFile, parseAslText, stateMachineNameFor } from '../../../src/model/asl-text';

describe('state machine files (editor side)', () => {
  it('recognises the AWS Toolkit file names only', () => {
    for (const f of ['a.asl.json', 'dir/b.asl.yaml', 'C.ASL.YML']) assert.ok(isAslFile(f), f);
    for (const f of ['a.json', 'asl.json', 'a.asl.json.bak', 'a.workflow.yaml']) assert.ok(!isAslFile(f), f);
  });

  it('reads JSON and YAML definitions, and says why it cannot', () => {
    assert.deepEqual(parseAslText('{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}'), { definition: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } } });
    assert.deepEqual(parseAslText('StartAt: A\nStates:\n  A: {Type: Succeed}\n'), { definition: { StartAt: 'A', States: { A: { Type: 'Succeed' } } } });
    assert.match((parseAslText('{"StartAt": ') as { error: string }).error, /./);
    assert.match((parseAslText('[1, 2]') as { error: string }).error, /StartAt and States/);
    assert.match((parseAslText('') as { error: string }).error, /StartAt and States/);
  });

  it('names the state machine after the file, as Step Functions allows names', () => {
    assert.equal(stateMachineNameFor('pipelines/genomics.asl.yaml'), 'genomics');
    assert.equal(stateMachineNameFor('my pipeline (v2).asl.json'), 'my-pipeline-v2');
    assert.equal(stateMachineNameFor('.asl.json'), 'state-machine');
    assert.equal(stateMachineNameFor(`${'x'.repeat(100)}.asl.json`).length, 80);
  });

  it('collects the job definitions and queues of Batch Tasks, nested ones included, static names only', () => {
    const def = {
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { JobDefinition: 'pre', JobQueue: 'spot', 'JobName.$': '$.n' }, Next: 'P' },
        P: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob', Parameters: { JobDefinition: 'post', JobQueue: 'spot' }, End: true } } }], Next: 'M' },
        M: { Type: 'Map', ItemProcessor: { StartAt: 'C', States: { C: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Arguments: { JobDefinition: 'each', JobQueue: '{% $q %}' }, End: true } } }, Next: 'L' },
        L: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { JobDefinition: 'not-batch' }, End: true },
      },
    };
    assert.deepEqual(batchReferences(def), { jobDefinitions: ['pre', 'post', 'each'], jobQueues: ['spot'] });
    assert.deepEqual(batchReferences(undefined), { jobDefinitions: [], jobQueues: [] });
  });
});
