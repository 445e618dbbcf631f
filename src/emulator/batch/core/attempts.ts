/**
 * One attempt of a job: STARTING (image pulled through the runtime), RUNNING (containers started,
 * timeout armed), then the exit decides SUCCEEDED, FAILED or another attempt (RUNNABLE). Containers
 * are removed after each attempt.
 */
import type { AttemptDetail } from '@aws-sdk/client-batch';
import { isRuntimeUnavailable, type AttemptPreparer, type AttemptToPrepare, type ContainerExit, type ContainerRuntime, type RunningContainer } from './ports';
import { preparedContainerOf } from './plan';
import { podVolumeNames } from './podVolumes';
import { podAttemptOf } from './eksDetail';
import type { ComputeEnvironmentRecord } from './computeEnvironments';
import { imageToRun } from './images';
import { logTargetOf } from './logs';
import type { AttemptRun, JobRecord, TaskContainerPlan } from './jobs';
import { needOf } from './placement';
import { shouldRetry } from './retry';
import { ESSENTIAL_EXITED, KILL_GRACE_MS, messageOf, OOM_REASON, TASK_FAILED_TO_START, TIMEOUT_REASON, type AttemptHost } from './attemptHost';
import { attemptNetworkName, containerSpec } from './containerSpecs';
import { startNodes } from './nodeLaunch';
import { createTaskNetwork, launchTask, resumedStarts, taskContainerDetail } from './taskLaunch';

export { ESSENTIAL_EXITED, KILL_GRACE_MS, OOM_REASON, TASK_FAILED_TO_START, TIMEOUT_REASON, type AttemptHost };

export { needOf };

export class Attempts {
  /** Attempts between STARTING and their end. */
  inFlight = 0;
  /** Containers whose removal has been asked for and not yet confirmed. */
  removing = 0;
  /** Attempts in flight (for detach). */
  private readonly live = new Set<AttemptRun>();
  private detached = false;

  constructor(private readonly host: AttemptHost) {}

  get runtime(): ContainerRuntime {
    return this.host.runtime;
  }

  /**
   * Stops watching every attempt without touching its containers (a graceful stop): no timer
   * fires, no exit is recorded, nothing new starts. The next start re-attaches the containers.
   */
  detach(): void {
    this.detached = true;
    for (const run of this.live) {
      if (run.timeoutTimer) this.host.clock.clearTimer(run.timeoutTimer);
      if (run.killTimer) this.host.clock.clearTimer(run.killTimer);
    }
    this.live.clear();
  }

  /** Attempts a TerminateJob is stopping (SIGTERM sent, SIGKILL after the grace period) that have not ended yet. */
  get terminating(): number {
    let n = 0;
    for (const run of this.live) if (run.terminated !== undefined && !run.finished) n++;
    return n;
  }

  get isDetached(): boolean {
    return this.detached;
  }

  start(job: JobRecord, ce: ComputeEnvironmentRecord): void {
    const need = needOf(job);
    ce.used.vcpus += need.vcpus;
    ce.used.memoryMiB += need.memoryMiB;
    ce.used.gpus += need.gpus;
    const taskId = this.host.newId().replace(/-/g, '');
    const run: AttemptRun = {
      ce,
      number: ++job.attemptCount,
      taskId,
      ...logTargetOf(job.plan.jobDefinition, taskId),
      containerIds: [],
      timedOut: false,
      finished: false,
    };
    job.run = run;
    this.inFlight++;
    this.live.add(run);
    job.statusReason = undefined;
    // ListJobs' scheduledAt: the scheduler placed it (journaled with the STARTING transition).
    job.scheduledAt = this.host.clock.now();
    this.host.machine.setStatus(job, 'STARTING');
    if (this.host.preparer) void this.prepare(job, run, this.host.preparer);
    else this.pull(job, run);
  }

  private pull(job: JobRecord, run: AttemptRun): void {
    const images = new Set((job.plan.task?.map((c) => c.specBase.image) ?? [job.plan.image]).map((i) => imageToRun(i, this.host.imageOverrides)));
    Promise.all([...images].map((i) => this.host.runtime.ensureImage(i))).then(
      () => this.launch(job, run),
      (e: unknown) => (isRuntimeUnavailable(e) ? this.unstart(job, run) : this.finish(job, run, { oomKilled: false, error: messageOf(e) })),
    );
  }

  /** Before the pull (as ECS fetches secrets and registry auth first); a failure fails the attempt. */
  private async prepare(job: JobRecord, run: AttemptRun, preparer: AttemptPreparer): Promise<void> {
    let prep;
    try {
      prep = await preparer.prepare(this.toPrepare(job, run));
    } catch (e) {
      prep = { ok: false as const, reason: messageOf(e) };
    }
    if (run.terminated !== undefined) return this.finish(job, run, { oomKilled: false });
    if (!prep.ok) return this.finish(job, run, { oomKilled: false, error: prep.reason, statusReason: TASK_FAILED_TO_START });
    run.prepared = prep;
    this.pull(job, run);
  }

