/**
 * The definition file shapes. Job definitions, queues and compute environments are exactly the AWS
 * Batch request shapes (type-only imports from the SDK, which mirrors the service model); workflows
 * and local settings are localbatch's own.
 */
import type {
  ArrayProperties,
  ContainerOverrides,
  CreateComputeEnvironmentRequest,
  CreateJobQueueRequest,
  EksPropertiesOverride,
  JobTimeout,
  NodeOverrides,
  RegisterJobDefinitionRequest,
  RetryStrategy,
  SubmitJobRequest,
} from '@aws-sdk/client-batch';

export type {
  ArrayProperties,
  ContainerOverrides,
  ContainerProperties,
  CreateComputeEnvironmentRequest,
  CreateJobQueueRequest,
  EvaluateOnExit,
  JobDetail,
  JobSummary,
  JobTimeout,
  KeyValuePair,
  NodeProperties,
  RegisterJobDefinitionRequest,
  ResourceRequirement,
  RetryStrategy,
  SubmitJobRequest,
  JobDependency,
  AttemptDetail,
} from '@aws-sdk/client-batch';

export type JobDefinitionFile = RegisterJobDefinitionRequest;
export type JobQueueFile = CreateJobQueueRequest;
export type ComputeEnvironmentFile = CreateComputeEnvironmentRequest;

export type JobStatus = 'SUBMITTED' | 'PENDING' | 'RUNNABLE' | 'STARTING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
export const JOB_STATUSES: readonly JobStatus[] = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED'];

export type DependencyType = 'N_TO_N' | 'SEQUENTIAL';

/** One entry of a workflow job's `dependsOn`: another job of the workflow, or `{type: SEQUENTIAL}` alone. */
export interface WorkflowDependency {
  job?: string;
  type?: DependencyType;
}

/** A workflow job: SubmitJob fields, with names instead of ids in `dependsOn`. */
export interface WorkflowJob {
  jobName?: string;
  jobDefinition: string;
  jobQueue?: string;
  arrayProperties?: ArrayProperties;
  dependsOn?: WorkflowDependency[];
  parameters?: Record<string, string>;
  containerOverrides?: ContainerOverrides;
  nodeOverrides?: NodeOverrides;
  eksPropertiesOverride?: EksPropertiesOverride;
  retryStrategy?: RetryStrategy;
  timeout?: JobTimeout;
  tags?: Record<string, string>;
  propagateTags?: boolean;
  schedulingPriorityOverride?: number;
  shareIdentifier?: string;
  /** Other SubmitJob fields pass through unchanged. */
  [field: string]: unknown;
}

export interface WorkflowFile {
  description?: string;
  jobs: Record<string, WorkflowJob>;
}

/** `localbatch.yaml`: settings for local runs only; never deployed. */
export interface LocalSettingsFile {
  /** Port of `localbatch serve` (default {@link DEFAULT_EMULATOR_PORT}). */
  port?: number;
  /** Account id used in local ARNs. */
  accountId?: string;
  region?: string;
  /** Capacity of the local compute environment; defaults to the host's CPUs and memory. */
  capacity?: { vcpus?: number; memoryMiB?: number };
  /** Images to build from Dockerfiles before a run. */
  images?: LocalImage[];
}

export interface LocalImage {
  /** The image name a job definition refers to, e.g. `my-app:latest`. */
  name: string;
  /** Build context, relative to the settings file. */
  context: string;
  /** Dockerfile path inside the context (default `Dockerfile`). */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
}

export const DEFAULT_EMULATOR_PORT = 8747;
export const DEFAULT_ACCOUNT_ID = '000000000000';
export const DEFAULT_REGION = 'us-east-1';
export const LOCAL_QUEUE_NAME = 'local';
export const LOCAL_COMPUTE_ENVIRONMENT_NAME = 'local';

/** Submit-time fields a workflow job may carry, keyed to what SubmitJob accepts (besides jobName/jobQueue/dependsOn). */
export type SubmitFields = Omit<SubmitJobRequest, 'jobName' | 'jobQueue' | 'dependsOn'>;
