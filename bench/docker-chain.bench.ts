/**
 * Docker chain benchmark (issue 3): 10 dependent jobs (each `sleep 0.2; echo $AWS_BATCH_JOB_ID` in
 * localbatch-busybox, 1 vCPU / 256 MiB) through the real emulator with Docker, measured in-process
 * from the first SubmitJob to the last SUCCEEDED event on the SSE stream, versus the same 10
 * containers run one after another with `docker run --rm` and the same limits. Rounds alternate
 * the two. `localbatch run` of the same chain (process start-up included) is reported separately.
 * Goal ratio ≤ 1.05, at worst 1.15. Needs Docker and the image (.ci/setup-docker.sh).
 */
import { rmSync } from 'node:fs';
import type { Benchmark } from './benchmark';
import { cleanupBaseline, cliRun, dockerRun, prepareDocker, ratioLine, sideBySide, since, startEmulator, submit, writeWorkspace } from './docker-common';
import { median } from './timing';

const LENGTH = 10;
const ROUNDS = Number(process.env.LOCALBATCH_BENCH_ROUNDS ?? 3);

/** One chain through the emulator; returns ms from the first submit to the last SUCCEEDED, and a breakdown. */
async function emulatorChain(gaps: number[], cpu: number[]): Promise<number> {
  const emu = await startEmulator(2);
  try {
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    const ids: string[] = [];
    for (let i = 0; i < LENGTH; i++) ids.push(await submit(emu.batch, { jobName: `chain-${i}`, dependsOn: i > 0 ? [{ jobId: ids[i - 1] }] : undefined }));
    await emu.waitAll(ids);
    const ms = since(start);
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / 1000);
    // Reaction: from a job's SUCCEEDED to its dependent's RUNNING (container created and started).
    for (let i = 1; i < LENGTH; i++) gaps.push(emu.seen.get(ids[i])!.get('RUNNING')! - emu.seen.get(ids[i - 1])!.get('SUCCEEDED')!);
    return ms;
  } finally {
    await emu.close();
  }
}

async function dockerChain(): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < LENGTH; i++) await dockerRun(`chain-${i}`);
  return since(start);
}

function chainWorkflow(): string {
  const lines = ['jobs:'];
  for (let i = 0; i < LENGTH; i++) {
    lines.push(`  chain-${i}:`, '    jobDefinition: bench');
    if (i > 0) lines.push('    dependsOn:', `      - job: chain-${i - 1}`);
  }
  return lines.join('\n') + '\n';
}

export const dockerChainBench: Benchmark = {
  name: 'docker-chain',
  async run() {
    await prepareDocker();
    const gaps: number[] = [];
    const cpu: number[] = [];
    try {
      const r = await sideBySide(ROUNDS, () => emulatorChain(gaps, cpu), dockerChain);
      const lines = [ratioLine('docker-chain', `chain of ${LENGTH} dependent jobs, submit → last SUCCEEDED`, r, 1.05, 1.15)];
      const sorted = [...gaps].sort((a, b) => a - b);
      lines.push(`docker-chain: SUCCEEDED → dependent RUNNING: median ${median(sorted).toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms (the container's create + attach + start included); ` +
          `emulator process CPU (engine, API server, SDK client, SSE) ${median([...cpu].sort((a, b) => a - b)).toFixed(0)} ms per chain`);
      const dir = writeWorkspace(chainWorkflow(), 2);
      try {
        const cli = await cliRun(dir);
        const d = median([...r.docker].sort((a, b) => a - b));
        lines.push(`docker-chain: localbatch run (CLI, process start-up and emulator start included): ${(cli / 1000).toFixed(2)} s (no goal; ${(cli / d).toFixed(3)} × the docker run chain)`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return lines;
    } finally {
      await cleanupBaseline();
    }
  },
};

if (require.main === module) void Promise.resolve(dockerChainBench.run()).then((lines) => lines.forEach((l) => console.log(l)));
