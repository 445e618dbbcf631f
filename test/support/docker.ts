/**
 * Docker helpers for tests: connecting (skip only when Docker is unreachable outside CI; under
 * CI=true a missing Docker fails) and the test image `localbatch-busybox:latest`, built FROM
 * scratch with Debian's static busybox (package busybox-static), since no registry is reachable.
 */

import { promises as fsp } from 'node:fs';
import Docker from 'dockerode';
import { buildImage, imageExists } from '../../src/emulator/runtime/images';
import { checkDocker } from '../../src/emulator/runtime/docker';

export const TEST_IMAGE = 'localbatch-busybox:latest';
const BUSYBOX = process.env.LOCALBATCH_BUSYBOX ?? '/bin/busybox';

const DOCKERFILE = [
  'FROM scratch',
  'COPY busybox /bin/busybox',
  'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
  'CMD ["/bin/sh"]',
  '',
].join('\n');

/** Builds localbatch-busybox:latest from /bin/busybox unless the engine already has it. */
export async function ensureTestImage(docker: Docker = new Docker(), onLine?: (line: string) => void): Promise<void> {
  if (await imageExists(docker, TEST_IMAGE)) return;
  let busybox: Buffer;
  try {
    busybox = await fsp.readFile(BUSYBOX);
  } catch {
    throw new Error(`Cannot build ${TEST_IMAGE}: ${BUSYBOX} is missing (apt-get install busybox-static).`);
  }
  await buildImage(
    docker,
    {
      name: TEST_IMAGE,
      files: [
        { name: 'Dockerfile', content: DOCKERFILE },
        { name: 'busybox', content: busybox, mode: 0o755 },
      ],
    },
    onLine ? (p) => onLine(p.message) : undefined,
  );
}

let cached: Promise<Docker | string> | undefined;

/**
 * For a suite's `before` hook: resolves to a Docker client with the test image present. When Docker
 * is unreachable it skips the suite with the reason, unless CI is set, where it fails.
 */
export async function dockerForTests(ctx: Mocha.Context): Promise<Docker> {
  cached ??= (async () => {
    const docker = new Docker();
    try {
      await checkDocker(docker);
    } catch (err) {
      return (err as Error).message;
    }
    await ensureTestImage(docker);
    return docker;
  })();
  const result = await cached;
  if (typeof result !== 'string') return result;
  if (process.env.CI) throw new Error(`CI is set but Docker is unavailable: ${result}`);
  console.log(`    (skipped: Docker is unavailable: ${result})`);
  ctx.skip();
  throw new Error('unreachable');
}
