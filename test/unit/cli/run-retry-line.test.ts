/** `run`'s line output shows each retried attempt with its exit code and reason (issue 24 item 6). */
import assert from 'node:assert/strict';
import { summaryLines, transitionLine } from '../../../src/cli/run/render';
import { RunTracker } from '../../../src/cli/run/tracker';

const AT = Date.UTC(2026, 0, 1, 10, 0, 0);

describe('run output shows retries (unit)', () => {
  it('a job going back to RUNNABLE after an attempt prints the attempt, exit code, reason and the decision', () => {
    const t = new RunTracker();
    t.add('sim', 'j1', AT);
    t.add('fan', 'j2', AT, 2);
    for (const s of ['RUNNABLE', 'STARTING', 'RUNNING']) t.apply({ jobId: 'j1', status: s }, AT);
    const retry = t.apply({ jobId: 'j1', status: 'RUNNABLE', attempts: [{ statusReason: 'Essential container in task exited', container: { exitCode: 3 } }] }, AT)!;
    assert.equal(transitionLine(retry, AT), '10:00:00 sim attempt 1 failed (exit code 3: Essential container in task exited); retrying as attempt 2 (evaluateOnExit decided RETRY, or no rule matched)');
    for (const s of ['RUNNABLE', 'STARTING', 'RUNNING']) t.apply({ jobId: 'j2:1', status: s }, AT);
    const child = t.apply({ jobId: 'j2:1', status: 'RUNNABLE', attempts: [{ container: { reason: 'Host EC2 (instance i-1) terminated.' } }] }, AT)!;
    assert.equal(transitionLine(child, AT), '10:00:00 fan[1] attempt 1 failed (Host EC2 (instance i-1) terminated.); retrying as attempt 2 (evaluateOnExit decided RETRY, or no rule matched)');
    // A first RUNNABLE is no retry.
    assert.equal(transitionLine(t.apply({ jobId: 'j2:0', status: 'RUNNABLE' }, AT) ?? { job: t.jobs[1], status: 'RUNNABLE' }, AT), undefined);
  });
});

describe('run summary (unit)', () => {
  it('shows failure reasons whole, however long', () => {
    const t = new RunTracker();
    t.add('big', 'j1', AT);
    const reason = `MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE(s) associated with the job queue cannot meet the CPU requirement of the job. ${'x'.repeat(150)} raise maxvCpus`;
    t.apply({ jobId: 'j1', status: 'FAILED', statusReason: reason }, AT);
    const lines = summaryLines(t.jobs, AT);
    assert.ok(lines[0].endsWith(`${reason}`), lines[0]);
  });
});
