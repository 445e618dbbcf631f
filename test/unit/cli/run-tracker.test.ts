import assert from 'node:assert/strict';
import { RunTracker } from '../../../src/cli/run/tracker';
import { arrayProgress, renderTable, transitionLine } from '../../../src/cli/run/render';

const ev = (jobId: string, status: string, extra: Record<string, unknown> = {}) => ({ jobId, status, ...extra });

describe('run tracker (unit)', () => {
  it('folds events of top-level jobs and array children into statuses and counts', () => {
    const t = new RunTracker();
    t.add('prep', 'p', 0);
    t.add('sim', 's', 0, 3);
    assert.equal(t.apply(ev('p', 'RUNNING', { startedAt: 10 }), 11)?.status, 'RUNNING');
    t.apply(ev('p', 'SUCCEEDED', { stoppedAt: 20 }), 21);
    t.apply(ev('s', 'PENDING'), 22);
    for (const i of [0, 1, 2]) t.apply(ev(`s:${i}`, 'RUNNING'), 30);
    t.apply(ev('s:0', 'SUCCEEDED'), 40);
    t.apply(ev('s:1', 'FAILED', { statusReason: 'Essential container in task exited' }), 41);
    const sim = t.jobs[1];
    assert.deepEqual({ ...sim.children }, { SUBMITTED: 0, PENDING: 0, RUNNABLE: 0, STARTING: 0, RUNNING: 1, SUCCEEDED: 1, FAILED: 1 });
    assert.equal(arrayProgress(sim), '1/3 done, 1 running, 1 failed');
    assert.equal(t.jobs[0].startedAt, 10);
    assert.equal(t.jobs[0].stoppedAt, 20);
    assert.equal(t.done, false);
    t.apply(ev('s', 'FAILED'), 50);
    assert.equal(t.done, true);
    assert.equal(t.allSucceeded, false);
  });

  it('ignores events of other jobs and repeated states', () => {
    const t = new RunTracker();
    t.add('a', 'a', 0);
    assert.equal(t.apply(ev('zzz', 'RUNNING'), 1), undefined);
    assert.equal(t.apply(ev('a:0', 'RUNNING'), 1), undefined, 'a is not an array');
    assert.ok(t.apply(ev('a', 'RUNNABLE'), 1));
    assert.equal(t.apply(ev('a', 'RUNNABLE'), 2), undefined);
    assert.equal(t.apply(ev('a', 'NOT_A_STATUS'), 2), undefined);
  });

  it('says the run is stuck only when nothing runs and the rest waits on a MISCONFIGURATION', () => {
    const t = new RunTracker();
    t.add('big', 'b', 0);
    t.add('after', 'c', 0);
    t.apply(ev('c', 'PENDING'), 1);
    t.apply(ev('b', 'RUNNABLE'), 1);
    assert.equal(t.stuckReason(), undefined, 'RUNNABLE without a reason may still start');
    t.apply(ev('b', 'RUNNABLE', { statusReason: 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE max vCPUs is 2' }), 2);
    assert.match(t.stuckReason() ?? '', /^big: RUNNABLE with MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE/);
    t.add('other', 'o', 0);
    t.apply(ev('o', 'RUNNING'), 3);
    assert.equal(t.stuckReason(), undefined, 'something still runs');
  });

  it('is stuck behind a blocked head (jobs RUNNABLE behind it) and on an array child that never fits, unless a time limit will cancel it', () => {
    const t = new RunTracker();
    t.add('big', 'b', 0, undefined, 'cpu');
    t.add('behind', 'c', 0, undefined, 'cpu');
    t.apply(ev('c', 'RUNNABLE'), 1);
    t.apply(ev('b', 'RUNNABLE', { statusReason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement is higher' }), 2);
    assert.match(t.stuckReason() ?? '', /^big: RUNNABLE with MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT/);
    const limited = (queue: string | undefined, code: string) => queue === 'cpu' && code === 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT';
    assert.equal(t.stuckReason(limited), undefined, 'the queue cancels it after maxTimeSeconds: wait for that');

    const a = new RunTracker();
    a.add('arr', 'p', 0, 2);
    a.apply(ev('p', 'PENDING'), 1);
    a.apply(ev('p:0', 'RUNNABLE', { statusReason: 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE(s) cannot' }), 2);
    assert.match(a.stuckReason() ?? '', /^arr: RUNNABLE with MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE/);
  });

  it('prints child transitions only when they matter, and a table row per job', () => {
    const t = new RunTracker();
    t.add('sim', 's', 0, 2);
    const pending = t.apply(ev('s:0', 'RUNNABLE'), 0)!;
    assert.equal(transitionLine(pending, 0), undefined);
    const running = t.apply(ev('s:0', 'RUNNING'), Date.UTC(2026, 0, 1, 12, 0, 5))!;
    assert.equal(transitionLine(running, Date.UTC(2026, 0, 1, 12, 0, 5)), '12:00:05 sim[0] RUNNING  [0/2 done, 1 running]');
    const [row] = renderTable(t.jobs, 1000);
    assert.match(row, /sim\s+SUBMITTED\s+0\/2 done, 1 running/);
  });
});
