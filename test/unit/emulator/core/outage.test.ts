/**
 * The core during a runtime outage, with a fake runtime (FakeOutageRuntime wraps the scripted one
 * and can be switched off): nothing starts while the engine is unreachable, RUNNABLE jobs say why,
 * an attempt that could not start does not count, and the queues move again when it is back.
 */
import assert from 'node:assert/strict';
import { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import { RuntimeUnavailableError, type ContainerRuntime, type ContainerSpec, type RuntimeAvailability } from '../../../../src/emulator/batch/core/ports';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { ScriptedRuntime } from '../../../../src/emulator/runtime/scripted';
import { MemoryLogSink } from '../../../support/runtime-conformance';

const REASON = 'CAPACITY:DOCKER_UNREACHABLE - the fake engine is not reachable; jobs start when it is back';

/** A fake: the scripted runtime behind an on/off switch, failing like DockerRuntime when off. */
class FakeOutageRuntime implements ContainerRuntime, RuntimeAvailability {
  available = true;
  readonly unavailableReason = REASON;
  /** The next start() finds the engine gone (as a create that fails with ECONNREFUSED). */
  failNextStart = false;
  private readonly listeners = new Set<(up: boolean) => void>();
  constructor(private readonly inner: ScriptedRuntime) {}
  get availability(): RuntimeAvailability {
    return this;
  }
  onChange(l: (up: boolean) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  set(up: boolean): void {
    this.available = up;
    for (const l of this.listeners) l(up);
  }
  ensureImage(image: string): Promise<void> {
    return this.available ? this.inner.ensureImage(image) : Promise.reject(new RuntimeUnavailableError(REASON));
  }
  start(spec: ContainerSpec) {
    if (this.failNextStart) {
      this.failNextStart = false;
      this.set(false);
    }
    return this.available ? this.inner.start(spec) : Promise.reject(new RuntimeUnavailableError(REASON));
  }
  signal(id: string, s: 'SIGTERM' | 'SIGKILL') {
    return this.inner.signal(id, s);
  }
  remove(id: string) {
    return this.inner.remove(id);
  }
  createNetwork(name: string, labels: Readonly<Record<string, string>>) {
    void labels;
    return this.inner.createNetwork(name);
  }
  removeNetwork(name: string) {
    return this.inner.removeNetwork(name);
  }
  list(labels: Readonly<Record<string, string>>) {
    return this.inner.list(labels);
  }
  inspect(id: string) {
    return this.inner.inspect(id);
  }
  attach(id: string, stream: string, group?: string) {
    return this.inner.attach(id, stream, group);
  }
  detach() {
    return this.inner.detach();
  }
}

async function setup() {
  const clock = new FakeClock();
  const scripted = new ScriptedRuntime({ clock, logs: new MemoryLogSink() });
  const runtime = new FakeOutageRuntime(scripted);
  const engine = new BatchEngine({ clock, runtime });
  engine.createComputeEnvironment({ computeEnvironmentName: 'ce', type: 'MANAGED', computeResources: { type: 'EC2', maxvCpus: 4, subnets: [] } }, { memoryMiB: 8192 });
  engine.createJobQueue({ jobQueueName: 'q', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] });
  engine.registerJobDefinition({ jobDefinitionName: 'd', type: 'container', retryStrategy: { attempts: 3 }, containerProperties: { image: 'img', command: ['sh', '-c', 'echo ok'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } });
  await clock.settle();
  const submit = () => engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 'd' }).jobId;
  const describe = (id: string) => engine.describeJobs([id])[0];
  return { clock, scripted, runtime, engine, submit, describe };
}