  private toPrepare(job: JobRecord, run: AttemptRun): AttemptToPrepare {
    const plan = job.plan;
    const mounts = plan.task ? plan.task.flatMap((c) => c.specBase.mounts ?? []) : (plan.specBase.mounts ?? []);
    return { jobId: job.id, attempt: run.number, jobDefinition: plan.jobDefinition, container: preparedContainerOf(plan.jobDefinition), mounts };
  }

  /**
   * A Spot interruption or host loss, rehearsed: the attempt's containers are killed at once and the
   * attempt fails with `reason` (AWS's host-terminated wording), retried per the retry strategy.
   * Returns false when the job has no attempt in flight.
   */
  interrupt(job: JobRecord, reason: string): boolean {
    const run = job.run;
    if (!run || run.finished || run.terminated !== undefined || run.interrupted !== undefined) return false;
    run.interrupted = reason;
    // Journaled before the kill: a restart in between still ends the attempt as interrupted.
    this.host.machine.touched(job);
    void Promise.resolve()
      .then(() => this.host.durable?.())
      .catch(() => undefined)
      .then(() => {
        for (const id of run.containerIds) void this.host.runtime.signal(id, 'SIGKILL').catch(() => undefined);
      });
    return true;
  }

  /** TerminateJob on a STARTING/RUNNING job: SIGTERM now, SIGKILL after the grace period. */
  stop(job: JobRecord, reason: string): void {
    const run = job.run;
    if (!run || run.finished || run.terminated !== undefined) return;
    run.terminated = reason;
    if (run.startedAt !== undefined) this.signalAll(run);
  }

  private async launch(job: JobRecord, run: AttemptRun): Promise<void> {
    if (this.detached) return;
    if (run.terminated !== undefined || run.interrupted !== undefined) return this.finish(job, run, { oomKilled: false });
    const { runtime } = this.host;
    if (job.plan.task) return this.launchTask(job, run, job.plan.task);
    const nodes = job.plan.numNodes;
    let containers: RunningContainer[];
    try {
      // A container is created only once its attempt's STARTING is on disk (a restart finds it).
      await this.host.durable?.();
      if (this.detached) return;
      containers = nodes === 1 && !job.plan.nodes ? [await runtime.start(containerSpec(this.host, job, run, 0))] : await startNodes(this.host, job, run);
    } catch (e) {
      if (isRuntimeUnavailable(e)) return this.unstart(job, run);
      return this.finish(job, run, { oomKilled: false, error: messageOf(e) });
    }
    if (this.detached) return;
    return this.follow(job, run, containers, this.host.clock.now());
  }

  /**
   * Takes over an attempt found on restart (reconcile.ts): its containers, already attached by the
   * runtime, count against `ce` again, and its timeout counts from `startedAt`.
   */
  adopt(job: JobRecord, run: AttemptRun, containers: RunningContainer[], startedAt: number): Promise<void> {
    const need = needOf(job);
    run.ce.used.vcpus += need.vcpus;
    run.ce.used.memoryMiB += need.memoryMiB;
    run.ce.used.gpus += need.gpus;
    job.run = run;
    job.resumeRun = undefined;
    if (job.plan.numNodes > 1) run.network = attemptNetworkName(run.taskId);
    this.inFlight++;
    this.live.add(run);
    return this.follow(job, run, containers, startedAt);
  }

  /**
   * Takes over a multi-container attempt found on restart: the containers found (attached by the
   * runtime, by task container name) go on under the task's rules, the others start when their
   * dependencies allow (taskLaunch.ts); the attempt's network is removed with it.
   */
  async adoptTask(job: JobRecord, run: AttemptRun, found: ReadonlyMap<string, { container: RunningContainer; finishedAt?: number }>, startedAt: number): Promise<void> {
    const need = needOf(job);
    run.ce.used.vcpus += need.vcpus;
    run.ce.used.memoryMiB += need.memoryMiB;
    run.ce.used.gpus += need.gpus;
    job.run = run;
    job.resumeRun = undefined;
    const network = attemptNetworkName(run.taskId);
    run.network = network;
    this.inFlight++;
    this.live.add(run);
    run.containerIds = [...found.values()].map((f) => f.container.id);
    this.running(job, run, startedAt);
    const prepare = async () => {
      const preparer = this.host.preparer;
      if (!preparer) return;
      const prep = await preparer.prepare(this.toPrepare(job, run));
      if (!prep.ok) throw new Error(prep.reason);
      run.prepared = prep;
    };
    const outcome = await launchTask(this.host, job, run, job.plan.task!, network, this.hooksFor(job, run), resumedStarts(this.host, job, run, network, found, prepare));
    if (this.detached) return;
    run.task = outcome.containers;
    this.finish(job, run, outcome.exit);
  }

