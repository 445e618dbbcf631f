/**
 * A local emulator instance: the scheduler core wired to a container runtime (Docker by default),
 * the per-attempt log store and the on-disk state. `localbatch serve` and `localbatch run` both
 * start one; everything else talks to it through the AWS Batch API.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import Docker from 'dockerode';
import { LOCAL_COMPUTE_ENVIRONMENT_NAME, LOCAL_QUEUE_NAME, type LocalSettingsFile } from '../model/types';
import { systemClock } from './core/clock';
import { BatchEngine } from './core/engine';
import type { ContainerRuntime } from './core/ports';
import { checkDocker, cleanupContainers, DockerRuntime } from './runtime/docker';
import { registryAuthFromSettings } from './runtime/ecr-auth';
import { MANAGED_LABEL, MANAGED_LABEL_VALUE } from './runtime/docker-spec';
import { FileLogStore } from './store/log-store';
import { ensureStateDir } from './store/state-dir';
import { StateStore } from './store/state-store';

export interface HostOptions {
  readonly stateDir: string;
  readonly settings?: LocalSettingsFile;
  /** A runtime to use instead of Docker (tests and benchmarks pass the scripted one). */
  readonly runtime?: (logs: FileLogStore) => ContainerRuntime;
  /** Docker connection; defaults to DOCKER_HOST or the local socket. */
  readonly docker?: Docker;
  /** Keep state in `<stateDir>/state.json` (default true). */
  readonly persist?: boolean;
  /** Where image pull progress goes (e.g. the serve log). */
  readonly log?: (line: string) => void;
}

export interface LocalCapacity {
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly gpus: number;
}

/** The local compute environments' capacity: localbatch.yaml's, else this machine's CPUs, memory and NVIDIA GPUs. */
export function localCapacity(settings?: LocalSettingsFile): LocalCapacity {
  return {
    vcpus: settings?.capacity?.vcpus ?? os.availableParallelism(),
    memoryMiB: settings?.capacity?.memoryMiB ?? Math.floor(os.totalmem() / (1024 * 1024)),
    gpus: settings?.capacity?.gpus ?? nvidiaGpus(),
  };
}

/** NVIDIA GPUs the kernel driver reports (0 without the driver). */
function nvidiaGpus(): number {
  try {
    return readdirSync('/proc/driver/nvidia/gpus').length;
  } catch {
    return 0;
  }
}

export class EmulatorHost {
  private unsubscribe: (() => void) | undefined;
  private closed = false;

  private constructor(
    readonly stateDir: string,
    readonly engine: BatchEngine,
    readonly logs: FileLogStore,
    readonly runtime: ContainerRuntime,
    readonly docker: Docker | undefined,
    private readonly store: StateStore | undefined,
  ) {}

  /**
   * Creates the state directory, checks Docker (one clear error when it is unreachable), restores
   * saved state and makes sure the `local` compute environment and job queue exist.
   */
  static async start(options: HostOptions): Promise<EmulatorHost> {
    const stateDir = ensureStateDir(options.stateDir);
    const logs = new FileLogStore(stateDir);
    let runtime: ContainerRuntime;
    let docker: Docker | undefined;
    if (options.runtime) runtime = options.runtime(logs);
    else {
      docker = options.docker ?? new Docker();
      await checkDocker(docker);
      await cleanupContainers(docker, { [MANAGED_LABEL]: MANAGED_LABEL_VALUE, 'dev.localbatch.state-dir': stateDir });
      const log = options.log ?? ((line: string) => console.error(line));
      runtime = new DockerRuntime(docker, logs, {
        registryAuth: registryAuthFromSettings(options.settings),
        onImageProgress: (p) => log(`pulling ${p.image}: ${p.message}`),
      });
    }
    const capacity = localCapacity(options.settings);
    const engine = new BatchEngine({
      clock: systemClock(),
      runtime,
      account: options.settings?.accountId,
      region: options.settings?.region,
      defaultCapacity: capacity,
      containerLabels: { 'dev.localbatch.state-dir': stateDir },
      imageOverrides: options.settings?.imageOverrides,
    });
    const store = options.persist === false ? undefined : new StateStore(stateDir);
    const saved = store?.load();
    if (saved) engine.restore(saved);
    const host = new EmulatorHost(stateDir, engine, logs, runtime, docker, store);
    await host.ensureLocalQueue(capacity);
    if (store) host.unsubscribe = engine.subscribe(() => store.saveSoon(() => engine.snapshot()));
    return host;
  }

  private async ensureLocalQueue(capacity: LocalCapacity): Promise<void> {
    const e = this.engine;
    if (e.describeComputeEnvironments([LOCAL_COMPUTE_ENVIRONMENT_NAME]).length === 0) {
      e.createComputeEnvironment({ computeEnvironmentName: LOCAL_COMPUTE_ENVIRONMENT_NAME, type: 'UNMANAGED', state: 'ENABLED' }, capacity);
    }
    if (e.describeJobQueues([LOCAL_QUEUE_NAME]).length === 0) {
      await Promise.resolve(); // let the compute environment become VALID first
      e.createJobQueue({ jobQueueName: LOCAL_QUEUE_NAME, priority: 1, state: 'ENABLED', computeEnvironmentOrder: [{ order: 1, computeEnvironment: LOCAL_COMPUTE_ENVIRONMENT_NAME }] });
    }
    await Promise.resolve();
  }

  /**
   * Terminates unfinished jobs (reason given), waits up to `graceMs` for their containers to go,
   * removes any left over, and saves the state.
   */
  async close(reason = 'localbatch emulator stopped', graceMs = 35_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.engine.terminateAll(reason);
    const deadline = Date.now() + graceMs;
    while (!this.engine.quiescent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    this.unsubscribe?.();
    if (this.docker) await cleanupContainers(this.docker, { [MANAGED_LABEL]: MANAGED_LABEL_VALUE, 'dev.localbatch.state-dir': this.stateDir }).catch(() => 0);
    this.store?.flush(() => this.engine.snapshot());
  }
}
