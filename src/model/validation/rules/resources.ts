/** VCPU / MEMORY / GPU requirements, legacy vcpus / memory, and Fargate's vCPU-memory table. */
import type { Reporter } from '../reporter';
import { arr, decimal, get, has, int, str, type Path } from './util';

/** Where a container runs, as far as this file can tell. */
export type Platform = 'EC2' | 'FARGATE' | 'unknown';

export const MIN_MEMORY_MIB = 4;

function steps(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/**
 * M:ResourceRequirement.value (type="VCPU"): "The supported values are 0.25, 0.5, 1, 2, 4, 8, and 16"
 * with these MEMORY values each. (The reference table's 32 vCPU row is not in the service model.)
 */
export const FARGATE_MEMORY_BY_VCPU: ReadonlyMap<number, readonly number[]> = new Map([
  [0.25, [512, 1024, 2048]],
  [0.5, steps(1024, 4096, 1024)],
  [1, steps(2048, 8192, 1024)],
  [2, steps(4096, 16384, 1024)],
  [4, steps(8192, 30720, 1024)],
  [8, steps(16384, 61440, 4096)],
  [16, steps(32768, 122880, 8192)],
]);

interface Amount {
  readonly value: number;
  readonly path: Path;
}

export interface Resources {
  vcpu?: Amount;
  memory?: Amount;
  gpu?: Amount;
  /** Whether each type is given at all (even with an unreadable value). */
  readonly given: Set<string>;
}

/**
 * Checks one `resourceRequirements` list and returns the readable amounts.
 * M:ResourceRequirement.value documents each type's allowed values.
 */
export function checkResourceRequirements(list: unknown, path: Path, platform: Platform, r: Reporter): Resources {
  const out: Resources = { given: new Set() };
  const seen = new Map<string, number>();
  arr(list)?.forEach((item, i) => {
    const type = str(get(item, 'type'));
    const raw = str(get(item, 'value'));
    if (type !== 'VCPU' && type !== 'MEMORY' && type !== 'GPU') return;
    out.given.add(type);
    const first = seen.get(type);
    if (first !== undefined) {
      r.error([...path, i, 'type'], 'resource-duplicate-type', `resourceRequirements lists ${type} twice (entries ${first + 1} and ${i + 1}); give each resource type once`);
      return;
    }
    seen.set(type, i);
    if (raw === undefined) return;
    const at = [...path, i, 'value'];
    const n = decimal(raw);
    if (type === 'VCPU') {
      if (n === undefined || n <= 0) {
        r.error(at, 'resource-vcpu-value', `VCPU value "${raw}" is not a positive number of vCPUs (e.g. "1", "2", or "0.25" on Fargate)`);
      } else if (platform === 'EC2' && n < 1) {
        // M:ResourceRequirement.value: "For Amazon EC2 resources, you must specify at least one vCPU."
        r.error(at, 'resource-vcpu-value', `VCPU value "${raw}" is below 1; jobs on EC2 resources need at least 1 vCPU (fractions are for Fargate)`);
      } else {
        out.vcpu = { value: n, path: at };
      }
    } else if (type === 'MEMORY') {
      // "You must specify at least 4 MiB of memory for a job."
      if (n === undefined || !Number.isInteger(n) || n < MIN_MEMORY_MIB) {
        r.error(at, 'resource-memory-value', `MEMORY value "${raw}" is not a whole number of MiB of at least ${MIN_MEMORY_MIB} (e.g. "2048")`);
      } else {
        out.memory = { value: n, path: at };
      }
    } else {
      if (n === undefined || !Number.isInteger(n) || n < 1) {
        r.error(at, 'resource-gpu-value', `GPU value "${raw}" is not a positive whole number of GPUs`);
      } else if (platform === 'FARGATE') {
        // M:ResourceRequirement.value (type="GPU"): "GPUs aren't available for jobs that are running on Fargate resources."
        r.error([...path, i], 'resource-gpu-fargate', 'GPU requirements are not available on Fargate; remove it or run on EC2 (platformCapabilities: [EC2])');
      } else {
        out.gpu = { value: n, path: at };
      }
    }
  });
  return out;
}

export interface ContainerResourceOptions {
  readonly platform: Platform;
  /** Warn when vCPU or memory is missing (single-node container jobs and node ranges). */
  readonly requireAmounts: boolean;
  /** How to name the container in messages, e.g. `containerProperties`. */
  readonly label: string;
}

/** Resources of one ECS container (containerProperties, a node range container or containerOverrides). */
export function checkContainerResources(container: unknown, path: Path, opts: ContainerResourceOptions, r: Reporter): Resources {
  const res = checkResourceRequirements(get(container, 'resourceRequirements'), [...path, 'resourceRequirements'], opts.platform, r);
  for (const [legacy, type] of [['vcpus', 'VCPU'], ['memory', 'MEMORY']] as const) {
    if (!has(container, legacy)) continue;
    const at = [...path, legacy];
    if (opts.platform === 'FARGATE') {
      // M:ContainerProperties.vcpus / .memory: "It's not supported for jobs running on Fargate resources."
      r.error(at, 'resource-legacy-fargate', `${opts.label}.${legacy} is not supported on Fargate; use resourceRequirements [{type: ${type}, value: ...}]`, 'key');
      continue;
    }
    if (res.given.has(type)) {
      r.error(at, 'resource-legacy-conflict', `${opts.label} gives ${type} twice: in ${legacy} and in resourceRequirements; keep only the resourceRequirements entry`, 'key');
      continue;
    }
    // M:ContainerProperties.vcpus / .memory: "This parameter is deprecated, use resourceRequirements"
    r.warning(at, 'resource-legacy-deprecated', `${opts.label}.${legacy} is deprecated; use resourceRequirements [{type: ${type}, value: "..."}] instead`, 'key');
    const n = int(get(container, legacy));
    if (n === undefined) continue;
    res.given.add(type);
    if (legacy === 'vcpus' && n < 1) r.error(at, 'resource-vcpu-value', `${opts.label}.vcpus is ${n}; a job needs at least 1 vCPU`);
    else if (legacy === 'memory' && n < MIN_MEMORY_MIB) r.error(at, 'resource-memory-value', `${opts.label}.memory is ${n}; a job needs at least ${MIN_MEMORY_MIB} MiB`);
    else if (legacy === 'vcpus') res.vcpu = { value: n, path: at };
    else res.memory = { value: n, path: at };
  }
  if (opts.requireAmounts) {
    const missing = [['VCPU', 'vCPU'], ['MEMORY', 'memory']].filter(([t]) => !res.given.has(t)).map(([, label]) => label);
    if (missing.length > 0) {
      // M:ResourceRequirement.value: VCPU and MEMORY are "required but can be specified in several places"
      r.warning(
        path,
        'resource-missing',
        `${opts.label} sets no ${missing.join(' and no ')} requirement; every job must then pass it in containerOverrides.resourceRequirements at submit time, or AWS Batch rejects the job`,
        'key',
      );
    }
  }
  if (opts.platform === 'FARGATE') checkFargateCombination(res, r);
  return res;
}

/** M:ResourceRequirement.value: Fargate VCPU must be a supported value, MEMORY one supported for it. */
export function checkFargateCombination(res: Resources, r: Reporter): void {
  const rule = 'fargate-resource-combination';
  if (res.vcpu) {
    const allowed = FARGATE_MEMORY_BY_VCPU.get(res.vcpu.value);
    if (!allowed) {
      r.error(res.vcpu.path, rule, `Fargate does not offer ${res.vcpu.value} vCPU; use one of ${[...FARGATE_MEMORY_BY_VCPU.keys()].join(', ')}`);
    } else if (res.memory && !allowed.includes(res.memory.value)) {
      r.error(res.memory.path, rule, `Fargate does not offer ${res.memory.value} MiB with ${res.vcpu.value} vCPU; valid MEMORY values for ${res.vcpu.value} vCPU: ${allowed.join(', ')}`);
    }
  } else if (res.memory && ![...FARGATE_MEMORY_BY_VCPU.values()].some((m) => m.includes(res.memory!.value))) {
    r.error(res.memory.path, rule, `Fargate does not offer ${res.memory.value} MiB of memory; see the supported VCPU / MEMORY combinations`);
  }
}
