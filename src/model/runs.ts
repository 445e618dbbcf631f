/**
 * Runs: the jobs one "Run Workflow / Run Job Definition Locally" (or `localbatch run`) submitted
 * together, recognised by the tags put on every job of a run. Pure data, no I/O: grouping jobs into
 * runs (newest first), a run's progress, status and duration, its jobs in dependency order, and
 * which jobs "Re-run failed" resubmits. Used by the Local view, the status bar and the graph.
 */
import type { JobStatus } from './types';
import type { PlannedJob } from './workflow-plan';

/** Tags on every job of a run (AWS tag keys; `aws:` is reserved, ours are namespaced). */
export const RUN_TAGS = {
  /** Run id, shared by the jobs of one run (and by those "Re-run failed" adds to it). */
  id: 'localbatch:run',
  /** What the user sees: the workflow file or job definition name. */
  name: 'localbatch:run-name',
  /** The file the run came from, relative to the workspace root (for Re-run). */
  source: 'localbatch:source',
  /** The job's key in the workflow. */
  job: 'localbatch:job',
  /** How many jobs the run's plan holds (a run cut short while submitting lacks some). */
  size: 'localbatch:run-size',
} as const;

export interface RunInfo {
  readonly id: string;
  readonly name: string;
  /** Workspace-relative path of the workflow or job definition file. */
  readonly source?: string;
  /** How many jobs the whole plan holds (tagged on each job; default: the jobs tagged). */
  readonly size?: number;
}

/** The job fields the run model reads (a subset of DescribeJobs' JobDetail). */
export interface RunJob {
  readonly jobId?: string;
  readonly jobName?: string;
  readonly status?: string;
  readonly statusReason?: string;
  readonly createdAt?: number;
  readonly startedAt?: number;
  readonly stoppedAt?: number;
  readonly tags?: Readonly<Record<string, string>>;
  readonly dependsOn?: ReadonlyArray<{ readonly jobId?: string; readonly type?: string }>;
  readonly arrayProperties?: { readonly size?: number; readonly index?: number; readonly statusSummary?: Readonly<Record<string, number>> };
  readonly container?: { readonly exitCode?: number; readonly reason?: string };
}

export type RunStatus = JobStatus;

export interface RunProgress {
  /** Jobs that finished (SUCCEEDED or FAILED) / all jobs of the run. */
  readonly done: number;
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  /** STARTING or RUNNING: jobs, and an array job's children (its own status does not say they run). */
  readonly running: number;
}

export interface Run<J extends RunJob = RunJob> {
  readonly id: string;
  readonly name: string;
  readonly source?: string;
  /** Whether the jobs carried run tags (false: one job submitted by another client). */
  readonly tagged: boolean;
  /** The run's current jobs in dependency order (a job re-run replaces its earlier one). */
  readonly jobs: readonly J[];
  /** Earlier jobs replaced by "Re-run failed", newest first. */
  readonly replaced: readonly J[];
  /** When the first job was submitted (epoch ms). */
  readonly createdAt: number;
  readonly startedAt?: number;
  /** When the last job stopped, once every job has finished. */
  readonly stoppedAt?: number;
  /** Jobs of the run's plan that were never submitted (the submission was cut short). */
  readonly missing?: number;
  readonly status: RunStatus;
  readonly progress: RunProgress;
}

const FINAL: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED']);
const ORDER: readonly string[] = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED'];

export function isFinal(status: string | undefined): boolean {
  return status !== undefined && FINAL.has(status);
}

/** A new run id: time-ordered and unique enough for one state directory. */
export function newRunId(now: number, random: () => number = Math.random): string {
  return `r-${now.toString(36)}-${Math.floor(random() * 36 ** 6).toString(36).padStart(6, '0')}`;
}

/** Tag values AWS accepts: letters, digits, spaces and `_ . : / = + - @`, at most 256 characters. */
export function tagValue(s: string): string {
  return s.replace(/[^\p{L}\p{N}\s_.:/=+\-@]/gu, '_').slice(0, 256);
}

