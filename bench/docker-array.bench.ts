/**
 * Docker array benchmark (issue 3): a 40-child array job (each child `sleep 0.2; echo
 * $AWS_BATCH_JOB_ID` in localbatch-busybox, 1 vCPU / 256 MiB) on a local compute environment of 4
 * vCPUs, so 4 children run at a time, measured in-process from SubmitJob to the parent's SUCCEEDED
 * event on the SSE stream, versus the same 40 containers run by a pool of 4 `docker run --rm` at a
 * time with the same limits. Rounds alternate the two; `localbatch run` of the same array is
 * reported separately. Goal ratio ≤ 1.05. Needs Docker and the image (.ci/setup-docker.sh).
 */
import { rmSync } from 'node:fs';
import type { Benchmark } from './benchmark';
import { cleanupBaseline, cliRun, dockerRun, pool, prepareDocker, ratioLine, sideBySide, since, startEmulator, submit, writeWorkspace } from './docker-common';
import { median } from './timing';

const SIZE = 40;
const CONCURRENCY = 4;
const ROUNDS = Number(process.env.LOCALBATCH_BENCH_ROUNDS ?? 3);

async function emulatorArray(): Promise<number> {
  // Capacity 4 vCPUs and 1 vCPU per child: the scheduler runs 4 children at a time.
  const emu = await startEmulator(CONCURRENCY);
  try {
    const start = performance.now();
    const id = await submit(emu.batch, { jobName: 'array', arrayProperties: { size: SIZE } });
    await emu.waitAll([id]);
    return since(start);
  } finally {
    await emu.close();
  }
}

async function dockerArray(): Promise<number> {
  const start = performance.now();
  await pool(SIZE, CONCURRENCY, (i) => dockerRun(`array:${i}`, { AWS_BATCH_JOB_ARRAY_INDEX: String(i) }));
  return since(start);
}

export const dockerArrayBench: Benchmark = {
  name: 'docker-array',
  async run() {
    await prepareDocker();
    try {
      const r = await sideBySide(ROUNDS, emulatorArray, dockerArray);
      const lines = [ratioLine('docker-array', `${SIZE}-child array, ${CONCURRENCY} at a time, submit → parent SUCCEEDED`, r, 1.05)];
      const dir = writeWorkspace(`jobs:\n  array:\n    jobDefinition: bench\n    arrayProperties:\n      size: ${SIZE}\n`, CONCURRENCY);
      try {
        const cli = await cliRun(dir);
        const d = median([...r.docker].sort((a, b) => a - b));
        lines.push(`docker-array: localbatch run (CLI, process start-up and emulator start included): ${(cli / 1000).toFixed(2)} s (no goal; ${(cli / d).toFixed(3)} × the docker run pool)`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return lines;
    } finally {
      await cleanupBaseline();
    }
  },
};

if (require.main === module) void Promise.resolve(dockerArrayBench.run()).then((lines) => lines.forEach((l) => console.log(l)));
