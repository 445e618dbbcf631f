import assert from 'node:assert/strict';
import type { TaskContainerProperties } from '@aws-sdk/client-batch';
import { harness, type Harness } from '../../../support/engineHarness';

function register(h: Harness, name: string, containers: TaskContainerProperties[]): void {
  h.engine.registerJobDefinition({ jobDefinitionName: name, type: 'container', ecsProperties: { taskProperties: [{ containers }] } });
}

const res = [{ type: 'VCPU' as const, value: '1' }, { type: 'MEMORY' as const, value: '128' }];

describe('Multi-container jobs (unit)', () => {
  it('starts containers in dependency order (COMPLETE, START, SUCCESS) and stops the rest when the essential one exits', async () => {
    const h = await harness({ vcpus: 8 });
    register(h, 'mc', [
      { name: 'init', essential: false, image: 'img', command: ['sh', '-c', 'echo init; sleep 2'], resourceRequirements: res },
      { name: 'sidecar', essential: false, image: 'img', command: ['sh', '-c', 'sleep 100'], resourceRequirements: res, dependsOn: [{ containerName: 'init', condition: 'COMPLETE' }] },
      { name: 'app', image: 'img', command: ['sh', '-c', 'echo app; sleep 3'], resourceRequirements: res, dependsOn: [{ containerName: 'sidecar', condition: 'START' }, { containerName: 'init', condition: 'SUCCESS' }] },
    ]);
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'mc' });
    await h.clock.advance(1_000);
    assert.deepEqual(h.runtime.started.map((s) => s.name.split('-').at(-1)), ['init'], 'only init runs until it completes');
    assert.equal(h.describe(r.jobId).status, 'RUNNING');
    await h.clock.advance(2_000);
    assert.deepEqual(h.runtime.started.map((s) => s.name.split('-').at(-1)), ['init', 'sidecar', 'app']);
    // One network for the task; the containers after init share the sidecar's namespace (localhost, as awsvpc).
    const [init, sidecar, app] = h.runtime.started;
    assert.ok(init.network && sidecar.network === init.network, 'one network for the task');
    assert.deepEqual([init.networkAliases, sidecar.networkAliases], [['init'], ['sidecar', 'app']]);
    assert.deepEqual([app.network, app.networkMode], [undefined, 'container:scripted-2']);
    assert.equal(h.runtime.started[2].environment.AWS_BATCH_JOB_ID, r.jobId);
    await h.clock.advance(4_000);
    const d = h.describe(r.jobId);
    assert.equal(d.status, 'SUCCEEDED', 'the essential container exited 0; the sidecar was stopped');
    const containers = d.attempts![0].taskProperties![0].containers!;
    assert.deepEqual(containers.map((c) => [c.name, c.exitCode]), [['init', 0], ['sidecar', 143], ['app', 0]]);
    assert.match(containers[2].logStreamName!, /^mc\/app\/[0-9a-f]+$/);
    assert.deepEqual(h.logs.lines(containers[2].logStreamName!), ['app']);
    assert.deepEqual(d.ecsProperties!.taskProperties![0].containers!.map((c) => [c.name, c.exitCode]), [['init', 0], ['sidecar', 143], ['app', 0]]);
    assert.equal(h.runtime.networkNames.size, 0);
  });

  it('fails the attempt when an essential container fails, or a SUCCESS dependency does not succeed', async () => {
    const h = await harness({ vcpus: 8 });
    register(h, 'bad-init', [
      { name: 'init', essential: false, image: 'img', command: ['sh', '-c', 'exit 3'], resourceRequirements: res },
      { name: 'app', image: 'img', command: ['sh', '-c', 'echo never'], resourceRequirements: res, dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] },
    ]);
    register(h, 'two', [
      { name: 'a', image: 'img', command: ['sh', '-c', 'sleep 1; exit 5'], resourceRequirements: res },
      { name: 'b', image: 'img', command: ['sh', '-c', 'sleep 10'], resourceRequirements: res },
    ]);
    const bad = h.engine.submitJob({ jobName: 'bad', jobQueue: 'q', jobDefinition: 'bad-init' });
    const two = h.engine.submitJob({ jobName: 'two', jobQueue: 'q', jobDefinition: 'two' });
    await h.clock.advance(5_000);
    const b = h.describe(bad.jobId);
    assert.equal(b.status, 'FAILED');
    const app = b.attempts![0].taskProperties![0].containers!.find((c) => c.name === 'app')!;
    assert.match(app.reason!, /DependencyConditionNotMet: container init did not exit 0/);
    assert.equal(app.logStreamName, undefined, 'it never ran');
    const t = h.describe(two.jobId);
    assert.deepEqual([t.status, t.container?.exitCode], ['FAILED', 5], 'the essential container that failed decides');
    assert.equal(h.runtime.started.filter((s) => s.name.endsWith('-b')).length, 1);
  });

  it('gives each container its stopTimeout between SIGTERM and SIGKILL (30 s without one)', async () => {
    const h = await harness({ vcpus: 8 });
    register(h, 'stop', [
      { name: 'app', image: 'img', command: ['sh', '-c', 'sleep 1'], resourceRequirements: res },
      { name: 'quick', essential: false, stopTimeout: 5, image: 'img', command: ['sh', '-c', 'trap "" TERM; sleep 100'], resourceRequirements: res },
      { name: 'slow', essential: false, image: 'img', command: ['sh', '-c', 'trap "" TERM; sleep 100'], resourceRequirements: res },
    ]);
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'stop' });
    await h.clock.advance(1_000);
    const ids = new Map(h.runtime.started.map((s, i) => [s.name.split('-').at(-1)!, `scripted-${i + 1}`]));
    await h.clock.advance(5_500);
    const killed = () => h.runtime.signals.filter((x) => x.signal === 'SIGKILL').map((x) => x.id);
    assert.deepEqual(killed(), [ids.get('quick')], 'the 5 s stopTimeout ran out first');
    assert.equal(h.describe(r.jobId).status, 'RUNNING');
    await h.clock.advance(25_000);
    assert.deepEqual(killed(), [ids.get('quick'), ids.get('slow')]);
    assert.equal(h.describe(r.jobId).status, 'SUCCEEDED');
  });

  it('gives up on a dependency that does not COMPLETE within its startTimeout', async () => {
    const h = await harness({ vcpus: 8 });
    register(h, 'start', [
      { name: 'setup', essential: false, startTimeout: 3, image: 'img', command: ['sh', '-c', 'sleep 100'], resourceRequirements: res },
      { name: 'app', image: 'img', command: ['sh', '-c', 'echo app'], resourceRequirements: res, dependsOn: [{ containerName: 'setup', condition: 'COMPLETE' }] },
    ]);
    const r = h.engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'start' });
    await h.clock.advance(2_000);
    assert.equal(h.describe(r.jobId).status, 'RUNNING', 'still within the startTimeout');
    await h.clock.advance(2_000);
    const d = h.describe(r.jobId);
    assert.equal(d.status, 'FAILED');
    const app = d.attempts![0].taskProperties![0].containers!.find((c) => c.name === 'app')!;
    assert.equal(app.reason, 'DependencyConditionNotMet: container setup did not complete within its startTimeout');
    assert.deepEqual(h.runtime.started.map((s) => s.name.split('-').at(-1)), ['setup'], 'app never started');
  });

  it('holds the capacity of every container of the task', async () => {
    const h = await harness({ vcpus: 2 });
    register(h, 'wide', [
      { name: 'a', image: 'img', command: ['sh', '-c', 'sleep 5'], resourceRequirements: res },
      { name: 'b', image: 'img', command: ['sh', '-c', 'sleep 5'], resourceRequirements: res },
    ]);
    const one = h.engine.submitJob({ jobName: 'one', jobQueue: 'q', jobDefinition: 'wide' });
    const two = h.engine.submitJob({ jobName: 'two', jobQueue: 'q', jobDefinition: 'wide' });
    await h.clock.advance(1_000);
    assert.deepEqual([h.describe(one.jobId).status, h.describe(two.jobId).status], ['RUNNING', 'RUNNABLE']);
  });
});

