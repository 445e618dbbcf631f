/**
 * Runs and job logs against the real emulator (its HTTP API and CloudWatch Logs, the scripted
 * container runtime instead of Docker): tagged submissions grouped into runs, one ListJobs listing
 * per queue, re-run failed into the same run, and a job's log followed attempt by attempt.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeJobsCommand, SubmitJobCommand, type BatchClient } from '@aws-sdk/client-batch';
import { followJobLog } from '../../src/client/job-log-follow';
import { registerDefinitions } from '../../src/client/register';
import { RunLister } from '../../src/client/run-list';
import { clientsFor } from '../../src/cli/run/session';
import { systemClock } from '../../src/emulator/clock/clock';
import { ScriptedRuntime } from '../../src/emulator/runtime/scripted';
import { LocalService } from '../../src/emulator/service';
import { RUN_TAGS, rerunFailedPlan, runInfoOf, tagPlan } from '../../src/model/runs';
import type { WorkflowFile } from '../../src/model/types';
import { planWorkflow, submitPlan } from '../../src/model/workflow-plan';

const jobdef = (name: string, script: string, attempts = 1) => ({
  jobDefinitionName: name,
  type: 'container',
  containerProperties: { image: 'busybox', command: ['sh', '-c', script], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] },
  retryStrategy: { attempts },
});

async function waitFinished(batch: BatchClient, ids: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await batch.send(new DescribeJobsCommand({ jobs: ids }));
    if ((res.jobs ?? []).every((j) => j.status === 'SUCCEEDED' || j.status === 'FAILED')) return;
    if (Date.now() > deadline) throw new Error(`jobs not finished within ${timeoutMs} ms: ${JSON.stringify(res.jobs?.map((j) => [j.jobName, j.status]))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('runs and job logs on the emulator API (integration)', function () {
  this.timeout(60_000);
  let dir: string;
  let service: LocalService;
  let batch: BatchClient;
  let logs: ReturnType<typeof clientsFor>['logs'];
  const commands: string[] = [];

  const workflow: WorkflowFile = {
    jobs: {
      prep: { jobDefinition: 'ok' },
      flaky: { jobDefinition: 'bad', dependsOn: [{ job: 'prep' }] },
      report: { jobDefinition: 'ok', dependsOn: [{ job: 'flaky' }] },
    },
  };

  async function submit(wf: WorkflowFile, runId: string, select = (p: ReturnType<typeof planWorkflow>) => p): Promise<string[]> {
    const registered = await registerDefinitions(batch, { computeEnvironments: [], jobQueues: [], jobDefinitions: [jobdef('ok', 'echo one; echo two'), jobdef('bad', 'echo trying; exit 3', 2)] as never });
    const plan = tagPlan(select(planWorkflow(wf, { defaultQueue: 'local', resolveJobDefinition: (r) => registered.jobDefinitionArns.get(r) ?? r })), { id: runId, name: 'p.workflow.yaml', source: 'p.workflow.yaml' });
    const done = await submitPlan(plan, (req) => batch.send(new SubmitJobCommand(req)));
    return done.map((d) => d.jobId);
  }

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-runs-'));
    service = await LocalService.start({ stateDir: dir, runtime: (store) => new ScriptedRuntime({ clock: systemClock(), logs: store, record: false }), log: () => undefined });
    ({ batch, logs } = clientsFor(service.endpoint));
    const send = batch.send.bind(batch) as (c: unknown, o?: unknown) => Promise<unknown>;
    (batch as unknown as { send: typeof send }).send = (c, o) => (commands.push((c as object).constructor.name), send(c, o));
  });

  after(async () => {
    batch?.destroy();
    logs?.destroy();
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('groups two runs apart, newest first, with one ListJobs listing per queue', async () => {
    const first = await submit(workflow, 'r-first');
    await waitFinished(batch, first);
    const second = await submit({ jobs: { prep: { jobDefinition: 'ok' } } }, 'r-second');
    await waitFinished(batch, second);

    const lister = new RunLister();
    commands.length = 0;
    const { runs, more } = await lister.list(batch, 50);
    assert.equal(more, false);
    assert.deepEqual(runs.map((r) => [r.id, r.status, r.jobs.map((j) => `${runInfoOf(j).key}:${j.status}`)]), [
      ['r-second', 'SUCCEEDED', ['prep:SUCCEEDED']],
      ['r-first', 'FAILED', ['prep:SUCCEEDED', 'flaky:FAILED', 'report:FAILED']],
    ]);
    assert.deepEqual(runs[1].progress, { done: 3, total: 3, succeeded: 1, failed: 2, running: 0 });
    assert.equal(commands.filter((c) => c === 'ListJobsCommand').length, 1, `one listing for the one queue: ${commands.join(', ')}`);
    // Finished jobs are described once; a second look lists again but describes nothing.
    commands.length = 0;
    await lister.list(batch, 50);
    assert.deepEqual(commands.filter((c) => c !== 'DescribeJobQueuesCommand'), ['ListJobsCommand']);
  });

  it('follows a failed job\'s log: timestamps, one header per attempt, the exit code at the end', async () => {
    const { runs } = await new RunLister().list(batch, 50);
    const flaky = runs.find((r) => r.id === 'r-first')!.jobs.find((j) => j.jobName === 'flaky')!;
    const lines: Array<[string, string]> = [];
    await followJobLog({ batch, logs, jobId: flaky.jobId!, sink: { line: (t, k) => lines.push([k, t]) }, signal: new AbortController().signal, pollMs: 50 });
    const text = lines.map(([k, t]) => `${k}: ${t}`);
    assert.equal(lines.filter(([, t]) => /^── Attempt \d of up to 2 · started /.test(t)).length, 2, text.join('\n'));
    const events = lines.filter(([k]) => k === 'event').map(([, t]) => t);
    assert.equal(events.length, 2, text.join('\n'));
    for (const e of events) assert.match(e, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}trying$/);
    assert.ok(text.some((t) => /^error: ── Attempt 1 ended with exit code 3\b/.test(t)), text.join('\n'));
    assert.match(lines.at(-1)![1], /^Job FAILED: .+ \(exit code 3\)$/);
    assert.equal(lines.at(-1)![0], 'error');
  });

  it('re-run failed adds the failed jobs and what follows them to the same run, keeping what succeeded', async () => {
    const lister = new RunLister();
    const before = (await lister.list(batch, 50)).runs.find((r) => r.id === 'r-first')!;
    const statusByKey = new Map(before.jobs.map((j) => [runInfoOf(j).key, j.status]));
    // The fix: 'flaky' now uses the job definition that succeeds.
    const fixed: WorkflowFile = { jobs: { ...workflow.jobs, flaky: { ...workflow.jobs.flaky, jobDefinition: 'ok' } } };
    const ids = await submit(fixed, 'r-first', (plan) => rerunFailedPlan(plan, statusByKey));
    assert.equal(ids.length, 2);
    await waitFinished(batch, ids);
    const after = (await lister.list(batch, 50)).runs.find((r) => r.id === 'r-first')!;
    assert.equal(after.status, 'SUCCEEDED');
    assert.equal(after.jobs[0].jobId, before.jobs[0].jobId, 'prep kept');
    assert.deepEqual(after.jobs.slice(1).map((j) => j.jobId), ids);
    assert.deepEqual(after.replaced.map((j) => j.jobName).sort(), ['flaky', 'report']);
    const report = (await batch.send(new DescribeJobsCommand({ jobs: [ids[1]] }))).jobs![0];
    assert.deepEqual(report.dependsOn, [{ jobId: ids[0] }], 'report depends on the new flaky only');
  });

  it('lists a run of more jobs than 20 a run, whole; a later look lists only the jobs submitted since', async () => {
    const tagged = (run: string, i: number) => ({ [RUN_TAGS.id]: run, [RUN_TAGS.name]: `${run}.workflow.yaml`, [RUN_TAGS.job]: `j${i}` });
    const big: string[] = [];
    for (let i = 0; i < 120; i++) big.push((await batch.send(new SubmitJobCommand({ jobName: `j${i}`, jobQueue: 'local', jobDefinition: 'ok', tags: tagged('r-big', i) }))).jobId!);
    for (let i = 0; i < big.length; i += 100) await waitFinished(batch, big.slice(i, i + 100));
    const lister = new RunLister();
    // Two runs asked for: a fixed cap of 20 jobs a run would cut r-big at 40.
    const first = await lister.list(batch, 2);
    assert.equal(first.runs[0].id, 'r-big');
    assert.equal(first.runs[0].jobs.length, 120);
    assert.deepEqual(first.runs[0].progress, { done: 120, total: 120, succeeded: 120, failed: 0, running: 0 });

    const later = (await batch.send(new SubmitJobCommand({ jobName: 'later', jobQueue: 'local', jobDefinition: 'ok', tags: tagged('r-later', 0) }))).jobId!;
    await waitFinished(batch, [later]);
    commands.length = 0;
    const second = await lister.list(batch, 2);
    assert.deepEqual(second.runs.map((r) => [r.id, r.jobs.length]), [['r-later', 1], ['r-big', 120]]);
    assert.equal(second.more, true, 'older runs remain');
    // One ListJobs page (the jobs after the newest seen) and one DescribeJobs (the new job), not 2 pages of 100 again.
    assert.deepEqual(commands.filter((c) => c !== 'DescribeJobQueuesCommand'), ['ListJobsCommand', 'DescribeJobsCommand']);
    // Nothing new and nothing unfinished: the same runs again, without regrouping 121 jobs.
    const third = await lister.list(batch, 2);
    assert.equal(third.runs, second.runs);
  });
});
