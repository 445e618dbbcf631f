import assert from 'node:assert/strict';
import type { JobNode } from '../../../src/extension/views/jobNodes';
import { isArrayParent, RunSettle, SETTLE_TICKS } from '../../../src/extension/views/runSettle';

const row = (jobId: string, arrayProperties?: { size?: number; index?: number }): JobNode =>
  ({ kind: 'job', id: `job:${jobId}`, job: { jobId, jobName: jobId, arrayProperties }, target: undefined as never }) as JobNode;

describe('Local view: the redraws of a run that ended (unit)', () => {
  const fan = row('fan', { size: 3 });
  const plain = row('plain');
  const child = row('fan:0', { size: 3, index: 0 });

  it('an array job row is one with a size and no index', () => {
    assert.deepEqual([fan, plain, child, { kind: 'more' }].map(isArrayParent), [true, false, false, false]);
  });

  it('redraws the run on the next ticks, then its array job rows (the very objects VS Code holds) once', () => {
    const settle = new RunSettle();
    settle.listed('r1', [plain, fan, child]);
    settle.ended('r1');
    const seen: Array<{ run: boolean; rows: JobNode[] }> = [];
    for (let i = 0; i < SETTLE_TICKS + 3; i++) {
      const run = settle.redrawsRun('r1');
      seen.push({ run, rows: settle.tick() });
    }
    assert.deepEqual(seen.map((s) => s.run), [...Array(SETTLE_TICKS).fill(true), false, false, false]);
    const rows = seen.map((s) => s.rows);
    assert.deepEqual(rows.slice(0, SETTLE_TICKS), Array(SETTLE_TICKS).fill([]));
    assert.equal(rows[SETTLE_TICKS].length, 1);
    assert.equal(rows[SETTLE_TICKS][0], fan, 'the same object, not a copy');
    assert.deepEqual(rows.slice(SETTLE_TICKS + 1), [[], []]);
  });

  it('takes the rows of the latest listing, and none for a run without array jobs', () => {
    const settle = new RunSettle();
    const fanAgain = row('fan', { size: 3 });
    settle.listed('r1', [fan]);
    settle.listed('r1', [fanAgain]);
    settle.listed('r2', [plain]);
    settle.ended('r1');
    settle.ended('r2');
    for (let i = 0; i < SETTLE_TICKS; i++) assert.deepEqual(settle.tick(), []);
    const last = settle.tick();
    assert.equal(last.length, 1);
    assert.equal(last[0], fanAgain);
  });

  it('a change after the end starts the redraws again; runs no longer shown are dropped', () => {
    const settle = new RunSettle();
    settle.listed('r1', [fan]);
    settle.ended('r1');
    settle.tick();
    settle.ended('r1');
    for (let i = 0; i < SETTLE_TICKS; i++) {
      assert.ok(settle.redrawsRun('r1'), `tick ${i}`);
      settle.tick();
    }
    settle.keep(new Set(['other']));
    assert.equal(settle.redrawsRun('r1'), false);
    assert.deepEqual(settle.tick(), []);
  });
});
