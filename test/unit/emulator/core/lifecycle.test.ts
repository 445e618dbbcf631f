import assert from 'node:assert/strict';
import { harness } from '../../../support/engineHarness';

describe('BatchEngine lifecycle (unit)', () => {
  it('runs a job SUBMITTED → RUNNABLE → STARTING → RUNNING → SUCCEEDED with AWS fields', async () => {
    const h = await harness();
    h.def('hello', 'echo hi; sleep 5');
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'hello' });
    assert.equal(r.jobArn, `arn:aws:batch:us-east-1:000000000000:job/${r.jobId}`);
    assert.equal(h.describe(r.jobId).status, 'SUBMITTED');
    await h.clock.advance(10_000);
    assert.deepEqual(h.statuses(r.jobId), ['RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED']);
    const d = h.describe(r.jobId);
    assert.equal(d.statusReason, 'Essential container in task exited');
    assert.equal(d.container?.exitCode, 0);
    assert.match(d.container?.logStreamName ?? '', /^hello\/default\/[0-9a-f]{32}$/);
    assert.equal(d.stoppedAt! - d.startedAt!, 5000);
    assert.equal(d.attempts?.length, 1);
    assert.equal(d.jobQueue, 'arn:aws:batch:us-east-1:000000000000:job-queue/q');
    assert.equal(d.jobDefinition, 'arn:aws:batch:us-east-1:000000000000:job-definition/hello:1');
    assert.deepEqual(h.logs.lines(d.container!.logStreamName!), ['hi']);
    assert.equal(h.runtime.existing, 0, 'container removed');
    const e = h.events.at(-1)!;
    assert.equal(e['detail-type'], 'Batch Job State Change');
    assert.equal(e.source, 'aws.batch');
    assert.deepEqual(e.resources, [r.jobArn]);
  });
});
