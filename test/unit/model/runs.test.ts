import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  arrayProgressText, dependencyOrder, failedByUser, groupRuns, newRunId, progressText, RUN_TAGS, rerunFailedPlan, rootFailures, runDuration,
  startTimeText, statusCounts, statusOf, tagPlan, tagValue, type RunJob,
} from '../../../src/model/runs';
import { planWorkflow } from '../../../src/model/workflow-plan';

const tags = (run: string, job: string, source = 'p.workflow.yaml') => ({ [RUN_TAGS.id]: run, [RUN_TAGS.name]: source, [RUN_TAGS.source]: source, [RUN_TAGS.job]: job });

function job(id: string, status: string, createdAt: number, extra: Partial<RunJob> = {}): RunJob {
  return { jobId: id, jobName: id, status, createdAt, ...extra };
}

describe('run model (unit)', () => {
  it('groups tagged jobs into runs, newest first, jobs in dependency order, untagged jobs as runs of their own', () => {
    const runs = groupRuns([
      job('b2', 'RUNNING', 2001, { tags: tags('r2', 'b'), dependsOn: [{ jobId: 'a2' }], startedAt: 2100 }),
      job('a2', 'SUCCEEDED', 2000, { tags: tags('r2', 'a'), startedAt: 2010, stoppedAt: 2090 }),
      job('a1', 'SUCCEEDED', 1000, { tags: tags('r1', 'a'), startedAt: 1010, stoppedAt: 1090 }),
      job('b1', 'FAILED', 1001, { tags: tags('r1', 'b'), dependsOn: [{ jobId: 'a1' }], startedAt: 1100, stoppedAt: 1500, statusReason: 'Essential container in task exited', container: { exitCode: 3 } }),
      job('x', 'SUCCEEDED', 3000),
      job('a2:0', 'SUCCEEDED', 2000, { arrayProperties: { index: 0 } }),
    ]);
    assert.deepEqual(runs.map((r) => [r.id, r.status, r.jobs.map((j) => j.jobId), progressText(r.progress)]), [
      ['job-x', 'SUCCEEDED', ['x'], '1/1'],
      ['r2', 'RUNNING', ['a2', 'b2'], '1/2 · 1 running'],
      ['r1', 'FAILED', ['a1', 'b1'], '2/2 · 1 failed'],
    ]);
    const r1 = runs[2];
    assert.equal(r1.name, 'p.workflow.yaml');
    assert.equal(r1.source, 'p.workflow.yaml');
    assert.equal(r1.tagged, true);
    assert.equal(runs[0].tagged, false);
    assert.equal(runDuration(r1, 99_999), 1500 - 1010, 'a finished run: first start to last stop');
    assert.equal(runDuration(runs[1], 2500), 2500 - 2010, 'a running run ticks with now');
    assert.deepEqual(rootFailures(r1).map((j) => j.jobId), ['b1']);
    assert.equal(failedByUser(r1), false);
    const [stopped] = groupRuns([job('t', 'FAILED', 1, { tags: tags('r', 't'), statusReason: 'Terminated from VS Code' }), job('d', 'FAILED', 2, { tags: tags('r', 'd'), statusReason: 'Dependent Job failed' })]);
    assert.equal(failedByUser(stopped), true, 'stopped on purpose: not announced');
  });

  it('untagged jobs an owner claims (a state machine execution\'s) make one run named after it, each job its own key', () => {
    const owner = { id: 'arn:exec:1', name: 'flow: run-1' };
    const ownerOf = (id: string) => (id.startsWith('m') ? owner : undefined);
    const runs = groupRuns([
      job('m1', 'SUCCEEDED', 10, { jobName: 'item', startedAt: 11, stoppedAt: 20 }),
      job('m2', 'FAILED', 12, { jobName: 'item', startedAt: 13, stoppedAt: 30 }),
      job('m3', 'RUNNING', 14, { jobName: 'item', startedAt: 15 }),
      job('x', 'SUCCEEDED', 16),
      job('mt', 'SUCCEEDED', 17, { tags: tags('r9', 'mt') }),
    ], ownerOf);
    assert.deepEqual(runs.map((r) => [r.id, r.name, r.tagged, r.jobs.map((j) => j.jobId), r.replaced.length]), [
      ['r9', 'p.workflow.yaml', true, ['mt'], 0],
      ['job-x', 'x', false, ['x'], 0],
      ['owner-arn:exec:1', 'flow: run-1', false, ['m1', 'm2', 'm3'], 0],
    ]);
    assert.equal(progressText(runs[2].progress), '2/3 · 1 failed · 1 running');
    // An owner that ended says how the run ended: a failed job a Retry or Catch handled does not fail it.
    const ended = groupRuns([job('m1', 'FAILED', 10, { startedAt: 11, stoppedAt: 12 }), job('m2', 'SUCCEEDED', 13, { startedAt: 14, stoppedAt: 15 })], () => ({ ...owner, ended: 'SUCCEEDED' }));
    assert.deepEqual(ended.map((r) => [r.status, progressText(r.progress)]), [['SUCCEEDED', '2/2 · 1 failed']]);
    const stillRunning = groupRuns([job('m1', 'FAILED', 10, { startedAt: 11, stoppedAt: 12 })], () => owner);
    assert.equal(stillRunning[0].status, 'FAILED', 'while it runs, the jobs say');
    // Without an owner, the same jobs are runs of their own.
    assert.equal(groupRuns([job('m1', 'SUCCEEDED', 10), job('m2', 'SUCCEEDED', 12)]).length, 2);
  });

  it('orders by dependencies even when a dependency was submitted later', () => {
    const order = dependencyOrder([job('c', 'PENDING', 1, { dependsOn: [{ jobId: 'b' }] }), job('b', 'PENDING', 3, { dependsOn: [{ jobId: 'a' }] }), job('a', 'PENDING', 2)]);
    assert.deepEqual(order.map((j) => j.jobId), ['a', 'b', 'c']);
  });

  it('keeps every job exactly once and after its dependencies (property)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.array(fc.nat(20), { maxLength: 3 })), { maxLength: 20 }), (spec) => {
      // Dependencies only on earlier indexes: a DAG, as AWS requires.
      const jobs = spec.map(([t, deps], i) => job(`j${i}`, 'PENDING', t, { dependsOn: deps.filter((d) => d < i).map((d) => ({ jobId: `j${d}` })) }));
      const order = dependencyOrder(jobs).map((j) => j.jobId!);
      assert.equal(new Set(order).size, jobs.length);
      for (const j of jobs) for (const d of j.dependsOn ?? []) assert.ok(order.indexOf(d.jobId!) < order.indexOf(j.jobId!));
    }));
  });

  it('derives a run status from its jobs', () => {
    assert.equal(statusOf([job('a', 'SUBMITTED', 0), job('b', 'RUNNABLE', 0)]), 'RUNNABLE');
    assert.equal(statusOf([job('a', 'SUCCEEDED', 0), job('b', 'PENDING', 0)]), 'RUNNING');
    assert.equal(statusOf([job('a', 'SUCCEEDED', 0), job('b', 'SUCCEEDED', 0)]), 'SUCCEEDED');
    assert.equal(statusOf([job('a', 'SUCCEEDED', 0), job('b', 'FAILED', 0)]), 'FAILED');
  });

  it('a job re-run into the same run replaces the earlier one', () => {
    const [run] = groupRuns([
      job('a1', 'SUCCEEDED', 1000, { tags: tags('r', 'a') }),
      job('b1', 'FAILED', 1001, { tags: tags('r', 'b') }),
      job('b2', 'SUCCEEDED', 5000, { tags: tags('r', 'b') }),
    ]);
    assert.deepEqual(run.jobs.map((j) => j.jobId), ['a1', 'b2']);
    assert.deepEqual(run.replaced.map((j) => j.jobId), ['b1']);
    assert.equal(run.status, 'SUCCEEDED');
    assert.equal(run.createdAt, 1000);
  });

  it('shows array progress on the parent', () => {
    assert.equal(arrayProgressText(job('s', 'RUNNING', 0, { arrayProperties: { size: 8, statusSummary: { SUCCEEDED: 6, FAILED: 1, RUNNING: 1 } } })), '6/8 succeeded · 1 failed · 1 running');
    assert.equal(arrayProgressText(job('s:1', 'RUNNING', 0, { arrayProperties: { index: 1 } })), undefined);
  });

  it('tags every job of a plan, keeping the workflow\'s own tags, with values AWS accepts', () => {
    const plan = planWorkflow({ jobs: { a: { jobDefinition: 'd', tags: { team: 'x' } }, 'b(1)': { jobDefinition: 'd', dependsOn: [{ job: 'a' }] } } }, { defaultQueue: 'local' });
    const tagged = tagPlan(plan, { id: 'r-1', name: 'wf (copy).workflow.yaml', source: 'dir/wf.workflow.yaml' });
    assert.deepEqual(tagged[0].request.tags, { team: 'x', [RUN_TAGS.id]: 'r-1', [RUN_TAGS.name]: 'wf _copy_.workflow.yaml', [RUN_TAGS.job]: 'a', [RUN_TAGS.source]: 'dir/wf.workflow.yaml', [RUN_TAGS.size]: '2' });
    assert.equal(tagged[1].request.tags?.[RUN_TAGS.job], 'b_1_');
    assert.equal(plan[0].request.tags?.[RUN_TAGS.id], undefined, 'the plan itself is not changed');
    assert.equal(tagValue('x'.repeat(300)).length, 256);
    assert.match(newRunId(1_700_000_000_000, () => 0.5), /^r-[0-9a-z]+-[0-9a-z]{6}$/);
  });

  it('a run whose submission was cut short counts the jobs it lacks and does not succeed', () => {
    const t = (key: string) => ({ ...tags('r9', key, 'w.workflow.yaml'), [RUN_TAGS.size]: '5' });
    const [run] = groupRuns(['a', 'b', 'c', 'd'].map((k, i) => job(`j${k}`, 'SUCCEEDED', 1000 + i, { tags: t(k) })));
    assert.deepEqual([run.status, run.missing, progressText(run.progress)], ['FAILED', 1, '4/5']);
    const [whole] = groupRuns(['a', 'b'].map((k, i) => job(`k${k}`, 'SUCCEEDED', 1000 + i, { tags: { ...tags('r8', k, 'w.workflow.yaml'), [RUN_TAGS.size]: '2' } })));
    assert.deepEqual([whole.status, whole.missing, progressText(whole.progress)], ['SUCCEEDED', undefined, '2/2']);
  });

  it('re-run failed: failed jobs and everything downstream, dependencies on succeeded jobs dropped', () => {
    const plan = planWorkflow({
      jobs: {
        pre: { jobDefinition: 'd' },
        sim: { jobDefinition: 'd', arrayProperties: { size: 4 }, dependsOn: [{ job: 'pre' }] },
        post: { jobDefinition: 'd', arrayProperties: { size: 4 }, dependsOn: [{ job: 'sim', type: 'N_TO_N' }] },
        report: { jobDefinition: 'd', dependsOn: [{ job: 'post' }, { job: 'pre' }] },
        side: { jobDefinition: 'd', dependsOn: [{ job: 'pre' }] },
      },
    }, { defaultQueue: 'local' });
    const statuses = new Map([['pre', 'SUCCEEDED'], ['sim', 'FAILED'], ['post', 'FAILED'], ['report', 'FAILED'], ['side', 'SUCCEEDED']]);
    const again = rerunFailedPlan(plan, statuses);
    assert.deepEqual(again.map((p) => [p.name, p.dependsOn.map((d) => `${d.job}${d.type ? `/${d.type}` : ''}`)]), [
      ['sim', []],
      ['post', ['sim/N_TO_N']],
      ['report', ['post']],
    ]);
    // A job that succeeded but depends on one that is re-run goes again too; a job new in the file runs.
    const changed = rerunFailedPlan(plan, new Map([['pre', 'FAILED'], ['sim', 'SUCCEEDED'], ['post', 'SUCCEEDED'], ['report', 'SUCCEEDED']]));
    assert.deepEqual(changed.map((p) => p.name), ['pre', 'sim', 'post', 'report', 'side']);
    assert.deepEqual(rerunFailedPlan(plan, new Map(plan.map((p) => [p.name, 'SUCCEEDED']))), []);
  });

  it('counts running jobs over all runs and failed jobs of the newest run of each name', () => {
    const runs = groupRuns([
      job('new', 'SUCCEEDED', 3000, { tags: tags('r3', 'a', 'w.workflow.yaml') }),
      job('old', 'FAILED', 1000, { tags: tags('r1', 'a', 'w.workflow.yaml') }),
      job('other', 'FAILED', 2000, { tags: tags('r2', 'a', 'v.workflow.yaml') }),
      job('run', 'RUNNING', 2500, { tags: tags('r4', 'a', 'u.workflow.yaml') }),
      job('wait', 'RUNNABLE', 2600, { tags: tags('r4', 'b', 'u.workflow.yaml') }),
    ]);
    assert.deepEqual(statusCounts(runs), { running: 1, failed: 1, active: 2 });
    // A job another client submitted (untagged: a state machine's Task, say) is not counted as failed.
    assert.deepEqual(statusCounts(groupRuns([job('task', 'FAILED', 3000), job('run2', 'RUNNING', 2900)])), { running: 1, failed: 0, active: 1 });
    // An array job counts its running children (its own status, PENDING, does not say they run).
    const arrays = groupRuns([job('sim', 'PENDING', 2700, { tags: tags('r5', 'sim', 'x.workflow.yaml'), arrayProperties: { size: 10, statusSummary: { RUNNING: 7, STARTING: 1, SUCCEEDED: 2 } } })]);
    assert.equal(statusCounts(arrays).running, 8);
    assert.equal(progressText(arrays[0].progress), '0/1 · 8 running');
  });

  it('writes the start time as a clock time today, with the date before', () => {
    const now = new Date(2026, 11, 1, 15, 0, 0).getTime();
    assert.equal(startTimeText(new Date(2026, 11, 1, 9, 5, 7).getTime(), now), '09:05:07');
    assert.equal(startTimeText(new Date(2026, 10, 30, 23, 59, 0).getTime(), now), 'Nov 30 23:59');
  });
});
