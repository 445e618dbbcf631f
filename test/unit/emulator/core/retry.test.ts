import assert from 'node:assert/strict';
import type { EvaluateOnExit } from '@aws-sdk/client-batch';
import { actionIsRetry, globMatches, retryPolicy } from '../../../../src/emulator/batch/core/retry';
import { harness } from '../../../support/engineHarness';

async function runWith(script: string, evaluateOnExit: EvaluateOnExit[], attempts = 3) {
  const h = await harness();
  h.def('r', script, { retryStrategy: { attempts, evaluateOnExit } });
  const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'r' });
  await h.clock.advance(60_000);
  return { h, d: h.describe(r.jobId), id: r.jobId };
}

describe('Retries and evaluateOnExit (unit)', () => {
  it('retries up to attempts, recording each attempt and AWS_BATCH_JOB_ATTEMPT', async () => {
    const { h, d, id } = await runWith('exit 1', []);
    assert.equal(d.status, 'FAILED');
    assert.equal(d.attempts?.length, 3);
    assert.deepEqual(d.attempts?.map((a) => a.container?.exitCode), [1, 1, 1]);
    assert.deepEqual(d.attempts?.map((a) => a.statusReason), Array(3).fill('Essential container in task exited'));
    assert.ok(d.attempts?.every((a) => a.startedAt !== undefined && a.stoppedAt !== undefined && a.container?.logStreamName));
    assert.deepEqual(h.runtime.started.map((s) => s.environment.AWS_BATCH_JOB_ATTEMPT), ['1', '2', '3']);
    assert.deepEqual(h.statuses(id), ['RUNNABLE', 'STARTING', 'RUNNING', 'RUNNABLE', 'STARTING', 'RUNNING', 'RUNNABLE', 'STARTING', 'RUNNING', 'FAILED']);
    assert.equal(new Set(d.attempts?.map((a) => a.container?.logStreamName)).size, 3, 'one stream per attempt');
  });

  it('retries when a RETRY entry matches', async () => {
    const { d } = await runWith('exit 3', [{ onExitCode: '3', action: 'RETRY' }, { onExitCode: '*', action: 'EXIT' }]);
    assert.equal(d.attempts?.length, 3);
  });

  it('stops when an EXIT entry matches', async () => {
    const { d } = await runWith('exit 4', [{ onExitCode: '3', action: 'RETRY' }, { onExitCode: '4', action: 'EXIT' }]);
    assert.equal(d.status, 'FAILED');
    assert.equal(d.attempts?.length, 1);
  });

  it('retries when no entry matches', async () => {
    const { d } = await runWith('exit 5', [{ onExitCode: '3', action: 'EXIT' }]);
    assert.equal(d.attempts?.length, 3);
  });

  it('matches the action case-insensitively', async () => {
    const { d } = await runWith('exit 6', [{ onExitCode: '6', action: 'exit' as 'EXIT' }]);
    assert.equal(d.attempts?.length, 1);
  });

  it('matches trailing-* globs on onReason (OOM) and needs every condition of an entry', async () => {
    const { d } = await runWith('tail /dev/zero', [
      { onReason: 'OutOfMemoryError*', onExitCode: '1', action: 'EXIT' },
      { onReason: 'OutOfMemory*', onExitCode: '13*', action: 'EXIT' },
    ]);
    assert.equal(d.attempts?.length, 1, 'second entry matched exit 137 and the OOM reason');
    assert.equal(d.container?.reason, 'OutOfMemoryError: Container killed due to memory usage');
    assert.equal(d.container?.exitCode, 137);
  });

  it('matches onStatusReason', async () => {
    const { d } = await runWith('exit 2', [{ onStatusReason: 'Essential container*', action: 'EXIT' }]);
    assert.equal(d.attempts?.length, 1);
  });

  it('a submit-time retryStrategy overrides the job definition', async () => {
    const h = await harness();
    h.def('r', 'exit 1', { retryStrategy: { attempts: 3 } });
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'r', retryStrategy: { attempts: 2 } });
    await h.clock.advance(1000);
    assert.equal(h.describe(r.jobId).attempts?.length, 2);
    assert.equal(h.describe(r.jobId).retryStrategy?.attempts, 2);
  });

  it('matches globs as AWS does (exact unless a trailing *)', () => {
    assert.ok(globMatches('1*', '137'));
    assert.ok(!globMatches('13', '137'));
    assert.ok(globMatches('*', ''));
    assert.ok(!globMatches('Host*', undefined));
    const p = retryPolicy(undefined, { attempts: 2, evaluateOnExit: [{ onReason: 'x', action: 'EXIT' }] });
    assert.equal(actionIsRetry(p, { exitCode: 1 }), true);
  });

  it('does not match onExitCode (even *) against an attempt that has no exit code', () => {
    // A container that never ran (image pull, host terminated) has no ExitCode to match the glob
    // against: the entry does not apply, and with no entry matching the job is retried.
    const p = retryPolicy(undefined, { attempts: 2, evaluateOnExit: [{ onExitCode: '*', action: 'EXIT' }] });
    assert.equal(actionIsRetry(p, { reason: 'CannotPullContainerError: no such image' }), true);
    assert.equal(actionIsRetry(p, { exitCode: 0 }), false);
  });

  it('fails an attempt whose image cannot be pulled, with the runtime message', async () => {
    const h = await harness();
    h.engine.registerJobDefinition({ jobDefinitionName: 'm', type: 'container', containerProperties: { image: 'localbatch-does-not-exist:1', command: ['true'] } });
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'm' });
    await h.clock.advance(1000);
    const d = h.describe(r.jobId);
    assert.equal(d.status, 'FAILED');
    assert.equal(d.statusReason, 'Task failed to start', 'AWS\'s statusReason; the cause is in container.reason');
    assert.match(d.attempts![0].container!.reason!, /^CannotPullContainerError: .*localbatch-does-not-exist/);
    assert.match(d.container!.reason!, /^CannotPullContainerError: /);
    assert.deepEqual(h.statuses(r.jobId), ['RUNNABLE', 'STARTING', 'FAILED']);
  });
});
