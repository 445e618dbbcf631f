/**
 * Resolves a SubmitJob request against its job definition into the JobPlan every attempt runs:
 * `Ref::` substitution (submit parameters win), container overrides, resources, retry and timeout;
 * for a multi-node job, each node's own container (nodes.ts).
 */
import type { ContainerOverrides, ContainerProperties, JobDefinition, KeyValuePair, ResourceRequirement, SubmitJobRequest } from '@aws-sdk/client-batch';
import { eksMainContainer, eksTaskContainers } from './eksPod';
import { invalid } from './errors';
import type { JobPlan, JobRecord, TaskContainerPlan } from './jobs';
import { nodeContainers } from './nodes';
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
  const eks = eksMainContainer(def);
  if (eks) return eks;
  invalid(`Job definition ${def.jobDefinitionName} has no container to run`);
}

/**
 * What an attempt's preparation (roles, secrets, host access) must see of a job definition: its
 * container, or for a multi-container task all its containers at once (any privileged one, every
 * device, mount point and secret) with the task's roles, so no container escapes the checks.
 */
export function preparedContainerOf(def: JobDefinition): ContainerProperties {
  const task = def.ecsProperties?.taskProperties?.[0];
  if (!task?.containers?.length || def.containerProperties) return containerOf(def);
  const all = task.containers;
  return {
    ...containerOf(def),
    jobRoleArn: task.taskRoleArn,
    executionRoleArn: task.executionRoleArn,
    privileged: all.some((c) => c.privileged === true) || undefined,
    linuxParameters: { devices: all.flatMap((c) => c.linuxParameters?.devices ?? []) },
    mountPoints: all.flatMap((c) => c.mountPoints ?? []),
    volumes: task.volumes,
    secrets: all.flatMap((c) => c.secrets ?? []),
    logConfiguration: all.find((c) => c.logConfiguration)?.logConfiguration,
  };
}

/** What one container of a job runs: command, environment, resources and the spec fields. */
interface ResolvedContainer {
  readonly image: string;
  readonly command: string[];
  readonly environment: Record<string, string>;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly gpus: number;
  readonly specBase: JobPlan['specBase'];
}

