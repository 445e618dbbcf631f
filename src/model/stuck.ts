/**
 * "Why is this job stuck?": compares a RUNNABLE job's vCPU, memory and GPU needs with each compute
 * environment of its queue (state, status, maxvCpus, instance types, in the queue's order) and the
 * queue itself, and says what blocks it and what to change. Works on DescribeJobs /
 * DescribeJobQueues / DescribeComputeEnvironments answers, from the local emulator or from AWS. Pure.
 */
import type { ComputeEnvironmentDetail, JobDefinition, JobDetail, JobQueueDetail } from '@aws-sdk/client-batch';
import { asArr, asStr, prop } from './values';
import { capacityOf, instanceInfo, readResources, type Amounts, type Dimension } from './validation/workspace-rules/resources';

export type StuckTarget = 'local' | 'aws';

/** What the local emulator packs jobs into (it has no instances): localbatch.yaml's capacity or this machine's. */
export interface LocalCapacity {
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** Where the numbers come from, e.g. `capacity in localbatch.yaml`. */
  readonly source: string;
}

/** A job of the same queue, to tell "waits its turn" from "can never run". */
export interface QueuedJob {
  readonly jobId: string;
  readonly jobName?: string;
  readonly status: string;
  readonly createdAt?: number;
  readonly statusReason?: string;
}

export interface StuckInput {
  readonly target: StuckTarget;
  readonly job: JobDetail;
  /** The job's definition, for what the job detail leaves out (some AWS-compatible APIs omit resources). */
  readonly jobDefinition?: JobDefinition;
  /** The job's queue, undefined when it could not be found. */
  readonly queue: JobQueueDetail | undefined;
  /** Compute environments of the queue (any order; matched by name or ARN). */
  readonly computeEnvironments: readonly ComputeEnvironmentDetail[];
  /** Local target: the emulator's capacity (its built-in `local` compute environment has no other size). */
  readonly localCapacity?: LocalCapacity;
  /** Other RUNNABLE / STARTING / RUNNING jobs of the queue, when known. */
  readonly queueJobs?: readonly QueuedJob[];
}

export type StuckVerdict = 'not-runnable' | 'no-queue' | 'never' | 'blocked' | 'waiting';

export interface EnvironmentVerdict {
  readonly order: number;
  readonly name: string;
  readonly found: boolean;
  readonly type?: string;
  readonly state?: string;
  readonly status?: string;
  readonly maxvCpus?: number;
  readonly instanceTypes?: readonly string[];
  /** The job's needs fit here (ignoring state and what other jobs use). */
  readonly fits: boolean;
  /** ENABLED and VALID: it takes jobs now. */
  readonly usable: boolean;
  readonly problems: readonly string[];
}

export interface StuckExplanation {
  readonly verdict: StuckVerdict;
  readonly jobName: string;
  readonly jobId: string;
  readonly status: string;
  readonly statusReason?: string;
  readonly needs: readonly { readonly label: string; readonly amounts: Amounts }[];
  readonly queueName?: string;
  readonly queueNotes: readonly string[];
  readonly environments: readonly EnvironmentVerdict[];
  /** One sentence: what holds the job. */
  readonly summary: string;
  /** What to change, most useful first. */
  readonly fixes: readonly string[];
}

const UNITS: Readonly<Record<Dimension, string>> = { vcpus: 'vCPU', memoryMiB: 'MiB of memory', gpus: 'GPU' };
const DIMS: readonly Dimension[] = ['vcpus', 'memoryMiB', 'gpus'];
const MISCONFIGURATION = /^MISCONFIGURATION:/;

const nameFromArn = (ref: string | undefined): string => (ref ?? '').split('/').pop() ?? '';

/**
 * The job's needs per container (one for a container job, one per node range for a multi-node job);
 * what the job detail does not say is taken from its job definition when given.
 */
