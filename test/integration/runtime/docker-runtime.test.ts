import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import type { ContainerExit, ContainerSpec } from '../../../src/emulator/batch/core/ports';
import { DockerRuntime, checkDocker, cleanupContainers } from '../../../src/emulator/runtime/docker';
import { MANAGED_LABEL } from '../../../src/emulator/runtime/docker-spec';
import { MemoryLogSink, runtimeConformance } from '../../support/runtime-conformance';
import { TEST_IMAGE, dockerForTests } from '../../support/docker';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const RUN_LABEL = 'localbatch.test.run';
const runId = `${process.pid}-${Date.now().toString(36)}`;

describe('Docker runtime (integration)', function () {
  let docker: Docker;
  before(async function () {
    docker = await dockerForTests(this);
  });
  runtimeConformance('docker (integration)', async (logs) => ({
    runtime: new DockerRuntime(docker, logs),
    image: TEST_IMAGE,
    elapse: sleep,
  }));
});

describe('DockerRuntime (integration)', function () {
  let docker: Docker;
  let logs: MemoryLogSink;
  let rt: DockerRuntime;
  let n = 0;
  const started: string[] = [];

  before(async function () {
    docker = await dockerForTests(this);
  });
  beforeEach(() => {
    logs = new MemoryLogSink();
    rt = new DockerRuntime(docker, logs);
  });
  afterEach(async () => {
    for (const id of started.splice(0)) await rt.remove(id);
  });
  after(async () => {
    if (docker) await cleanupContainers(docker, { [RUN_LABEL]: runId });
  });

  function spec(command: string[], extra: Partial<ContainerSpec> = {}): ContainerSpec {
    const id = `${runId}-${++n}`;
    return {
      name: `localbatch-it-${id}`,
      image: TEST_IMAGE,
      command,
      environment: {},
      vcpus: 1,
      memoryMiB: 64,
      gpus: 0,
      labels: { [RUN_LABEL]: runId },
      logStreamName: `it/default/${id}`,
      ...extra,
    };
  }
  async function run(s: ContainerSpec): Promise<{ id: string; exited: Promise<ContainerExit> }> {
    const c = await rt.start(s);
    started.push(c.id);
    return c;
  }

  it('streams log lines under the stream name while the container runs, and all of them by exit', async () => {
    const s = spec(['sh', '-c', 'echo first; sleep 0.2; echo to-stderr >&2; sleep 1.3; for i in 1 2 3; do echo line$i; done; printf tail']);
    const c = await run(s);
    await sleep(1000);
    assert.deepEqual(logs.lines(s.logStreamName), ['first', 'to-stderr'], 'seen while running');
    assert.equal((await c.exited).exitCode, 0);
    assert.deepEqual(logs.lines(s.logStreamName), ['first', 'to-stderr', 'line1', 'line2', 'line3', 'tail']);
    const events = logs.streams.get(s.logStreamName) ?? [];
    assert.ok(events[2].timestamp - events[0].timestamp >= 1000, 'timestamps are arrival times');
  });

  it('loses no line when a container writes a lot and exits at once', async () => {
    const s = spec(['sh', '-c', 'seq 1 20000']);
    const c = await run(s);
    await c.exited;
    const lines = logs.lines(s.logStreamName);
    assert.equal(lines.length, 20000);
    assert.equal(lines[19999], '20000');
  });

  it('passes user, working directory, labels and the managed label', async () => {
    const s = spec(['sh', '-c', 'id -u; pwd'], { user: '1234', workingDir: '/tmp' });
    const c = await run(s);
    const info = await docker.getContainer(c.id).inspect();
    assert.equal(info.Config.Labels[MANAGED_LABEL], 'true');
    assert.equal(info.Config.Labels[RUN_LABEL], runId);
    assert.equal(info.Name, `/${s.name}`);
    await c.exited;
    assert.deepEqual(logs.lines(s.logStreamName), ['1234', '/tmp']);
  });

  it('reports an OOM kill for a real allocation over a 32 MiB limit', async () => {
    const c = await run(spec(['sh', '-c', 'head -c 200m /dev/zero | tail'], { memoryMiB: 32 }));
    const exit = await c.exited;
    assert.deepEqual(exit, { exitCode: 137, oomKilled: true });
  });

  it('makes the root filesystem read-only on request', async () => {
    const s = spec(['sh', '-c', 'touch /x 2>/dev/null && echo wrote || echo read-only'], { readonlyRootFilesystem: true });
    await (await run(s)).exited;
    assert.deepEqual(logs.lines(s.logStreamName), ['read-only']);
  });

  it('binds a host directory, read-only or read-write, and mounts tmpfs and anonymous volumes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'localbatch-bind-'));
    try {
      writeFileSync(path.join(dir, 'in.txt'), 'from host\n');
      const s = spec(
        ['sh', '-c', 'cat /in/in.txt; echo out > /out/out.txt; touch /in/x 2>/dev/null || echo ro; echo v > /vol/f && echo t > /tmpfs/f && cat /vol/f /tmpfs/f'],
        {
          mounts: [
            { hostPath: dir, containerPath: '/in', readOnly: true },
            { hostPath: dir, containerPath: '/out', readOnly: false },
            { containerPath: '/vol', readOnly: false },
          ],
          tmpfs: [{ containerPath: '/tmpfs', sizeMiB: 4 }],
        },
      );
      assert.equal((await (await run(s)).exited).exitCode, 0);
      assert.deepEqual(logs.lines(s.logStreamName), ['from host', 'ro', 'v', 't']);
      assert.equal(readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'out\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies ulimits, shared memory size and CPU/memory limits', async () => {
    const s = spec(['sh', '-c', 'ulimit -n; df -m /dev/shm | tail -1'], {
      ulimits: [{ name: 'nofile', soft: 1234, hard: 2048 }],
      sharedMemoryMiB: 96,
      vcpus: 64,
      memoryMiB: 100,
    });
    const c = await run(s);
    const info = await docker.getContainer(c.id).inspect();
    assert.equal(info.HostConfig.NanoCpus, os.availableParallelism() * 1e9, 'clamped to the host');
    assert.equal(info.HostConfig.Memory, 100 * 1024 * 1024);
    assert.equal(info.HostConfig.MemorySwap, 100 * 1024 * 1024);
    await c.exited;
    const [nofile, shm] = logs.lines(s.logStreamName);
    assert.equal(nofile, '1234');
    assert.match(shm, /\s96\s/);
  });

  it('remove leaves nothing behind, and cleanupContainers removes leftovers by label', async () => {
    const done = await run(spec(['true']));
    await done.exited;
    await rt.remove(done.id);
    const leftover = await rt.start(spec(['sleep', '300'], { labels: { [RUN_LABEL]: runId, crash: 'yes' } }));
    const removed = await cleanupContainers(docker, { [RUN_LABEL]: runId, crash: 'yes' });
    assert.equal(removed, 1);
    assert.equal((await leftover.exited).exitCode, 137);
    const left = await docker.listContainers({ all: true, filters: { label: [`${MANAGED_LABEL}=true`, `${RUN_LABEL}=${runId}`] } });
    assert.deepEqual(left.map((c) => c.Names), []);
  });

  it('rejects a missing image with CannotPullContainerError', async () => {
    await assert.rejects(rt.ensureImage('localbatch-nope/missing:1'), /^Error: CannotPullContainerError: localbatch-nope\/missing:1: /);
  });

  it('rejects start when the container cannot be created, leaving nothing', async () => {
    const failing = spec(['true'], { image: 'localbatch-not-built:latest' });
    await assert.rejects(rt.start(failing), /^Error: CannotCreateContainerError: No such image: localbatch-not-built:latest/);
    // Nothing left behind under the attempt's name: no container (any state) and no name reserved.
    const left = await docker.listContainers({ all: true, filters: { name: [failing.name] } });
    assert.deepEqual(left.map((c) => c.Names), []);
    assert.equal(await rt.inspect(failing.name), undefined);
  });

  it('removes the container it created when starting it fails, leaving nothing', async () => {
    // Created, then connecting it to a network that does not exist fails before it starts.
    const failing = spec(['true'], { extraNetworks: [`localbatch-no-such-network-${runId}`] });
    await assert.rejects(rt.start(failing), /network/i);
    const left = await docker.listContainers({ all: true, filters: { name: [failing.name] } });
    assert.deepEqual(left.map((c) => c.Names), []);
  });

  it('checkDocker passes here and explains an unreachable engine', async () => {
    await checkDocker(docker);
    const Dockerode = (await import('dockerode')).default;
    const bad = new Dockerode({ socketPath: '/tmp/localbatch-no-such.sock' });
    await assert.rejects(checkDocker(bad), (e: Error) => {
      assert.match(e.message, /^Docker is not reachable at unix:\/\/\/tmp\/localbatch-no-such\.sock/);
      assert.match(e.message, /systemctl start docker/);
      return true;
    });
  });
});
