/**
 * What a job needs (vCPU, memory, GPU) and what a compute environment can ever provide, read from
 * unvalidated values: anything of the wrong shape is simply unknown.
 */
import type { JsonPath } from '../../document';
import { asArr, asNum, asNumeric, asStr, isObj, prop } from '../../values';
import type { DefinitionEntry, WorkflowJobEntry } from '../../workspace';

export type Dimension = 'vcpus' | 'memoryMiB' | 'gpus';
export type Amounts = Partial<Record<Dimension, number>>;

/** The requirement of one container (a node range for multinode jobs), with override locations. */
export interface Need {
  readonly amounts: Amounts;
  /** `''` for a single-container job, else e.g. `node range 0:3`. */
  readonly label: string;
  /** Paths (in the workflow file) of the override values that set a dimension. */
  readonly overridden: Partial<Record<Dimension, JsonPath>>;
}

const TYPES: ReadonlyArray<[string, Dimension]> = [['VCPU', 'vcpus'], ['MEMORY', 'memoryMiB'], ['GPU', 'gpus']];

/** resourceRequirements (which win) and legacy vcpus / memory of a container or override object. */
export function readResources(container: unknown, basePath: JsonPath = []): { amounts: Amounts; paths: Partial<Record<Dimension, JsonPath>> } {
  const amounts: Amounts = {};
  const paths: Partial<Record<Dimension, JsonPath>> = {};
  const legacy: Array<[string, Dimension]> = [['vcpus', 'vcpus'], ['memory', 'memoryMiB']];
  for (const [key, dim] of legacy) {
    const v = asNum(prop(container, key));
    if (v !== undefined) {
      amounts[dim] = v;
      paths[dim] = [...basePath, key];
    }
  }
  asArr(prop(container, 'resourceRequirements'))?.forEach((req, i) => {
    const dim = TYPES.find(([t]) => t === prop(req, 'type'))?.[1];
    const v = asNumeric(prop(req, 'value'));
    if (dim && v !== undefined) {
      amounts[dim] = v;
      paths[dim] = [...basePath, 'resourceRequirements', i, 'value'];
    }
  });
  return { amounts, paths };
}

/** The needs of a workflow job run with its job definition (containerOverrides applied). */
export function jobNeeds(job: WorkflowJobEntry, def: DefinitionEntry): Need[] {
  const ranges = asArr(prop(prop(def.value, 'nodeProperties'), 'nodeRangeProperties'));
  if (prop(def.value, 'type') === 'multinode' || ranges) {
    return (ranges ?? []).flatMap((range) => {
      const container = prop(range, 'container');
      if (!isObj(container)) return [];
      return [{ amounts: readResources(container).amounts, label: `node range ${asStr(prop(range, 'targetNodes')) ?? '?'}`, overridden: {} }];
    });
  }
  const container = prop(def.value, 'containerProperties');
  if (!isObj(container)) return [];
  const base = readResources(container).amounts;
  const over = readResources(prop(job.value, 'containerOverrides'), [...job.path, 'containerOverrides']);
  return [{ amounts: { ...base, ...over.amounts }, label: '', overridden: over.paths }];
}

export type Platform = 'EC2' | 'FARGATE';

/** The platform a job definition runs on, or undefined when it is neither plain EC2 nor Fargate (EKS, managed instances). */
export function jobDefinitionPlatform(def: DefinitionEntry): Platform | undefined {
  if (prop(def.value, 'eksProperties') !== undefined) return undefined;
  const caps = asArr(prop(def.value, 'platformCapabilities'));
  if (!caps || caps.length === 0) return 'EC2';
  if (caps.includes('FARGATE')) return 'FARGATE';
  return caps.includes('EC2') ? 'EC2' : undefined;
}

export interface Limit {
  readonly value: number;
  readonly source: string;
  readonly maxResource: boolean;
}

export interface Capacity {
  readonly name: string;
  readonly platform: Platform | undefined;
  readonly resourceType: string | undefined;
  /** Per dimension: the most one job can get, and why (for messages). */
  readonly limits: Partial<Record<Dimension, Limit>>;
  /** computeResources.maxvCpus: a job needing more vCPU is MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE. */
  readonly maxvCpus: Limit | undefined;
  readonly architecture: 'x86_64' | 'arm64' | undefined;
  readonly disabled: boolean;
}

/** Fargate caps per task (service model: VCPU up to 16, MEMORY up to 122880 MiB, no GPU). */
const FARGATE_MAX = { vcpus: 16, memoryMiB: 122880, gpus: 0 };

const capacityCache = new WeakMap<DefinitionEntry, Capacity>();

/** What one compute environment can ever give one job (computed once per entry). */
export function computeCapacity(ce: DefinitionEntry): Capacity {
  let cached = capacityCache.get(ce);
  if (!cached) capacityCache.set(ce, (cached = readCapacity(ce)));
  return cached;
}

function readCapacity(ce: DefinitionEntry): Capacity {
  return capacityOf(ce.name, ce.value);
}

