/**
 * What Step Functions checks before it schedules an optimized Batch task: the Parameters' members of
 * the wrong type for SubmitJob (checked by the Batch API's own model check, the real one), named as
 * the state machine spells them; and how a camelCase member path reads in PascalCase.
 */
import assert from 'node:assert/strict';
import { requestShapeProblem } from '../../../../src/emulator/batch/api/request-shapes';
import { pascalPath } from '../../../../src/emulator/states/tasks/casing';
import { batchParameterProblem, type BatchPort } from '../../../../src/emulator/states/tasks/batch';

const port: BatchPort = {
  call: () => Promise.reject(new Error('not called')),
  subscribe: () => () => undefined,
  check: requestShapeProblem,
};
const SYNC = 'arn:aws:states:::batch:submitJob.sync';

describe('Batch task parameters checked before the task is scheduled (unit)', () => {
  it('names the first member of the wrong type as the state machine spells it', () => {
    assert.equal(batchParameterProblem(SYNC, { JobName: 'x', ContainerOverrides: { Command: 'echo hi' } }, port), `The value for the field 'ContainerOverrides.Command' must be a list, not string "echo hi"`);
    assert.equal(batchParameterProblem('arn:aws:states:::batch:submitJob', { JobName: 'x', ArrayProperties: { Size: '3' } }, port), `The value for the field 'ArrayProperties.Size' must be a number, not string "3"`);
    assert.equal(batchParameterProblem(SYNC, { JobName: 'x', Parameters: { n: 4 } }, port), `The value for the field 'Parameters.n' must be a string, not number 4`);
    assert.equal(batchParameterProblem(SYNC, { JobName: 'x', DependsOn: [{ JobId: 7 }] }, port), `The value for the field 'DependsOn[0].JobId' must be a string, not number 7`);
  });

  it('passes well-typed parameters, other resources, and a port without a check', () => {
    const good = { JobName: 'x', JobQueue: 'q', JobDefinition: 'd', ArrayProperties: { Size: 3 }, ContainerOverrides: { Command: ['echo', 'hi'] }, Parameters: { n: '4' }, Tags: { t: 'v' } };
    assert.equal(batchParameterProblem(SYNC, good, port), undefined);
    // The SDK integration is a plain Batch call: a wrong type there is the service's ClientException.
    assert.equal(batchParameterProblem('arn:aws:states:::aws-sdk:batch:submitJob', { JobName: 4 }, port), undefined);
    assert.equal(batchParameterProblem(SYNC, { JobName: 4 }, { call: port.call, subscribe: port.subscribe }), undefined);
  });

  it('reads a camelCase member path in PascalCase, user-keyed maps as written', () => {
    assert.equal(pascalPath('containerOverrides.command[1]'), 'ContainerOverrides.Command[1]');
    assert.equal(pascalPath('parameters.inputFile'), 'Parameters.inputFile');
    assert.equal(pascalPath('containerOverrides.environment[0].name'), 'ContainerOverrides.Environment[0].Name');
    assert.equal(pascalPath('tags.myTag'), 'Tags.myTag');
  });
});
