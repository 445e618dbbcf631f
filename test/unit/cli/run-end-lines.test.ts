/** What `run` prints at its end: how to get the output of a successful run, and what to change when it cannot go on (issue 24 item 6). */
import assert from 'node:assert/strict';
import { outputLine, stuckLine } from '../../../src/cli/run/render';
import { RunTracker } from '../../../src/cli/run/tracker';

const AT = Date.UTC(2026, 0, 1, 10, 0, 0);

describe('run end lines (unit)', () => {
  it('a successful run ends with the logs command and every job id', () => {
    const t = new RunTracker();
    t.add('prepare', 'id-1', AT);
    t.add('simulate', 'id-2', AT, 3);
    assert.equal(outputLine(t.jobs, ' --state-dir /tmp/s'), 'Output: localbatch logs <job id> --state-dir /tmp/s, job ids: prepare id-1, simulate id-2');
  });

  it('shows at most ten job ids, then an ellipsis', () => {
    const t = new RunTracker();
    for (let i = 0; i < 12; i++) t.add(`j${i}`, `id-${i}`, AT);
    const line = outputLine(t.jobs, '');
    assert.match(line, /^Output: localbatch logs <job id>, job ids: j0 id-0, .*j9 id-9, …$/);
    assert.doesNotMatch(line, /j10/);
  });

  it('a run stuck on memory names capacity.memoryMiB and its value', () => {
    const stuck = 'big: RUNNABLE with MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job queue.';
    const line = stuckLine(stuck, { memoryMiB: 8192, vcpus: 4 });
    assert.match(line, /^\nThe run cannot go on: big: RUNNABLE with MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT/);
    assert.match(line, /capacity\.memoryMiB \(8192 MiB in localbatch\.yaml\)/);
    assert.match(line, /raise capacity\.memoryMiB in localbatch\.yaml or lower the job's memory/);
    assert.match(stuckLine(stuck, {}), /capacity\.memoryMiB \(not set: this machine's memory\)/);
  });

  it('a run stuck on vCPUs names maxvCpus and capacity.vcpus, not memory', () => {
    const line = stuckLine('big: RUNNABLE with MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE(s) associated with the job queue cannot meet the CPU requirement of the job.', { vcpus: 4 });
    assert.match(line, /maxvCpus/);
    assert.match(line, /capacity\.vcpus \(4 in localbatch\.yaml\)/);
    assert.doesNotMatch(line, /memoryMiB/);
  });
});
