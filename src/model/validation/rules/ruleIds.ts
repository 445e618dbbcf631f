/**
 * Every rule id the single-file semantic rules report, with a one-line description (the README's
 * rule table is generated from / kept in step with this list). Schema problems use the id `schema`.
 */
export const FILE_RULES = {
  // Retries and timeouts (job definitions and workflow jobs)
  'retry-attempts-range': 'retryStrategy.attempts must be 1 to 10',
  'retry-evaluate-on-exit-limit': 'retryStrategy.evaluateOnExit holds at most 5 conditions',
  'retry-attempts-required': 'retryStrategy.evaluateOnExit needs retryStrategy.attempts',
  'retry-pattern': 'onExitCode / onReason / onStatusReason glob: allowed characters, at most 512 characters, `*` only at the end',
  'timeout-minimum': 'timeout.attemptDurationSeconds must be at least 60',
  // Workflow jobs (submit-time fields)
  'array-size-range': 'arrayProperties.size must be 2 to 10,000',
  'depends-on-limit': 'a job can depend on at most 20 jobs',
  'command-empty-argument': 'a containerOverrides.command cannot contain an empty string',
  // Environment
  'env-reserved-name': 'environment variable names must not start with AWS_BATCH',
  'env-duplicate-name': 'an environment variable name appears twice in one container (warning)',
  // Resources
  'resource-vcpu-value': 'VCPU must be a positive number (at least 1 on EC2)',
  'resource-memory-value': 'MEMORY must be a whole number of MiB, at least 4',
  'resource-gpu-value': 'GPU must be a positive whole number',
  'resource-duplicate-type': 'each resource type appears at most once in resourceRequirements',
  'resource-gpu-fargate': 'GPUs are not available on Fargate',
  'resource-legacy-deprecated': 'vcpus / memory are deprecated: use resourceRequirements (warning)',
  'resource-legacy-fargate': 'vcpus / memory are not supported on Fargate',
  'resource-legacy-conflict': 'the same resource is given both as vcpus / memory and in resourceRequirements',
  'resource-missing': 'a container has no vCPU or memory requirement; it must then come at submit time (warning)',
  'fargate-resource-combination': 'Fargate VCPU / MEMORY must be one of the supported combinations',
  // Job definitions
  'job-definition-shape': 'type container needs one of containerProperties / ecsProperties / eksProperties; multinode needs nodeProperties only',
  'job-definition-size': 'a job definition may be at most 24 KiB (24,576 bytes)',
  'container-image': 'containerProperties needs an image',
  'fargate-multinode': 'multinode (MNP) job definitions cannot run on Fargate',
  'fargate-only-field': 'networkConfiguration / fargatePlatformConfiguration are for Fargate job definitions only',
  'fargate-unsupported-field': 'privileged / ulimits / instanceType do not apply on Fargate (warning)',
  'fargate-execution-role': 'Fargate jobs need an executionRoleArn (warning)',
  'eks-unsupported-field': 'EKS job definitions must not set platformCapabilities or propagateTags',
  'parameter-no-default': 'a Ref:: placeholder has no default in parameters; it must be supplied at submit time (warning)',
  // Multi-node parallel
  'node-count': 'numNodes must be at least 1',
  'node-main-index': 'mainNode must be a node index below numNodes',
  'node-range-syntax': 'targetNodes must be `start:end`, `start:`, `:end`, `:` or a single index',
  'node-range-bounds': 'a node range must lie within 0..numNodes-1 with start <= end',
  'node-range-coverage': 'the node ranges together must cover every node',
  'node-range-properties': 'every node range needs a container (or ecsProperties / eksProperties)',
  // Names, tags, fair share
  'name-format': 'names: up to 128 letters, digits, hyphens and underscores (job names start alphanumeric)',
  'scheduling-priority-range': 'schedulingPriority / schedulingPriorityOverride must be 0 to 9999',
  'share-identifier-format': 'shareIdentifier: up to 255 alphanumeric characters, optionally ending in *',
  'tag-reserved-prefix': 'tag keys must not start with aws: (reserved for AWS)',
  // Job queues
  'queue-compute-environment-limit': 'a job queue can use at most 3 compute environments',
  'queue-order-duplicate': 'computeEnvironmentOrder `order` values must be unique',
  'queue-environment-order-conflict': 'a job queue cannot have both computeEnvironmentOrder and serviceEnvironmentOrder',
  'queue-time-limit-seconds': 'jobStateTimeLimitActions maxTimeSeconds must be 600 to 86,400',
  'queue-time-limit-action': 'jobStateTimeLimitActions action must be CANCEL (TERMINATE for SAGEMAKER_TRAINING queues)',
  // Compute environments
  'ce-vcpu-bounds': 'minvCpus <= desiredvCpus <= maxvCpus, none negative',
  'ce-compute-resources': 'MANAGED compute environments need computeResources; UNMANAGED ones must not have them',
  'ce-unmanaged-vcpus': 'unmanagedvCpus is only for UNMANAGED compute environments',
  'ce-fargate-field': 'EC2-only compute resource fields (minvCpus, instanceTypes, ...) must not be set for FARGATE / FARGATE_SPOT',
  'ce-fargate-security-groups': 'Fargate compute environments need at least one security group',
  'ce-fargate-subnets': 'Fargate compute environments can have at most 16 subnets',
  'ce-instance-role': 'EC2 / SPOT compute environments need an instanceRole',
  'ce-allocation-strategy': 'SPOT_* allocation strategies are only for SPOT compute environments',
  'ce-bid-percentage': 'bidPercentage must be 0 to 100',
  'ce-spot-field': 'bidPercentage / spotIamFleetRole only apply to SPOT compute environments (warning)',
  'ce-spot-fleet-role': 'SPOT compute environments with BEST_FIT (the default) need a spotIamFleetRole',
  // localbatch.yaml
  'settings-duplicate-image': 'two local images share a name',
} as const;

export type FileRuleId = keyof typeof FILE_RULES;
