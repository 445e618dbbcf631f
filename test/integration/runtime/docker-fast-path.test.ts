/**
 * The per-attempt fast path of the Docker runtime: an image is checked once per runtime, not per
 * attempt, yet a removed image is noticed at create time; a clean exit is reported without an
 * inspect round trip, a failed one still tells an out-of-memory kill apart.
 */
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import type { ContainerSpec } from '../../../src/emulator/batch/core/ports';
import { DockerRuntime, cleanupContainers } from '../../../src/emulator/runtime/docker';
import { imageExists } from '../../../src/emulator/runtime/images';
import { MemoryLogSink } from '../../support/runtime-conformance';
import { TEST_IMAGE, dockerForTests } from '../../support/docker';

const RUN_LABEL = 'localbatch.test.fastpath';
const runId = `${process.pid}-${Date.now().toString(36)}`;

describe('DockerRuntime fast path (integration)', function () {
  this.timeout(120_000);
  let docker: Docker;
  let n = 0;
  const tag = `localbatch-fastpath-${runId}:1`;

  before(async function () {
    docker = await dockerForTests(this);
  });
  after(async () => {
    if (!docker) return;
    await cleanupContainers(docker, { [RUN_LABEL]: runId });
    await docker.getImage(tag).remove().catch(() => undefined);
  });

  function spec(image: string, command: string[], memoryMiB = 64): ContainerSpec {
    const id = `${runId}-${++n}`;
    return { name: `localbatch-fp-${id}`, image, command, environment: {}, vcpus: 1, memoryMiB, gpus: 0, labels: { [RUN_LABEL]: runId }, logStreamName: `fp/default/${id}` };
  }

  it('inspects an image once, then starts attempts without asking again', async () => {
    const rt = new DockerRuntime(docker, new MemoryLogSink());
    let inspected = 0;
    const getImage = docker.getImage.bind(docker);
    const counting = Object.create(docker) as Docker;
    counting.getImage = (name: string) => (inspected++, getImage(name));
    (rt as unknown as { docker: Docker }).docker = counting;
    await rt.ensureImage(TEST_IMAGE);
    await rt.ensureImage(TEST_IMAGE);
    await Promise.all([rt.ensureImage(TEST_IMAGE), rt.ensureImage(TEST_IMAGE)]);
    assert.equal(inspected, 1);
  });

  it('notices at create time that a known image was removed, and tries to make it available again', async () => {
    await docker.getImage(TEST_IMAGE).tag({ repo: tag.split(':')[0], tag: '1' });
    const rt = new DockerRuntime(docker, new MemoryLogSink());
    await rt.ensureImage(tag);
    const ok = await rt.start(spec(tag, ['true']));
    assert.deepEqual(await ok.exited, { exitCode: 0, oomKilled: false });
    await rt.remove(ok.id);
    await docker.getImage(tag).remove();
    assert.equal(await imageExists(docker, tag), false);
    // A local-only tag cannot be pulled back: the attempt fails as a pull failure, not a create one.
    await assert.rejects(rt.ensureImage(tag).then(() => rt.start(spec(tag, ['true']))), /^Error: CannotPullContainerError: /);
  });

  it('reports a failed exit code and an out-of-memory kill (inspected), a clean exit without', async () => {
    const rt = new DockerRuntime(docker, new MemoryLogSink());
    // Counts container inspects per container name: the runtime's containers come from createContainer.
    const inspects = new Map<string, number>();
    const counting = Object.create(docker) as Docker;
    counting.createContainer = async (options: Docker.ContainerCreateOptions) => {
      const c = await docker.createContainer(options);
      const inspect = c.inspect.bind(c);
      c.inspect = ((...args: unknown[]) => (inspects.set(options.name!, (inspects.get(options.name!) ?? 0) + 1), (inspect as (...a: unknown[]) => unknown)(...args))) as typeof c.inspect;
      return c;
    };
    (rt as unknown as { docker: Docker }).docker = counting;
    await rt.ensureImage(TEST_IMAGE);
    const specs = { clean: spec(TEST_IMAGE, ['sh', '-c', 'echo done']), failed: spec(TEST_IMAGE, ['sh', '-c', 'exit 3']), oom: spec(TEST_IMAGE, ['sh', '-c', 'x=a; while true; do x="$x$x"; done'], 8) };
    const clean = await rt.start(specs.clean);
    const failed = await rt.start(specs.failed);
    const oom = await rt.start(specs.oom);
    assert.deepEqual(await clean.exited, { exitCode: 0, oomKilled: false });
    assert.deepEqual(await failed.exited, { exitCode: 3, oomKilled: false });
    assert.equal((await oom.exited).oomKilled, true);
    // No inspect for the clean exit; one each for the failed exit and the kill (to tell an OOM kill apart).
    assert.deepEqual([specs.clean, specs.failed, specs.oom].map((x) => inspects.get(x.name) ?? 0), [0, 1, 1]);
    for (const c of [clean, failed, oom]) await rt.remove(c.id);
  });
});
