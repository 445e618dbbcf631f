/**
 * A local emulator instance: the scheduler core wired to a container runtime (Docker by default),
 * the per-attempt log store and the on-disk state. `localbatch serve` and `localbatch run` both
 * start one; everything else talks to it through the AWS Batch API.
 */
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { LOCAL_COMPUTE_ENVIRONMENT_NAME, LOCAL_QUEUE_NAME, type LocalSettingsFile } from '../model/types';
import { systemClock } from './core/clock';
import { BatchEngine } from './core/engine';
import type { ContainerRuntime } from './core/ports';
import { checkDocker, cleanupContainers, DockerRuntime } from './runtime/docker';
import { MANAGED_LABEL, MANAGED_LABEL_VALUE } from './runtime/docker-spec';
import { JobEnvironment } from './jobs-env';
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
  /** Folder of localbatch.yaml (host paths, `volumes` and `.localbatch/secrets.yaml`); default: the state directory's parent. */
  readonly workspaceRoot?: string;
  /** Where the job environment reports problems (never credentials). */
  readonly log?: (line: string) => void;
}

export interface LocalCapacity {
  readonly vcpus: number;
  readonly memoryMiB: number;
}

/** The local compute environment's capacity: localbatch.yaml's, else this machine's CPUs and memory. */
export function localCapacity(settings?: LocalSettingsFile): LocalCapacity {
  return {
    vcpus: settings?.capacity?.vcpus ?? os.availableParallelism(),
    memoryMiB: settings?.capacity?.memoryMiB ?? Math.floor(os.totalmem() / (1024 * 1024)),
  };
}

export class EmulatorHost {
  private unsubscribe: (() => void) | undefined;
  private closed = false;
  /** Credentials, secrets, storage and host access of each attempt (src/emulator/jobs-env). */
  jobEnvironment!: JobEnvironment;

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
      runtime = new DockerRuntime(docker, logs);
    }
    const capacity = localCapacity(options.settings);
    const jobEnvironment = await JobEnvironment.start({ settings: options.settings, workspaceRoot: options.workspaceRoot ?? path.dirname(stateDir), docker, log: options.log });
    const engine = new BatchEngine({
      preparer: jobEnvironment,
      clock: systemClock(),
      runtime,
      account: options.settings?.accountId,
      region: options.settings?.region,
      defaultCapacity: capacity,
      containerLabels: { 'dev.localbatch.state-dir': stateDir },
    });
    const store = options.persist === false ? undefined : new StateStore(stateDir);
    const saved = store?.load();
    if (saved) engine.restore(saved);
    const host = new EmulatorHost(stateDir, engine, logs, runtime, docker, store);
    host.jobEnvironment = jobEnvironment;
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
    await this.jobEnvironment.close();
  }
}
