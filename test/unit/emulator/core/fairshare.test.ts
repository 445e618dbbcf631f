import assert from 'node:assert/strict';
import type { FairsharePolicy } from '@aws-sdk/client-batch';
import { weightOf } from '../../../../src/emulator/batch/core/fairShare';
import { harness, type Harness } from '../../../support/engineHarness';

async function fairQueue(vcpus: number, policy: FairsharePolicy): Promise<Harness> {
  const h = await harness({ vcpus });
  const { arn } = h.engine.schedulingPolicies.create({ name: 'teams', fairsharePolicy: policy });
  h.engine.createJobQueue({ jobQueueName: 'fs', priority: 1, schedulingPolicyArn: arn, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] });
  await h.clock.settle();
  h.def('s', 'sleep 3600');
  h.def('short', 'sleep 60');
  return h;
}

function submitMany(h: Harness, share: string, n: number, def = 's'): string[] {
  return Array.from({ length: n }, (_, i) => h.engine.submitJob({ jobName: `${share}-${i}`, jobQueue: 'fs', jobDefinition: def, shareIdentifier: share }).jobId);
}

function runningByShare(h: Harness): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of h.engine.listJobs({ jobQueue: 'fs', jobStatus: 'RUNNING' })) {
    const share = s.jobName!.split('-')[0];
    out[share] = (out[share] ?? 0) + 1;
  }
  return out;
}

describe('Fair-share scheduling (unit)', () => {
  it('weights shares: weightFactor 0.5 gets twice the vCPUs of weightFactor 1 (6 + 3 of 9)', async () => {
    // Usage × weight is evened out: 6 × 0.5 = 3 × 1.
    const h = await fairQueue(9, { shareDistribution: [{ shareIdentifier: 'a', weightFactor: 0.5 }, { shareIdentifier: 'b', weightFactor: 1 }] });
    submitMany(h, 'a', 20);
    submitMany(h, 'b', 20);
    await h.clock.advance(1_000);
    assert.deepEqual(runningByShare(h), { a: 6, b: 3 });
  });

  it('gives a share that arrives later the next free capacity, even behind older jobs of a busy share', async () => {
    const h = await fairQueue(4, {});
    submitMany(h, 'a', 10, 'short');
    await h.clock.advance(1_000);
    assert.deepEqual(runningByShare(h), { a: 4 });
    submitMany(h, 'b', 10, 'short');
    await h.clock.advance(61_000);
    // a's four finished: b (using nothing) takes slots until both hold the same (2 + 2).
    assert.deepEqual(runningByShare(h), { a: 2, b: 2 });
  });

  it('keeps (computeReservation/100)^activeShares of the maximum vCPUs free for shares not active yet', async () => {
    const h = await fairQueue(8, { computeReservation: 50 });
    submitMany(h, 'a', 10);
    await h.clock.advance(1_000);
    assert.deepEqual(runningByShare(h), { a: 4 }, 'one active share: 50% of 8 vCPUs reserved');
    submitMany(h, 'b', 10);
    await h.clock.advance(1_000);
    assert.deepEqual(runningByShare(h), { a: 4, b: 2 }, 'two active shares: 25% reserved, so 6 may run; b has used nothing');
  });

  it('announces a blocked head that comes to fit as unblocked while the reservation holds it back', async () => {
    const h = await fairQueue(2, { computeReservation: 50 });
    const wide = h.def('six', 'true', { containerProperties: { image: 'localbatch-busybox:latest', command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '6' }, { type: 'MEMORY', value: '64' }] } });
    const big = h.engine.submitJob({ jobName: 'a-big', jobQueue: 'fs', jobDefinition: wide, shareIdentifier: 'a' }).jobId;
    await h.clock.advance(1_000);
    assert.match(h.describe(big).statusReason ?? '', /^MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE/);
    h.engine.updateComputeEnvironment({ computeEnvironment: 'ce', computeResources: { maxvCpus: 8 } });
    await h.clock.advance(1_000);
    // It fits 8 vCPUs now, but one active share may use only half of them.
    const last = h.events.filter((e) => e.detail.jobId === big).at(-1)!;
    assert.deepEqual([h.describe(big).status, h.describe(big).statusReason], ['RUNNABLE', undefined]);
    assert.deepEqual([last.detail.status, last.detail.statusReason], ['RUNNABLE', undefined], 'a state-change event says the reason went');
  });

  it('counts vCPU-seconds over shareDecaySeconds, so a share that ran recently yields to one that did not', async () => {
    const h = await fairQueue(4, { shareDecaySeconds: 7200 });
    submitMany(h, 'a', 4, 'short');
    await h.clock.advance(61_000);
    assert.deepEqual(runningByShare(h), {}, 'a ran alone for a minute');
    submitMany(h, 'a', 4);
    submitMany(h, 'b', 4);
    await h.clock.advance(1_000);
    // a's history: 4 vCPUs × 60 s over a 7,200 s window = 0.033 vCPUs, so b wins the tie each time.
    assert.deepEqual(runningByShare(h), { a: 2, b: 2 });
    const firstStarted = h.events.filter((e) => e.detail.status === 'RUNNING' && e.time === h.events.at(-1)!.time).map((e) => e.detail.jobName!.split('-')[0]);
    assert.equal(firstStarted[0], 'b', 'the share with less recent usage goes first');
  });

  it('finds a share\'s weight by exact identifier, else the longest matching prefix*, else 1', () => {
    const p: FairsharePolicy = { shareDistribution: [{ shareIdentifier: 'team*', weightFactor: 2 }, { shareIdentifier: 'teamA*', weightFactor: 0.5 }, { shareIdentifier: 'teamA1', weightFactor: 0.1 }] };
    assert.equal(weightOf(p, 'teamA1'), 0.1);
    assert.equal(weightOf(p, 'teamA2'), 0.5);
    assert.equal(weightOf(p, 'teamB'), 2);
    assert.equal(weightOf(p, 'other'), 1);
  });
});
