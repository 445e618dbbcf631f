/**
 * After a restart: the jobs that were STARTING/RUNNING meet the containers the runtime still has
 * (found by their labels: job id and attempt number). For each such job:
 *   - a running container is re-attached: output keeps flowing into the same log stream, the
 *     timeout counts from the container's start;
 *   - an exited one is recorded as if seen live (exit code, OOM flag, remaining output), so the job
 *     succeeds, is retried or fails by the normal rules;
 *   - no container at all: a STARTING attempt that never got one goes back to RUNNABLE (it never
 *     ran, so it costs no attempt); a RUNNING one whose container vanished ends as AWS ends an
 *     attempt whose host went away and is retried per its retry strategy.
 * Containers that belong to no attempt in flight (finished attempts, unknown jobs) are removed.
 */
import { ATTEMPT_LABEL, JOB_ID_LABEL, NODE_LABEL, TASK_CONTAINER_LABEL, taskStreamOf } from './containerSpecs';
import { DEFAULT_LOG_GROUP } from './logs';
import type { Attempts } from './attempts';
import type { ComputeEnvironments, ComputeEnvironmentRecord } from './computeEnvironments';
import type { JobRecord } from './jobs';
import type { JobMachine } from './machine';
import type { AttemptRun } from './jobs';
import type { ContainerRuntime, ManagedContainer, RunningContainer } from './ports';
import { pushRunnable, type Scheduler } from './scheduler';
import { endVanishedAttempt } from './snapshot';

export { JOB_ID_LABEL, ATTEMPT_LABEL, NODE_LABEL };

export interface ReconcileParts {
  readonly runtime: ContainerRuntime;
  readonly machine: JobMachine;
  readonly scheduler: Scheduler;
  readonly attempts: Attempts;
  readonly computeEnvironments: ComputeEnvironments;
  readonly now: () => number;
}

export interface ReconcileReport {
  reattached: number;
  exitedWhileDown: number;
  vanished: number;
  neverStarted: number;
  removed: number;
  /** Private networks of attempts that ended (multi-node, multi-container). */
  networksRemoved: number;
}

