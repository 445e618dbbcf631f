/**
 * Restart of the engine over a journal, with the fake clock and the scripted runtime (a fake: the
 * same runtime instance plays the Docker engine that outlives the server). The first engine is
 * detached (as a killed server stops watching), the journal replayed into a second engine, which
 * reconciles the attempts that were in flight with the containers the runtime still has.
 */
import assert from 'node:assert/strict';
import type { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import { journaledWorld, replay, restart, STATE_DIR_LABELS as LABELS } from '../../../support/journal-replay';

const world = (pullDelayMs = 0) => journaledWorld({ pullDelayMs });

function def(e: BatchEngine, name: string, script: string, extra: object = {}): void {
  e.registerJobDefinition({
    jobDefinitionName: name,
    type: 'container',
    containerProperties: { image: 'localbatch-busybox:latest', command: ['sh', '-c', script], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] },
    ...extra,
  });
}

const status = (e: BatchEngine, id: string) => e.describeJobs([id])[0]?.status;

describe('Reconciliation after a restart (unit, scripted runtime)', () => {
  it('re-attaches a running container: no duplicated log lines, timeout from the original start', async () => {
    const w = await world();
    def(w.engine, 'slow', 'echo one; sleep 100; echo two', { timeout: { attemptDurationSeconds: 60 } });
    def(w.engine, 'talk', 'echo a; sleep 40; echo b');
    const slow = w.engine.submitJob({ jobName: 'slow', jobQueue: 'q', jobDefinition: 'slow' });
    const talk = w.engine.submitJob({ jobName: 'talk', jobQueue: 'q', jobDefinition: 'talk' });
    await w.clock.advance(10_000);
    assert.equal(status(w.engine, slow.jobId), 'RUNNING');
    const started = w.engine.describeJobs([slow.jobId])[0].startedAt!;
    const e = await restart(w, () => w.clock.advance(15_000));
    assert.deepEqual([status(e, slow.jobId), status(e, talk.jobId)], ['RUNNING', 'RUNNING']);
    assert.equal(w.runtime.started.length, 2, 'nothing started again');
    await w.clock.advance(60_000);
    const [s, t] = e.describeJobs([slow.jobId, talk.jobId]);
    assert.equal(t.status, 'SUCCEEDED');
    assert.equal(s.status, 'FAILED');
    assert.equal(s.statusReason, 'Job attempt duration exceeded timeout');
    assert.ok(s.stoppedAt! - started <= 60_000 + 1, `timed out ${s.stoppedAt! - started} ms after its start`);
    assert.deepEqual(w.logs.lines(t.container!.logStreamName!), ['a', 'b']);
    assert.deepEqual(w.logs.lines(s.container!.logStreamName!), ['one']);
  });

  it('records a container that exited while the server was down as if seen live, then dependents run', async () => {
    const w = await world();
    def(w.engine, 'ok', 'sleep 10; echo done');
    def(w.engine, 'bad', 'sleep 10; echo failing; exit 3', { retryStrategy: { attempts: 2 } });
    const ok = w.engine.submitJob({ jobName: 'ok', jobQueue: 'q', jobDefinition: 'ok' });
    const bad = w.engine.submitJob({ jobName: 'bad', jobQueue: 'q', jobDefinition: 'bad' });
    const after = w.engine.submitJob({ jobName: 'after', jobQueue: 'q', jobDefinition: 'ok', dependsOn: [{ jobId: ok.jobId }] });
    await w.clock.advance(5_000);
    const e = await restart(w, () => w.clock.advance(20_000));
    const [o, b] = e.describeJobs([ok.jobId, bad.jobId]);
    assert.equal(o.status, 'SUCCEEDED');
    assert.equal(o.attempts?.[0].container?.exitCode, 0);
    assert.deepEqual(w.logs.lines(o.container!.logStreamName!), ['done']);
    assert.equal(b.attempts?.[0].container?.exitCode, 3, 'the exit while down is attempt 1');
    await w.clock.advance(30_000);
    const [b2, a2] = e.describeJobs([bad.jobId, after.jobId]);
    assert.equal(b2.status, 'FAILED');
    assert.deepEqual(b2.attempts?.map((x) => x.container?.exitCode), [3, 3], 'retried once per its strategy');
    assert.equal(a2.status, 'SUCCEEDED', 'the dependent proceeds');
    assert.equal(w.runtime.existing, 0, 'every container removed');
  });

  it('fails the attempt of a vanished container with the host-terminated reason and retries it', async () => {
    const w = await world();
    def(w.engine, 'r', 'sleep 10', { retryStrategy: { attempts: 2 } });
    def(w.engine, 'once', 'sleep 10');
    const r = w.engine.submitJob({ jobName: 'r', jobQueue: 'q', jobDefinition: 'r' });
    const once = w.engine.submitJob({ jobName: 'once', jobQueue: 'q', jobDefinition: 'once' });
    await w.clock.advance(5_000);
    const e = await restart(w, async () => {
      for (const c of await w.runtime.list(LABELS)) await w.runtime.remove(c.id);
    });
    await w.clock.advance(30_000);
    const [rd, od] = e.describeJobs([r.jobId, once.jobId]);
    assert.match(rd.attempts?.[0].statusReason ?? '', /^Host EC2 \(instance i-[0-9a-f]{17}\) terminated\.$/);
    assert.equal(rd.status, 'SUCCEEDED', 'retried');
    assert.equal(rd.attempts?.length, 2);
    assert.equal(od.status, 'FAILED');
    assert.match(od.statusReason ?? '', /^Host EC2 \(instance i-/);
  });

  it('puts back to RUNNABLE an attempt that never got a container, and removes containers of no attempt', async () => {
    const w = await world(10_000);
    def(w.engine, 'p', 'echo hi');
    const p = w.engine.submitJob({ jobName: 'p', jobQueue: 'q', jobDefinition: 'p' });
    await w.clock.advance(1_000);
    assert.equal(status(w.engine, p.jobId), 'STARTING');
    const stray = await w.runtime.start({ name: 'stray', image: 'x', command: ['sh', '-c', 'sleep 1000'], environment: {}, vcpus: 1, memoryMiB: 8, gpus: 0, labels: { ...LABELS, 'dev.localbatch.job-id': 'gone', 'dev.localbatch.attempt': '1' }, logStreamName: 'stray' });
    const e = await restart(w);
    assert.equal(w.report?.removed, 1);
    assert.equal(await w.runtime.inspect(stray.id), undefined);
    await w.clock.advance(20_000);
    const d = e.describeJobs([p.jobId])[0];
    assert.equal(d.status, 'SUCCEEDED');
    assert.equal(d.attempts?.length, 1, 'the attempt that never ran is not counted');
  });

  it('keeps queued jobs and an acknowledged cancel across the restart', async () => {
    const w = await world();
    def(w.engine, 'long', 'sleep 50');
    const first = w.engine.submitJob({ jobName: 'first', jobQueue: 'q', jobDefinition: 'long' });
    const waiting = w.engine.submitJob({ jobName: 'w', jobQueue: 'q', jobDefinition: 'long', dependsOn: [{ jobId: first.jobId }] });
    const cancelled = w.engine.submitJob({ jobName: 'c', jobQueue: 'q', jobDefinition: 'long', dependsOn: [{ jobId: first.jobId }] });
    await w.clock.advance(1_000);
    w.engine.cancelJob(cancelled.jobId, 'not needed');
    const e = await restart(w);
    assert.equal(status(e, waiting.jobId), 'PENDING');
    await w.clock.advance(200_000);
    const [f, wd, cd] = e.describeJobs([first.jobId, waiting.jobId, cancelled.jobId]);
    assert.deepEqual([f.status, wd.status, cd.status], ['SUCCEEDED', 'SUCCEEDED', 'FAILED']);
    assert.equal(cd.statusReason, 'not needed');
  });

  it('keeps N_TO_N children waiting on their own targets across a restart (a failed target fails its child)', async () => {
    const w = await world();
    def(w.engine, 'odd', 'sleep 10');
    def(w.engine, 'ok', 'sleep 1');
    const b = w.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 'odd', arrayProperties: { size: 2 } });
    w.runtime.script((spec) => spec.environment.AWS_BATCH_JOB_ID === `${b.jobId}:1`, { durationMs: 10_000, exitCode: 3 });
    const c = w.engine.submitJob({ jobName: 'c', jobQueue: 'q', jobDefinition: 'ok', arrayProperties: { size: 2 }, dependsOn: [{ jobId: b.jobId, type: 'N_TO_N' }] });
    await w.clock.advance(2_000);
    const e = await restart(w);
    await w.clock.advance(60_000);
    assert.deepEqual(e.describeJobs([`${c.jobId}:0`, `${c.jobId}:1`, c.jobId]).map((d) => d.status), ['SUCCEEDED', 'FAILED', 'FAILED']);
    assert.equal(e.describeJobs([`${c.jobId}:1`])[0].statusReason, 'Dependent Job failed');
  });

  it('starts nothing restored before reconcile() has put the attempts in flight back, then moves the queue', async () => {
    const w = await world();
    def(w.engine, 'long', 'sleep 50');
    w.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 'long', containerOverrides: { resourceRequirements: [{ type: 'VCPU', value: '4' }] } });
    await w.clock.advance(1_000);
    const queued = w.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 'long' });
    await w.clock.advance(1_000);
    await w.engine.detach();
    const engine = w.newEngine(w.journal);
    engine.restore(replay(w.journal.entries), { reconcile: true });
    const startedBefore = w.runtime.started.length;
    await w.clock.advance(100_000);
    assert.equal(w.runtime.started.length, startedBefore, 'no pass runs while paused, even after the running job would have ended');
    assert.equal(status(engine, queued.jobId), 'RUNNABLE');
    await engine.reconcile();
    await w.clock.advance(200_000);
    assert.equal(status(engine, queued.jobId), 'SUCCEEDED', 'reconcile() resumes the passes');
  });
});
