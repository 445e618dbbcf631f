import assert from 'node:assert/strict';
import { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import type { EngineSnapshot } from '../../../../src/emulator/batch/core/snapshot';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { ScriptedRuntime } from '../../../../src/emulator/runtime/scripted';
import { MemoryLogSink } from '../../../support/runtime-conformance';
import { harness } from '../../../support/engineHarness';

describe('Snapshot and restore (unit)', () => {
  it('round-trips definitions, queues, environments and jobs as plain data, and resumes the work', async () => {
    const h = await harness({ vcpus: 1 });
    h.def('s', 'sleep 10', { retryStrategy: { attempts: 2 } });
    h.def('s', 'sleep 10', { retryStrategy: { attempts: 2 } });
    const a = h.engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 's' });
    const arr = h.engine.submitJob({ jobName: 'arr', jobQueue: 'q', jobDefinition: 's', arrayProperties: { size: 2 }, dependsOn: [{ jobId: a.jobId }] });
    const seq = h.engine.submitJob({ jobName: 'seq', jobQueue: 'q', jobDefinition: 's', arrayProperties: { size: 2 }, dependsOn: [{ type: 'SEQUENTIAL' }, { jobId: arr.jobId, type: 'N_TO_N' }] });
    await h.clock.advance(5_000);
    assert.equal(h.describe(a.jobId).status, 'RUNNING');
    const snap = JSON.parse(JSON.stringify(h.engine.snapshot()));

    const clock = new FakeClock(h.clock.now());
    const runtime = new ScriptedRuntime({ clock, logs: new MemoryLogSink() });
    const e2 = new BatchEngine({ clock, runtime });
    e2.restore(snap);
    assert.deepEqual(e2.describeJobDefinitions().map((d) => d.revision), [1, 2]);
    assert.equal(e2.describeJobQueues()[0].status, 'VALID');
    await clock.advance(120_000);
    const [ra] = e2.describeJobs([a.jobId]);
    assert.equal(ra.status, 'SUCCEEDED', 'the interrupted attempt is retried');
    assert.match(ra.attempts?.[0].statusReason ?? '', /^Host EC2 \(instance i-[0-9a-f]{17}\) terminated\.$/);
    // the attempt that ran before the restart keeps its task and log stream (its output is there)
    const before = (snap as EngineSnapshot).jobs.find((j) => j.id === a.jobId)!.run!;
    assert.equal(ra.attempts?.[0].container?.logStreamName, before.logStreamName);
    assert.match(ra.attempts?.[0].container?.taskArn ?? '', new RegExp(`^arn:aws:ecs:[^:]+:\\d{12}:task/[^/]+/${before.taskId}$`));
    assert.deepEqual(e2.describeJobs([arr.jobId, seq.jobId]).map((d) => d.status), ['SUCCEEDED', 'SUCCEEDED']);
    assert.equal(e2.describeJobs([`${seq.jobId}:1`])[0].status, 'SUCCEEDED');
    assert.equal(runtime.started.length, 5);
  });
});