export function resolveContainer(cp: ContainerProperties, ov: ContainerOverrides | undefined, parameters: Readonly<Record<string, string>>): ResolvedContainer {
  validateEnvironment(ov?.environment);
  const command = substituteRefs(ov?.command ?? cp.command ?? [], parameters);
  const vcpus = resource(ov?.resourceRequirements, 'VCPU') ?? ov?.vcpus ?? resource(cp.resourceRequirements, 'VCPU') ?? cp.vcpus ?? 1;
  const memoryMiB = resource(ov?.resourceRequirements, 'MEMORY') ?? ov?.memory ?? resource(cp.resourceRequirements, 'MEMORY') ?? cp.memory ?? 2048;
  const gpus = resource(ov?.resourceRequirements, 'GPU') ?? resource(cp.resourceRequirements, 'GPU') ?? 0;
  if (!(vcpus > 0)) invalid('The job requires at least a fraction of a vCPU');
  if (!(memoryMiB >= 4)) invalid('The job requires at least 4 MiB of memory');
  // (a GPU count that is no whole number would leave the job RUNNABLE for ever at the head of its queue)
  if (!(Number.isInteger(gpus) && gpus >= 0)) invalid('The job requires a whole number of GPUs');
  return {
    image: cp.image ?? '',
    command,
    environment: envRecord(cp.environment, ov?.environment),
    vcpus,
    memoryMiB,
    gpus,
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

export function buildPlan(
  req: SubmitJobRequest,
  queue: QueueRecord,
  def: JobDefinition,
  nToN: readonly JobRecord[],
  sequential: boolean,
): JobPlan {
  validateRetryStrategy(req.retryStrategy);
  validateTimeout(req.timeout);
  const parameters = { ...(def.parameters ?? {}), ...(req.parameters ?? {}) };
  const numNodes = def.type === 'multinode' ? (req.nodeOverrides?.numNodes ?? def.nodeProperties?.numNodes ?? 1) : 1;
  const nodes = def.type === 'multinode' ? nodeContainers(def, req, numNodes).map((n) => resolveContainer(n.container, n.overrides, parameters)) : undefined;
  const task = taskContainers(def, req, parameters) ?? eksTaskContainers(def, req, parameters, resolveContainer);
  const first = task?.find((c) => c.essential);
  const main =
    nodes?.[def.nodeProperties?.mainNode ?? 0] ??
    (first ? { ...first, image: first.specBase.image, command: [...first.specBase.command], environment: { ...first.environment } } : resolveContainer(containerOf(def), req.containerOverrides, parameters));
  const arraySize = req.arrayProperties?.size;
  if (arraySize !== undefined && (!Number.isInteger(arraySize) || arraySize < 2 || arraySize > 10000)) {
    invalid('Array properties size must be between 2 and 10000');
  }
  const tags = req.propagateTags ?? def.propagateTags ? { ...(def.tags ?? {}), ...(req.tags ?? {}) } : req.tags;
  return {
    request: req,
    queue,
    jobDefinition: def,
    image: main.image,
    command: main.command,
    environment: main.environment,
    vcpus: main.vcpus,
    memoryMiB: main.memoryMiB,
    gpus: main.gpus,
    retry: retryPolicy(def.retryStrategy, req.retryStrategy),
    timeoutSeconds: req.timeout?.attemptDurationSeconds ?? def.timeout?.attemptDurationSeconds,
    parameters,
    tags,
    schedulingPriority: req.schedulingPriorityOverride ?? def.schedulingPriority,
    numNodes,
    mainNode: def.nodeProperties?.mainNode ?? 0,
    nodes: nodes?.map((n) => ({ environment: n.environment, vcpus: n.vcpus, memoryMiB: n.memoryMiB, gpus: n.gpus, specBase: n.specBase })),
    task,
    arraySize,
    nToN,
    sequential,
    specBase: main.specBase,
  };
}

/**
 * The containers of an `ecsProperties` job definition's task, with SubmitJob's
 * `ecsPropertiesOverride` applied by container name; undefined for other job definitions.
 */
function taskContainers(def: JobDefinition, req: SubmitJobRequest, parameters: Readonly<Record<string, string>>): TaskContainerPlan[] | undefined {
  const containers = def.ecsProperties?.taskProperties?.[0]?.containers;
  if (!containers || containers.length === 0) return undefined;
  const overrides = req.ecsPropertiesOverride?.taskProperties?.[0]?.containers ?? [];
  const names = new Set<string>();
  const out = containers.map((c, i) => {
    const name = c.name ?? `container-${i}`;
    if (names.has(name)) invalid(`Container name ${name} is used twice in the task`);
    names.add(name);
    const ov = overrides.find((o) => o.name === name);
    const resolved = resolveContainer(c as ContainerProperties, ov as ContainerOverrides | undefined, parameters);
    const dependsOn = (c.dependsOn ?? []).map((d) => {
      const condition = (d.condition ?? 'START').toUpperCase();
      if (condition !== 'START' && condition !== 'COMPLETE' && condition !== 'SUCCESS') invalid(`Container ${name} depends on ${String(d.containerName)} with condition ${condition}; locally START, COMPLETE and SUCCESS are supported`);
      return { name: d.containerName ?? '', condition: condition as 'START' | 'COMPLETE' | 'SUCCESS' };
    });
    const seconds = (v: number | undefined) => (v !== undefined && v > 0 ? v * 1000 : undefined);
    return {
      name,
      essential: c.essential ?? true,
      dependsOn,
      environment: resolved.environment,
      vcpus: resolved.vcpus,
      memoryMiB: resolved.memoryMiB,
      gpus: resolved.gpus,
      specBase: resolved.specBase,
      ...(seconds(c.startTimeout) !== undefined ? { startTimeoutMs: seconds(c.startTimeout) } : {}),
      ...(seconds(c.stopTimeout) !== undefined ? { stopTimeoutMs: seconds(c.stopTimeout) } : {}),
    };
  });
  for (const c of out) for (const d of c.dependsOn) if (!names.has(d.name)) invalid(`Container ${c.name} depends on ${d.name}, which is not a container of the task`);
  if (!out.some((c) => c.essential)) invalid('At least one container of the task must be essential');
  return out;
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
    const s3files = volume?.s3filesVolumeConfiguration;
    if (s3files?.fileSystemArn) {
      const rootDirectory = normalizeRoot(s3files.rootDirectory);
      const id = s3FilesId(s3files.fileSystemArn);
      const key = s3files.accessPointArn ? `${rootDirectory}@${s3files.accessPointArn}` : rootDirectory;
      return { ...base, volumeName: efsVolumeName(id, key).replace(/^localbatch-efs-/, 'localbatch-s3files-'), s3files: { fileSystemArn: s3files.fileSystemArn, rootDirectory } };
    }
    return { ...base, hostPath: volume?.host?.sourcePath };
  });
}

/** An S3 Files file system's id: the last part of its ARN (`…:file-system/fs-1234` → `fs-1234`). */
export function s3FilesId(fileSystemArn: string): string {
  return fileSystemArn.split(/[/:]/).filter((p) => p !== '').at(-1) ?? fileSystemArn;
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
