/**
 * The job records the engine keeps. An array's children are small records sharing their parent's
 * JobPlan (resolved once at submit), so 10,000 children cost little memory.
 */
import type { AttemptDetail, JobDefinition, SubmitJobRequest } from '@aws-sdk/client-batch';
import { FINAL_JOB_STATUSES, type JobStatus } from '../../model/types';
import type { ContainerSpec, TimerHandle } from './ports';
import type { ComputeEnvironmentRecord } from './computeEnvironments';
import type { QueueRecord } from './queues';
import type { RetryPolicy } from './retry';

export type { JobStatus };

export const TERMINAL: ReadonlySet<JobStatus> = new Set(FINAL_JOB_STATUSES);

/** Everything about how to run a job, resolved at submit and shared by an array's children. */
export interface JobPlan {
  readonly request: SubmitJobRequest;
  readonly queue: QueueRecord;
  readonly jobDefinition: JobDefinition;
  readonly image: string;
  readonly command: readonly string[];
  /** User environment (job definition merged with overrides). */
  readonly environment: Readonly<Record<string, string>>;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly gpus: number;
  readonly retry: RetryPolicy;
  readonly timeoutSeconds?: number;
  readonly parameters: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
  readonly schedulingPriority?: number;
  /** Multi-node: number of nodes (1 for container jobs). */
  readonly numNodes: number;
  readonly mainNode: number;
  readonly arraySize?: number;
  /** N_TO_N targets (array parents) and whether children run SEQUENTIAL. */
  readonly nToN: readonly JobRecord[];
  readonly sequential: boolean;
  /** Base spec fields copied into each container spec. */
  readonly specBase: Omit<ContainerSpec, 'name' | 'environment' | 'labels' | 'logStreamName'>;
}

/** The attempt in flight (STARTING or RUNNING). */
export interface AttemptRun {
  readonly ce: ComputeEnvironmentRecord;
  readonly number: number;
  readonly taskId: string;
  readonly logStreamName: string;
  containerIds: string[];
  startedAt?: number;
  timedOut: boolean;
  terminated?: string;
  timeoutTimer?: TimerHandle;
  killTimer?: TimerHandle;
  finished: boolean;
}

export interface JobRecord {
  readonly id: string;
  readonly plan: JobPlan;
  readonly parent?: JobRecord;
  readonly index?: number;
  readonly createdAt: number;
  status: JobStatus;
  statusReason?: string;
  startedAt?: number;
  stoppedAt?: number;
  attempts?: AttemptDetail[];
  run?: AttemptRun;
  attemptCount: number;
  isCancelled?: boolean;
  isTerminated?: boolean;
  /** CancelJob on PENDING/RUNNABLE: applied when the job reaches its dependencies' end or the queue head. */
  cancelReason?: string;
  /** Outstanding dependencies (including an array parent's own plain dependencies for its children). */
  waitingOn: number;
  dependencyFailed?: boolean;
  dependents?: JobRecord[];
  /** Never fits its queue's compute environments (MISCONFIGURATION reason set). */
  blocked?: boolean;
  /** Array parent only. */
  children?: JobRecord[];
  summary?: Record<JobStatus, number>;
  summaryUpdatedAt?: number;
  childrenDone?: number;
  childrenFailed?: number;
}

export function isArrayParent(job: JobRecord): boolean {
  return job.children !== undefined;
}

export function emptySummary(): Record<JobStatus, number> {
  return { SUBMITTED: 0, PENDING: 0, RUNNABLE: 0, STARTING: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0 };
}
