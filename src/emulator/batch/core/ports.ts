/**
 * The edges of the scheduler core. The core reads time and runs containers only through these
 * ports, so it has no Docker, HTTP, file or VS Code code and runs under a fake clock in tests.
 * Both the scripted runtime (tests) and the Docker runtime implement ContainerRuntime and must pass
 * the same conformance suite.
 */
import type { ContainerProperties, JobDefinition } from '@aws-sdk/client-batch';

export type TimerHandle = { readonly id: number };

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once after `delayMs` (measured by this clock). */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export interface VolumeMount {
  /** Absolute host path to bind; with neither this nor volumeName, an anonymous (container-lifetime) volume. */
  readonly hostPath?: string;
  /** A named volume kept between runs (EFS file systems); the runtime creates it when missing. */
  readonly volumeName?: string;
  /** Set when the job definition's volume is an EFS file system (what `volumes:` settings map). */
  readonly efs?: { readonly fileSystemId: string; readonly rootDirectory: string };
  /**
   * An EKS `emptyDir` volume: one Docker volume per attempt shared by the pod's containers
   * (`volumeName` is set once the attempt is known; see podVolumes.ts). `medium: Memory` is a tmpfs.
   */
  readonly emptyDir?: { readonly name: string; readonly memory: boolean; readonly sizeMiB?: number };
  /**
   * Set when the volume is an S3 Files file system (`s3filesVolumeConfiguration`): a named Docker
   * volume like EFS, unless `volumes:` maps it to a folder or to a local S3 bucket (`s3://bucket`).
   */
  readonly s3files?: { readonly fileSystemArn: string; readonly rootDirectory: string };
  /** An EKS `secret` volume: the preparer turns it into a read-only folder of the secret's keys. */
  readonly secret?: { readonly secretName: string; readonly optional: boolean };
  readonly containerPath: string;
  readonly readOnly: boolean;
}

export interface TmpfsMount {
  readonly containerPath: string;
  /** MiB. */
  readonly sizeMiB: number;
  readonly mountOptions?: readonly string[];
}

export interface DeviceMapping {
  readonly hostPath: string;
  readonly containerPath?: string;
  /** Docker cgroup permissions, e.g. "rwm". */
  readonly permissions?: string;
}

/** Everything needed to run one attempt of one job (or one node of a multi-node job). */
export interface ContainerSpec {
  /** Unique, Docker-safe name for this attempt's container. */
  readonly name: string;
  readonly image: string;
  /** Replaces the image's CMD when non-empty (ENTRYPOINT is kept, as on ECS). */
  readonly command: readonly string[];
  /** Replaces the image's ENTRYPOINT when non-empty (SageMaker's ContainerEntrypoint). */
  readonly entrypoint?: readonly string[];
  /** The container's hostname (training hosts are algo-1 … algo-n). */
  readonly hostname?: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly user?: string;
  readonly workingDir?: string;
  /** Requested vCPUs (may be fractional). Runtimes map this to a CPU quota. */
  readonly vcpus: number;
  /** Hard memory limit in MiB. */
  readonly memoryMiB: number;
  readonly gpus: number;
  readonly readonlyRootFilesystem?: boolean;
  readonly privileged?: boolean;
  readonly ulimits?: ReadonlyArray<{ readonly name: string; readonly soft: number; readonly hard: number }>;
  readonly mounts?: readonly VolumeMount[];
  readonly tmpfs?: readonly TmpfsMount[];
  readonly devices?: readonly DeviceMapping[];
  readonly initProcessEnabled?: boolean;
  /** /dev/shm size in MiB. */
  readonly sharedMemoryMiB?: number;
  /** Labels on the container, so leftovers can be found and removed. */
  readonly labels: Readonly<Record<string, string>>;
  /** CloudWatch-style log stream name; the runtime writes this attempt's output there. */
  readonly logStreamName: string;
  /** Docker network to join instead of the default bridge: the attempt's own (multi-node and
   *  multi-container jobs, made by `createNetwork`) or the one offering the job-credential endpoints. */
  readonly network?: string;
  /** `container:<id>`: join that running container's network namespace instead (shared localhost; see sharedLocalhost.ts). */
  readonly networkMode?: string;
  /** Names other containers on `network` reach this one by (multi-container jobs). */
  readonly networkAliases?: readonly string[];
  /** Further networks the container joins before it starts (e.g. the job-credentials network). */
  readonly extraNetworks?: readonly string[];
  /** The stream's log group (default /aws/batch/job). */
  readonly logGroupName?: string;
}

export interface ContainerExit {
  /** Undefined when the container never produced an exit code (e.g. it could not be created). */
  readonly exitCode?: number;
  /** True when the kernel killed the container for exceeding its memory limit. */
  readonly oomKilled: boolean;
  /** Runtime-level failure text (e.g. image missing, create failed); becomes `container.reason`. */
  readonly error?: string;
  /** The job's statusReason when no container ran (default: `error`). */
  readonly statusReason?: string;
}

export interface RunningContainer {
  readonly id: string;
  /** Its IPv4 address on `spec.network`, when it joined one. */
  readonly ipAddress?: string;
  /** Resolves once when the container has exited (or failed to run). Never rejects. */
  readonly exited: Promise<ContainerExit>;
}

export type ContainerSignal = 'SIGTERM' | 'SIGKILL';

/** What the runtime knows of a container it manages (Docker's `State`). */
export interface ContainerState {
  /** created: never started; running (also paused or restarting); exited (also dead). */
  readonly status: 'created' | 'running' | 'exited';
  /** Epoch ms; undefined when never started. */
  readonly startedAt?: number;
  readonly finishedAt?: number;
  /** Set once exited. */
  readonly exitCode?: number;
  readonly oomKilled: boolean;
}

