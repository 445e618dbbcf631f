import assert from 'node:assert/strict';
import { causeLine } from '../../../src/cli/run/execution-cause';

describe('an execution\'s cause as one line (unit)', () => {
  it('tells a failed Batch Task by its job, status reason, container reason and exit code', () => {
    const cause = JSON.stringify({
      JobArn: 'arn:aws:batch:us-east-1:000000000000:job/abc',
      JobName: 'preprocess',
      JobId: 'abc',
      JobQueue: 'arn:aws:batch:us-east-1:000000000000:job-queue/spot',
      Status: 'FAILED',
      StatusReason: 'Task failed to start',
      Attempts: [
        { Container: { Reason: 'CannotPullContainerError: pull access denied for nope', ExitCode: undefined }, StatusReason: 'Task failed to start' },
      ],
      Container: { Image: 'nope:latest', Command: ['sh', '-c', 'x'.repeat(2000)] },
    });
    assert.equal(causeLine(cause), 'job preprocess (abc): Task failed to start; CannotPullContainerError: pull access denied for nope');
    const exited = JSON.stringify({ JobName: 'p', JobId: 'i', StatusReason: 'Essential container in task exited', Attempts: [{ Container: { ExitCode: 3 } }, { Container: { ExitCode: 1, Reason: 'OutOfMemoryError: Container killed due to memory usage' } }] });
    assert.equal(causeLine(exited), 'job p (i): Essential container in task exited; OutOfMemoryError: Container killed due to memory usage; exit code 1; after 2 attempts');
  });

  it('shows any other cause whole up to a bound, cut at a word', () => {
    assert.equal(causeLine('Run interrupted by the user'), 'Run interrupted by the user');
    assert.equal(causeLine('{"errorMessage":"x"}'), '{"errorMessage":"x"}');
    // JSON with a JobId that is no Batch job's detail (a Fail state's own Cause): shown as it is.
    for (const odd of ['{"JobId":"x","Attempts":3}', '{"JobId":"x","Attempts":{}}', '{"JobId":"x"}']) assert.equal(causeLine(odd), odd);
    assert.equal(causeLine('{"JobId":"x","JobName":"n","StatusReason":"r","Attempts":[{"Container":{"ExitCode":null}}]}'), 'job n (x): r');
    const long = causeLine(`${'word '.repeat(200)}end`);
    assert.ok(long.endsWith('word…') && long.length <= 401, long);
  });
});
