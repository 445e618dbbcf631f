import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import type { ImageProgress } from '../../../src/emulator/batch/core/ports';
import { DockerRuntime } from '../../../src/emulator/runtime/docker';
import { imageExists } from '../../../src/emulator/runtime/images';
import { MemoryLogSink } from '../../support/runtime-conformance';
import { TEST_IMAGE, dockerForTests } from '../../support/docker';

/** Follows a dockerode progress stream (push) to its end; rejects on an error event. */
function follow(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let error: string | undefined;
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : error ? reject(new Error(error)) : resolve()),
      (e: { error?: string }) => {
        if (e.error) error = e.error;
      },
    );
  });
}

// Debian's docker-registry on loopback (installed by .ci/setup-docker.sh): Docker allows plain HTTP
// to 127.0.0.0/8, so a pull really goes through the registry protocol here.
describe('DockerRuntime.ensureImage pull from a registry (integration)', function () {
  let docker: Docker;
  let registry: ChildProcess | undefined;
  let dir: string | undefined;
  const port = 15000 + (process.pid % 1000);
  const remote = `127.0.0.1:${port}/localbatch-it/busybox:pull-${process.pid}`;

  before(async function () {
    docker = await dockerForTests(this);
    dir = mkdtempSync(path.join(os.tmpdir(), 'localbatch-registry-'));
    const cfg = path.join(dir, 'config.yml');
    writeFileSync(cfg, `version: 0.1\nstorage: {filesystem: {rootdirectory: ${dir}/data}}\nhttp: {addr: 127.0.0.1:${port}}\nlog: {level: error}\n`);
    registry = spawn('docker-registry', ['serve', cfg], { stdio: 'ignore' });
    const spawned = await new Promise<boolean>((resolve) => {
      registry?.once('error', () => resolve(false));
      registry?.once('spawn', () => resolve(true));
    });
    if (!spawned) {
      if (process.env.CI) throw new Error('docker-registry is not installed (.ci/setup-docker.sh installs it)');
      console.log('    (skipped: docker-registry is not installed: apt-get install docker-registry)');
      this.skip();
    }
    for (let i = 0; ; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/v2/`).then(() => true, () => false);
      if (up) break;
      if (i > 100) throw new Error('docker-registry did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    await docker.getImage(TEST_IMAGE).tag({ repo: remote.slice(0, remote.lastIndexOf(':')), tag: remote.slice(remote.lastIndexOf(':') + 1) });
    await follow(docker, await docker.getImage(remote).push({ authconfig: { serveraddress: `127.0.0.1:${port}` } }));
    await docker.getImage(remote).remove();
  });

  after(async () => {
    if (docker) await docker.getImage(remote).remove({ force: true }).catch(() => undefined);
    if (registry?.pid !== undefined && registry.exitCode === null) registry.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pulls a missing image with progress, once for concurrent callers, then runs it', async () => {
    assert.equal(await imageExists(docker, remote), false);
    const logs = new MemoryLogSink();
    const rt = new DockerRuntime(docker, logs);
    const progress: ImageProgress[] = [];
    await Promise.all([rt.ensureImage(remote, (p) => progress.push(p)), rt.ensureImage(remote)]);
    assert.ok(await imageExists(docker, remote));
    assert.ok(progress.length > 0 && progress.every((p) => p.image === remote));
    assert.ok(progress.some((p) => /Pull complete|Downloaded newer image|Download complete/.test(p.message)), progress.map((p) => p.message).join('\n'));
    const c = await rt.start({ name: `localbatch-it-pull-${process.pid}`, image: remote, command: ['echo', 'pulled'], environment: {}, vcpus: 1, memoryMiB: 32, gpus: 0, labels: {}, logStreamName: 'pull' });
    assert.equal((await c.exited).exitCode, 0);
    await rt.remove(c.id);
    assert.deepEqual(logs.lines('pull'), ['pulled']);
  });

  it('rejects a tag the registry lacks with CannotPullContainerError and the reason', async () => {
    const missing = `127.0.0.1:${port}/localbatch-it/busybox:nope`;
    await assert.rejects(new DockerRuntime(docker, new MemoryLogSink()).ensureImage(missing), (e: Error) => {
      assert.match(e.message, new RegExp(`^CannotPullContainerError: ${missing.replace(/[.]/g, '\\.')}: .*not found`));
      return true;
    });
  });
});
