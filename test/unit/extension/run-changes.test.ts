import assert from 'node:assert/strict';
import { runChanges, sameRun, topRedraw, type RunsShape, type TopRow } from '../../../src/extension/views/runChanges';
import { groupRuns, RUN_TAGS, type Run } from '../../../src/model/runs';

interface FakeJob { jobId: string; jobName: string; status: string; createdAt: number; startedAt?: number; stoppedAt?: number; tags: Record<string, string>; dependsOn: never[] }

const job = (run: string, i: number, status = 'SUCCEEDED'): FakeJob => ({
  jobId: `${run}-${i}`, jobName: `job-${i}`, status, createdAt: 1000 + i, startedAt: 2000, stoppedAt: status === 'SUCCEEDED' ? 3000 : undefined,
  tags: { [RUN_TAGS.id]: run, [RUN_TAGS.name]: `${run}.workflow.yaml` }, dependsOn: [],
});

const shapeOf = (runs: readonly Run<object>[], more = false): RunsShape => ({ ids: runs.map((r) => r.id), error: false, more });
const byId = (runs: readonly Run<FakeJob>[]) => new Map(runs.map((r) => [r.id, r]));

describe('Local view: which runs to redraw when the runs are read again (unit)', () => {
  const a = [job('a', 0), job('a', 1)];
  const b = [job('b', 0), job('b', 1, 'RUNNING')];

  it('nothing when the same jobs come back (a finished job is the same cached object)', () => {
    const before = groupRuns([...a, ...b]);
    const after = groupRuns([...a, ...b]);
    assert.notEqual(before[0], after[0], 'regrouped: new run objects');
    const { root, changed } = runChanges(shapeOf(before), byId(before), shapeOf(after), after);
    assert.equal(root, false);
    assert.deepEqual(changed, []);
  });

  it('only the run whose job changed, not the tree', () => {
    const before = groupRuns([...a, ...b]);
    const after = groupRuns([...a, b[0], { ...b[1], status: 'SUCCEEDED', stoppedAt: 4000 }]);
    const { root, changed } = runChanges(shapeOf(before), byId(before), shapeOf(after), after);
    assert.equal(root, false);
    assert.deepEqual(changed.map((r) => r.id), ['b']);
    assert.equal(changed[0].status, 'SUCCEEDED');
  });

  it('the whole tree when a run starts, or the Load more / error row comes or goes', () => {
    const before = groupRuns([...a]);
    const after = groupRuns([...a, ...b]);
    assert.equal(runChanges(shapeOf(before), byId(before), shapeOf(after), after).root, true);
    assert.equal(runChanges(shapeOf(before), byId(before), shapeOf(before, true), before).root, true);
    assert.equal(runChanges(shapeOf(before), byId(before), { ...shapeOf(before), error: true }, before).root, true);
  });

  it('sameRun compares the row and the jobs (by identity)', () => {
    const [r] = groupRuns([...a]);
    assert.equal(sameRun(r, { ...r }), true);
    assert.equal(sameRun(r, { ...r, jobs: [...r.jobs] }), true);
    assert.equal(sameRun(r, { ...r, jobs: [r.jobs[0], { ...r.jobs[1] }] }), false);
    assert.equal(sameRun(r, { ...r, status: 'FAILED' }), false);
    assert.equal(sameRun(r, { ...r, stoppedAt: 1 }), false);
  });

  describe('after a Refresh reads the top rows again', () => {
    const rows: TopRow[] = [
      { id: 'sfn:executions', kind: 'sfnGroup' },
      { id: 'pipeline:buckets', kind: 'pipeline' },
      { id: 'pipeline:rules', kind: 'pipeline' },
      { id: 'run:big', kind: 'run' },
      { id: 'run:changed', kind: 'run' },
      { id: 'more:runs', kind: 'more' },
    ];
    const shown = rows.map((r) => r.id);

    it('redraws each row that may have changed, but not an expanded unchanged run (its jobs are not sent again)', () => {
      const redraw = topRedraw(shown, rows, (r) => r.id === 'run:big');
      assert.notEqual(redraw, 'all');
      assert.deepEqual((redraw as TopRow[]).map((r) => r.id), ['sfn:executions', 'run:changed']);
    });

    it('redraws everything when the rows are not the ones shown, or one is an error', () => {
      assert.equal(topRedraw(shown, [...rows, { id: 'run:new', kind: 'run' }], () => true), 'all');
      assert.equal(topRedraw(undefined, rows, () => true), 'all');
      assert.equal(topRedraw(shown, rows.slice(0, -2), () => true), 'all', 'a run gone');
      assert.equal(topRedraw(shown, [rows[1], rows[0], ...rows.slice(2)], () => true), 'all');
      const withError = [...rows.slice(0, 3), { id: 'error:runs', kind: 'error' }];
      assert.equal(topRedraw(withError.map((r) => r.id), withError, () => true), 'all');
      const withHint = [...rows.slice(0, 3), { id: 'empty:runs', kind: 'error', empty: true }];
      assert.deepEqual(topRedraw(withHint.map((r) => r.id), withHint, () => true), [rows[0]]);
    });
  });
});
