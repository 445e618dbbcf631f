/**
 * A PutEvents whose event a rule delivers to a Batch job queue answers only once the targets'
 * work is durable (the composition root gives Batch's journal commit as `committed`): the job the
 * event submitted survives a SIGKILL after the answer, as a SubmitJob's does. A PutEvents that
 * reaches no target does not wait. The EventBridge service is real (no journal); the Batch side is
 * a fake (records submissions, and its commit resolves when the test says).
 */
import assert from 'node:assert/strict';
import type { SubmitJobRequest } from '@aws-sdk/client-batch';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { EventsService } from '../../../../src/emulator/events';

function request(op: string, input: object) {
  return { requestId: 'r', method: 'POST', rawPath: '/', rawQuery: '', headers: { 'x-amz-target': `AWSEvents.${op}` }, body: Buffer.from(JSON.stringify(input)), caller: { accessKeyId: 'k', region: 'us-east-1', service: 'events' } };
}

describe('PutEvents and durable delivery to Batch', () => {
  it('answers a delivered event only after the submitted job is committed; an event no rule matches answers at once', async () => {
    const submitted: SubmitJobRequest[] = [];
    let commit: (() => void) | undefined;
    let commits = 0;
    const events = await EventsService.open({
      clock: new FakeClock(),
      account: '123456789012',
      region: 'us-east-1',
      targets: {
        submitJob: (req) => (submitted.push(req), { jobId: `j${submitted.length}`, jobName: req.jobName }),
        committed: () => (commits++, new Promise<void>((r) => (commit = r))),
      },
    });
    try {
      const handle = (op: string, input: object) => events.edge.handle!(request(op, input));
      await handle('PutRule', { Name: 'up', EventPattern: JSON.stringify({ source: ['app'] }) });
      await handle('PutTargets', { Rule: 'up', Targets: [{ Id: 'q', Arn: 'arn:aws:batch:us-east-1:123456789012:job-queue/q', BatchParameters: { JobDefinition: 'd', JobName: 'n' } }] });

      // No rule matches: answered without waiting for a commit.
      const other = await handle('PutEvents', { Entries: [{ Source: 'elsewhere', DetailType: 't', Detail: '{}' }] });
      assert.equal(other.status, 200);
      assert.equal(commits, 0);

      let answered = false;
      const put = handle('PutEvents', { Entries: [{ Source: 'app', DetailType: 't', Detail: '{}' }] }).then((r) => ((answered = true), r));
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      assert.equal(submitted.length, 1, 'the job is submitted while PutEvents is handled');
      assert.equal(commits, 1);
      assert.equal(answered, false, 'PutEvents answered before the job was committed');
      commit!();
      const out = await put;
      assert.equal(out.status, 200);
      assert.equal((JSON.parse(String(out.body)) as { FailedEntryCount: number }).FailedEntryCount, 0);
    } finally {
      await events.close();
    }
  });
});
