/**
 * What an attempt needs of the engine (AttemptHost), and the status reasons attempts end with.
 */
import type { Partition } from './arns';
import type { AttemptPreparer, Clock, ContainerRuntime } from './ports';
import type { JobRecord } from './jobs';
import type { JobMachine } from './machine';

export const ESSENTIAL_EXITED = 'Essential container in task exited';
export const TIMEOUT_REASON = 'Job attempt duration exceeded timeout';
export const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';
/** An attempt whose container never ran (image pull, create, secrets): the cause goes to container.reason. */
export const TASK_FAILED_TO_START = 'Task failed to start';
/** Time between SIGTERM and SIGKILL when stopping an attempt (ECS's default stop timeout). */
export const KILL_GRACE_MS = 30_000;

export interface AttemptHost {
  readonly partition: Partition;
  readonly clock: Clock;
  readonly runtime: ContainerRuntime;
  readonly machine: JobMachine;
  /** Extra labels on every container (e.g. which emulator owns it). */
  readonly containerLabels?: Readonly<Record<string, string>>;
  /** Definition image → local image to run instead (localbatch.yaml's imageOverrides). */
  readonly imageOverrides?: Readonly<Record<string, string>>;
  /** Credentials, secrets, storage and host-access checks for each attempt (none: nothing added). */
  readonly preparer?: AttemptPreparer;
  newId(): string;
  /** Capacity freed or a job re-queued. */
  requeue(job: JobRecord): void;
  requestPass(): void;
  /**
   * Resolves once every change journaled so far is on disk. A container is created only after its
   * attempt's STARTING is durable, and removed only after the attempt's end is, so a restart always
   * finds the container of an attempt it knows of (see reconcile.ts).
   */
  durable?(): Promise<void>;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
