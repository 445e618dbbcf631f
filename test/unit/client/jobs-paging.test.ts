import assert from 'node:assert/strict';
import type { BatchClient } from '@aws-sdk/client-batch';
import { JOBS_PAGE_SIZE, listStatusGroups, PageLimits } from '../../../src/client/jobs';

describe('PageLimits (unit)', () => {
  it('starts at one page per list, grows by a page, and resets', () => {
    const limits = new PageLimits();
    assert.equal(limits.get('q:a:RUNNING'), JOBS_PAGE_SIZE);
    limits.more('q:a:RUNNING');
    assert.equal(limits.get('q:a:RUNNING'), 2 * JOBS_PAGE_SIZE);
    assert.equal(limits.get('q:b:RUNNING'), JOBS_PAGE_SIZE);
    limits.clear();
    assert.equal(limits.get('q:a:RUNNING'), JOBS_PAGE_SIZE);
  });

  it('takes its own page size, and covers an entry by whole pages', () => {
    const limits = new PageLimits(200);
    assert.equal(limits.get('run:r'), 200);
    assert.equal(limits.cover('run:r', 150), false);
    assert.equal(limits.get('run:r'), 200);
    assert.equal(limits.cover('run:r', 401), true);
    assert.equal(limits.get('run:r'), 600);
    limits.more('run:r');
    assert.equal(limits.get('run:r'), 800);
  });
});

describe('status groups (unit, fake Batch client)', () => {
  it('lists a job that moved between two per-status calls only once, in its later status', async () => {
    // A fake client answering ListJobs per status, as if job b finished between the RUNNING and SUCCEEDED calls.
    const byStatus: Record<string, Array<{ jobId: string; status: string }>> = {
      RUNNING: [{ jobId: 'a', status: 'RUNNING' }, { jobId: 'b', status: 'RUNNING' }],
      SUCCEEDED: [{ jobId: 'b', status: 'SUCCEEDED' }],
    };
    const fakeBatch = { send: async (cmd: { input: { jobStatus: string } }) => ({ jobSummaryList: byStatus[cmd.input.jobStatus] ?? [] }) } as unknown as BatchClient;
    const groups = await listStatusGroups(fakeBatch, { jobQueue: 'q' }, () => 50);
    assert.deepEqual(groups.map((g) => [g.status, g.jobs.map((j) => j.jobId)]), [['RUNNING', ['a']], ['SUCCEEDED', ['b']]]);
  });
});
