/** An engine on a FakeClock and a ScriptedRuntime, with one compute environment and queue, recording events. */
import type { JobDetail, RegisterJobDefinitionRequest } from '@aws-sdk/client-batch';
import { BatchEngine } from '../../src/emulator/batch/core/engine';
import type { JobStateChangeEvent } from '../../src/emulator/batch/core/events';
import type { AttemptPreparer } from '../../src/emulator/batch/core/ports';
import { FakeClock } from '../../src/emulator/clock/testing/fakeClock';
import { ScriptedRuntime } from '../../src/emulator/runtime/scripted';
import { MemoryLogSink } from './runtime-conformance';

export interface Harness {
  clock: FakeClock;
  runtime: ScriptedRuntime;
  logs: MemoryLogSink;
  engine: BatchEngine;
  events: JobStateChangeEvent[];
  /** Status sequence of one job as seen through events. */
  statuses(jobId: string): string[];
  describe(jobId: string): JobDetail;
  /** Registers `name` running `sh -c script`. */
  def(name: string, script: string, extra?: Partial<RegisterJobDefinitionRequest>): string;
}

export async function harness(opts: { vcpus?: number; memoryMiB?: number; pullDelayMs?: number; imageOverrides?: Record<string, string>; preparer?: AttemptPreparer } = {}): Promise<Harness> {
  const clock = new FakeClock();
  const logs = new MemoryLogSink();
  const runtime = new ScriptedRuntime({ clock, logs, pullDelayMs: opts.pullDelayMs });
  let n = 0;
  const engine = new BatchEngine({ clock, runtime, imageOverrides: opts.imageOverrides, preparer: opts.preparer, newId: () => `00000000-0000-4000-8000-${(++n).toString().padStart(12, '0')}` });
  engine.createComputeEnvironment({ computeEnvironmentName: 'ce', type: 'MANAGED', computeResources: { type: 'EC2', maxvCpus: opts.vcpus ?? 4, subnets: [] } }, { memoryMiB: opts.memoryMiB ?? 8192 });
  engine.createJobQueue({ jobQueueName: 'q', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] });
  const events: JobStateChangeEvent[] = [];
  engine.subscribe((e) => events.push(e));
  await clock.settle();
  return {
    clock,
    runtime,
    logs,
    engine,
    events,
    statuses: (jobId) => events.filter((e) => e.detail.jobId === jobId).map((e) => e.detail.status!),
    describe: (jobId) => {
      const [d] = engine.describeJobs([jobId]);
      if (!d) throw new Error(`no job ${jobId}`);
      return d;
    },
    def: (name, script, extra = {}) =>
      engine.registerJobDefinition({
        jobDefinitionName: name,
        type: 'container',
        containerProperties: { image: 'localbatch-busybox:latest', command: ['sh', '-c', script], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '512' }] },
        ...extra,
      }).jobDefinitionArn,
  };
}