export function jobNeedsOf(job: JobDetail, def?: JobDefinition): Array<{ label: string; amounts: Amounts }> {
  const ranges = asArr(prop(prop(job, 'nodeProperties'), 'nodeRangeProperties'));
  if (ranges && ranges.length > 0) {
    return ranges.map((r) => ({ label: `node range ${asStr(prop(r, 'targetNodes')) ?? '?'}`, amounts: readResources(prop(r, 'container')).amounts }));
  }
  const containers = asArr(prop(asArr(prop(prop(job, 'ecsProperties'), 'taskProperties'))?.[0], 'containers'));
  if (containers && containers.length > 0) {
    const sum: Amounts = {};
    for (const c of containers) for (const [d, v] of Object.entries(readResources(c).amounts) as Array<[Dimension, number]>) sum[d] = (sum[d] ?? 0) + v;
    return [{ label: '', amounts: sum }];
  }
  return [{ label: '', amounts: { ...readResources(prop(def, 'containerProperties')).amounts, ...readResources(prop(job, 'container')).amounts } }];
}

function needText(amounts: Amounts): string {
  const parts = DIMS.filter((d) => amounts[d] !== undefined && (d !== 'gpus' || amounts[d]! > 0)).map((d) => `${amounts[d]} ${UNITS[d]}`);
  return parts.length > 0 ? parts.join(', ') : 'no stated resources';
}

function isFargateJob(job: JobDetail, def?: JobDefinition): boolean {
  return (job.platformCapabilities ?? def?.platformCapabilities ?? []).includes('FARGATE');
}

interface CeCheck {
  readonly problems: string[];
  readonly fixes: string[];
  fits: boolean;
}

/** Resource fit of one compute environment: what it can never give this job, and how to change that. */
function checkFit(input: StuckInput, ce: ComputeEnvironmentDetail, needs: ReturnType<typeof jobNeedsOf>): CeCheck {
  const out: CeCheck = { problems: [], fixes: [], fits: true };
  const name = ce.computeEnvironmentName ?? nameFromArn(ce.computeEnvironmentArn);
  const cap = capacityOf(name, ce);
  const fargateJob = isFargateJob(input.job, input.jobDefinition);
  // The local emulator runs any job on any compute environment (no instances, no Fargate tasks).
  if (input.target === 'aws' && cap.platform !== undefined && (cap.platform === 'FARGATE') !== fargateJob) {
    out.fits = false;
    out.problems.push(`it is a ${cap.resourceType} compute environment, the job is for ${fargateJob ? 'Fargate' : 'EC2'}`);
    out.fixes.push(`Submit the job to a queue with ${fargateJob ? 'FARGATE' : 'EC2 or SPOT'} compute environments, or change the job definition's platformCapabilities.`);
    return out;
  }
  const limit = (d: Dimension): { value: number; why: string; fix: string } | undefined => {
    if (input.target === 'local') {
      const local = input.localCapacity;
      if (d === 'vcpus' && cap.maxvCpus) return { value: cap.maxvCpus.value, why: `maxvCpus is ${cap.maxvCpus.value}`, fix: `raise computeResources.maxvCpus of '${name}'` };
      if (d === 'vcpus' && local) return { value: local.vcpus, why: `the local capacity is ${local.vcpus} vCPU (${local.source})`, fix: `raise capacity.vcpus in localbatch.yaml` };
      if (d === 'memoryMiB' && local) return { value: local.memoryMiB, why: `the local capacity is ${local.memoryMiB} MiB (${local.source})`, fix: `raise capacity.memoryMiB in localbatch.yaml` };
      if (d === 'gpus') return undefined;
      return undefined;
    }
    if (d === 'vcpus' && cap.maxvCpus && (!cap.limits.vcpus || cap.maxvCpus.value <= cap.limits.vcpus.value)) {
      return { value: cap.maxvCpus.value, why: `maxvCpus is ${cap.maxvCpus.value} (MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE)`, fix: `raise computeResources.maxvCpus of '${name}'` };
    }
    const l = cap.limits[d];
    if (!l) return undefined;
    const fix = l.maxResource ? `raise computeResources.maxvCpus of '${name}'` : cap.platform === 'FARGATE' ? 'use an EC2 compute environment' : `add a larger instance type to '${name}'`;
    return { value: l.value, why: l.source, fix };
  };
  for (const need of needs) {
    for (const d of DIMS) {
      const amount = need.amounts[d];
      if (amount === undefined || amount <= 0) continue;
      const l = limit(d);
      if (d === 'gpus' && input.target === 'aws' && cap.platform === 'EC2' && !l && noGpuInstances(ce)) {
        out.fits = false;
        out.problems.push(`the job${need.label ? ` (${need.label})` : ''} needs ${amount} GPU; none of its instance types (${(ce.computeResources?.instanceTypes ?? []).join(', ')}) has a GPU`);
        out.fixes.push(`Add a GPU instance type (e.g. a g or p family) to '${name}', or use a queue with GPU instances.`);
        continue;
      }
      if (!l || amount <= l.value + 1e-9) continue;
      out.fits = false;
      out.problems.push(`the job${need.label ? ` (${need.label})` : ''} needs ${amount} ${UNITS[d]}, but ${l.why}`);
      out.fixes.push(`${capitalise(l.fix)} to at least ${amount}${d === 'memoryMiB' ? ' MiB' : ''}, or lower the job's ${UNITS[d]} to ${l.value}${d === 'memoryMiB' ? ' MiB' : ''} or less.`);
    }
  }
  return out;
}

