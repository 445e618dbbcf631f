/**
 * Shared by the Docker benchmarks: the real emulator (LocalService: engine + Docker runtime + signed
 * API server) driven like `localbatch run` drives it (SubmitJob through @aws-sdk/client-batch, the
 * SSE event stream followed to the last SUCCEEDED), and the `docker run --rm` baseline with the same
 * image, command and resource limits.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RegisterJobDefinitionCommand, SubmitJobCommand, type BatchClient, type SubmitJobRequest } from '@aws-sdk/client-batch';
import Docker from 'dockerode';
import { subscribeEvents, type EventSubscription, type JobStateChangeDetail } from '../src/client/events';
import { clientsFor } from '../src/cli/run/session';
import { checkDocker, dockerMessage } from '../src/emulator/runtime/docker';
import { LocalService } from '../src/emulator/service';
import { median } from './timing';

export const IMAGE = 'localbatch-busybox:latest';
export const VCPUS = 1;
export const MEMORY_MIB = 256;
/** Realistic short work: a fifth of a second, then a line of output naming the job. */
export const SCRIPT = 'sleep 0.2; echo $AWS_BATCH_JOB_ID';
const BASELINE_LABEL = 'dev.localbatch.bench=baseline';

/** Milliseconds since `start`. */
export function since(start: number): number {
  return performance.now() - start;
}

/** `docker run --rm` of one container with the limits the emulator gives a 1 vCPU / 256 MiB job. */
export function dockerRun(jobId: string, extraEnv: Record<string, string> = {}): Promise<void> {
  const env = Object.entries({ AWS_BATCH_JOB_ID: jobId, ...extraEnv }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const args = ['run', '--rm', '--label', BASELINE_LABEL, '--cpus', String(VCPUS), '--memory', `${MEMORY_MIB}m`, '--memory-swap', `${MEMORY_MIB}m`, ...env, IMAGE, 'sh', '-c', SCRIPT];
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && out.includes(jobId) ? resolve() : reject(new Error(`docker run exited ${code}: ${out}`))));
  });
}

/** Runs `tasks` with at most `concurrency` at a time (a worker pool, as the emulator packs jobs). */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

export interface EmulatorRun {
  readonly service: LocalService;
  readonly batch: BatchClient;
  /** Submits, then resolves when every job in `jobIds` (as returned) reached SUCCEEDED per the event stream. */
  waitAll(jobIds: readonly string[]): Promise<void>;
  /** Event times (ms since an epoch chosen by the caller) per job id and status, for breakdowns. */
  readonly seen: Map<string, Map<string, number>>;
  close(): Promise<void>;
}

/**
 * Starts an emulator on a fresh state directory with `vcpus` of local capacity (state saved to disk,
 * as `localbatch run` has it), registers the bench job definition (as `bench`) and opens the event
 * stream, as `localbatch run` does before submitting.
 */
/** The job every Docker benchmark runs, registered over the API or written as a workspace file. */
const BENCH_JOB_DEFINITION = {
  jobDefinitionName: 'bench',
  type: 'container' as const,
  containerProperties: {
    image: IMAGE,
    command: ['sh', '-c', SCRIPT],
    resourceRequirements: [
      { type: 'VCPU' as const, value: String(VCPUS) },
      { type: 'MEMORY' as const, value: String(MEMORY_MIB) },
    ],
  },
};

