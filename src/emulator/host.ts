/**
 * A local emulator instance: the scheduler core wired to a container runtime (Docker by default),
 * the per-attempt log store and the on-disk state. `localbatch serve` and `localbatch run` both
 * start one; everything else talks to it through the AWS Batch API.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import Docker from 'dockerode';
import { LOCAL_COMPUTE_ENVIRONMENT_NAME, LOCAL_QUEUE_NAME, type LocalSettingsFile } from '../model/types';
import { systemClock } from './clock/clock';
import { KILL_GRACE_MS } from './batch/core/attemptHost';
import { BatchEngine } from './batch/core/engine';
import type { EngineSnapshot } from './batch/core/snapshot';
import type { ContainerRuntime } from './batch/core/ports';
import { checkDocker, cleanupContainers, DockerRuntime } from './runtime/docker';
import { registryAuthFromSettings } from './runtime/ecr-auth';
import { MANAGED_LABEL, MANAGED_LABEL_VALUE } from './runtime/docker-spec';
import { JobEnvironment } from './jobs-env';
import { trainingPathCheck } from './jobs-env/training-paths';
import { DockerTrainingRunner, type TrainingS3 } from './runtime/training';

/** Label naming the state directory whose emulator owns a container. */
export const STATE_DIR_LABEL = 'dev.localbatch.state-dir';
import { DurableStore } from './store/durable-store';
import { setAside, STATE_FILE_NAME } from './store/journal-files';
import { FileLogStore } from './store/log-store';
import { ensureStateDir } from './store/state-dir';

export interface HostOptions {
  readonly stateDir: string;
  readonly settings?: LocalSettingsFile;
  /** A runtime to use instead of Docker (tests and benchmarks pass the scripted one). */
  readonly runtime?: (logs: FileLogStore) => ContainerRuntime;
  /** Docker connection; defaults to DOCKER_HOST or the local socket. */
  readonly docker?: Docker;
  /** Keep state in `<stateDir>` (journal + snapshot, default true). */
  readonly persist?: boolean;
  /** Folder of localbatch.yaml (host paths, `volumes` and `.localbatch/secrets.yaml`); default: the state directory's parent. */
  readonly workspaceRoot?: string;
  /** Where problems found in the saved state, image pull progress and job-environment problems are reported (default: console.error; never credentials). */
  readonly log?: (line: string) => void;
  /** Journal size that triggers a snapshot (tests). */
  readonly compactBytes?: number;
  /** Where training jobs' `s3://` channels and outputs go (the local S3; see training-s3.ts). */
  readonly trainingS3?: TrainingS3;
}

export interface LocalCapacity {
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly gpus: number;
}

export interface CloseOptions {
  /** Terminate every unfinished job first and remove the containers (default: keep them for the next start). */
  readonly terminateAll?: boolean;
  /** Status reason of the jobs terminated by `terminateAll`. */
  readonly reason?: string;
  /** How long `terminateAll` waits for containers to stop. */
  readonly graceMs?: number;
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
  private closing: Promise<void> | undefined;
  /** Credentials, secrets, storage and host access of each attempt (src/emulator/jobs-env). */
  jobEnvironment!: JobEnvironment;

  private constructor(
    readonly stateDir: string,
    readonly engine: BatchEngine,
    readonly logs: FileLogStore,
    readonly runtime: ContainerRuntime,
    readonly docker: Docker | undefined,
    private readonly store: DurableStore | undefined,
  ) {}

