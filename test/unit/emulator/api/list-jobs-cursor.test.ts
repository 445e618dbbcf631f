import assert from 'node:assert/strict';
import { listJobs } from '../../../../src/emulator/batch/api/list-jobs';
import { harness } from '../../../support/engineHarness';

describe('ListJobs pages with cursors (unit)', () => {
  it('neither repeats nor skips a job when others change status between pages', async () => {
    const h = await harness({ vcpus: 1 });
    h.def('s', 'sleep 10');
    const ids = Array.from({ length: 30 }, (_, i) => h.engine.submitJob({ jobName: `j${i}`, jobQueue: 'q', jobDefinition: 's' }).jobId);
    await h.clock.advance(1);
    // 1 RUNNING, 29 RUNNABLE. Page through RUNNABLE while jobs keep leaving it.
    const seen: string[] = [];
    let token: string | undefined;
    for (let round = 0; round < 40; round++) {
      const page = listJobs(h.engine, { jobQueue: 'q', jobStatus: 'RUNNABLE', maxResults: 5, ...(token ? { nextToken: token } : {}) });
      seen.push(...page.jobSummaryList.map((s) => s.jobId!));
      token = page.nextToken;
      if (!token) break;
      await h.clock.advance(10_000); // the head job starts: it leaves RUNNABLE before the next page
    }
    assert.equal(new Set(seen).size, seen.length, 'no job listed twice');
    // Jobs leave RUNNABLE from the front, behind the cursor: every job that was RUNNABLE at the
    // first page is listed once, in submission order (an offset would skip one per page).
    assert.deepEqual(seen, ids.slice(1));
  });

  it('pages array children and filtered listings by cursor too, refusing a token from another query', async () => {
    const h = await harness({ vcpus: 1 });
    h.def('s', 'sleep 10');
    const arr = h.engine.submitJob({ jobName: 'arr', jobQueue: 'q', jobDefinition: 's', arrayProperties: { size: 12 } });
    await h.clock.advance(1);
    const p1 = listJobs(h.engine, { arrayJobId: arr.jobId, jobStatus: 'RUNNABLE', maxResults: 5 });
    const p2 = listJobs(h.engine, { arrayJobId: arr.jobId, jobStatus: 'RUNNABLE', maxResults: 5, nextToken: p1.nextToken });
    assert.deepEqual([...p1.jobSummaryList, ...p2.jobSummaryList].map((s) => s.arrayProperties?.index), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (let i = 0; i < 5; i++) h.engine.submitJob({ jobName: `n${i}`, jobQueue: 'q', jobDefinition: 's' });
    const f1 = listJobs(h.engine, { jobQueue: 'q', filters: [{ name: 'JOB_NAME', values: ['n*'] }], maxResults: 2 });
    const f2 = listJobs(h.engine, { jobQueue: 'q', filters: [{ name: 'JOB_NAME', values: ['n*'] }], maxResults: 2, nextToken: f1.nextToken });
    const f3 = listJobs(h.engine, { jobQueue: 'q', filters: [{ name: 'JOB_NAME', values: ['n*'] }], maxResults: 2, nextToken: f2.nextToken });
    assert.equal(new Set([...f1.jobSummaryList, ...f2.jobSummaryList, ...f3.jobSummaryList].map((s) => s.jobId)).size, 5);
    assert.equal(f3.nextToken, undefined);
    assert.throws(() => listJobs(h.engine, { jobQueue: 'q', jobStatus: 'RUNNING', nextToken: f1.nextToken }), /different request/);
    assert.throws(() => listJobs(h.engine, { jobQueue: 'q', nextToken: 'bm90LWEtdG9rZW4' }), /not valid/);
  });
});