/** Instance types that are all known CPU-only families (c, m, r) or `optimal`/default ones. */
function noGpuInstances(ce: ComputeEnvironmentDetail): boolean {
  const types = ce.computeResources?.instanceTypes ?? [];
  return types.length > 0 && types.every((t) => /^(optimal|default_x86_64|default_arm64)$/.test(t) || instanceInfo(t) !== undefined || /^[cmr]\d+[a-z-]*$/.test(t));
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function explainStuck(input: StuckInput): StuckExplanation {
  const { job } = input;
  const needs = jobNeedsOf(job, input.jobDefinition);
  const base = {
    jobName: job.jobName ?? job.jobId ?? '?', jobId: job.jobId ?? '', status: job.status ?? 'UNKNOWN',
    ...(job.statusReason ? { statusReason: job.statusReason } : {}), needs,
  };
  if (job.status !== 'RUNNABLE') {
    const why = job.status === 'PENDING' ? 'it waits for its dependencies' : job.status === 'SUBMITTED' ? 'it is being checked for dependencies' : 'it is not waiting for capacity';
    return { ...base, verdict: 'not-runnable', queueNotes: [], environments: [], summary: `The job is ${job.status ?? 'UNKNOWN'}, not RUNNABLE: ${why}.`, fixes: [] };
  }
  const queue = input.queue;
  if (!queue) {
    return { ...base, verdict: 'no-queue', queueNotes: [], environments: [], summary: `Its job queue '${nameFromArn(job.jobQueue)}' was not found.`, fixes: ['Check that the job queue still exists in this account and region.'] };
  }
  const queueName = queue.jobQueueName ?? nameFromArn(queue.jobQueueArn);
  const queueNotes: string[] = [];
  const fixes: string[] = [];
  let queueBlocks = false;
  if (queue.state === 'DISABLED') {
    queueNotes.push(`The queue is DISABLED: it takes no new jobs (SubmitJob fails), but jobs already in it, like this one, still run.`);
  }
  if (queue.status === 'INVALID') {
    queueBlocks = true;
    queueNotes.push(`The queue is INVALID${queue.statusReason ? `: ${queue.statusReason}` : ''}.`);
    fixes.push(`Fix job queue '${queueName}' (UpdateJobQueue) so it becomes VALID${queue.statusReason ? `: ${queue.statusReason}` : ''}.`);
  } else if (queue.status && queue.status !== 'VALID') {
    queueNotes.push(`The queue is ${queue.status}; it schedules jobs once it is VALID.`);
  }
  const order = [...(queue.computeEnvironmentOrder ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  if (order.length === 0) {
    queueBlocks = true;
    queueNotes.push('The queue has no compute environments.');
    fixes.push(`Attach a compute environment to job queue '${queueName}'.`);
  }
  const environments: EnvironmentVerdict[] = [];
  const ceFixes: string[] = [];
  const enableFixes: string[] = [];
  for (const o of order) {
    const ref = o.computeEnvironment ?? '';
    const ce = input.computeEnvironments.find((c) => c.computeEnvironmentArn === ref || c.computeEnvironmentName === ref || c.computeEnvironmentName === nameFromArn(ref));
    const name = ce?.computeEnvironmentName ?? nameFromArn(ref);
    if (!ce) {
      environments.push({ order: o.order ?? 0, name, found: false, fits: false, usable: false, problems: ['not found (deleted?)'] });
      continue;
    }
    const check = checkFit(input, ce, needs);
    const problems = [...check.problems];
    const enabled = ce.state !== 'DISABLED';
    const valid = ce.status === undefined || ce.status === 'VALID';
    if (!enabled) {
      problems.push('it is DISABLED: it starts no jobs');
      if (check.fits) enableFixes.push(`Enable compute environment '${name}' (UpdateComputeEnvironment --state ENABLED).`);
    }
    if (!valid) {
      problems.push(`it is ${ce.status}${ce.statusReason ? `: ${ce.statusReason}` : ''}`);
      if (check.fits && ce.status === 'INVALID') enableFixes.push(`Fix compute environment '${name}' so it becomes VALID${ce.statusReason ? ` (${ce.statusReason})` : ''}.`);
    }
    ceFixes.push(...check.fixes);
    environments.push({
      order: o.order ?? 0, name, found: true, type: ce.computeResources?.type ?? ce.type, state: ce.state, status: ce.status,
      ...(ce.computeResources?.maxvCpus !== undefined ? { maxvCpus: ce.computeResources.maxvCpus } : {}),
      ...(ce.computeResources?.instanceTypes ? { instanceTypes: ce.computeResources.instanceTypes } : {}),
      fits: check.fits, usable: enabled && valid, problems,
    });
  }
  const need = needs.map((n) => (n.label ? `${n.label}: ${needText(n.amounts)}` : needText(n.amounts))).join('; ');
  const fitting = environments.filter((e) => e.fits);
  const result = (verdict: StuckVerdict, summary: string, more: string[]): StuckExplanation =>
    ({ ...base, verdict, queueName, queueNotes, environments, summary, fixes: dedupe([...fixes, ...more]) });
  if (queueBlocks) return result('blocked', `Job queue '${queueName}' cannot schedule jobs: ${queueNotes.join(' ')}`, []);
  if (fitting.length === 0) {
    return result('never', `It needs ${need}, more than any compute environment of job queue '${queueName}' can provide, so it stays RUNNABLE until it is cancelled${job.statusReason && MISCONFIGURATION.test(job.statusReason) ? ` (${job.statusReason})` : ''}.`,
      [...ceFixes, `Or submit it to a job queue whose compute environments are large enough (cancel this job first: as the head of its queue it blocks the jobs behind it).`]);
  }
  const ready = fitting.filter((e) => e.usable);
  if (ready.length === 0) {
    const states = fitting.map((e) => `'${e.name}' is ${[e.state === 'DISABLED' ? 'DISABLED' : '', e.status && e.status !== 'VALID' ? e.status : ''].filter(Boolean).join(' and ')}`).join('; ');
    return result('blocked', `It fits ${fitting.map((e) => `'${e.name}'`).join(', ')}, but no compute environment it fits takes jobs now (${states}).`, [...enableFixes, ...ceFixes]);
  }
  return result('waiting', waitingSummary(input, ready, queueName), waitingFixes(input, ready));
}

function waitingSummary(input: StuckInput, ready: readonly EnvironmentVerdict[], queueName: string): string {
  const { job } = input;
  const where = ready.map((e) => `'${e.name}'`).join(', ');
  const others = (input.queueJobs ?? []).filter((j) => j.jobId !== job.jobId);
  const running = others.filter((j) => j.status === 'RUNNING' || j.status === 'STARTING');
  const ahead = others.filter((j) => j.status === 'RUNNABLE' && (j.createdAt ?? 0) <= (job.createdAt ?? Number.MAX_SAFE_INTEGER));
  const head = ahead.find((j) => j.statusReason && MISCONFIGURATION.test(j.statusReason));
  const parts = [`It fits ${where} and waits for free capacity.`];
  if (head) parts.push(`The job '${head.jobName ?? head.jobId}' ahead of it in queue '${queueName}' can never run (${head.statusReason}) and, at the head of the queue, blocks the jobs behind it.`);
  else if (ahead.length > 0 || running.length > 0) parts.push(`${running.length} job(s) of queue '${queueName}' are running and ${ahead.length} are ahead of it in the queue (first in, first out).`);
  if (input.target === 'aws') {
    const scaling = ready.find((e) => e.type !== 'FARGATE' && e.type !== 'FARGATE_SPOT');
    if (scaling) parts.push(`On AWS, new instances take a few minutes to start; a job also waits while the compute environment is at maxvCpus or the account's EC2 quota is reached.`);
  }
  if (job.statusReason) parts.push(`AWS Batch says: ${job.statusReason}.`);
  return parts.join(' ');
}

function waitingFixes(input: StuckInput, ready: readonly EnvironmentVerdict[]): string[] {
  const others = (input.queueJobs ?? []).filter((j) => j.jobId !== input.job.jobId);
  const head = others.find((j) => j.status === 'RUNNABLE' && j.statusReason && MISCONFIGURATION.test(j.statusReason));
  const fixes: string[] = [];
  if (head) fixes.push(`Cancel the job '${head.jobName ?? head.jobId}' (${head.jobId}) that can never run, or fix its resources.`);
  fixes.push(`Wait for running jobs to finish, or raise maxvCpus of ${ready.map((e) => `'${e.name}'`).join(', ')}${input.target === 'local' ? ' (or capacity in localbatch.yaml for the local queue)' : ''} to run more at once.`);
  return fixes;
}

function dedupe(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

const md = (s: string): string => s.replace(/([\\`*_[\]|<>])/g, '\\$1');

/** The explanation as a Markdown document. */
export function stuckMarkdown(e: StuckExplanation, target: StuckTarget): string {
  const lines: string[] = [];
  lines.push(`# Why is ${md(e.jobName)} stuck?`, '');
  lines.push(`Job \`${e.jobId}\` (${target === 'local' ? 'local emulator' : 'AWS'}) is **${e.status}**${e.statusReason ? `: ${md(e.statusReason)}` : ''}.`, '');
  const label: Record<StuckVerdict, string> = {
    'not-runnable': 'Not waiting for capacity', 'no-queue': 'Queue not found', never: 'Can never run', blocked: 'Blocked', waiting: 'Waiting for capacity',
  };
  lines.push(`## ${label[e.verdict]}`, '', md(e.summary), '');
  if (e.fixes.length > 0) {
    lines.push('## What to change', '');
    for (const f of e.fixes) lines.push(`- ${md(f)}`);
    lines.push('');
  }
  lines.push('## What the job needs', '');
  for (const n of e.needs) lines.push(`- ${n.label ? `${md(n.label)}: ` : ''}${needText(n.amounts)}`);
  lines.push('');
  if (e.queueName !== undefined) {
    lines.push(`## Job queue ${md(e.queueName)}`, '');
    for (const n of e.queueNotes) lines.push(`- ${md(n)}`);
    if (e.queueNotes.length === 0) lines.push('- ENABLED and VALID.');
    lines.push('');
  }
  if (e.environments.length > 0) {
    lines.push('## Compute environments, in the order the queue tries them', '');
    lines.push('| Order | Compute environment | Type | State | Status | maxvCpus | Instance types | Fits the job |', '|---|---|---|---|---|---|---|---|');
    for (const c of e.environments) {
      lines.push(`| ${c.order} | ${md(c.name)} | ${c.type ?? ''} | ${c.state ?? ''} | ${c.status ?? ''} | ${c.maxvCpus ?? ''} | ${md((c.instanceTypes ?? []).join(', '))} | ${c.fits ? 'yes' : 'no'} |`);
    }
    lines.push('');
    for (const c of e.environments.filter((x) => x.problems.length > 0)) lines.push(`- **${md(c.name)}**: ${c.problems.map(md).join('; ')}.`);
    lines.push('');
  }
  return lines.join('\n');
}
