/**
 * Whether a workflow job can ever run on its queue: the job definition's platform must match the
 * queue's compute environments, and its vCPU / memory / GPU (after containerOverrides) must fit at
 * least one of them; otherwise AWS leaves it RUNNABLE forever. The built-in `local` queue is checked
 * (as a warning) only against `capacity` in localbatch.yaml; a job on any other queue is also checked
 * (as a warning) against `capacity.memoryMiB`, the memory every local compute environment has (its
 * vCPUs come from maxvCpus, checked above).
 */
import type { JsonPath } from '../../document';
import { asArr, asNum, asStr, prop } from '../../values';
import { Workspace, type WorkflowJobEntry } from '../../workspace';
import { listNames, type WorkspaceRule, type WorkspaceRuleContext } from './context';
import { computeCapacity, jobDefinitionPlatform, jobNeeds, readResources, type Capacity, type Dimension, type Limit, type Need } from './resources';

const UNITS: Readonly<Record<Dimension, string>> = { vcpus: 'vCPU', memoryMiB: 'MiB of memory', gpus: 'GPU' };
const DIMENSIONS: readonly Dimension[] = ['vcpus', 'memoryMiB', 'gpus'];
const MAX_RESOURCE = 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE';
const REQUIREMENT = 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT';

export const jobCapacity: WorkspaceRule = (ctx) => {
  const { ws } = ctx;
  checkDefinitionsMemory(ctx);
  for (const job of ws.workflowJobs()) {
    const defRef = asStr(job.value.jobDefinition);
    const def = defRef === undefined ? undefined : ws.jobDefinition(defRef);
    if (!def) continue;
    const queueRef = job.value.jobQueue;
    if (Workspace.isLocalQueue(queueRef)) {
      checkLocal(ctx, job, jobNeeds(job, def), def.name);
      continue;
    }
    const queue = typeof queueRef === 'string' ? ws.jobQueue(queueRef) : undefined;
    if (!queue) continue;
    checkLocal(ctx, job, jobNeeds(job, def), def.name, ['memoryMiB'], queue.name);
    const ceRefs = (asArr(queue.value.computeEnvironmentOrder) ?? []).map((item) => asStr(prop(item, 'computeEnvironment')));
    const ces = ceRefs.map((ref) => (ref === undefined ? undefined : ws.computeEnvironment(ref)));
    if (ces.length === 0 || ces.some((ce) => ce === undefined)) continue;
    const capacities = ces.map((ce) => computeCapacity(ce!));
    const queuePath = [...job.path, 'jobQueue'];

    const platform = jobDefinitionPlatform(def);
    if (platform !== undefined && capacities.every((c) => c.platform !== undefined && c.platform !== platform)) {
      const kinds = [...new Set(capacities.map((c) => c.resourceType ?? c.platform))].join('/');
      ctx.report('error', job.workflow.doc, queuePath, 'platform-mismatch',
        `Job '${job.key}' uses the ${platform} job definition '${def.name}', but job queue '${queue.name}' has only ${kinds} compute environments (${listNames(capacities.map((c) => c.name))}); ` +
          `the job can never run there: use a ${platform === 'FARGATE' ? 'FARGATE' : 'EC2/SPOT'} queue or change platformCapabilities`);
      continue;
    }
    for (const need of jobNeeds(job, def)) {
      const failures = capacities.map((c) => firstExceeded(need, c));
      if (failures.some((f) => f === undefined)) continue;
      const list = failures as Exceeded[];
      const first = list[0];
      const reason = list.every((f) => f.limit.maxResource) ? MAX_RESOURCE : REQUIREMENT;
      const details = list.map((f) => `'${f.capacity.name}': ${f.limit.source}`).join('; ');
      ctx.report('error', job.workflow.doc, need.overridden[first.dim] ?? queuePath, 'job-exceeds-capacity',
        `Job '${job.key}'${need.label ? ` (${need.label})` : ''} (job definition '${def.name}') needs ${describe(need, first.dim)}, more than any compute environment of job queue '${queue.name}' can ever provide (${details}); ` +
          `it would stay RUNNABLE forever (${reason})`);
    }
  }
};