/** The plan with the run's tags added to every job (the workflow's own tags are kept). */
export function tagPlan(plan: readonly PlannedJob[], run: RunInfo): PlannedJob[] {
  return plan.map((p) => {
    const tags: Record<string, string> = { ...(p.request.tags ?? {}), [RUN_TAGS.id]: run.id, [RUN_TAGS.name]: tagValue(run.name), [RUN_TAGS.job]: tagValue(p.name) };
    if (run.source) tags[RUN_TAGS.source] = tagValue(run.source);
    tags[RUN_TAGS.size] = String(run.size ?? plan.length);
    return { ...p, request: { ...p.request, tags } };
  });
}

/**
 * Who submitted an untagged job, when the caller knows (a Step Functions execution whose Task
 * submitted it): its jobs make one run, named after it, instead of a run per job.
 */
export interface RunOwner {
  /** Unique among owners (e.g. the execution's ARN). */
  readonly id: string;
  readonly name: string;
  /**
   * How the owner ended, once it has (SUCCEEDED, or FAILED for any other end): the run's status
   * then, whatever its jobs say (a job that failed and was retried, or whose failure a Catch
   * handled, does not fail an execution that succeeded).
   */
  readonly ended?: 'SUCCEEDED' | 'FAILED';
}
export type RunOwnerOf = (jobId: string) => RunOwner | undefined;

/**
 * The run a job belongs to, from its tags; an untagged job is a run of its own, or of its owner's
 * run (each job its own key there: a Map's iterations submit jobs of one name).
 */
export function runInfoOf(job: RunJob, ownerOf?: RunOwnerOf): RunInfo & { tagged: boolean; key: string; ended?: RunOwner['ended'] } {
  const t = job.tags ?? {};
  const id = t[RUN_TAGS.id];
  if (id) return { id, name: t[RUN_TAGS.name] || job.jobName || id, source: t[RUN_TAGS.source] || undefined, tagged: true, key: t[RUN_TAGS.job] || job.jobName || job.jobId || '' };
  const jobId = job.jobId ?? '';
  const owner = jobId ? ownerOf?.(jobId) : undefined;
  if (owner) return { id: `owner-${owner.id}`, name: owner.name, tagged: false, key: jobId, ...(owner.ended ? { ended: owner.ended } : {}) };
  return { id: `job-${jobId}`, name: job.jobName ?? jobId, tagged: false, key: job.jobName ?? jobId };
}

/** Groups top-level jobs (array children are ignored) into runs, newest first. */
export function groupRuns<J extends RunJob>(jobs: readonly J[], ownerOf?: RunOwnerOf): Run<J>[] {
  const byRun = new Map<string, { info: ReturnType<typeof runInfoOf>; jobs: J[] }>();
  for (const job of jobs) {
    if (job.arrayProperties?.index !== undefined || !job.jobId) continue;
    const info = runInfoOf(job, ownerOf);
    const entry = byRun.get(info.id) ?? { info, jobs: [] };
    entry.jobs.push(job);
    byRun.set(info.id, entry);
  }
  const runs = [...byRun.values()].map(({ info, jobs: all }) => buildRun(info, all, ownerOf));
  return runs.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
}

