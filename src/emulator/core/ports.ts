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
  /** Docker network to attach to instead of the default bridge (jobs offered the container endpoints). */
  readonly network?: string;
  /** Labels on the container, so leftovers can be found and removed. */
  readonly labels: Readonly<Record<string, string>>;
  /** CloudWatch-style log stream name; the runtime writes this attempt's output there. */
  readonly logStreamName: string;
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
  /** Resolves once when the container has exited (or failed to run). Never rejects. */
  readonly exited: Promise<ContainerExit>;
}

export type ContainerSignal = 'SIGTERM' | 'SIGKILL';

export interface ImageProgress {
  readonly image: string;
  readonly message: string;
}

export interface ContainerRuntime {
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
  append(logStreamName: string, events: readonly LogEvent[]): void;
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
  prepare(attempt: AttemptToPrepare): Promise<AttemptPreparation>;
  release(jobId: string, attempt: number): void;
}
