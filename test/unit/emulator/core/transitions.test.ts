import assert from 'node:assert/strict';
import { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import type { JournalEntry } from '../../../../src/emulator/batch/core/journal';
import type { JobStatus } from '../../../../src/emulator/batch/core/jobs';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { IllegalTransitionError, isLegalTransition, TRANSITIONS } from '../../../../src/emulator/batch/core/transitions';
import { ScriptedRuntime } from '../../../../src/emulator/runtime/scripted';
import { MemoryLogSink } from '../../../support/runtime-conformance';
import { harness } from '../../../support/engineHarness';

const ALL: JobStatus[] = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED'];

describe('Job status transitions (unit)', () => {
  it('allows nothing out of SUCCEEDED or FAILED and nothing backwards but a retry', () => {
    for (const to of ALL) {
      assert.equal(isLegalTransition('SUCCEEDED', to), false);
      assert.equal(isLegalTransition('FAILED', to), false);
    }
    assert.equal(isLegalTransition('RUNNING', 'RUNNABLE'), true, 'retry');
    assert.equal(isLegalTransition('RUNNING', 'PENDING'), false);
    assert.equal(isLegalTransition('RUNNABLE', 'RUNNING'), false, 'STARTING comes first');
    assert.equal(isLegalTransition('PENDING', 'SUCCEEDED'), false);
    assert.equal(isLegalTransition('PENDING', 'SUCCEEDED', true), true, 'an array parent completes from PENDING');
    for (const from of ALL) for (const to of TRANSITIONS.job[from]) assert.notEqual(from, to);
  });

  it('refuses an illegal change in JobMachine.setStatus', async () => {
    const h = await harness();
    h.def('d', 'sleep 1');
    const { jobId } = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'd' });
    await h.clock.advance(5_000);
    assert.equal(h.describe(jobId).status, 'SUCCEEDED');
    const machine = (h.engine as unknown as { machine: { get(id: string): never; setStatus(j: never, s: JobStatus): void } }).machine;
    assert.throws(() => machine.setStatus(machine.get(jobId), 'RUNNING'), IllegalTransitionError);
  });

  it('journals every transition an engine makes, each one legal, ending where DescribeJobs ends', async () => {
    const clock = new FakeClock();
    const entries: JournalEntry[] = [];
    const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: new MemoryLogSink() }), journal: { append: (e) => entries.push(JSON.parse(JSON.stringify(e)) as JournalEntry) } });
    engine.createComputeEnvironment({ computeEnvironmentName: 'ce', type: 'MANAGED', computeResources: { type: 'EC2', maxvCpus: 2, subnets: [] } }, { memoryMiB: 4096 });
    await clock.settle();
    engine.createJobQueue({ jobQueueName: 'q', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] });
    await clock.settle();
    engine.registerJobDefinition({ jobDefinitionName: 'f', type: 'container', retryStrategy: { attempts: 2 }, containerProperties: { image: 'i', command: ['sh', '-c', 'sleep 1; exit 1'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } });
    const a = engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 'f', arrayProperties: { size: 2 } });
    await clock.advance(60_000);
    const tx = entries.filter((e): e is Extract<JournalEntry, { k: 'job' }> => e.k === 'job' && e.from !== undefined);
    for (const t of tx) assert.ok(isLegalTransition(t.from!, t.to!, t.id === a.jobId), `${t.from} -> ${t.to}`);
    const child = tx.filter((t) => t.id === `${a.jobId}:0`).map((t) => t.to);
    assert.deepEqual(child, ['RUNNABLE', 'STARTING', 'RUNNING', 'RUNNABLE', 'STARTING', 'RUNNING', 'FAILED']);
    assert.deepEqual(tx.filter((t) => t.id === a.jobId).map((t) => t.to), ['PENDING', 'FAILED']);
    assert.equal(engine.describeJobs([a.jobId])[0].status, 'FAILED');
    assert.deepEqual(entries.slice(0, 6).map((e) => e.k), ['ce', 'ce', 'q', 'q', 'def', 'sub']);
  });
});
