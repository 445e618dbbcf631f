/**
 * One attempt of a job: STARTING (image pulled through the runtime), RUNNING (containers started,
 * timeout armed), then the exit decides SUCCEEDED, FAILED or another attempt (RUNNABLE). Containers
 * are removed after each attempt.
 */
import type { AttemptDetail } from '@aws-sdk/client-batch';
import type { Partition } from './arns';
import type { AttemptPreparer, Clock, ContainerExit, ContainerRuntime, ContainerSpec, RunningContainer } from './ports';
import { containerOf } from './plan';
import type { ComputeEnvironmentRecord } from './computeEnvironments';
import type { AttemptRun, JobRecord } from './jobs';
import type { JobMachine } from './machine';
import { shouldRetry } from './retry';

export const ESSENTIAL_EXITED = 'Essential container in task exited';
export const TIMEOUT_REASON = 'Job attempt duration exceeded timeout';
export const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';
/** statusReason of an attempt that failed before its container started (AWS's wording). */
export const START_FAILED_REASON = 'Task failed to start';
/** Time between SIGTERM and SIGKILL when stopping an attempt (ECS's default stop timeout). */
export const KILL_GRACE_MS = 30_000;

export interface AttemptHost {
  readonly partition: Partition;
  readonly clock: Clock;
  readonly runtime: ContainerRuntime;
  readonly machine: JobMachine;
  /** Extra labels on every container (e.g. which emulator owns it). */
  readonly containerLabels?: Readonly<Record<string, string>>;
  /** Credentials, secrets, storage and host-access checks for each attempt (none: nothing added). */
  readonly preparer?: AttemptPreparer;
  newId(): string;
  /** Capacity freed or a job re-queued. */
  requeue(job: JobRecord): void;
  requestPass(): void;
}

export function needOf(job: JobRecord): { vcpus: number; memoryMiB: number } {
  const n = job.plan.numNodes;
  return { vcpus: job.plan.vcpus * n, memoryMiB: job.plan.memoryMiB * n };
}

export class Attempts {
  /** Attempts between STARTING and their end. */
  inFlight = 0;
  /** Containers whose removal has been asked for and not yet confirmed. */
  removing = 0;

  constructor(private readonly host: AttemptHost) {}

  start(job: JobRecord, ce: ComputeEnvironmentRecord): void {
    const need = needOf(job);
    ce.used.vcpus += need.vcpus;
    ce.used.memoryMiB += need.memoryMiB;
    const taskId = this.host.newId().replace(/-/g, '');
    const defName = (job.plan.jobDefinition.jobDefinitionName ?? 'job').slice(0, 200);
    const run: AttemptRun = {
      ce,
      number: ++job.attemptCount,
      taskId,
      logStreamName: `${defName}/default/${taskId}`,
      containerIds: [],
      timedOut: false,
      finished: false,
    };
    job.run = run;
    this.inFlight++;
    job.statusReason = undefined;
    this.host.machine.setStatus(job, 'STARTING');
    if (this.host.preparer) void this.prepare(job, run, this.host.preparer);
    else this.pull(job, run);
  }

  private pull(job: JobRecord, run: AttemptRun): void {
    this.host.runtime.ensureImage(job.plan.image).then(
      () => this.launch(job, run),
      (e: unknown) => this.finish(job, run, { oomKilled: false, error: messageOf(e) }),
    );
  }

  /** Before the pull (as ECS fetches secrets and registry auth first); a failure fails the attempt. */
  private async prepare(job: JobRecord, run: AttemptRun, preparer: AttemptPreparer): Promise<void> {
    let prep;
    try {
      const plan = job.plan;
      prep = await preparer.prepare({ jobId: job.id, attempt: run.number, jobDefinition: plan.jobDefinition, container: containerOf(plan.jobDefinition), mounts: plan.specBase.mounts ?? [] });
    } catch (e) {
      prep = { ok: false as const, reason: messageOf(e) };
    }
    if (run.terminated !== undefined) return this.finish(job, run, { oomKilled: false });
    if (!prep.ok) return this.finish(job, run, { oomKilled: false, error: prep.reason, statusReason: START_FAILED_REASON });
    run.prepared = prep;
    this.pull(job, run);
  }

  /** TerminateJob on a STARTING/RUNNING job: SIGTERM now, SIGKILL after the grace period. */
  stop(job: JobRecord, reason: string): void {
    const run = job.run;
    if (!run || run.finished || run.terminated !== undefined) return;
    run.terminated = reason;
    if (run.startedAt !== undefined) this.signalAll(run);
  }

  private async launch(job: JobRecord, run: AttemptRun): Promise<void> {
    if (run.terminated !== undefined) return this.finish(job, run, { oomKilled: false });
    const { runtime } = this.host;
    const nodes = job.plan.numNodes;
    let containers: RunningContainer[];
    try {
      containers =
        nodes === 1
          ? [await runtime.start(this.spec(job, run, 0))]
          : await Promise.all(Array.from({ length: nodes }, (_, n) => runtime.start(this.spec(job, run, n))));
    } catch (e) {
      return this.finish(job, run, { oomKilled: false, error: messageOf(e) });
    }
    run.containerIds = containers.map((c) => c.id);
    const now = this.host.clock.now();
    run.startedAt = now;
    job.startedAt = now;
    this.host.machine.setStatus(job, 'RUNNING');
    const timeout = job.plan.timeoutSeconds;
    if (timeout !== undefined) {
      run.timeoutTimer = this.host.clock.setTimer(timeout * 1000, () => {
        run.timedOut = true;
        this.signalAll(run);
      });
    }
    if (run.terminated !== undefined) this.signalAll(run);
    const main = containers[nodes > 1 ? job.plan.mainNode : 0] ?? containers[0];
    const exit = await main.exited;
    if (nodes > 1) {
      // The main node decides the job; the other nodes are stopped with it.
      for (const c of containers) if (c !== main) void runtime.signal(c.id, 'SIGKILL').catch(() => undefined);
      await Promise.all(containers.map((c) => c.exited));
    }
    this.finish(job, run, exit);
  }