function buildRun<J extends RunJob>(info: RunInfo & { tagged: boolean; ended?: RunOwner['ended'] }, all: J[], ownerOf: RunOwnerOf | undefined): Run<J> {
  // The newest job per workflow key is current; older ones were replaced by "Re-run failed".
  const newestFirst = [...all].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  const current = new Map<string, J>();
  const replaced: J[] = [];
  for (const job of newestFirst) {
    const key = runInfoOf(job, ownerOf).key;
    if (current.has(key)) replaced.push(job);
    else current.set(key, job);
  }
  const jobs = dependencyOrder([...current.values()]);
  // The newest job's plan size: jobs it lacks were never submitted (the submission was cut short).
  const size = Number(newestFirst[0]?.tags?.[RUN_TAGS.size]);
  const missing = Number.isInteger(size) && size > jobs.length ? size - jobs.length : 0;
  const counted = progressOf(jobs);
  const progress = missing > 0 ? { ...counted, total: counted.total + missing } : counted;
  const startedAts = jobs.map((j) => j.startedAt).filter((t): t is number => t !== undefined);
  const allDone = counted.done === counted.total;
  const stoppedAts = jobs.map((j) => j.stoppedAt ?? j.startedAt ?? j.createdAt ?? 0);
  return {
    id: info.id,
    name: info.name,
    source: info.source,
    tagged: info.tagged,
    jobs,
    replaced,
    createdAt: Math.min(...all.map((j) => j.createdAt ?? 0)),
    startedAt: startedAts.length > 0 ? Math.min(...startedAts) : undefined,
    stoppedAt: allDone && jobs.length > 0 ? Math.max(...stoppedAts) : undefined,
    // (every job submitted finished, but some never were: the run did not succeed)
    status: info.ended && allDone ? info.ended : missing > 0 && allDone ? 'FAILED' : statusOf(jobs),
    progress,
    ...(missing > 0 ? { missing } : {}),
  };
}

/** Jobs ordered so each comes after those it depends on (within the list); ties by submission time. */
export function dependencyOrder<J extends RunJob>(jobs: readonly J[]): J[] {
  const byCreated = [...jobs].sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0) || ((a.jobId ?? '') < (b.jobId ?? '') ? -1 : 1));
  const ids = new Set(byCreated.map((j) => j.jobId));
  const placed = new Set<string>();
  const out: J[] = [];
  const visiting = new Set<string>();
  const byId = new Map(byCreated.map((j) => [j.jobId, j]));
  const visit = (job: J) => {
    const id = job.jobId ?? '';
    if (placed.has(id) || visiting.has(id)) return;
    visiting.add(id);
    for (const d of job.dependsOn ?? []) if (d.jobId && ids.has(d.jobId)) visit(byId.get(d.jobId)!);
    visiting.delete(id);
    placed.add(id);
    out.push(job);
  };
  for (const job of byCreated) visit(job);
  return out;
}

export function progressOf(jobs: readonly RunJob[]): RunProgress {
  let succeeded = 0, failed = 0, running = 0;
  for (const j of jobs) {
    const children = j.arrayProperties?.index === undefined ? j.arrayProperties?.statusSummary : undefined;
    if (j.status === 'SUCCEEDED') succeeded++;
    else if (j.status === 'FAILED') failed++;
    else if (children) running += (children.RUNNING ?? 0) + (children.STARTING ?? 0);
    else if (j.status === 'RUNNING' || j.status === 'STARTING') running++;
  }
  return { done: succeeded + failed, total: jobs.length, succeeded, failed, running };
}

/**
 * SUCCEEDED or FAILED once every job finished (FAILED if any failed); RUNNING while some job runs or
 * some finished and others wait; else the furthest state any job reached (SUBMITTED … RUNNABLE).
 */
export function statusOf(jobs: readonly RunJob[]): RunStatus {
  if (jobs.length === 0) return 'SUBMITTED';
  if (jobs.every((j) => isFinal(j.status))) return jobs.some((j) => j.status === 'FAILED') ? 'FAILED' : 'SUCCEEDED';
  if (jobs.some((j) => isFinal(j.status) || j.status === 'RUNNING')) return 'RUNNING';
  const furthest = Math.max(...jobs.map((j) => ORDER.indexOf(j.status ?? 'SUBMITTED')));
  return ORDER[Math.max(0, furthest)] as RunStatus;
}

/** How long the run has taken: from its first start (or submission) until it stopped, or until `now`. */
export function runDuration(run: Pick<Run, 'createdAt' | 'startedAt' | 'stoppedAt'>, now: number): number {
  return (run.stoppedAt ?? now) - (run.startedAt ?? run.createdAt);
}