  /** From the containers' start to the attempt's end. */
  private async follow(job: JobRecord, run: AttemptRun, containers: RunningContainer[], startedAt: number): Promise<void> {
    const { runtime } = this.host;
    const nodes = job.plan.numNodes;
    run.containerIds = containers.map((c) => c.id);
    this.running(job, run, startedAt);
    const main = containers[nodes > 1 ? job.plan.mainNode : 0] ?? containers[0];
    const exit = await main.exited;
    if (nodes > 1) {
      // The main node decides the job; the other nodes are stopped with it.
      for (const c of containers) if (c !== main) void runtime.signal(c.id, 'SIGKILL').catch(() => undefined);
      await Promise.all(containers.map((c) => c.exited));
    }
    if (this.detached) return;
    this.finish(job, run, exit);
  }

  /** The attempt's containers run: RUNNING, its timeout armed from `startedAt`, a stop asked for meanwhile applied. */
  private running(job: JobRecord, run: AttemptRun, startedAt: number): void {
    const { clock } = this.host;
    run.startedAt = startedAt;
    job.startedAt = startedAt;
    if (job.status !== 'RUNNING') this.host.machine.setStatus(job, 'RUNNING');
    const timeout = job.plan.timeoutSeconds;
    if (timeout !== undefined) {
      run.timeoutTimer = clock.setTimer(Math.max(0, startedAt + timeout * 1000 - clock.now()), () => {
        run.timedOut = true;
        this.signalAll(run);
      });
    }
    if (run.terminated !== undefined) this.signalAll(run);
    if (run.interrupted !== undefined) for (const id of run.containerIds) void this.host.runtime.signal(id, 'SIGKILL').catch(() => undefined);
  }

  /**
   * Multi-container: the task's network, then its containers in dependency order (taskLaunch.ts);
   * RUNNING once the first one runs.
   */
  private async launchTask(job: JobRecord, run: AttemptRun, task: readonly TaskContainerPlan[]): Promise<void> {
    let network: string;
    try {
      await this.host.durable?.();
      if (this.detached) return;
      network = await createTaskNetwork(this.host, job, run);
    } catch (e) {
      if (isRuntimeUnavailable(e)) return this.unstart(job, run);
      return this.finish(job, run, { oomKilled: false, error: messageOf(e) });
    }
    const outcome = await launchTask(this.host, job, run, task, network, this.hooksFor(job, run));
    if (this.detached) return;
    run.task = outcome.containers;
    this.finish(job, run, outcome.exit);
  }

  private hooksFor(job: JobRecord, run: AttemptRun): { running(startedAt: number): void; stopAll(): void } {
    return { running: (startedAt) => this.running(job, run, startedAt), stopAll: () => this.signalAll(run) };
  }

  /**
   * The engine could not be reached, so nothing of this attempt ran: it is taken back (not
   * counted, capacity freed) and the job waits in RUNNABLE until the engine is back.
   */
  private unstart(job: JobRecord, run: AttemptRun): void {
    if (run.finished) return;
    run.finished = true;
    this.inFlight--;
    this.live.delete(run);
    const need = needOf(job);
    run.ce.used.vcpus -= need.vcpus;
    run.ce.used.memoryMiB -= need.memoryMiB;
    run.ce.used.gpus -= need.gpus;
    job.attemptCount--;
    job.run = undefined;
    // Whatever of the attempt exists goes (a multi-node main node may already run), and its grants end.
    const { runtime } = this.host;
    const removals = run.containerIds.map((id) => {
      this.removing++;
      return runtime.remove(id).catch(() => undefined).finally(() => this.removing--);
    });
    if (run.network) {
      const network = run.network;
      void Promise.all(removals).then(() => runtime.removeNetwork(network)).catch(() => undefined);
    }
    this.removePodVolumes(job, run, removals);
    run.prepared = undefined;
    this.host.preparer?.release(job.id, run.number);
    if (run.terminated !== undefined) this.host.machine.fail(job, run.terminated, 'terminated');
    else this.host.requeue(job);
    this.host.requestPass();
  }

  /** An EKS attempt's emptyDir volumes go once its containers are removed. */
  private removePodVolumes(job: JobRecord, run: AttemptRun, removals: ReadonlyArray<Promise<unknown>>): void {
    const { runtime } = this.host;
    const names = podVolumeNames(job, run);
    if (names.length === 0 || !runtime.removeVolume) return;
    this.removing++;
    void Promise.all(removals)
      .then(() => Promise.all(names.map((n) => runtime.removeVolume!(n).catch(() => undefined))))
      .finally(() => this.removing--);
  }

