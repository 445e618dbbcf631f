/**
 * Core benchmark: a 10,000-child array plus an N_TO_N 10,000-child array through to SUCCEEDED on the
 * engine alone (FakeClock + ScriptedRuntime, containers exit at once), with an event subscriber.
 * Run alone with `tsx bench/core.bench.ts`, or through bench/run.ts.
 */
import { BatchEngine } from '../src/emulator/batch/core/engine';
import { FakeClock } from '../src/emulator/clock/testing/fakeClock';
import { ScriptedRuntime } from '../src/emulator/runtime/scripted';
import type { Benchmark } from './benchmark';

const GOAL_MS = 2000;
const GOAL_MB = 300;

export interface CoreBenchResult {
  readonly ms: number;
  /** CPU time of this process (wall time suffers on a loaded machine). */
  readonly cpuMs: number;
  readonly peakHeapMB: number;
  readonly events: number;
}

export async function benchCore(size = 10_000): Promise<CoreBenchResult> {
  const clock = new FakeClock();
  const runtime = new ScriptedRuntime({ clock, logs: { append: () => undefined }, record: false });
  const engine = new BatchEngine({ clock, runtime });
  let peak = process.memoryUsage().heapUsed;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  engine.createComputeEnvironment({ computeEnvironmentName: 'ce', type: 'MANAGED', computeResources: { type: 'EC2', maxvCpus: 256, subnets: [] } }, { memoryMiB: 256 * 1024 });
  engine.createJobQueue({ jobQueueName: 'q', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] });
  engine.registerJobDefinition({
    jobDefinitionName: 'bench',
    type: 'container',
    containerProperties: { image: 'localbatch-busybox:latest', command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '512' }] },
  });
  let events = 0;
  const parents = new Set<string>();
  const done = new Promise<void>((resolve, reject) => {
    let finished = 0;
    engine.subscribe((e) => {
      events++;
      if (parents.has(e.resources[0]) && (e.detail.status === 'SUCCEEDED' || e.detail.status === 'FAILED')) {
        if (e.detail.status === 'FAILED') reject(new Error(`${e.detail.jobName} FAILED`));
        if (++finished === 2) resolve();
      }
    });
  });
  const a = engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: 'bench', arrayProperties: { size } });
  parents.add(a.jobArn);
  const b = engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: 'bench', arrayProperties: { size }, dependsOn: [{ jobId: a.jobId, type: 'N_TO_N' }] });
  parents.add(b.jobArn);
  await done;
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sample);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, peakHeapMB: peak / 1024 / 1024, events };
}

/** Registered in bench/run.ts. */
export const coreBench: Benchmark = { name: 'core', run: async (): Promise<string[]> => [await run()] };

export async function run(): Promise<string> {
  const r = await benchCore();
  return (
    `core: 10,000-child array + N_TO_N 10,000 → SUCCEEDED in ${r.ms.toFixed(0)} ms, peak heap ${r.peakHeapMB.toFixed(0)} MB ` +
    `(CPU ${r.cpuMs.toFixed(0)} ms; goal ${GOAL_MS} ms / ${GOAL_MB} MB, ratio ${(r.ms / GOAL_MS).toFixed(2)} / ${(r.peakHeapMB / GOAL_MB).toFixed(2)}; ${r.events} events)`
  );
}

if (require.main === module) {
  run().then(
    (line) => console.log(line),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
