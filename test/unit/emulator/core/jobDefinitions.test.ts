import assert from 'node:assert/strict';
import { ClientException } from '../../../../src/emulator/batch/core/errors';
import { harness } from '../../../support/engineHarness';

describe('Job definitions (unit)', () => {
  it('adds a revision on every register, even for an identical body', async () => {
    const h = await harness();
    const body = { jobDefinitionName: 'd', type: 'container' as const, containerProperties: { image: 'img', command: ['true'] } };
    const r1 = h.engine.registerJobDefinition(body);
    const r2 = h.engine.registerJobDefinition(body);
    assert.deepEqual([r1.revision, r2.revision], [1, 2]);
    assert.equal(r2.jobDefinitionArn, 'arn:aws:batch:us-east-1:000000000000:job-definition/d:2');
    assert.deepEqual(h.engine.describeJobDefinitions({ jobDefinitionName: 'd' }).map((d) => [d.revision, d.status]), [[1, 'ACTIVE'], [2, 'ACTIVE']]);
  });

  it('submits by name (latest ACTIVE), name:revision or ARN; INACTIVE revisions are skipped by name', async () => {
    const h = await harness();
    h.def('d', 'echo one');
    h.def('d', 'echo two');
    h.engine.deregisterJobDefinition('d:2');
    assert.equal(h.engine.describeJobDefinitions({ jobDefinitions: ['d:2'] })[0].status, 'INACTIVE');
    assert.deepEqual(h.engine.describeJobDefinitions({ status: 'ACTIVE' }).map((d) => d.revision), [1]);
    const byName = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 'd' });
    const byRev = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 'd:1' });
    const byArn = h.engine.submitJob({ jobName: 'c', jobQueue: 'q', jobDefinition: 'arn:aws:batch:us-east-1:000000000000:job-definition/d:1' });
    for (const r of [byName, byRev, byArn]) assert.match(h.describe(r.jobId).jobDefinition!, /job-definition\/d:1$/);
    assert.throws(() => h.engine.submitJob({ jobName: 'x', jobQueue: 'q', jobDefinition: 'd:2' }), /INACTIVE/);
    h.engine.deregisterJobDefinition('d:1');
    assert.throws(() => h.engine.submitJob({ jobName: 'x', jobQueue: 'q', jobDefinition: 'd' }), ClientException);
    assert.throws(() => h.engine.submitJob({ jobName: 'x', jobQueue: 'q', jobDefinition: 'nope' }), /Job definition nope does not exist/);
  });

  it('rejects invalid definitions with ClientException', async () => {
    const h = await harness();
    const base = { jobDefinitionName: 'd', type: 'container' as const, containerProperties: { image: 'img' } };
    assert.throws(() => h.engine.registerJobDefinition({ ...base, retryStrategy: { attempts: 11 } }), ClientException);
    assert.throws(() => h.engine.registerJobDefinition({ ...base, retryStrategy: { evaluateOnExit: [{ action: 'RETRY', onExitCode: '1' }] } }), /RetryAttempts must be provided/);
    assert.throws(() => h.engine.registerJobDefinition({ ...base, timeout: { attemptDurationSeconds: 30 } }), ClientException);
    assert.throws(() => h.engine.registerJobDefinition({ ...base, containerProperties: { image: 'img', environment: [{ name: 'AWS_BATCH_X', value: '1' }] } }), /AWS_BATCH/);
  });
});