interface Exceeded {
  readonly dim: Dimension;
  readonly capacity: Capacity;
  readonly limit: Limit;
}

/** The first requirement the compute environment can never meet (maxvCpus first), if any. */
function firstExceeded(need: Need, capacity: Capacity): Exceeded | undefined {
  const vcpus = need.amounts.vcpus;
  if (vcpus !== undefined && capacity.maxvCpus !== undefined && vcpus > capacity.maxvCpus.value) return { dim: 'vcpus', capacity, limit: capacity.maxvCpus };
  for (const dim of DIMENSIONS) {
    const amount = need.amounts[dim];
    const limit = capacity.limits[dim];
    if (amount !== undefined && limit !== undefined && amount > limit.value) return { dim, capacity, limit };
  }
  return undefined;
}

function describe(need: Need, dim: Dimension): string {
  return `${need.amounts[dim]} ${UNITS[dim]}`;
}

function checkLocal(ctx: WorkspaceRuleContext, job: WorkflowJobEntry, needs: Need[], defName: string, dims: readonly Dimension[] = DIMENSIONS, queueName?: string): void {
  const settings = ctx.ws.settings;
  const capacity = prop(settings?.value, 'capacity');
  if (!settings || capacity === undefined) return;
  const limits: Partial<Record<Dimension, number>> = { vcpus: asNum(prop(capacity, 'vcpus')), memoryMiB: asNum(prop(capacity, 'memoryMiB')) };
  const keys: Partial<Record<Dimension, string>> = { vcpus: 'capacity.vcpus', memoryMiB: 'capacity.memoryMiB' };
  for (const need of needs) {
    // A definition's own memory is reported once, at the definition (checkDefinitionsMemory); here only overrides.
    const dim = dims.find((d) => need.amounts[d] !== undefined && limits[d] !== undefined && need.amounts[d]! > limits[d]! && (d !== 'memoryMiB' || need.overridden.memoryMiB !== undefined));
    if (!dim) continue;
    const at: JsonPath = need.overridden[dim] ?? (job.value.jobQueue !== undefined ? [...job.path, 'jobQueue'] : [...job.path, 'jobDefinition']);
    ctx.report('warning', job.workflow.doc, at, 'job-exceeds-local-capacity',
      `Job '${job.key}'${need.label ? ` (${need.label})` : ''} (job definition '${defName}') needs ${describe(need, dim)}, more than the local capacity (${keys[dim]}: ${limits[dim]} in ${settings.doc.file}${queueName ? `, the memory of every compute environment of job queue '${queueName}' when run locally` : ''}); ` +
        `it would stay RUNNABLE forever when run locally (${dim === 'vcpus' ? MAX_RESOURCE : REQUIREMENT}): raise ${keys[dim]} or lower the job's ${UNITS[dim]}`);
  }
}

/**
 * A container job definition that needs more memory than `capacity.memoryMiB`: every local compute
 * environment has that much memory, so it would stay RUNNABLE on any queue when run locally.
 */
function checkDefinitionsMemory(ctx: WorkspaceRuleContext): void {
  const settings = ctx.ws.settings;
  const limit = asNum(prop(prop(settings?.value, 'capacity'), 'memoryMiB'));
  if (!settings || limit === undefined) return;
  for (const def of ctx.ws.jobDefinitions.values()) {
    const base = [...def.namePath.slice(0, -1), 'containerProperties'];
    const { amounts, paths } = readResources(prop(def.value, 'containerProperties'), base);
    const memory = amounts.memoryMiB;
    if (memory === undefined || memory <= limit) continue;
    ctx.report('warning', def.doc, paths.memoryMiB ?? def.namePath, 'job-exceeds-local-capacity',
      `Job definition '${def.name}' needs ${memory} MiB of memory, more than capacity.memoryMiB: ${limit} in ${settings.doc.file}, the memory of every local compute environment; ` +
        `its jobs would stay RUNNABLE forever when run locally (${REQUIREMENT}): raise capacity.memoryMiB or lower the job definition's memory`);
  }
}
