/**
 * Docker helpers for tests: connecting (skip only when Docker is unreachable outside CI; under
 * CI=true a missing Docker fails) and the test image `localbatch-busybox:latest`, built FROM
 * scratch with Debian's static busybox (package busybox-static), since no registry is reachable.
 */

import Docker from 'dockerode';
import { imageExists } from '../../src/emulator/runtime/images';
import { checkDocker } from '../../src/emulator/runtime/docker';
import { buildBusyboxImage, hostBusybox } from '../../src/emulator/runtime/seed';

export const TEST_IMAGE = 'localbatch-busybox:latest';

/** Builds localbatch-busybox:latest from the host's busybox (LOCALBATCH_BUSYBOX, else /bin/busybox) unless the engine has it. */
export async function ensureTestImage(docker: Docker = new Docker(), onLine?: (line: string) => void): Promise<void> {
  if (await imageExists(docker, TEST_IMAGE)) return;
  await buildBusyboxImage(docker, TEST_IMAGE, hostBusybox(), onLine ? (p) => onLine(p.message) : undefined);
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