/** `5/8`, with what failed or runs: `5/8 · 1 failed · 2 running`. */
export function progressText(p: RunProgress): string {
  const parts = [`${p.done}/${p.total}`];
  if (p.failed > 0) parts.push(`${p.failed} failed`);
  if (p.running > 0) parts.push(`${p.running} running`);
  return parts.join(' · ');
}

/** An array parent's children: `6/8 succeeded`, with failed and running counts when there are any. */
export function arrayProgressText(job: RunJob): string | undefined {
  const size = job.arrayProperties?.size;
  const s = job.arrayProperties?.statusSummary;
  if (size === undefined || job.arrayProperties?.index !== undefined || !s) return undefined;
  const parts = [`${s.SUCCEEDED ?? 0}/${size} succeeded`];
  if (s.FAILED) parts.push(`${s.FAILED} failed`);
  const running = (s.RUNNING ?? 0) + (s.STARTING ?? 0);
  if (running) parts.push(`${running} running`);
  return parts.join(' · ');
}

/** The run's failed jobs that failed by themselves (not only because a dependency failed), else all failed ones. */
export function rootFailures<J extends RunJob>(run: Run<J>): J[] {
  const failed = run.jobs.filter((j) => j.status === 'FAILED');
  const own = failed.filter((j) => !/^Dependent Job failed/i.test(j.statusReason ?? ''));
  return own.length > 0 ? own : failed;
}

/**
 * What "Re-run failed" submits, from a fresh plan of the run's file: every job that did not
 * SUCCEEDED in the run (failed, or new in the file) and everything downstream of those, in plan
 * order. Dependencies on jobs that are kept (they succeeded) are dropped: they are satisfied.
 * `statusByKey` maps the run's workflow keys to their current status.
 */
export function rerunFailedPlan(plan: readonly PlannedJob[], statusByKey: ReadonlyMap<string, string | undefined>): PlannedJob[] {
  const rerun = new Set(plan.filter((p) => statusByKey.get(p.name) !== 'SUCCEEDED').map((p) => p.name));
  // The plan is in dependency order, so one pass reaches everything downstream.
  for (const p of plan) if (p.dependsOn.some((d) => d.job !== undefined && rerun.has(d.job))) rerun.add(p.name);
  return plan.filter((p) => rerun.has(p.name)).map((p) => ({ ...p, dependsOn: p.dependsOn.filter((d) => d.job === undefined || rerun.has(d.job)) }));
}

/**
 * Jobs, over all runs, that run now; and the failed jobs of the newest run of each name started from
 * a workspace file (what is broken now: a job another client submitted, such as a state machine's
 * Task whose failure its Catch handles, is not counted).
 */
export function statusCounts(runs: readonly Run[]): { running: number; failed: number; active: number } {
  let running = 0, failed = 0, active = 0;
  const seen = new Set<string>();
  for (const run of runs) {
    running += run.progress.running;
    if (!isFinal(run.status)) active += run.progress.total - run.progress.done;
    if (!run.tagged || seen.has(run.name)) continue;
    seen.add(run.name);
    failed += run.progress.failed;
  }
  return { running, failed, active };
}

/** `14:03:12` (local time) today, `Nov 30 14:03` before today. */
export function startTimeText(at: number, now: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
  return `${month} ${d.getDate()} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** Status reasons of jobs a user stopped on purpose (from VS Code, or Ctrl-C on `localbatch run`). */
const USER_STOP_REASON = /^(Terminated from VS Code|Cancelled from VS Code|Run interrupted by the user)/;

/** Whether the run failed only because someone stopped its jobs on purpose (no need to announce it). */
export function failedByUser(run: Run): boolean {
  const roots = rootFailures(run);
  return roots.length > 0 && roots.every((j) => USER_STOP_REASON.test(j.statusReason ?? ''));
}
