import assert from 'node:assert/strict';
import { RandomInterrupter } from '../../../../src/cli/run/chaos';
import { harness } from '../../../support/engineHarness';

const HOST = /^Host EC2 \(instance i-[0-9a-f]{17}\) terminated\.$/;

describe('Rehearsed Spot interruptions (unit)', () => {
  it('fails the attempt with the host-terminated reason and retries on onStatusReason "Host EC2*"', async () => {
    const h = await harness();
    h.def('ckpt', 'sleep 100', { retryStrategy: { attempts: 3, evaluateOnExit: [{ onStatusReason: 'Host EC2*', action: 'RETRY' }, { onExitCode: '*', action: 'EXIT' }] } });
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'ckpt' });
    await h.clock.advance(1_000);
    assert.equal(h.describe(r.jobId).status, 'RUNNING');
    const out = h.engine.interruptJob(r.jobId);
    assert.match(out.statusReason, HOST);
    await h.clock.advance(1_000);
    const d = h.describe(r.jobId);
    assert.equal(d.status, 'RUNNING', 'a second attempt runs');
    assert.equal(d.attempts!.length, 1);
    assert.equal(d.attempts![0].statusReason, out.statusReason);
    assert.equal(d.attempts![0].container!.exitCode, undefined, 'the host went away: no exit code');
    assert.equal(h.runtime.started.length, 2);
    assert.equal(h.runtime.started[1].environment.AWS_BATCH_JOB_ATTEMPT, '2');
  });

  it('fails the job when the retry strategy says EXIT, and refuses jobs with no attempt in flight', async () => {
    const h = await harness();
    h.def('once', 'sleep 100');
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'once' });
    assert.throws(() => h.engine.interruptJob(r.jobId), /only a STARTING or RUNNING job/);
    await h.clock.advance(1_000);
    h.engine.interruptJob(r.jobId);
    await h.clock.advance(1_000);
    const d = h.describe(r.jobId);
    assert.equal(d.status, 'FAILED');
    assert.match(d.statusReason!, HOST);
    assert.throws(() => h.engine.interruptJob(r.jobId), /only a STARTING or RUNNING job/);
    assert.throws(() => h.engine.interruptJob('nope'), /does not exist/);
    const arr = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 'once', arrayProperties: { size: 2 } });
    await h.clock.advance(1_000);
    assert.throws(() => h.engine.interruptJob(arr.jobId), /array job/);
    assert.match(h.engine.interruptJob(`${arr.jobId}:1`).statusReason, HOST);
  });

  it('--interrupt-rate: interrupts an attempt with the given probability, after a delay', async () => {
    const calls: string[] = [];
    const timers: Array<[number, () => void]> = [];
    const rolls = [0.1, 0.5, 0.9, 0.2];
    const i = new RandomInterrupter(0.3, {
      interrupt: async (id) => void calls.push(id),
      random: () => rolls.shift() ?? 0.99,
      later: (ms, fn) => void timers.push([ms, fn]),
      report: () => undefined,
    });
    i.onRunning('a'); // 0.1 < 0.3: yes, delay 0.5 × 2000
    i.onRunning('b'); // 0.9: no
    i.onRunning('c'); // 0.2: yes, delay 0.99 × 2000
    assert.deepEqual(timers.map(([ms]) => ms), [1000, 1980]);
    for (const [, fn] of timers) fn();
    await i.settle();
    assert.deepEqual(calls, ['a', 'c']);
  });
});