export interface ManagedContainer {
  readonly id: string;
  /** The container's name (ContainerSpec.name), when the runtime knows it. */
  readonly name?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly state: ContainerState;
}

export interface ImageProgress {
  readonly image: string;
  readonly message: string;
}

/**
 * Whether a runtime's engine answers (Docker can go away and come back). While it does not, the
 * scheduler starts nothing: RUNNABLE jobs wait with `unavailableReason` as their statusReason.
 */
export interface RuntimeAvailability {
  readonly available: boolean;
  /** The statusReason of RUNNABLE jobs while the engine is unreachable. */
  readonly unavailableReason: string;
  /** Called with false when the engine goes away and true when it is back; returns the unsubscribe. */
  onChange(listener: (available: boolean) => void): () => void;
}

/**
 * Rejected by ensureImage/start when the engine could not be reached at all, so nothing of the
 * attempt ran: the attempt does not count, and the job waits in RUNNABLE for the engine.
 */
export class RuntimeUnavailableError extends Error {
  readonly runtimeUnavailable = true;
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeUnavailableError';
  }
}

export function isRuntimeUnavailable(e: unknown): boolean {
  return (e as { runtimeUnavailable?: unknown } | undefined)?.runtimeUnavailable === true;
}

export interface ContainerRuntime {
  /** Absent: always available (e.g. the scripted runtime). */
  readonly availability?: RuntimeAvailability;
  /**
   * Makes the image available (pulling it if missing). Rejects with a user-readable Error when it
   * cannot (e.g. "CannotPullContainerError: ..."), which fails the attempt.
   */
  ensureImage(image: string, onProgress?: (p: ImageProgress) => void): Promise<void>;
  /** Creates and starts the container. Rejects only when it could not be started at all. */
  start(spec: ContainerSpec): Promise<RunningContainer>;
  /** Sends a signal to a running container; a no-op when it has already exited. */
  signal(containerId: string, signal: ContainerSignal): Promise<void>;
  /** Removes the container (after exit). A no-op when already removed. */
  remove(containerId: string): Promise<void>;
  /** Creates a private network the containers of one multi-node attempt share. */
  createNetwork(name: string, labels: Readonly<Record<string, string>>): Promise<void>;
  /** Removes a network made by createNetwork (its containers removed first). A no-op when gone. */
  removeNetwork(name: string): Promise<void>;
  /** Removes a named volume made for one attempt (EKS `emptyDir`). A no-op when gone; absent: nothing to remove. */
  removeVolume?(name: string): Promise<void>;
  /** The networks made by createNetwork that carry all of `labels`, e.g. after a restart (absent: none are listed). */
  networks?(labels: Readonly<Record<string, string>>): Promise<Array<{ readonly name: string; readonly labels: Readonly<Record<string, string>> }>>;
  /** The managed containers carrying all of `labels` (any state), e.g. after a restart. */
  list(labels: Readonly<Record<string, string>>): Promise<ManagedContainer[]>;
  /** The container's state, or undefined when it no longer exists. */
  inspect(containerId: string): Promise<ContainerState | undefined>;
  /**
   * Follows a container started earlier (by this runtime or a previous process) as `start` does:
   * its output goes on into `logStreamName`, after the lines the LogSink already holds for that
   * stream (none repeated), and `exited` settles when it has exited (at once for an exited one,
   * after its remaining output). Rejects when the container does not exist.
   */
  attach(containerId: string, logStreamName: string, logGroupName?: string): Promise<RunningContainer>;
  /**
   * Stops following every container (their `exited` never settle) and leaves them as they are:
   * a graceful stop, after which a new runtime can `attach` them again.
   */
  detach(): Promise<void>;
}

export interface LogEvent {
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly message: string;
}

/**
 * Where container output goes, one stream per attempt (the job's `container.logStreamName`).
 * Runtimes receive a LogSink when constructed and append each output line as it arrives.
 */
export interface LogSink {
  append(logStreamName: string, events: readonly LogEvent[], logGroupName?: string): void;
  /** How many events the stream holds (a re-attached container's output resumes after them; 0 if absent). */
  count?(logStreamName: string, logGroupName?: string): number;
}

/** What an attempt asks of the world outside the core before its containers start. */
export interface AttemptToPrepare {
  readonly jobId: string;
  /** One-based attempt number. */
  readonly attempt: number;
  readonly jobDefinition: JobDefinition;
  /** The container properties that run (the first node range's for multinode jobs). */
  readonly container: ContainerProperties;
  /** The mounts the core derived from the definition's volumes and mountPoints. */
  readonly mounts: readonly VolumeMount[];
}

export type AttemptPreparation =
  | {
      readonly ok: true;
      /** Added to the container's environment (credentials endpoint, secrets, endpoints). */
      readonly environment?: Readonly<Record<string, string>>;
      /** Replaces the mounts (e.g. EFS volumes mapped to workspace folders). */
      readonly mounts?: readonly VolumeMount[];
      readonly network?: string;
    }
  /** The attempt fails before any container starts: `reason` becomes `container.reason`. */
  | { readonly ok: false; readonly reason: string };

/**
 * Prepares each attempt before its containers start: job role credentials, secrets, storage and
 * host-access checks live outside the core behind this port. `prepare` never rejects (a rejection
 * is taken as a failure); `release` is called once when the attempt ends, whatever its outcome.
 */
export interface AttemptPreparer {
  /** The Region jobs run in (their AWS_REGION), when not the engine's own. */
  readonly region?: string;
  prepare(attempt: AttemptToPrepare): Promise<AttemptPreparation>;
  release(jobId: string, attempt: number): void;
}
