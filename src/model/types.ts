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
/** Every job status, in lifecycle order: the one definition the emulator, clients, CLI, extension and webview use. */
export const JOB_STATUSES: readonly JobStatus[] = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED'];
export type FinalJobStatus = 'SUCCEEDED' | 'FAILED';
/** The statuses a job ends in. */
export const FINAL_JOB_STATUSES: readonly FinalJobStatus[] = ['SUCCEEDED', 'FAILED'];
/** The statuses of a job that has not ended, in lifecycle order. */
export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = JOB_STATUSES.filter((s) => !(FINAL_JOB_STATUSES as readonly string[]).includes(s));

export function isJobStatus(s: unknown): s is JobStatus {
  return typeof s === 'string' && (JOB_STATUSES as readonly string[]).includes(s);
}

export function isFinalJobStatus(s: unknown): s is FinalJobStatus {
  return typeof s === 'string' && (FINAL_JOB_STATUSES as readonly string[]).includes(s);
}

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
  capacity?: { vcpus?: number; memoryMiB?: number; gpus?: number };
  /** Images to build from Dockerfiles before a run. */
  images?: LocalImage[];
  /** Image to run instead of the one a job definition names (local runs only). */
  imageOverrides?: Record<string, string>;
  /** How local jobs reach AWS (job roles, secrets, endpoints); opt-in. */
  aws?: LocalAwsSettings;
  /** EFS file system id (`fs-x` or `fs-x:/root`) or host sourcePath → folder relative to localbatch.yaml. */
  volumes?: Record<string, string>;
  /** EKS service account name → IAM role ARN (what its role annotation names in the cluster). */
  serviceAccounts?: Record<string, string>;
  /** Host paths outside the workspace that jobs may mount (also the Docker socket and devices). */
  allowHostAccess?: string[];
  /** Allow `privileged: true` locally. */
  allowPrivileged?: boolean;
  /** CloudFormation/CDK templates or Terraform `show -json` files, relative to localbatch.yaml. */
  templates?: string[];
  /** CloudFormation template parameter values for local use. */
  parameters?: Record<string, string>;
  /** Buckets of the local S3: bucket name → folder (relative to localbatch.yaml), or with EventBridge notifications on. */
  buckets?: Record<string, string | { path: string; eventBridge?: boolean }>;
}

export interface LocalAwsSettings {
  /** AWS profile for job credentials, pulls and secrets (default: the SDK's chain). */
  profile?: string;
  region?: string;
  /** What a job with a jobRoleArn gets (default none). */
  jobRoles?: 'none' | 'assume' | 'profile';
  /** Where secrets come from (default local: `.localbatch/secrets.yaml`). */
  secrets?: 'local' | 'fetch';
  /** Endpoint overrides per service id (s3, sts, ssm, secretsmanager, ecr, ...). */
  endpoints?: Record<string, string>;
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
