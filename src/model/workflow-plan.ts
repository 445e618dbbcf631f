/**
 * Turns a workflow file into SubmitJob requests in dependency order, and submits them through any
 * Batch client (the local engine, the local API over HTTP, or AWS), mapping the workflow's job
 * names in `dependsOn` to the job ids the service returns.
 */
import type { SubmitJobRequest } from '@aws-sdk/client-batch';
import type { WorkflowDependency, WorkflowFile, WorkflowJob } from './types';

export interface PlannedJob {
  /** The key of the job in the workflow. */
  readonly name: string;
  /** The request, without `dependsOn` (ids are known only at submit time). */
  readonly request: Omit<SubmitJobRequest, 'dependsOn'>;
  readonly dependsOn: readonly WorkflowDependency[];
}

export interface PlanOptions {
  /** Queue for jobs that name none (the local queue when running locally). */
  readonly defaultQueue: string;
  /** Maps a workflow's jobDefinition reference to what SubmitJob should receive (default: as written). */
  readonly resolveJobDefinition?: (ref: string) => string;
  /** Maps a queue reference to what SubmitJob should receive (default: as written). */
  readonly resolveJobQueue?: (ref: string) => string;
  /** Submit-time parameters applied to every job, winning over the workflow's own. */
  readonly parameters?: Readonly<Record<string, string>>;
}

export class WorkflowPlanError extends Error {}

const LOCAL_FIELDS = new Set(['dependsOn', 'jobName', 'jobQueue', 'jobDefinition', 'parameters']);

/** Orders the jobs so each comes after those it depends on; throws WorkflowPlanError on cycles or unknown names. */
export function planWorkflow(workflow: WorkflowFile, options: PlanOptions): PlannedJob[] {
  const jobs = workflow.jobs ?? {};
  const names = Object.keys(jobs);
  const order = topologicalOrder(names, (n) => dependencyNames(jobs[n]));
  return order.map((name) => {
    const job = jobs[name];
    const passThrough = Object.fromEntries(Object.entries(job).filter(([k]) => !LOCAL_FIELDS.has(k)));
    const parameters = { ...(job.parameters ?? {}), ...(options.parameters ?? {}) };
    const request = {
      ...passThrough,
      jobName: job.jobName ?? name,
      jobDefinition: (options.resolveJobDefinition ?? identity)(job.jobDefinition),
      jobQueue: job.jobQueue ? (options.resolveJobQueue ?? identity)(job.jobQueue) : options.defaultQueue,
      ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
    } as Omit<SubmitJobRequest, 'dependsOn'>;
    return { name, request, dependsOn: job.dependsOn ?? [] };
  });
}

export interface SubmittedJob {
  readonly name: string;
  readonly jobId: string;
  readonly jobName: string;
}

/**
 * Submits planned jobs in order. `onSubmitted` is called after each one, so a caller can show
 * progress or, on a partial failure, report what was already submitted.
 */
export async function submitPlan(
  plan: readonly PlannedJob[],
  submit: (request: SubmitJobRequest) => Promise<{ jobId?: string; jobName?: string }>,
  onSubmitted?: (job: SubmittedJob) => void,
): Promise<SubmittedJob[]> {
  const ids = new Map<string, string>();
  const out: SubmittedJob[] = [];
  for (const p of plan) {
    const dependsOn = p.dependsOn.map((d) => {
      if (d.job === undefined) return { type: d.type };
      const jobId = ids.get(d.job);
      if (!jobId) throw new WorkflowPlanError(`job '${p.name}' depends on '${d.job}', which was not submitted before it`);
      return d.type ? { jobId, type: d.type } : { jobId };
    });
    const res = await submit({ ...p.request, ...(dependsOn.length > 0 ? { dependsOn } : {}) } as SubmitJobRequest);
    if (!res.jobId) throw new WorkflowPlanError(`SubmitJob for '${p.name}' returned no jobId`);
    ids.set(p.name, res.jobId);
    const done = { name: p.name, jobId: res.jobId, jobName: res.jobName ?? String(p.request.jobName) };
    out.push(done);
    onSubmitted?.(done);
  }
  return out;
}

function dependencyNames(job: WorkflowJob | undefined): string[] {
  const deps = Array.isArray(job?.dependsOn) ? job.dependsOn : [];
  return deps.map((d) => d?.job).filter((n): n is string => typeof n === 'string');
}

function topologicalOrder(names: readonly string[], depsOf: (name: string) => string[]): string[] {
  const known = new Set(names);
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  // Iterative DFS, so a 10,000-job chain cannot overflow the stack.
  for (const root of names) {
    if (state.has(root)) continue;
    const stack: Array<{ name: string; deps: string[]; i: number }> = [{ name: root, deps: depsOf(root), i: 0 }];
    state.set(root, 'visiting');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.i < top.deps.length) {
        const dep = top.deps[top.i++];
        if (!known.has(dep)) throw new WorkflowPlanError(`job '${top.name}' depends on unknown job '${dep}'`);
        const s = state.get(dep);
        if (s === 'visiting') {
          const cycle = [...stack.slice(stack.findIndex((f) => f.name === dep)).map((f) => f.name), dep];
          throw new WorkflowPlanError(`dependency cycle: ${cycle.join(' -> ')}`);
        }
        if (s === undefined) {
          state.set(dep, 'visiting');
          stack.push({ name: dep, deps: depsOf(dep), i: 0 });
        }
      } else {
        state.set(top.name, 'done');
        order.push(top.name);
        stack.pop();
      }
    }
  }
  return order;
}

function identity(s: string): string {
  return s;
}