export async function reconcile(parts: ReconcileParts, active: readonly JobRecord[], labels: Readonly<Record<string, string>>, keepOthers: (c: ManagedContainer) => boolean = () => false): Promise<ReconcileReport> {
  const report: ReconcileReport = { reattached: 0, exitedWhileDown: 0, vanished: 0, neverStarted: 0, removed: 0, networksRemoved: 0 };
  const containers = await parts.runtime.list(labels);
  const byAttempt = new Map<string, ManagedContainer[]>();
  for (const c of containers) {
    const key = `${c.labels[JOB_ID_LABEL]}#${c.labels[ATTEMPT_LABEL]}`;
    let list = byAttempt.get(key);
    if (!list) byAttempt.set(key, (list = []));
    list.push(c);
  }
  // Decide first, remove containers of no attempt next, then change jobs: a job put back to RUNNABLE
  // must not meet its own never-started container (same name) when it starts again.
  const keep = new Set<string>();
  const plans: Array<{ job: JobRecord; containers: ManagedContainer[] } | { job: JobRecord; end: 'never-started' | 'vanished' }> = [];
  for (const job of active) {
    const fields = job.resumeRun;
    const mine = fields ? (byAttempt.get(`${job.id}#${fields.number}`) ?? []) : [];
    const started = mine.filter((c) => c.state.status !== 'created');
    if (!fields || started.length === 0 || (job.plan.numNodes > 1 && started.length < job.plan.numNodes)) {
      plans.push({ job, end: fields && job.status === 'STARTING' && started.length === 0 ? 'never-started' : 'vanished' });
      continue;
    }
    for (const c of started) keep.add(c.id);
    plans.push({ job, containers: started });
  }
  for (const c of containers) {
    // (`keepOthers`: containers of no job attempt followed again later, a training job's)
    if (keep.has(c.id) || keepOthers(c)) continue;
    await parts.runtime.remove(c.id).catch(() => undefined);
    report.removed++;
  }
  // The private networks of attempts that do not go on (ended while down, or never to be re-attached).
  const going = new Set(plans.flatMap((p) => ('containers' in p ? [`${p.job.id}#${p.job.resumeRun!.number}`] : [])));
  for (const n of (await parts.runtime.networks?.(labels).catch(() => [])) ?? []) {
    if (n.labels[JOB_ID_LABEL] === undefined || going.has(`${n.labels[JOB_ID_LABEL]}#${n.labels[ATTEMPT_LABEL]}`)) continue;
    await parts.runtime.removeNetwork(n.name).catch(() => undefined);
    report.networksRemoved++;
  }
  const follows: Array<Promise<void>> = [];
  for (const p of plans) {
    const job = p.job;
    if ('end' in p) {
      if (p.end === 'never-started') {
        neverStarted(parts, job);
        report.neverStarted++;
      } else {
        endVanishedAttempt(parts, job, parts.now());
        report.vanished++;
      }
      continue;
    }
    const fields = job.resumeRun!;
    const ce = ceFor(parts, job, fields.ce);
    const logGroupName = fields.logGroupName ?? DEFAULT_LOG_GROUP;
    const run: AttemptRun = { ce, number: fields.number, taskId: fields.taskId, logStreamName: fields.logStreamName, logGroupName, containerIds: [], timedOut: false, finished: false };
    if (job.isTerminated) run.terminated = job.cancelReason ?? 'Terminated';
    if (fields.interrupted !== undefined) run.interrupted = fields.interrupted;
    const sorted = [...p.containers].sort((a, b) => Number(a.labels[NODE_LABEL] ?? 0) - Number(b.labels[NODE_LABEL] ?? 0));
    const startedAt = fields.startedAt ?? Math.min(...sorted.map((c) => c.state.startedAt ?? parts.now()));
    const timeout = job.plan.timeoutSeconds;
    const main = sorted[job.plan.numNodes > 1 ? job.plan.mainNode : 0] ?? sorted[0];
    let attached: RunningContainer[];
    try {
      attached = [];
      for (const c of sorted) {
        const stream = job.plan.task ? taskStreamOf(fields, taskContainerOf(job, c)) : job.plan.numNodes > 1 ? `${fields.logStreamName}-node${c.labels[NODE_LABEL] ?? 0}` : fields.logStreamName;
        attached.push(await parts.runtime.attach(c.id, stream, logGroupName));
      }
    } catch {
      endVanishedAttempt(parts, job, parts.now());
      report.vanished++;
      continue;
    }
    if (job.plan.task) {
      // Every container of the task found goes on (or is recorded) under the task's rules (task.ts).
      const found = new Map<string, { container: RunningContainer; finishedAt?: number }>();
      sorted.forEach((c, i) => found.set(taskContainerOf(job, c), { container: attached[i], finishedAt: c.state.status === 'exited' ? (c.state.finishedAt ?? 0) : undefined }));
      if (sorted.every((c) => c.state.status === 'exited')) report.exitedWhileDown++;
      else report.reattached++;
      follows.push(parts.attempts.adoptTask(job, run, found, startedAt));
      parts.scheduler.adopted(job, startedAt);
      continue;
    }
    if (main.state.status === 'exited') {
      report.exitedWhileDown++;
      if (timeout !== undefined && (main.state.finishedAt ?? 0) > startedAt + timeout * 1000) run.timedOut = true;
    } else report.reattached++;
    follows.push(parts.attempts.adopt(job, run, attached, startedAt));
    parts.scheduler.adopted(job, startedAt);
  }
  void Promise.all(follows);
  return report;
}

/** The attempt never got a container: it did not happen. */
function neverStarted(parts: ReconcileParts, job: JobRecord): void {
  job.resumeRun = undefined;
  job.attemptCount = Math.max(0, job.attemptCount - 1);
  if (job.isTerminated) {
    parts.machine.fail(job, job.cancelReason ?? 'Terminated', 'terminated');
    return;
  }
  parts.machine.setStatus(job, 'RUNNABLE');
  pushRunnable(job);
}

/** The task container a container runs (its label; older containers by their name's suffix). */
function taskContainerOf(job: JobRecord, c: ManagedContainer): string {
  const label = c.labels[TASK_CONTAINER_LABEL];
  if (label !== undefined) return label;
  const name = c.name ?? '';
  return job.plan.task?.find((t) => name.endsWith(`-${t.name.replace(/[^A-Za-z0-9_.-]/g, '-')}`))?.name ?? '';
}

function ceFor(parts: ReconcileParts, job: JobRecord, name: string): ComputeEnvironmentRecord {
  return parts.computeEnvironments.find(name) ?? job.plan.queue.computeEnvironments[0] ?? parts.computeEnvironments.all()[0];
}