  /**
   * Creates the state directory, checks Docker (one clear error when it is unreachable), restores
   * the saved state (snapshot + journal), re-attaches or settles the attempts that were in flight
   * (see core/reconcile.ts) and makes sure the `local` compute environment and job queue exist.
   */
  static async start(options: HostOptions): Promise<EmulatorHost> {
    const stateDir = ensureStateDir(options.stateDir);
    const log = options.log ?? ((line: string) => console.error(line));
    const logs = new FileLogStore(stateDir);
    let runtime: ContainerRuntime;
    let docker: Docker | undefined;
    if (options.runtime) runtime = options.runtime(logs);
    else {
      docker = options.docker ?? new Docker();
      await checkDocker(docker);
      runtime = new DockerRuntime(docker, logs, {
        registryAuth: registryAuthFromSettings(options.settings),
        onImageProgress: (p) => log(`pulling ${p.image}: ${p.message}`),
      });
    }
    const capacity = localCapacity(options.settings);
    let store: DurableStore | undefined;
    let saved: EngineSnapshot | undefined;
    if (options.persist !== false) {
      const opened = await DurableStore.open(stateDir, { compactBytes: options.compactBytes });
      store = opened.store;
      saved = opened.loaded.snapshot;
      for (const p of opened.loaded.problems) log(`localbatch: ${p}`);
    }
    const jobEnvironment = await JobEnvironment.start({ settings: options.settings, workspaceRoot: options.workspaceRoot ?? path.dirname(stateDir), docker, log, stateDir: options.persist !== false ? stateDir : undefined });
    const make = () =>
      new BatchEngine({
        preparer: jobEnvironment,
        clock: systemClock(),
        runtime,
        account: options.settings?.accountId,
        region: options.settings?.region,
        defaultCapacity: capacity,
        containerLabels: { [STATE_DIR_LABEL]: stateDir },
        imageOverrides: options.settings?.imageOverrides,
        journal: store,
        durable: store ? () => store.committed() : undefined,
      });
    let engine = make();
    if (saved) {
      try {
        for (const p of engine.restore(saved, { reconcile: true }).problems) log(`localbatch: ${p}`);
      } catch (err) {
        log(`localbatch: the saved state in ${stateDir} could not be restored (${err instanceof Error ? err.message : String(err)}); starting empty, the files are kept aside`);
        setAsideAll(stateDir);
        engine = make();
      }
    }
    const host = new EmulatorHost(stateDir, engine, logs, runtime, docker, store);
    host.jobEnvironment = jobEnvironment;
    store?.setSnapshotSource(() => engine.snapshot());
    await host.ensureLocalQueue(capacity);
    const r = await engine.reconcile();
    // Credentials of re-attached attempts keep working; those of attempts that ended while down end.
    jobEnvironment.retain(new Set([...engine.attemptsInFlight()].map((a) => `${a.jobId}#${a.attempt}`)));
    // Service jobs (SageMaker training) run in Docker under SageMaker's container contract; only after
    // reconcile(), which removes containers of this state directory that no attempt owns.
    engine.services.jobs.setRunner(
      new DockerTrainingRunner({
        runtime,
        workDir: join(stateDir, 'training'),
        labels: { [STATE_DIR_LABEL]: stateDir },
        checkHostPath: trainingPathCheck(options.settings, options.workspaceRoot ?? path.dirname(stateDir)),
        imageOverrides: options.settings?.imageOverrides,
        s3: options.trainingS3,
      }),
    );
    // Training attempts in flight at the stop: their containers, kept by reconcile(), are followed again.
    await engine.services.jobs.resumeAttempts();
    if (r.reattached + r.exitedWhileDown + r.vanished + r.neverStarted + r.removed > 0) {
      log(
        `localbatch: after the restart: ${r.reattached} running container(s) re-attached, ${r.exitedWhileDown} that exited meanwhile recorded, ` +
          `${r.vanished} vanished (attempt ended as host terminated), ${r.neverStarted} attempt(s) that never started queued again, ${r.removed} stray container(s) removed`,
      );
    }
    await store?.compact();
    return host;
  }

  /** Resolves once every change made so far is on disk (the API answers only after it). */
  committed(): Promise<void> {
    return this.store ? this.store.committed() : Promise.resolve();
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
   * Stops the emulator. By default gracefully: queued jobs stay queued and running containers keep
   * running, for the next start to re-attach. With `terminateAll`, unfinished jobs are terminated
   * (running ones get SIGTERM, then SIGKILL), their containers removed, then the state saved.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= (async () => {
      if (options.terminateAll) {
        this.engine.terminateAll(options.reason ?? 'localbatch emulator stopped: all jobs terminated');
        const deadline = Date.now() + (options.graceMs ?? 35_000);
        while (!this.engine.quiescent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        await this.store?.committed().catch(() => undefined);
        if (this.docker) await cleanupContainers(this.docker, { [MANAGED_LABEL]: MANAGED_LABEL_VALUE, [STATE_DIR_LABEL]: this.stateDir }).catch(() => 0);
      }
      // A TerminateJob answered before the stop is carried out: its containers get SIGTERM, then
      // SIGKILL after the grace period, and the attempt's end is journaled before the stop ends.
      const killed = Date.now() + KILL_GRACE_MS + 10_000;
      while (this.engine.terminating > 0 && Date.now() < killed) await new Promise((r) => setTimeout(r, 50));
      // Finished attempts' containers go (bounded); running ones stay for the next start.
      const deadline = Date.now() + 10_000;
      while (this.engine.removing > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await this.engine.detach();
      await this.store?.close();
      await this.jobEnvironment.close();
    })();
    return this.closing;
  }
}

/** Moves the snapshot and journals aside (the state could not be restored). */
function setAsideAll(stateDir: string): void {
  for (const f of readdirSync(stateDir)) {
    if (f === STATE_FILE_NAME || /^journal\.\d+\.jsonl$/.test(f)) setAside(join(stateDir, f));
  }
}