  private signalAll(run: AttemptRun): void {
    const { runtime, clock } = this.host;
    for (const id of run.containerIds) void runtime.signal(id, 'SIGTERM').catch(() => undefined);
    run.killTimer ??= clock.setTimer(KILL_GRACE_MS, () => {
      for (const id of run.containerIds) void runtime.signal(id, 'SIGKILL').catch(() => undefined);
    });
  }

  private spec(job: JobRecord, run: AttemptRun, node: number): ContainerSpec {
    const plan = job.plan;
    const multi = plan.numNodes > 1 || plan.jobDefinition.type === 'multinode';
    const env: Record<string, string> = {
      ...plan.environment,
      ...run.prepared?.environment,
      AWS_BATCH_JOB_ID: multi ? `${job.id}#${node}` : job.id,
      AWS_BATCH_JQ_NAME: plan.queue.name,
      AWS_BATCH_CE_NAME: run.ce.name,
      AWS_BATCH_JOB_ATTEMPT: String(run.number),
    };
    if (job.index !== undefined) env.AWS_BATCH_JOB_ARRAY_INDEX = String(job.index);
    if (multi) {
      env.AWS_BATCH_JOB_NODE_INDEX = String(node);
      env.AWS_BATCH_JOB_MAIN_NODE_INDEX = String(plan.mainNode);
      env.AWS_BATCH_JOB_NUM_NODES = String(plan.numNodes);
      if (node !== plan.mainNode) env.AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS = '127.0.0.1';
    }
    const safeId = job.id.replace(/[^A-Za-z0-9_.-]/g, '-');
    const prepared = run.prepared;
    return {
      ...plan.specBase,
      ...(prepared?.mounts ? { mounts: prepared.mounts } : {}),
      ...(prepared?.network ? { network: prepared.network } : {}),
      name: `localbatch-${safeId}-${run.number}${multi ? `-node${node}` : ''}`,
      environment: env,
      labels: { ...this.host.containerLabels, 'dev.localbatch.job-id': job.id, 'dev.localbatch.attempt': String(run.number) },
      logStreamName: multi ? `${run.logStreamName}-node${node}` : run.logStreamName,
    };
  }

  private finish(job: JobRecord, run: AttemptRun, exit: ContainerExit): void {
    if (run.finished) return;
    run.finished = true;
    this.inFlight--;
    const { clock, runtime, machine, partition } = this.host;
    run.prepared = undefined;
    this.host.preparer?.release(job.id, run.number);
    if (run.timeoutTimer) clock.clearTimer(run.timeoutTimer);
    if (run.killTimer) clock.clearTimer(run.killTimer);
    for (const id of run.containerIds) {
      this.removing++;
      void runtime
        .remove(id)
        .catch(() => undefined)
        .finally(() => this.removing--);
    }
    const need = needOf(job);
    run.ce.used.vcpus -= need.vcpus;
    run.ce.used.memoryMiB -= need.memoryMiB;
    const reason = exit.oomKilled ? OOM_REASON : exit.error?.slice(0, 255);
    let statusReason: string;
    if (run.timedOut) statusReason = TIMEOUT_REASON;
    else if (run.terminated !== undefined) statusReason = run.terminated;
    else if (exit.exitCode === undefined) statusReason = exit.statusReason ?? exit.error ?? START_FAILED_REASON;
    else statusReason = ESSENTIAL_EXITED;
    const attempt: AttemptDetail = {
      container: {
        exitCode: exit.exitCode,
        reason,
        logStreamName: run.startedAt !== undefined ? run.logStreamName : undefined,
        taskArn: `arn:aws:ecs:${partition.region}:${partition.account}:task/${run.ce.name}/${run.taskId}`,
      },
      startedAt: run.startedAt,
      stoppedAt: clock.now(),
      statusReason,
    };
    for (const k of Object.keys(attempt.container!) as Array<keyof typeof attempt.container>) {
      if (attempt.container![k] === undefined) delete attempt.container![k];
    }
    if (attempt.startedAt === undefined) delete attempt.startedAt;
    (job.attempts ??= []).push(attempt);
    job.run = undefined;
    this.host.requestPass();
    if (run.terminated !== undefined) {
      machine.fail(job, statusReason, 'terminated');
    } else if (exit.exitCode === 0 && !run.timedOut) {
      machine.setStatus(job, 'SUCCEEDED', statusReason);
    } else if (!run.timedOut && shouldRetry(job.plan.retry, run.number, { exitCode: exit.exitCode, reason, statusReason })) {
      job.statusReason = statusReason;
      this.host.requeue(job);
    } else {
      machine.setStatus(job, 'FAILED', statusReason);
    }
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