describe('Multi-container jobs are prepared as a whole (unit)', () => {
  it('shows the preparer every container: a privileged sidecar, its secrets and the task role are checked too', async () => {
    const { BatchEngine } = await import('../../../../src/emulator/batch/core/engine');
    const { FakeClock } = await import('../../../../src/emulator/clock/testing/fakeClock');
    const { ScriptedRuntime } = await import('../../../../src/emulator/runtime/scripted');
    const { MemoryLogSink } = await import('../../../support/runtime-conformance');
    const seen: Array<{ privileged?: boolean; secrets?: unknown[]; jobRoleArn?: string }> = [];
    const clock = new FakeClock();
    const engine = new BatchEngine({
      clock,
      runtime: new ScriptedRuntime({ clock, logs: new MemoryLogSink() }),
      preparer: {
        prepare: async (a) => {
          seen.push(a.container);
          return a.container.privileged ? { ok: false, reason: 'privileged is not allowed here' } : { ok: true };
        },
        release: () => undefined,
      },
    });
    engine.createComputeEnvironment({ computeEnvironmentName: 'ce', type: 'UNMANAGED' }, { vcpus: 8, memoryMiB: 8192 });
    engine.createJobQueue({ jobQueueName: 'q', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] });
    await clock.settle();
    engine.registerJobDefinition({
      jobDefinitionName: 'side',
      type: 'container',
      ecsProperties: {
        taskProperties: [{
          taskRoleArn: 'arn:aws:iam::000000000000:role/task',
          containers: [
            { name: 'app', image: 'img', command: ['true'], resourceRequirements: res },
            { name: 'agent', essential: false, image: 'img', command: ['true'], privileged: true, secrets: [{ name: 'TOKEN', valueFrom: 'tok' }], resourceRequirements: res },
          ],
        }],
      },
    });
    const { jobId } = engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'side' });
    await clock.advance(1_000);
    assert.deepEqual([seen[0].privileged, seen[0].secrets?.length, seen[0].jobRoleArn], [true, 1, 'arn:aws:iam::000000000000:role/task']);
    const d = engine.describeJobs([jobId])[0];
    assert.deepEqual([d.status, d.statusReason, d.attempts?.[0].container?.reason], ['FAILED', 'Task failed to start', 'privileged is not allowed here']);
  });
});