  /** SIGTERM to every container, SIGKILL to each after its grace (its stopTimeout, else KILL_GRACE_MS). */
  private signalAll(run: AttemptRun): void {
    const { runtime, clock } = this.host;
    for (const id of run.containerIds) void runtime.signal(id, 'SIGTERM').catch(() => undefined);
    if (run.killTimer) return;
    const graceOf = (id: string) => run.stopGraceMs?.get(id) ?? KILL_GRACE_MS;
    const killAfter = (elapsed: number) => {
      const next = Math.min(...run.containerIds.map(graceOf).filter((g) => g > elapsed));
      if (!Number.isFinite(next)) return;
      run.killTimer = clock.setTimer(next - elapsed, () => {
        for (const id of run.containerIds) if (graceOf(id) <= next) void runtime.signal(id, 'SIGKILL').catch(() => undefined);
        killAfter(next);
      });
    };
    killAfter(0);
  }

  private finish(job: JobRecord, run: AttemptRun, exit: ContainerExit): void {
    if (run.finished || this.detached) return;
    run.finished = true;
    this.inFlight--;
    this.live.delete(run);
    const { clock, runtime, machine, partition } = this.host;
    run.prepared = undefined;
    this.host.preparer?.release(job.id, run.number);
    if (run.timeoutTimer) clock.clearTimer(run.timeoutTimer);
    if (run.killTimer) clock.clearTimer(run.killTimer);
    const removals = run.containerIds.map((id) => {
      this.removing++;
      // Only once the attempt's end is on disk: until then a restart must still find the container.
      return Promise.resolve()
        .then(() => this.host.durable?.())
        .catch(() => undefined)
        .then(() => runtime.remove(id))
        .catch(() => undefined)
        .finally(() => this.removing--);
    });
    if (run.network) {
      const network = run.network;
      this.removing++;
      void Promise.all(removals)
        .then(() => runtime.removeNetwork(network))
        .catch(() => undefined)
        .finally(() => this.removing--);
    }
    this.removePodVolumes(job, run, removals);
    const need = needOf(job);
    run.ce.used.vcpus -= need.vcpus;
    run.ce.used.memoryMiB -= need.memoryMiB;
    run.ce.used.gpus -= need.gpus;
    const reason = exit.oomKilled ? OOM_REASON : exit.error?.slice(0, 255);
    let statusReason: string;
    if (run.timedOut) statusReason = TIMEOUT_REASON;
    else if (run.terminated !== undefined) statusReason = run.terminated;
    else if (run.interrupted !== undefined) statusReason = run.interrupted;
    // A container that ran and vanished (its host gone) keeps that reason; one that never ran failed to start.
    else if (exit.exitCode === undefined) statusReason = exit.statusReason ?? (exit.error?.startsWith('Host EC2 ') ? exit.error : run.startedAt !== undefined ? ESSENTIAL_EXITED : TASK_FAILED_TO_START);
    else statusReason = ESSENTIAL_EXITED;
    const attempt: AttemptDetail = {
      container: {
        exitCode: run.interrupted === undefined ? exit.exitCode : undefined,
        reason,
        logStreamName: run.startedAt !== undefined ? (run.task?.find((c) => c.exit === exit)?.logStreamName ?? run.logStreamName) : undefined,
        taskArn: `arn:aws:ecs:${partition.region}:${partition.account}:task/${run.ce.name}/${run.taskId}`,
      },
      startedAt: run.startedAt,
      stoppedAt: clock.now(),
      statusReason,
    };
    if (run.task) attempt.taskProperties = [{ taskArn: attempt.container!.taskArn, containers: run.task.map(taskContainerDetail) }];
    for (const k of Object.keys(attempt.container!) as Array<keyof typeof attempt.container>) {
      if (attempt.container![k] === undefined) delete attempt.container![k];
    }
    if (attempt.startedAt === undefined) delete attempt.startedAt;
    if (job.plan.jobDefinition.eksProperties?.podProperties) (job.pods ??= {})[String(job.attempts?.length ?? 0)] = podAttemptOf(job, run);
    (job.attempts ??= []).push(attempt);
    job.run = undefined;
    this.host.requestPass();
    if (run.terminated !== undefined) {
      machine.fail(job, statusReason, 'terminated');
    } else if (exit.exitCode === 0 && !run.timedOut && run.interrupted === undefined) {
      machine.setStatus(job, 'SUCCEEDED', statusReason);
    } else if (!run.timedOut && shouldRetry(job.plan.retry, run.number, { exitCode: attempt.container!.exitCode, reason, statusReason })) {
      job.statusReason = statusReason;
      this.host.requeue(job);
    } else {
      machine.setStatus(job, 'FAILED', statusReason);
    }
  }
}