/**
 * What a compute environment given as a CreateComputeEnvironment request or a
 * DescribeComputeEnvironments entry (`value`) can ever give one job.
 */
export function capacityOf(name: string, value: unknown): Capacity {
  const res = prop(value, 'computeResources');
  const resourceType = asStr(prop(res, 'type'));
  const managed = prop(value, 'type') !== 'UNMANAGED' && isObj(res) && prop(value, 'eksConfiguration') === undefined;
  const platform: Platform | undefined = !managed ? undefined : resourceType === 'FARGATE' || resourceType === 'FARGATE_SPOT' ? 'FARGATE' : resourceType === 'EC2' || resourceType === 'SPOT' ? 'EC2' : undefined;
  const limits: Capacity['limits'] = {};
  const maxvCpus = asNum(prop(res, 'maxvCpus'));
  const setLimit = (dim: Dimension, value: number, source: string, maxResource: boolean) => {
    if (limits[dim] === undefined || value < limits[dim].value) limits[dim] = { value, source, maxResource };
  };
  if (platform === 'FARGATE') {
    setLimit('vcpus', FARGATE_MAX.vcpus, 'Fargate allows at most 16 vCPU per job', false);
    setLimit('memoryMiB', FARGATE_MAX.memoryMiB, 'Fargate allows at most 122880 MiB per job', false);
    setLimit('gpus', FARGATE_MAX.gpus, 'Fargate has no GPUs', false);
  }
  let architecture: Capacity['architecture'];
  if (platform === 'EC2') {
    const types = (asArr(prop(res, 'instanceTypes')) ?? []).map(asStr);
    const infos = types.map((t) => (t === undefined ? undefined : instanceInfo(t)));
    const vcpus = infos.map((i) => i?.vcpus);
    if (infos.length > 0 && vcpus.every((v) => v !== undefined)) setLimit('vcpus', Math.max(...(vcpus as number[])), `its largest instance type has ${Math.max(...(vcpus as number[]))} vCPU`, false);
    const mems = infos.map((i) => i?.memoryMiB);
    if (infos.length > 0 && mems.every((v) => v !== undefined)) setLimit('memoryMiB', Math.max(...(mems as number[])), `its largest instance type has ${Math.max(...(mems as number[]))} MiB`, false);
    const arches = new Set(types.map((t) => (t === undefined ? undefined : instanceArchitecture(t))));
    if (arches.size === 1 && !arches.has(undefined)) architecture = [...arches][0];
  }
  const max = platform !== undefined && maxvCpus !== undefined ? { value: maxvCpus, source: `maxvCpus is ${maxvCpus}`, maxResource: true } : undefined;
  return { name, platform, resourceType, limits, maxvCpus: max, architecture, disabled: prop(value, 'state') === 'DISABLED' };
}

/** vCPU per size for the regular sizes (`Nxlarge` = 4N vCPU). */
const SIZE_VCPUS: Readonly<Record<string, number>> = { medium: 1, large: 2, xlarge: 4 };
/** GiB of memory per vCPU by family letter, for compute / general / memory optimised families. */
const GIB_PER_VCPU: Readonly<Record<string, number>> = { c: 2, m: 4, r: 8 };

/** vCPU and memory of an instance type like `m5.2xlarge` (c, m, r families); undefined when unknown. */
export function instanceInfo(type: string): { vcpus: number; memoryMiB: number } | undefined {
  const m = /^([a-z]+)(\d+)([a-z-]*)\.(\d*)(medium|large|xlarge)$/.exec(type);
  if (!m) return undefined;
  const [, family, generation, suffix, mult, size] = m;
  if (mult !== '' && size !== 'xlarge') return undefined;
  // Generations before 5 (c4.8xlarge has 36 vCPU, m3 / c4 / r4 odd memory sizes) do not follow the
  // pattern: unknown, so a job is never refused on a guess.
  if (Number(generation) < 5) return undefined;
  // c5n has more memory per vCPU than other c families (c5n.9xlarge: 36 vCPU, 96 GiB).
  const ratio = family === 'c' && generation === '5' && suffix.includes('n') ? 8 / 3 : GIB_PER_VCPU[family];
  const vcpus = mult === '' ? SIZE_VCPUS[size] : Number(mult) * 4;
  if (ratio === undefined || !(vcpus > 0)) return undefined;
  return { vcpus, memoryMiB: Math.ceil(vcpus * ratio * 1024) };
}

export function instanceArchitecture(type: string): 'x86_64' | 'arm64' | undefined {
  if (type === 'optimal' || type === 'default_x86_64') return 'x86_64';
  if (type === 'default_arm64') return 'arm64';
  const family = type.split('.')[0];
  if (/^a1$/.test(family) || /^[a-z]+\d+g[a-z]*$/.test(family)) return 'arm64';
  return /^[a-z]+\d+[a-z-]*$/.test(family) ? 'x86_64' : undefined;
}
