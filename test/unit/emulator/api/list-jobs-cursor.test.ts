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

  it('lists filtered queue pages newest first across every status, AFTER_CREATED_AT stopping at the time', async () => {
    const h = await harness({ vcpus: 1 });
    h.def('s', 'sleep 5');
    // 24 jobs over 8 milliseconds (3 a millisecond: ties broken by id), ending in every status.
    for (let t = 0; t < 8; t++) {
      for (let k = 0; k < 3; k++) h.engine.submitJob({ jobName: `${k === 0 ? 'x' : 'j'}${t}-${k}`, jobQueue: 'q', jobDefinition: 's' });
      await h.clock.advance(1);
    }
    await h.clock.advance(12_000);
    const all = (['SUCCEEDED', 'RUNNING', 'STARTING', 'RUNNABLE', 'PENDING', 'SUBMITTED', 'FAILED'] as const)
      .flatMap((jobStatus) => listJobs(h.engine, { jobQueue: 'q', jobStatus }).jobSummaryList);
    assert.equal(all.length, 24);
    assert.ok(new Set(all.map((s) => s.status)).size >= 3, `jobs in several statuses: ${[...new Set(all.map((s) => s.status))].join(', ')}`);
    const newestFirst = [...all].sort((a, b) => b.createdAt! - a.createdAt! || (a.jobId! < b.jobId! ? 1 : a.jobId! > b.jobId! ? -1 : 0)).map((s) => s.jobId);
    const pages = (filters: Array<{ name: string; values: string[] }>, maxResults: number): string[] => {
      const out: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = listJobs(h.engine, { jobQueue: 'q', filters, maxResults, ...(nextToken ? { nextToken } : {}) });
        assert.ok(page.jobSummaryList.length <= maxResults);
        out.push(...page.jobSummaryList.map((s) => s.jobId!));
        nextToken = page.nextToken;
      } while (nextToken);
      return out;
    };
    assert.deepEqual(pages([{ name: 'AFTER_CREATED_AT', values: ['0'] }], 5), newestFirst);
    const t0 = all.map((s) => s.createdAt!).sort((a, b) => a - b)[0];
    const after = t0 + 3;
    assert.deepEqual(pages([{ name: 'AFTER_CREATED_AT', values: [String(after)] }], 4), newestFirst.filter((id) => all.find((s) => s.jobId === id)!.createdAt! > after));
    assert.deepEqual(pages([{ name: 'BEFORE_CREATED_AT', values: [String(after)] }], 4), newestFirst.filter((id) => all.find((s) => s.jobId === id)!.createdAt! < after));
    assert.deepEqual(pages([{ name: 'JOB_NAME', values: ['x*'] }], 3), newestFirst.filter((id) => all.find((s) => s.jobId === id)!.jobName!.startsWith('x')));
  });
});
