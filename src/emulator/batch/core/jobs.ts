/**
 * The job records the engine keeps. An array's children are small records sharing their parent's
 * JobPlan (resolved once at submit), so 10,000 children cost little memory.
 */
import type { AttemptDetail, JobDefinition, JobQueueDetail, SubmitJobRequest } from '@aws-sdk/client-batch';
import { FINAL_JOB_STATUSES, type JobStatus } from '../../../model/types';
import type { AttemptPreparation, ContainerExit, ContainerSpec, TimerHandle } from './ports';
import type { ComputeEnvironmentRecord } from './computeEnvironments';
import type { OrderedJobs } from './jobIndex';
import type { RetryPolicy } from './retry';
import type { RunnableJobs } from './runnable';

export type { JobStatus };

/** A job queue (queues.ts keeps them; declared here so a job's plan can point at its queue). */
export interface QueueRecord {
  readonly name: string;
  readonly arn: string;
  detail: JobQueueDetail;
  /** Compute environments in ascending order. */
  computeEnvironments: ComputeEnvironmentRecord[];
  readonly runnable: RunnableJobs<JobRecord>;
  /** Jobs by status, for ListJobs (array children are listed through their parent). */
  readonly byStatus: Map<JobStatus, OrderedJobs<JobRecord>>;
}

/** How one container of a multi-container attempt ended (task.ts). */
export interface TaskContainerResult {
  readonly name: string;
  readonly logStreamName: string;
  /** Set once it exited (or could not start: `error`). */
  exit?: ContainerExit;
  /** It was stopped because the task stopped, not by its own end. */
  stoppedByTask: boolean;
  started: boolean;
  /** The runtime's id of the container, once started. */
  containerId?: string;
}

/** Where an EKS job's finished attempt ran, as eksAttempts[] shows it (eksDetail.ts). */
export interface PodAttempt {
  readonly podNamespace: string;
  readonly eksClusterArn?: string;
  /** Container name → the runtime's container id, for the containers that started. */
  readonly containerIds: Readonly<Record<string, string>>;
}

/** The attempt in flight, as stored (enough to find and re-attach its containers). */
export interface RunFields {
  number: number;
  taskId: string;
  logStreamName: string;
  /** The stream's log group, when not the default one. */
  logGroupName?: string;
  /** Compute environment name. */
  ce: string;
  startedAt?: number;
  /** A rehearsed interruption's status reason, journaled before its containers are killed. */
  interrupted?: string;
}

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
  /** Multi-node: each node's container, index = node index (undefined for container jobs). */
  readonly nodes?: ReadonlyArray<NodePlan>;
  /** Multi-container (`ecsProperties`): every container of the task, in definition order. */
  readonly task?: ReadonlyArray<TaskContainerPlan>;
  readonly arraySize?: number;
  /** N_TO_N targets (array parents) and whether children run SEQUENTIAL. */
  readonly nToN: readonly JobRecord[];
  readonly sequential: boolean;
  /** Base spec fields copied into each container spec. */
  readonly specBase: Omit<ContainerSpec, 'name' | 'environment' | 'labels' | 'logStreamName' | 'logGroupName'>;
}

/** One container of a multi-container (`ecsProperties`) job. */
export interface TaskContainerPlan {
  readonly name: string;
  /** Default true: when an essential container exits, the task stops. */
  readonly essential: boolean;
  readonly dependsOn: ReadonlyArray<{ readonly name: string; readonly condition: 'START' | 'COMPLETE' | 'SUCCESS' }>;
  readonly environment: Readonly<Record<string, string>>;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly gpus: number;
  readonly specBase: JobPlan['specBase'];
  /** ECS `startTimeout`: containers waiting on this one give up when it has not met their condition this long after it started. */
  readonly startTimeoutMs?: number;
  /** ECS `stopTimeout`: SIGKILL this long after SIGTERM (default KILL_GRACE_MS). */
  readonly stopTimeoutMs?: number;
}

/** What one node of a multi-node job runs. */
export interface NodePlan {
  readonly environment: Readonly<Record<string, string>>;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly gpus: number;
  readonly specBase: JobPlan['specBase'];
}

/** The attempt in flight (STARTING or RUNNING). */
export interface AttemptRun {
  readonly ce: ComputeEnvironmentRecord;
  readonly number: number;
  readonly taskId: string;
  readonly logStreamName: string;
  readonly logGroupName: string;
  containerIds: string[];
  /** Multi-node and multi-container: the attempt's private network, removed with its containers. */
  network?: string;
  /** Multi-container: how each container of the task ended. */
  task?: readonly TaskContainerResult[];
  startedAt?: number;
  timedOut: boolean;
  terminated?: string;
  /** Set by a rehearsed Spot interruption / host loss: the attempt's statusReason. */
  interrupted?: string;
  timeoutTimer?: TimerHandle;
  killTimer?: TimerHandle;
  /** Multi-container: a container's stopTimeout, by container id (absent: KILL_GRACE_MS). */
  stopGraceMs?: Map<string, number>;
  finished: boolean;
  /** What the attempt preparer added (in memory only: it may hold secret values). */
  prepared?: Extract<AttemptPreparation, { ok: true }>;
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
  /** EKS jobs: each finished attempt's pod, by the attempt's index in `attempts` (absent for one that vanished in a restart). */
  pods?: Record<string, PodAttempt>;
  /** When the scheduler last placed the job (RUNNABLE → STARTING): ListJobs' scheduledAt. */
  scheduledAt?: number;
  run?: AttemptRun;
  /** A restored attempt waiting for reconciliation (its containers not yet found). */
  resumeRun?: RunFields;
  attemptCount: number;
  isCancelled?: boolean;
  isTerminated?: boolean;
  /** CancelJob on PENDING/RUNNABLE: applied when the job reaches its dependencies' end or the queue head. */
  cancelReason?: string;
  /** Outstanding dependencies (including an array parent's own plain dependencies for its children). */
  waitingOn: number;
  dependencyFailed?: boolean;
  dependents?: JobRecord[];
  /** At the head of its queue and can never be placed (the MISCONFIGURATION code), since when. */
  blockedReason?: string;
  blockedSince?: number;
  /** The queue's jobStateTimeLimitActions cancel, armed while blocked. */
  blockTimer?: { readonly handle: TimerHandle; readonly dueAt: number };
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