describe('runtime outage (unit, fake runtime)', () => {
  it('holds jobs submitted while the engine is down in RUNNABLE with the reason, then runs them as attempt 1', async () => {
    const t = await setup();
    t.runtime.set(false);
    const ids = [t.submit(), t.submit(), t.submit()];
    await t.clock.advance(60_000);
    for (const id of ids) {
      const d = t.describe(id);
      assert.equal(d.status, 'RUNNABLE');
      assert.equal(d.statusReason, REASON);
      assert.equal(d.attempts?.length ?? 0, 0);
    }
    assert.equal(t.scripted.started.length, 0);
    t.runtime.set(true);
    await t.clock.advance(60_000);
    for (const id of ids) {
      const d = t.describe(id);
      assert.equal(d.status, 'SUCCEEDED');
      assert.equal(d.attempts?.length, 1);
    }
    assert.deepEqual(t.scripted.started.map((s) => s.environment.AWS_BATCH_JOB_ATTEMPT), ['1', '1', '1']);
  });

  it('does not count an attempt whose start found the engine gone, and clears the reason once it is back', async () => {
    const t = await setup();
    t.runtime.failNextStart = true;
    const id = t.submit();
    await t.clock.advance(1_000);
    const held = t.describe(id);
    assert.equal(held.status, 'RUNNABLE');
    assert.equal(held.statusReason, REASON);
    assert.equal(held.attempts?.length ?? 0, 0);
    // Waiting does not burn attempts: nothing is retried while the engine is away.
    await t.clock.advance(600_000);
    assert.equal(t.describe(id).status, 'RUNNABLE');
    t.runtime.set(true);
    await t.clock.advance(60_000);
    const d = t.describe(id);
    assert.equal(d.status, 'SUCCEEDED');
    assert.equal(d.attempts?.length, 1);
    assert.notEqual(d.statusReason, REASON);
    assert.deepEqual(t.scripted.started.map((s) => s.environment.AWS_BATCH_JOB_ATTEMPT), ['1']);
  });

  it('still cancels a held job', async () => {
    const t = await setup();
    t.runtime.set(false);
    const id = t.submit();
    await t.clock.advance(1_000);
    t.engine.cancelJob(id, 'not needed');
    await t.clock.advance(1_000);
    assert.equal(t.describe(id).status, 'FAILED');
    assert.equal(t.describe(id).statusReason, 'not needed');
  });

  it('gives jobs waiting for capacity the reason when the engine goes away, never a blocked head or an ended job, and clears only its own reason when it is back', async () => {
    const t = await setup();
    const vcpus = (n: number) => [{ type: 'VCPU' as const, value: String(n) }, { type: 'MEMORY' as const, value: '64' }];
    t.engine.registerJobDefinition({ jobDefinitionName: 'wide', type: 'container', containerProperties: { image: 'img', command: ['sh', '-c', 'sleep 300'], resourceRequirements: vcpus(4) } });
    t.engine.createComputeEnvironment({ computeEnvironmentName: 'small', type: 'MANAGED', computeResources: { type: 'EC2', maxvCpus: 2, subnets: [] } }, { memoryMiB: 8192 });
    t.engine.createJobQueue({ jobQueueName: 'q2', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'small' }] });
    await t.clock.settle();
    const wide = t.engine.submitJob({ jobName: 'wide', jobQueue: 'q', jobDefinition: 'wide' }).jobId;
    const blocked = t.engine.submitJob({ jobName: 'never-fits', jobQueue: 'q2', jobDefinition: 'wide' }).jobId;
    await t.clock.advance(1_000);
    const waiting = [t.submit(), t.submit()];
    await t.clock.advance(1_000);
    const blockedReason = t.describe(blocked).statusReason;
    assert.match(blockedReason ?? '', /^MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE/);
    assert.deepEqual(waiting.map((id) => [t.describe(id).status, t.describe(id).statusReason]), [['RUNNABLE', undefined], ['RUNNABLE', undefined]], 'waiting for capacity, no reason yet');
    t.runtime.set(false);
    assert.deepEqual(waiting.map((id) => t.describe(id).statusReason), [REASON, REASON], 'every waiting job says why at once');
    assert.equal(t.describe(blocked).statusReason, blockedReason, 'a head that can never fit keeps its own reason');
    assert.equal(t.describe(wide).status, 'RUNNING');

    t.runtime.set(true);
    assert.deepEqual(waiting.map((id) => [t.describe(id).status, t.describe(id).statusReason]), [['RUNNABLE', undefined], ['RUNNABLE', undefined]], 'the outage reason goes as soon as the engine is back');
    assert.equal(t.describe(blocked).statusReason, blockedReason, 'and no other reason goes with it');

    // Shutting down ends the queued jobs (they stay in their queue's line until it moves); an
    // outage after that leaves their reason alone.
    t.engine.terminateAll('shutting down');
    t.runtime.set(false);
    assert.deepEqual(waiting.map((id) => [t.describe(id).status, t.describe(id).statusReason]), [['FAILED', 'shutting down'], ['FAILED', 'shutting down']]);
  });
});
