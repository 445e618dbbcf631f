import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { DockerRuntime } from '../../../src/emulator/runtime/docker';
import { buildImage, imageExists } from '../../../src/emulator/runtime/images';
import { MemoryLogSink } from '../../support/runtime-conformance';
import { TEST_IMAGE, dockerForTests } from '../../support/docker';

describe('buildImage (integration)', function () {
  let docker: Docker;
  let dir: string;
  const tag = `localbatch-it-build-${process.pid}:latest`;

  before(async function () {
    docker = await dockerForTests(this);
  });
  after(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (docker) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  });

  it('builds a context directory honouring .dockerignore and build args, then runs it', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'localbatch-ctx-'));
    mkdirSync(path.join(dir, 'src'));
    mkdirSync(path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'src', 'app.sh'), 'echo "app says $GREETING"; echo "args: $*"; ls -A /ctx /ctx/src\n', { mode: 0o755 });
    writeFileSync(path.join(dir, 'node_modules', 'big.js'), 'x');
    writeFileSync(path.join(dir, 'secret.txt'), 'do not send');
    writeFileSync(path.join(dir, '.dockerignore'), 'node_modules\n*.txt\n');
    writeFileSync(
      path.join(dir, 'Dockerfile.local'),
      `FROM ${TEST_IMAGE}\nARG GREETING\nENV GREETING=$GREETING\nCOPY . /ctx\nENTRYPOINT ["sh", "/ctx/src/app.sh"]\n`,
    );
    const progress: string[] = [];
    await buildImage(docker, { name: tag, contextDir: dir, dockerfile: 'Dockerfile.local', buildArgs: { GREETING: 'hi' } }, (p) =>
      progress.push(p.message),
    );
    assert.ok(await imageExists(docker, tag));
    assert.ok(progress.some((m) => /Successfully tagged/.test(m)), progress.join('\n'));

    const logs = new MemoryLogSink();
    const rt = new DockerRuntime(docker, logs);
    const run = async (command: string[]): Promise<string[]> => {
      const stream = `build/${Math.random()}`;
      const c = await rt.start({ name: `localbatch-it-build-${process.pid}-${Date.now()}`, image: tag, command, environment: {}, vcpus: 1, memoryMiB: 32, gpus: 0, labels: {}, logStreamName: stream });
      await c.exited;
      await rt.remove(c.id);
      return logs.lines(stream);
    };
    // `ls` shows what the context sent: node_modules and *.txt were left out.
    const lines = await run([]);
    assert.deepEqual(lines.filter((l) => l !== ''), ['app says hi', 'args: ', '/ctx:', '.dockerignore', 'Dockerfile.local', 'src', '/ctx/src:', 'app.sh']);
    // ENTRYPOINT is kept: the command becomes its arguments.
    assert.equal((await run(['x', 'y']))[1], 'args: x y');
  });

  it('rejects with the build error', async () => {
    await assert.rejects(
      buildImage(docker, { name: `${tag}-bad`, files: [{ name: 'Dockerfile', content: `FROM ${TEST_IMAGE}\nRUN exit 7\n` }] }),
      /^Error: Building image .* failed: .*returned a non-zero code: 7/,
    );
  });
});