export async function startEmulator(vcpus: number): Promise<EmulatorRun> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'localbatch-bench-docker-'));
  const service = await LocalService.start({ stateDir, settings: { capacity: { vcpus, memoryMiB: 64 * 1024 } }, log: () => undefined });
  const { batch, logs } = clientsFor(service.endpoint);
  await batch.send(new RegisterJobDefinitionCommand(BENCH_JOB_DEFINITION));
  const seen = new Map<string, Map<string, number>>();
  const waiters = new Set<() => void>();
  let failure: Error | undefined;
  let subscription: EventSubscription | undefined;
  await new Promise<void>((resolve, reject) => {
    subscription = subscribeEvents(service.endpoint, {
      onOpen: resolve,
      onEvent: (e) => {
        const d: JobStateChangeDetail = e.detail;
        let m = seen.get(d.jobId);
        if (!m) seen.set(d.jobId, (m = new Map()));
        if (!m.has(d.status)) m.set(d.status, performance.now());
        if (d.status === 'FAILED') failure = new Error(`${d.jobId} FAILED: ${d.statusReason ?? ''}`);
        for (const w of waiters) w();
      },
      onClose: (err) => {
        failure = err ?? new Error('event stream closed');
        reject(failure);
        for (const w of waiters) w();
      },
    });
  });
  return {
    service,
    batch,
    seen,
    async waitAll(jobIds) {
      for (;;) {
        if (failure) throw failure;
        if (jobIds.every((id) => seen.get(id)?.has('SUCCEEDED'))) return;
        await new Promise<void>((r) => {
          const w = () => (waiters.delete(w), r());
          waiters.add(w);
        });
      }
    },
    async close() {
      subscription?.close();
      batch.destroy();
      logs.destroy();
      await service.close({ terminateAll: true, reason: 'benchmark over' });
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export function submit(batch: BatchClient, req: Omit<SubmitJobRequest, 'jobQueue' | 'jobDefinition'>): Promise<string> {
  return batch.send(new SubmitJobCommand({ jobQueue: 'local', jobDefinition: 'bench', ...req } as SubmitJobRequest)).then((r) => r.jobId!);
}

/** Makes sure Docker answers and the image is there, and warms Docker up with one container. */
export async function prepareDocker(): Promise<void> {
  const docker = new Docker();
  await checkDocker(docker);
  try {
    await docker.getImage(IMAGE).inspect();
  } catch (err) {
    throw new Error(`image ${IMAGE} is missing (build it with .ci/setup-docker.sh): ${dockerMessage(err)}`, { cause: err });
  }
  await dockerRun('warm-up');
}

/** Removes baseline containers a failed run may have left. */
export async function cleanupBaseline(): Promise<void> {
  const docker = new Docker();
  const list = await docker.listContainers({ all: true, filters: { label: [BASELINE_LABEL] } });
  await Promise.allSettled(list.map((c) => docker.getContainer(c.Id).remove({ force: true })));
}

/** A workspace with the bench job definition, `workflow` and a localbatch.yaml, for the CLI path. */
export function writeWorkspace(workflowYaml: string, vcpus: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'localbatch-bench-cli-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'bench.jobdef.json'),
    JSON.stringify(BENCH_JOB_DEFINITION),
  );
  writeFileSync(path.join(dir, 'localbatch.yaml'), `capacity:\n  vcpus: ${vcpus}\n  memoryMiB: 65536\n`);
  writeFileSync(path.join(dir, 'bench.workflow.yaml'), workflowYaml);
  return dir;
}

/** Wall time of `node bin/localbatch.js run bench.workflow.yaml` in `dir` (process start-up included). */
export function cliRun(dir: string): Promise<number> {
  const bin = path.resolve(__dirname, '..', 'bin', 'localbatch.js');
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'run', 'bench.workflow.yaml', '--state-dir', path.join(dir, '.localbatch')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(since(start)) : reject(new Error(`localbatch run exited ${code}: ${out.slice(-2000)}`))));
  });
}

export interface SideBySide {
  readonly emulator: number[];
  readonly docker: number[];
}

/**
 * Alternates the two measurements over `rounds` rounds (which goes first alternates too), so load
 * from other processes on the machine falls on both sides alike.
 */
export async function sideBySide(rounds: number, emulator: () => Promise<number>, docker: () => Promise<number>): Promise<SideBySide> {
  const r: SideBySide = { emulator: [], docker: [] };
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      r.emulator.push(await emulator());
      r.docker.push(await docker());
    } else {
      r.docker.push(await docker());
      r.emulator.push(await emulator());
    }
  }
  return r;
}

export function ratioLine(name: string, what: string, r: SideBySide, goal: number, worst?: number): string {
  const e = median([...r.emulator].sort((a, b) => a - b));
  const d = median([...r.docker].sort((a, b) => a - b));
  // Each round's own ratio too: load from other processes drifts between rounds, less within one.
  const paired = median(r.emulator.map((x, i) => x / r.docker[i]).sort((a, b) => a - b));
  const fmt = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(2)).join(', ');
  return (
    `${name}: ${what}: measured ${(e / 1000).toFixed(2)} s vs docker run ${(d / 1000).toFixed(2)} s (medians of ${r.emulator.length} alternated rounds; ` +
    `goal ratio ≤ ${goal.toFixed(2)}${worst ? `, at worst ${worst.toFixed(2)}` : ''}, ratio ${(e / d).toFixed(3)}; median of per-round ratios ${paired.toFixed(3)}) ` +
    `[emulator ${fmt(r.emulator)} s; docker ${fmt(r.docker)} s]`
  );
}
