import assert from 'node:assert/strict';
import { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { ScriptedRuntime } from '../../../../src/emulator/runtime/scripted';
import { harness } from '../../../support/engineHarness';
import { MemoryJournal, replay } from '../../../support/journal-replay';
import { MemoryLogSink } from '../../../support/runtime-conformance';

describe('Consumable resources (unit)', () => {
  it('runs jobs needing a licence one at a time on a total of 1, and gives it back when each ends (REPLENISHABLE)', async () => {
    const h = await harness({ vcpus: 4 });
    h.engine.consumableResources.create({ consumableResourceName: 'licence', totalQuantity: 1 });
    h.def('lic', 'sleep 10', { consumableResourceProperties: { consumableResourceList: [{ consumableResource: 'licence', quantity: 1 }] } });
    h.def('free', 'sleep 10');
    const a = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 'lic' }).jobId;
    const b = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 'lic' }).jobId;
    await h.clock.advance(1_000);
    assert.deepEqual(h.engine.describeJobs([a, b]).map((d) => d.status), ['RUNNING', 'RUNNABLE']);
    assert.deepEqual([h.engine.consumableResources.describe('licence').inUseQuantity, h.engine.consumableResources.describe('licence').availableQuantity], [1, 0]);
    const c = h.engine.submitJob({ jobName: 'c', jobQueue: 'q', jobDefinition: 'free' }).jobId;
    await h.clock.advance(1_000);
    assert.equal(h.describe(c).status, 'RUNNABLE', 'the head waiting for a licence holds the queue (FIFO)');
    await h.clock.advance(10_000);
    assert.deepEqual(h.engine.describeJobs([a, b]).map((d) => d.status), ['SUCCEEDED', 'RUNNING']);
    await h.clock.advance(10_000);
    assert.equal(h.describe(b).status, 'SUCCEEDED');
    assert.deepEqual([h.engine.consumableResources.describe('licence').inUseQuantity, h.engine.consumableResources.describe('licence').totalQuantity], [0, 1]);
  });

  it('uses up a NON_REPLENISHABLE resource, takes the SubmitJob override, and starts waiting jobs when the total grows', async () => {
    const h = await harness({ vcpus: 4 });
    h.engine.consumableResources.create({ consumableResourceName: 'quota', totalQuantity: 3, resourceType: 'NON_REPLENISHABLE' });
    h.def('q', 'sleep 1', { consumableResourceProperties: { consumableResourceList: [{ consumableResource: 'quota', quantity: 2 }] } });
    const a = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 'q' }).jobId;
    const b = h.engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 'q' }).jobId;
    const c = h.engine.submitJob({ jobName: 'c', jobQueue: 'q', jobDefinition: 'q', consumableResourcePropertiesOverride: { consumableResourceList: [{ consumableResource: 'quota', quantity: 1 }] } } as never).jobId;
    await h.clock.advance(5_000);
    assert.deepEqual(h.engine.describeJobs([a, b, c]).map((d) => d.status), ['SUCCEEDED', 'RUNNABLE', 'RUNNABLE'], '3 - 2 leaves 1: b (2) waits, and c waits behind it');
    assert.equal(h.engine.consumableResources.describe('quota').totalQuantity, 1);
    h.engine.updateConsumableResource('quota', 'ADD', 2);
    await h.clock.advance(5_000);
    assert.deepEqual(h.engine.describeJobs([b, c]).map((d) => d.status), ['SUCCEEDED', 'SUCCEEDED']);
    assert.equal(h.engine.consumableResources.describe('quota').totalQuantity, 0);
  });

  it('refuses a job naming a consumable resource that does not exist, and bad quantities', async () => {
    const h = await harness();
    h.def('x', 'true', { consumableResourceProperties: { consumableResourceList: [{ consumableResource: 'nope', quantity: 1 }] } });
    assert.throws(() => h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 'x' }), /Consumable resource nope does not exist/);
    assert.throws(() => h.engine.consumableResources.create({ consumableResourceName: 'r', totalQuantity: -1 }), /non-negative/);
    h.engine.consumableResources.create({ consumableResourceName: 'r', totalQuantity: 1 });
    assert.throws(() => h.engine.consumableResources.create({ consumableResourceName: 'r' }), /already exists/);
    assert.throws(() => h.engine.updateConsumableResource('r', 'DOUBLE', 1), /SET, ADD or REMOVE/);
  });
});

describe('Consumable resources are journaled (unit)', () => {
  it('replays create, use of a NON_REPLENISHABLE one, and delete from the journal', async () => {
    const journal = new MemoryJournal();
    const clock = new FakeClock();
    const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: new MemoryLogSink() }), journal });
    engine.consumableResources.create({ consumableResourceName: 'keep', totalQuantity: 5, resourceType: 'NON_REPLENISHABLE' });
    engine.consumableResources.create({ consumableResourceName: 'gone', totalQuantity: 1 });
    engine.updateConsumableResource('keep', 'REMOVE', 2);
    engine.consumableResources.delete('gone');
    const restored = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: new MemoryLogSink() }) });
    restored.restore(replay(journal.entries));
    assert.deepEqual(restored.consumableResources.list().map((r) => [r.consumableResourceName, r.totalQuantity, r.resourceType]), [['keep', 3, 'NON_REPLENISHABLE']]);
  });
});
