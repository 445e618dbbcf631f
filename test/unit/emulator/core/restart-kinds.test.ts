/**
 * Every kind of job stays whole across a restart (issue 17, item 1), with the fake clock and the
 * scripted runtime (a fake: the same runtime instance plays the Docker engine that outlives the
 * server): multi-container tasks re-attached with every container, private networks removed once
 * their attempts end, fair share counting re-attached attempts, and a rehearsed interruption
 * journaled before its kill.
 */
import assert from 'node:assert/strict';
import type { TaskContainerProperties } from '@aws-sdk/client-batch';
import type { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import { journaledWorld, restart, STATE_DIR_LABELS as LABELS } from '../../../support/journal-replay';

const RES = [{ type: 'VCPU' as const, value: '1' }, { type: 'MEMORY' as const, value: '64' }];

const world = (vcpus = 8, durable?: () => Promise<void>) => journaledWorld({ vcpus, durable });

function task(e: BatchEngine, name: string, containers: TaskContainerProperties[]): void {
  e.registerJobDefinition({ jobDefinitionName: name, type: 'container', ecsProperties: { taskProperties: [{ containers }] } });
}

describe('Restarts keep every kind of job whole (unit, scripted runtime)', () => {
  it('re-attaches a multi-container task with all its containers: exits while down delivered in order, the essential rule applied', async () => {
    const w = await world();
    task(w.engine, 'mc', [
      { name: 'init', essential: false, image: 'img', command: ['sh', '-c', 'echo init'], resourceRequirements: RES },
      { name: 'sidecar', essential: false, image: 'img', command: ['sh', '-c', 'echo side; sleep 100'], resourceRequirements: RES, dependsOn: [{ containerName: 'init', condition: 'COMPLETE' }] },
      { name: 'app', image: 'img', command: ['sh', '-c', 'sleep 8; echo app'], resourceRequirements: RES, dependsOn: [{ containerName: 'sidecar', condition: 'START' }] },
    ]);
    const { jobId } = w.engine.submitJob({ jobName: 'mc', jobQueue: 'q', jobDefinition: 'mc' });
    await w.clock.advance(3_000);
    assert.equal(w.runtime.started.length, 3);
    // The app exits 0 while the server is down; nobody stops the sidecar meanwhile.
    const e = await restart(w, () => w.clock.advance(10_000));
    assert.equal(w.runtime.started.length, 3, 'nothing started again');
    await w.clock.advance(1_000);
    const d = e.describeJobs([jobId])[0];
    assert.equal(d.status, 'SUCCEEDED', JSON.stringify(d.attempts));
    const containers = d.attempts![0].taskProperties![0].containers!;
    assert.deepEqual(containers.map((c) => [c.name, c.exitCode]), [['init', 0], ['sidecar', 143], ['app', 0]], 'the sidecar was stopped because the essential app exited');
    assert.deepEqual(containers.map((c) => w.logs.lines(c.logStreamName!)), [['init'], ['side'], ['app']], 'each container keeps its own stream, no line repeated');
    assert.equal(w.runtime.existing, 0, 'every container removed');
    assert.equal(w.runtime.networkNames.size, 0, "the task's network removed");
  });

  it('starts after the restart a task container whose dependency completes then', async () => {
    const w = await world();
    task(w.engine, 'later', [
      { name: 'init', essential: false, image: 'img', command: ['sh', '-c', 'sleep 5; echo init'], resourceRequirements: RES },
      { name: 'app', image: 'img', command: ['sh', '-c', 'echo app; exit 3'], resourceRequirements: RES, dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] },
    ]);
    const { jobId } = w.engine.submitJob({ jobName: 'later', jobQueue: 'q', jobDefinition: 'later' });
    await w.clock.advance(2_000);
    const e = await restart(w);
    await w.clock.advance(10_000);
    assert.deepEqual(w.runtime.started.map((s) => s.name.split('-').at(-1)), ['init', 'app'], 'the app started once, after the restart');
    const d = e.describeJobs([jobId])[0];
    assert.deepEqual([d.status, d.container?.exitCode], ['FAILED', 3], 'the essential app decides');
    assert.equal(w.runtime.networkNames.size, 0);
  });

  it('removes the private network of a multi-node attempt re-attached, and of one that vanished while down', async () => {
    const w = await world();
    const mn = (name: string, script: string) =>
      w.engine.registerJobDefinition({ jobDefinitionName: name, type: 'multinode', nodeProperties: { numNodes: 2, mainNode: 0, nodeRangeProperties: [{ targetNodes: '0:', container: { image: 'img', command: ['sh', '-c', script], resourceRequirements: RES } }] } });
    mn('kept', 'sleep 10');
    mn('lost', 'sleep 10');
    const kept = w.engine.submitJob({ jobName: 'kept', jobQueue: 'q', jobDefinition: 'kept' });
    const lost = w.engine.submitJob({ jobName: 'lost', jobQueue: 'q', jobDefinition: 'lost' });
    await w.clock.advance(1_000);
    assert.equal(w.runtime.networkNames.size, 2);
    const e = await restart(w, async () => {
      for (const c of await w.runtime.list(LABELS)) if (c.labels['dev.localbatch.job-id'] === lost.jobId) await w.runtime.remove(c.id);
    });
    assert.equal(w.report!.networksRemoved, 1, 'the vanished attempt’s network goes at once');
    assert.equal(w.runtime.networkNames.size, 1);
    await w.clock.advance(20_000);
    assert.deepEqual(e.describeJobs([kept.jobId, lost.jobId]).map((d) => d.status), ['SUCCEEDED', 'FAILED']);
    assert.equal(w.runtime.networkNames.size, 0, 'the re-attached attempt’s network goes with it');
  });

  it('counts re-attached attempts in fair share usage', async () => {
    const w = await world(4);
    const { arn } = w.engine.schedulingPolicies.create({ name: 'teams', fairsharePolicy: {} });
    w.engine.createJobQueue({ jobQueueName: 'fs', priority: 2, schedulingPolicyArn: arn, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] });
    await w.clock.settle();
    w.engine.registerJobDefinition({ jobDefinitionName: 'long', type: 'container', containerProperties: { image: 'img', command: ['sh', '-c', 'sleep 3600'], resourceRequirements: RES } });
    const submit = (share: string, n: number) => Array.from({ length: n }, (_, i) => w.engine.submitJob({ jobName: `${share}-${i}`, jobQueue: 'fs', jobDefinition: 'long', shareIdentifier: share }).jobId);
    submit('a', 2);
    await w.clock.advance(1_000);
    const e = await restart(w);
    // a holds 2 vCPUs (re-attached), b none: b's jobs take the 2 free slots although a's are older.
    submit('a', 2);
    submit('b', 2);
    await w.clock.advance(1_000);
    const running: Record<string, number> = {};
    for (const s of e.listJobs({ jobQueue: 'fs', jobStatus: 'RUNNING' })) running[s.jobName!.split('-')[0]] = (running[s.jobName!.split('-')[0]] ?? 0) + 1;
    assert.deepEqual(running, { a: 2, b: 2 });
  });

  it('journals a rehearsed interruption before the kill: a restart in between ends the attempt as host-terminated, not exit 137', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let hold = false;
    const w = await world(8, () => (hold ? held : Promise.resolve()));
    w.engine.registerJobDefinition({ jobDefinitionName: 'spot', type: 'container', containerProperties: { image: 'img', command: ['sh', '-c', 'sleep 100'], resourceRequirements: RES } });
    const { jobId } = w.engine.submitJob({ jobName: 'spot', jobQueue: 'q', jobDefinition: 'spot' });
    await w.clock.advance(1_000);
    assert.equal(w.engine.describeJobs([jobId])[0].status, 'RUNNING');
    hold = true; // the journal write of the interruption is not on disk yet
    const { statusReason } = w.engine.interruptJob(jobId);
    await w.clock.settle();
    assert.equal(w.runtime.signals.length, 0, 'no kill before the interruption is durable');
    const e = await restart(w);
    release();
    await w.clock.advance(1_000);
    const d = e.describeJobs([jobId])[0];
    assert.equal(d.status, 'FAILED');
    assert.match(statusReason, /^Host EC2 \(instance i-[0-9a-f]{17}\) terminated\.$/);
    assert.equal(d.statusReason, statusReason);
    assert.equal(d.attempts![0].container?.exitCode, undefined, 'no exit code, as AWS shows a lost host');
    assert.deepEqual(w.runtime.signals.map((s) => s.signal), ['SIGKILL'], 'the restarted server did the kill');
  });
});
