/**
 * The transition table and the retry decision as pure functions, case by case, so a mutation of any
 * entry or condition fails a test (found by `npm run mutate`): the legal changes are exactly those of
 * the AWS Batch job lifecycle plus the emulator's retry and restart edges; retry follows
 * evaluateOnExit's rules (first match wins, trailing-* globs, every condition, default RETRY).
 */
import assert from 'node:assert/strict';
import type { EvaluateOnExit } from '@aws-sdk/client-batch';
import type { JobStatus } from '../../../../src/emulator/batch/core/jobs';
import { actionIsRetry, globMatches, retryPolicy, shouldRetry } from '../../../../src/emulator/batch/core/retry';
import { IllegalTransitionError, isLegalTransition } from '../../../../src/emulator/batch/core/transitions';

const ALL: JobStatus[] = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED'];

/** Every legal change, written out from the lifecycle (jobs) and array-parent completion. */
const JOB_EDGES = [
  'SUBMITTED>PENDING', 'SUBMITTED>RUNNABLE', 'SUBMITTED>FAILED',
  'PENDING>RUNNABLE', 'PENDING>FAILED',
  'RUNNABLE>STARTING', 'RUNNABLE>FAILED',
  'STARTING>RUNNING', 'STARTING>RUNNABLE', 'STARTING>FAILED',
  'RUNNING>SUCCEEDED', 'RUNNING>FAILED', 'RUNNING>RUNNABLE',
];
const PARENT_EDGES = ['SUBMITTED>PENDING', 'SUBMITTED>FAILED', 'PENDING>SUCCEEDED', 'PENDING>FAILED'];

const legal = (arrayParent: boolean): string[] =>
  ALL.flatMap((from) => ALL.filter((to) => isLegalTransition(from, to, arrayParent)).map((to) => `${from}>${to}`));

describe('transition table and retry decisions, case by case (unit)', () => {
  it('allows exactly the lifecycle edges for a job, over all 49 pairs', () => {
    assert.deepEqual(legal(false).sort(), [...JOB_EDGES].sort());
    // The default is a job, not an array parent.
    assert.deepEqual(ALL.flatMap((from) => ALL.filter((to) => isLegalTransition(from, to)).map((to) => `${from}>${to}`)).sort(), [...JOB_EDGES].sort());
  });

  it('allows exactly SUBMITTED > PENDING > SUCCEEDED | FAILED for an array parent', () => {
    assert.deepEqual(legal(true).sort(), [...PARENT_EDGES].sort());
  });

  it('names the job and both statuses when it refuses a change', () => {
    const err = new IllegalTransitionError('j-1', 'SUCCEEDED', 'RUNNING');
    assert.equal(err.message, 'Job j-1 cannot go from SUCCEEDED to RUNNING');
    assert.equal(err.name, 'IllegalTransitionError');
    assert.deepEqual([err.jobId, err.from, err.to], ['j-1', 'SUCCEEDED', 'RUNNING']);
    assert.ok(err instanceof Error);
  });

  it('takes the submit-time retry strategy over the job definition, defaulting to one attempt', () => {
    const onExit: EvaluateOnExit[] = [{ onExitCode: '1', action: 'EXIT' }];
    assert.deepEqual(retryPolicy(), { attempts: 1, evaluateOnExit: [] });
    assert.deepEqual(retryPolicy({ attempts: 3, evaluateOnExit: onExit }), { attempts: 3, evaluateOnExit: onExit });
    assert.deepEqual(retryPolicy({ attempts: 3, evaluateOnExit: onExit }, { attempts: 2 }), { attempts: 2, evaluateOnExit: [] });
    assert.deepEqual(retryPolicy({ attempts: 3 }, {}), { attempts: 1, evaluateOnExit: [] });
  });

  it('matches exactly, or by prefix with a trailing *, and never an absent value', () => {
    const cases: Array<[string, string | undefined, boolean]> = [
      ['1', '1', true], ['1', '10', false], ['1*', '10', true], ['1*', '1', true], ['1*', '01', false],
      ['*', '', true], ['*', 'anything', true], ['', '', true], ['', 'x', false], ['*', undefined, false], ['x', undefined, false],
      ['a*b', 'a*b', true], ['a*b', 'axb', false],
    ];
    assert.deepEqual(cases.map(([p, v]) => globMatches(p, v)), cases.map(([, , want]) => want));
  });

  it('decides RETRY or EXIT from the first entry whose every condition matches, RETRY when none does', () => {
    // Cast: AWS accepts the action in any case; the SDK's type lists only the upper-case names.
    const policy = {
      attempts: 3,
      evaluateOnExit: [
        { onExitCode: '3', onReason: 'OutOfMemory*', action: 'exit' },
        { onStatusReason: 'Host EC2*', action: 'RETRY' },
        { onExitCode: '3', action: 'EXIT' },
        { onReason: 'CannotPull*' },
      ] as EvaluateOnExit[],
    };
    const cases: Array<[object, boolean]> = [
      [{ exitCode: 3, reason: 'OutOfMemoryError: killed' }, false], // first entry, lower-case exit
      [{ exitCode: 3, reason: 'other', statusReason: 'Host EC2 terminated' }, true], // second entry wins over the third
      [{ exitCode: 3 }, false], // third entry
      [{ exitCode: 30 }, true], // no entry: RETRY
      [{ reason: 'CannotPullContainerError: x' }, false], // an entry without action is not RETRY
      [{ statusReason: 'Host EC2 (instance i-1) terminated.' }, true],
      [{}, true],
    ];
    assert.deepEqual(cases.map(([o]) => actionIsRetry(policy, o)), cases.map(([, want]) => want));
  });

  it('retries only while attempts remain and the action is RETRY', () => {
    const policy = { attempts: 3, evaluateOnExit: [{ onExitCode: '9', action: 'EXIT' }] as EvaluateOnExit[] };
    assert.deepEqual([1, 2, 3, 4].map((a) => shouldRetry(policy, a, { exitCode: 1 })), [true, true, false, false]);
    assert.equal(shouldRetry(policy, 1, { exitCode: 9 }), false);
    assert.equal(shouldRetry({ attempts: 1, evaluateOnExit: [] }, 1, { exitCode: 1 }), false);
  });
});
