/**
 * The scheduling pass's edges that `npm run mutate` found untested (scheduler.ts): a detached
 * engine starts nothing and leaves no timer behind, a blocked head that comes to fit loses its
 * reason (and says so) while it waits for capacity, and a FIFO queue ignores schedulingPriority.
 * Fake clock and scripted runtime (fakes), as the rest of the core's unit tests.
 */
import assert from 'node:assert/strict';
import { harness, type Harness } from '../../../support/engineHarness';

const MAX_LIMIT = { reason: 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE', state: 'RUNNABLE' as const, maxTimeSeconds: 600, action: 'CANCEL' as const };

function sized(h: Harness, name: string, vcpus: number, script: string): string {
  return h.def(name, script, { containerProperties: { image: 'localbatch-busybox:latest', command: ['sh', '-c', script], resourceRequirements: [{ type: 'VCPU', value: String(vcpus) }, { type: 'MEMORY', value: '64' }] } });
}

describe('Scheduling passes (unit, fake clock and scripted runtime)', () => {
  it('starts nothing once the engine is detached, and leaves no time-limit timer behind', async () => {
    const h = await harness({ vcpus: 2 });
    h.engine.updateJobQueue({ jobQueue: 'q', jobStateTimeLimitActions: [MAX_LIMIT] });
    await h.clock.settle();
    const big = h.engine.submitJob({ jobName: 'big', jobQueue: 'q', jobDefinition: sized(h, 'wide', 4, 'true') }).jobId;
    await h.clock.advance(1_000);
    assert.match(h.describe(big).statusReason ?? '', /^MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE/);
    assert.ok(h.clock.pendingTimers > 0, 'the time limit is armed');
    await h.engine.detach();
    assert.equal(h.clock.pendingTimers, 0, 'a detached engine keeps nothing alive');
    // The environment grows: a live engine would start the job now; a detached one does nothing.
    h.engine.updateComputeEnvironment({ computeEnvironment: 'ce', computeResources: { maxvCpus: 4 } });
    await h.clock.advance(3_600_000);
    assert.equal(h.runtime.started.length, 0);
    assert.equal(h.describe(big).status, 'RUNNABLE', 'queued jobs stay queued, not cancelled by the time limit');
  });

  it('clears a blocked head\'s reason, with a state-change event, once it fits but waits for capacity; the time limit no longer applies', async () => {
    const h = await harness({ vcpus: 2 });
    h.engine.updateJobQueue({ jobQueue: 'q', jobStateTimeLimitActions: [MAX_LIMIT] });
    await h.clock.settle();
    const first = h.engine.submitJob({ jobName: 'first', jobQueue: 'q', jobDefinition: sized(h, 'two', 2, 'sleep 1200') }).jobId;
    await h.clock.advance(1_000);
    const big = h.engine.submitJob({ jobName: 'big', jobQueue: 'q', jobDefinition: sized(h, 'four', 4, 'true') }).jobId;
    await h.clock.advance(1_000);
    assert.match(h.describe(big).statusReason ?? '', /^MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE/);
    const before = h.events.filter((e) => e.detail.jobId === big).length;

    h.engine.updateComputeEnvironment({ computeEnvironment: 'ce', computeResources: { maxvCpus: 4 } });
    await h.clock.advance(1_000);
    assert.equal(h.describe(first).status, 'RUNNING', 'two of the four vCPUs are in use');
    assert.deepEqual([h.describe(big).status, h.describe(big).statusReason], ['RUNNABLE', undefined], 'no longer blocked: it waits for capacity');
    const after = h.events.filter((e) => e.detail.jobId === big);
    assert.equal(after.length, before + 1, 'one state-change event says the reason went');
    assert.deepEqual([after.at(-1)!.detail.status, after.at(-1)!.detail.statusReason], ['RUNNABLE', undefined]);

    await h.clock.advance(900_000);
    assert.equal(h.describe(big).status, 'RUNNABLE', 'maxTimeSeconds counts only while blocked');
    await h.clock.advance(400_000);
    assert.equal(h.describe(big).status, 'SUCCEEDED', 'it runs once the capacity is free');
  });

  it('ignores schedulingPriority on a FIFO queue (it orders only fair-share queues)', async () => {
    const h = await harness({ vcpus: 1 });
    const def = sized(h, 'one', 1, 'sleep 10');
    const blocker = h.engine.submitJob({ jobName: 'blocker', jobQueue: 'q', jobDefinition: def }).jobId;
    await h.clock.advance(1_000);
    const low = h.engine.submitJob({ jobName: 'low', jobQueue: 'q', jobDefinition: def, schedulingPriorityOverride: 1 }).jobId;
    const high = h.engine.submitJob({ jobName: 'high', jobQueue: 'q', jobDefinition: def, schedulingPriorityOverride: 9 }).jobId;
    await h.clock.advance(60_000);
    const started = (id: string) => h.describe(id).startedAt!;
    assert.ok(started(blocker) < started(low) && started(low) < started(high), 'first come, first served');
  });

  it('announces a head waiting for capacity once, however many passes go by, and a cancelled blocked head once more, as FAILED', async () => {
    const h = await harness({ vcpus: 2 });
    const short = sized(h, 'two-short', 2, 'sleep 5');
    for (let i = 0; i < 3; i++) h.engine.submitJob({ jobName: `busy-${i}`, jobQueue: 'q', jobDefinition: short });
    const waiter = h.engine.submitJob({ jobName: 'waiter', jobQueue: 'q', jobDefinition: short }).jobId;
    await h.clock.advance(12_000);
    // Two busy jobs have ended meanwhile (two passes with the waiter not first in line, then at the head).
    assert.deepEqual(h.statuses(waiter), ['RUNNABLE'], 'no event per pass while it waits');
    await h.clock.advance(60_000);
    assert.deepEqual(h.statuses(waiter), ['RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED']);

    const big = h.engine.submitJob({ jobName: 'big', jobQueue: 'q', jobDefinition: sized(h, 'four', 4, 'true') }).jobId;
    await h.clock.advance(1_000);
    h.engine.cancelJob(big, 'not this one');
    await h.clock.advance(1_000);
    const seen = h.events.filter((e) => e.detail.jobId === big).map((e) => `${e.detail.status}:${(e.detail.statusReason ?? '').split(' - ')[0]}`);
    assert.deepEqual([seen[0], seen[1], seen.at(-1)], ['RUNNABLE:', 'RUNNABLE:MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE', 'FAILED:not this one']);
    assert.ok(!seen.slice(1).includes('RUNNABLE:'), `cancelling does not announce the head as unblocked first: ${seen.join(', ')}`);
  });
});
