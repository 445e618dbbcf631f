/**
 * How a workflow job uses its job definition: `Ref::` parameters it must supply, array jobs of a
 * multinode definition, and Fargate vCPU / memory combinations changed by containerOverrides.
 */
import { asArr, asStr, objEntries, prop } from '../../values';
import type { DefinitionEntry, WorkflowJobEntry } from '../../workspace';
import type { WorkspaceRule } from './context';
import { jobDefinitionPlatform, readResources } from './resources';

const PLACEHOLDER = /Ref::([A-Za-z0-9_-]+)/g;

function* usedDefinitions(ws: Parameters<WorkspaceRule>[0]['ws']): Iterable<[WorkflowJobEntry, DefinitionEntry]> {
  for (const job of ws.workflowJobs()) {
    const ref = asStr(job.value.jobDefinition);
    const def = ref === undefined ? undefined : ws.jobDefinition(ref);
    if (def) yield [job, def];
  }
}

/** The commands a job runs: the override's command when given, else the definition's (every node range). */
function commands(job: WorkflowJobEntry, def: DefinitionEntry): unknown[][] {
  const override = asArr(prop(job.value.containerOverrides, 'command'));
  if (override) return [[...override]];
  const out: unknown[][] = [];
  const main = asArr(prop(prop(def.value, 'containerProperties'), 'command'));
  if (main) out.push([...main]);
  for (const range of asArr(prop(prop(def.value, 'nodeProperties'), 'nodeRangeProperties')) ?? []) {
    const cmd = asArr(prop(prop(range, 'container'), 'command'));
    if (cmd) out.push([...cmd]);
  }
  return out;
}

export const workflowParameters: WorkspaceRule = ({ ws, report }) => {
  for (const [job, def] of usedDefinitions(ws)) {
    const supplied = new Set([...objEntries(def.value.parameters), ...objEntries(job.value.parameters)].map(([k]) => k));
    const missing = new Set<string>();
    for (const cmd of commands(job, def)) {
      for (const part of cmd) {
        if (typeof part !== 'string') continue;
        for (const m of part.matchAll(PLACEHOLDER)) if (!supplied.has(m[1])) missing.add(m[1]);
      }
    }
    if (missing.size === 0) continue;
    const names = [...missing].map((n) => `Ref::${n}`).join(', ');
    const at = job.value.parameters !== undefined ? [...job.path, 'parameters'] : [...job.path, 'jobDefinition'];
    report('warning', job.workflow.doc, at, 'workflow-parameter-missing',
      `Job '${job.key}' runs job definition '${def.name}', whose command uses ${names} with no default, and does not set ${missing.size > 1 ? 'them' : 'it'} in 'parameters'; ${missing.size > 1 ? 'they' : 'it'} must be supplied at submit time`,
      job.value.parameters !== undefined ? 'key' : 'value');
  }
};

export const multinodeArrayJob: WorkspaceRule = ({ ws, report }) => {
  for (const [job, def] of usedDefinitions(ws)) {
    if (job.value.arrayProperties === undefined || prop(def.value, 'type') !== 'multinode') continue;
    report('error', job.workflow.doc, [...job.path, 'arrayProperties'], 'multinode-array-job',
      `Job '${job.key}' is an array job, but its job definition '${def.name}' is multinode; multi-node parallel jobs cannot be array jobs`, 'key');
  }
};

/** Supported Fargate memory (MiB) per vCPU value (service model, M:ResourceRequirement). */
const FARGATE: ReadonlyArray<[number, number[]]> = [
  [0.25, [512, 1024, 2048]],
  [0.5, range(1024, 4096, 1024)],
  [1, range(2048, 8192, 1024)],
  [2, range(4096, 16384, 1024)],
  [4, range(8192, 30720, 1024)],
  [8, range(16384, 61440, 4096)],
  [16, range(32768, 122880, 8192)],
];

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

export const fargateOverrideCombination: WorkspaceRule = ({ ws, report }) => {
  for (const [job, def] of usedDefinitions(ws)) {
    if (jobDefinitionPlatform(def) !== 'FARGATE') continue;
    const over = readResources(prop(job.value, 'containerOverrides'), [...job.path, 'containerOverrides']);
    if (over.amounts.vcpus === undefined && over.amounts.memoryMiB === undefined) continue;
    const base = readResources(prop(def.value, 'containerProperties')).amounts;
    const vcpus = over.amounts.vcpus ?? base.vcpus;
    const memory = over.amounts.memoryMiB ?? base.memoryMiB;
    if (vcpus === undefined || memory === undefined) continue;
    const allowed = FARGATE.find(([v]) => v === vcpus)?.[1];
    if (allowed?.includes(memory)) continue;
    const at = over.paths.memoryMiB ?? over.paths.vcpus!;
    const hint = allowed ? `with ${vcpus} vCPU, memory must be one of ${allowed[0]}..${allowed[allowed.length - 1]} MiB (${allowed.length} values)` : `Fargate vCPU must be one of ${FARGATE.map(([v]) => v).join(', ')}`;
    report('error', job.workflow.doc, at, 'fargate-override-combination',
      `Job '${job.key}' overrides the resources of the Fargate job definition '${def.name}' to ${vcpus} vCPU and ${memory} MiB, which Fargate does not support: ${hint}`);
  }
};
