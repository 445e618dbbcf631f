/**
 * Resolves a SubmitJob request against its job definition into the JobPlan every attempt runs:
 * `Ref::` substitution (submit parameters win), container overrides, resources, retry and timeout.
 */
import type { ContainerProperties, JobDefinition, KeyValuePair, ResourceRequirement, SubmitJobRequest } from '@aws-sdk/client-batch';
import { invalid } from './errors';
import type { JobPlan, JobRecord } from './jobs';
import type { QueueRecord } from './queues';
import { retryPolicy } from './retry';
import { validateEnvironment, validateRetryStrategy, validateTimeout } from './validation';

export function substituteRefs(command: readonly string[], params: Readonly<Record<string, string>>): string[] {
  return command.map((arg) =>
    arg.includes('Ref::') ? arg.replace(/Ref::([A-Za-z0-9_-]+)/g, (whole, name: string) => (Object.hasOwn(params, name) ? params[name] : whole)) : arg,
  );
}

function envRecord(...lists: Array<readonly KeyValuePair[] | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const list of lists) for (const kv of list ?? []) if (kv.name) env[kv.name] = kv.value ?? '';
  return env;
}

function resource(reqs: readonly ResourceRequirement[] | undefined, type: string): number | undefined {
  const r = reqs?.find((x) => x.type === type);
  return r?.value === undefined ? undefined : Number(r.value);
}

/** The container properties a job runs: the definition's (node range 0 for multinode). */
export function containerOf(def: JobDefinition): ContainerProperties {
  if (def.containerProperties) return def.containerProperties;
  const range = def.nodeProperties?.nodeRangeProperties?.find((r) => r.container)?.container;
  if (range) return range;
  const ecs = def.ecsProperties?.taskProperties?.[0]?.containers?.[0];
  if (ecs) return { image: ecs.image, command: ecs.command, environment: ecs.environment, resourceRequirements: ecs.resourceRequirements };
  invalid(`Job definition ${def.jobDefinitionName} has no container to run`);
}

export function buildPlan(
  req: SubmitJobRequest,
  queue: QueueRecord,
  def: JobDefinition,
  nToN: readonly JobRecord[],
  sequential: boolean,
): JobPlan {
  const cp = containerOf(def);
  const ov = req.containerOverrides ?? req.nodeOverrides?.nodePropertyOverrides?.[0]?.containerOverrides;
  validateRetryStrategy(req.retryStrategy);
  validateTimeout(req.timeout);
  validateEnvironment(ov?.environment);
  const parameters = { ...(def.parameters ?? {}), ...(req.parameters ?? {}) };
  const command = substituteRefs(ov?.command ?? cp.command ?? [], parameters);
  const vcpus = resource(ov?.resourceRequirements, 'VCPU') ?? ov?.vcpus ?? resource(cp.resourceRequirements, 'VCPU') ?? cp.vcpus ?? 1;
  const memoryMiB = resource(ov?.resourceRequirements, 'MEMORY') ?? ov?.memory ?? resource(cp.resourceRequirements, 'MEMORY') ?? cp.memory ?? 2048;
  const gpus = resource(ov?.resourceRequirements, 'GPU') ?? resource(cp.resourceRequirements, 'GPU') ?? 0;
  if (!(vcpus > 0)) invalid('The job requires at least a fraction of a vCPU');
  if (!(memoryMiB >= 4)) invalid('The job requires at least 4 MiB of memory');
  const arraySize = req.arrayProperties?.size;
  if (arraySize !== undefined && (!Number.isInteger(arraySize) || arraySize < 2 || arraySize > 10000)) {
    invalid('Array properties size must be between 2 and 10000');
  }
  const tags = req.propagateTags ?? def.propagateTags ? { ...(def.tags ?? {}), ...(req.tags ?? {}) } : req.tags;
  return {
    request: req,
    queue,
    jobDefinition: def,
    image: cp.image ?? '',
    command,
    environment: envRecord(cp.environment, ov?.environment),
    vcpus,
    memoryMiB,
    gpus,
    retry: retryPolicy(def.retryStrategy, req.retryStrategy),
    timeoutSeconds: req.timeout?.attemptDurationSeconds ?? def.timeout?.attemptDurationSeconds,
    parameters,
    tags,
    schedulingPriority: req.schedulingPriorityOverride ?? def.schedulingPriority,
    numNodes: def.type === 'multinode' ? (req.nodeOverrides?.numNodes ?? def.nodeProperties?.numNodes ?? 1) : 1,
    mainNode: def.nodeProperties?.mainNode ?? 0,
    arraySize,
    nToN,
    sequential,
    specBase: {
      image: cp.image ?? '',
      command,
      user: cp.user,
      workingDir: undefined,
      vcpus,
      memoryMiB,
      gpus,
      readonlyRootFilesystem: cp.readonlyRootFilesystem,
      privileged: cp.privileged,
      ulimits: cp.ulimits?.map((u) => ({ name: u.name ?? '', soft: u.softLimit ?? 0, hard: u.hardLimit ?? 0 })),
      initProcessEnabled: cp.linuxParameters?.initProcessEnabled,
      sharedMemoryMiB: cp.linuxParameters?.sharedMemorySize,
      tmpfs: cp.linuxParameters?.tmpfs?.map((t) => ({ containerPath: t.containerPath ?? '', sizeMiB: t.size ?? 0, mountOptions: t.mountOptions })),
      devices: cp.linuxParameters?.devices?.map((d) => ({ hostPath: d.hostPath ?? '', containerPath: d.containerPath, permissions: d.permissions?.map((p) => p[0].toLowerCase()).join('') })),
      mounts: mountsOf(cp),
    },
  };
}

function mountsOf(cp: ContainerProperties): JobPlan['specBase']['mounts'] {
  const volumes = new Map((cp.volumes ?? []).map((v) => [v.name, v]));
  return (cp.mountPoints ?? []).map((m) => {
    const volume = volumes.get(m.sourceVolume);
    const base = { containerPath: m.containerPath ?? '', readOnly: m.readOnly ?? false };
    const efs = volume?.efsVolumeConfiguration;
    if (efs?.fileSystemId) {
      const rootDirectory = normalizeRoot(efs.rootDirectory);
      const key = efs.authorizationConfig?.accessPointId ? `${rootDirectory}@${efs.authorizationConfig.accessPointId}` : rootDirectory;
      return { ...base, volumeName: efsVolumeName(efs.fileSystemId, key), efs: { fileSystemId: efs.fileSystemId, rootDirectory } };
    }
    return { ...base, hostPath: volume?.host?.sourcePath };
  });
}

/** `/a/b` for `a/b/`, `/` for nothing. */
function normalizeRoot(root: string | undefined): string {
  const parts = (root ?? '/').split('/').filter((p) => p !== '' && p !== '.');
  return `/${parts.join('/')}`;
}

/**
 * The Docker volume that stands for one EFS file system seen from one root directory (and access
 * point): `localbatch-efs-<fs id>` for the root, else `localbatch-efs-<fs id>-<8 hex digits of
 * FNV-1a over the root>`. Every job mounting the same file system and root shares it.
 */
export function efsVolumeName(fileSystemId: string, rootKey = '/'): string {
  const fs = fileSystemId.replace(/[^A-Za-z0-9_.-]/g, '-');
  if (rootKey === '/') return `localbatch-efs-${fs}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < rootKey.length; i++) {
    h ^= rootKey.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `localbatch-efs-${fs}-${h.toString(16).padStart(8, '0')}`;
}
