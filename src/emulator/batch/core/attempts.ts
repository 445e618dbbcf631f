/**
 * One attempt of a job: STARTING (image pulled through the runtime), RUNNING (containers started,
 * timeout armed), then the exit decides SUCCEEDED, FAILED or another attempt (RUNNABLE). Containers
 * are removed after each attempt.
 */
import type { AttemptDetail } from '@aws-sdk/client-batch';
import type { Partition } from './arns';
import { isRuntimeUnavailable, type AttemptPreparer, type Clock, type ContainerExit, type ContainerRuntime, type ContainerSpec, type RunningContainer } from './ports';
import { preparedContainerOf } from './plan';
import type { ComputeEnvironmentRecord } from './computeEnvironments';
import { imageToRun } from './images';
import { logTargetOf } from './logs';
import type { AttemptRun, JobRecord, TaskContainerPlan } from './jobs';
import type { JobMachine } from './machine';
import { needOf } from './placement';
import { shouldRetry } from './retry';
import { SharedLocalhost } from './sharedLocalhost';
import { runTask, type TaskContainerResult } from './task';

export const ESSENTIAL_EXITED = 'Essential container in task exited';
export const TIMEOUT_REASON = 'Job attempt duration exceeded timeout';
export const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';
/** An attempt whose container never ran (image pull, create, secrets): the cause goes to container.reason. */
export const TASK_FAILED_TO_START = 'Task failed to start';
/** Time between SIGTERM and SIGKILL when stopping an attempt (ECS's default stop timeout). */
export const KILL_GRACE_MS = 30_000;

export interface AttemptHost {
  readonly partition: Partition;
  readonly clock: Clock;
  readonly runtime: ContainerRuntime;
  readonly machine: JobMachine;
  /** Extra labels on every container (e.g. which emulator owns it). */
  readonly containerLabels?: Readonly<Record<string, string>>;
  /** Definition image → local image to run instead (localbatch.yaml's imageOverrides). */
  readonly imageOverrides?: Readonly<Record<string, string>>;
  /** Credentials, secrets, storage and host-access checks for each attempt (none: nothing added). */
  readonly preparer?: AttemptPreparer;
  newId(): string;
  /** Capacity freed or a job re-queued. */
  requeue(job: JobRecord): void;
  requestPass(): void;
  /**
   * Resolves once every change journaled so far is on disk. A container is created only after its
   * attempt's STARTING is durable, and removed only after the attempt's end is, so a restart always
   * finds the container of an attempt it knows of (see reconcile.ts).
   */
  durable?(): Promise<void>;
}

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
      const plan = job.plan;
      const mounts = plan.task ? plan.task.flatMap((c) => c.specBase.mounts ?? []) : (plan.specBase.mounts ?? []);
      prep = await preparer.prepare({ jobId: job.id, attempt: run.number, jobDefinition: plan.jobDefinition, container: preparedContainerOf(plan.jobDefinition), mounts });
    } catch (e) {
      prep = { ok: false as const, reason: messageOf(e) };
    }
    if (run.terminated !== undefined) return this.finish(job, run, { oomKilled: false });
    if (!prep.ok) return this.finish(job, run, { oomKilled: false, error: prep.reason, statusReason: TASK_FAILED_TO_START });
    run.prepared = prep;
    this.pull(job, run);
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
    for (const id of run.containerIds) void this.host.runtime.signal(id, 'SIGKILL').catch(() => undefined);
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
      containers = nodes === 1 && !job.plan.nodes ? [await runtime.start(this.spec(job, run, 0))] : await this.startNodes(job, run);
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
    this.inFlight++;
    this.live.add(run);
    return this.follow(job, run, containers, startedAt);
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
   * Multi-container: the task's containers on a private network of the attempt (each reachable by
   * its container name), started in dependency order (task.ts); RUNNING once the first one runs.
   */
  private async launchTask(job: JobRecord, run: AttemptRun, task: readonly TaskContainerPlan[]): Promise<void> {
    const { runtime } = this.host;
    const network = `localbatch-${run.taskId}`;
    try {
      await this.host.durable?.();
      if (this.detached) return;
      await runtime.createNetwork(network, { ...this.host.containerLabels, 'dev.localbatch.job-id': job.id, 'dev.localbatch.attempt': String(run.number) });
    } catch (e) {
      if (isRuntimeUnavailable(e)) return this.unstart(job, run);
      return this.finish(job, run, { oomKilled: false, error: messageOf(e) });
    }
    run.network = network;
    const localhost = new SharedLocalhost(task);
    const outcome = await runTask(task, {
      start: (c) => localhost.start(c, this.taskSpec(job, run, c, network), (spec) => runtime.start(spec)),
      started: (id) => {
        run.containerIds.push(id);
        if (run.startedAt === undefined) this.running(job, run, this.host.clock.now());
        else if (run.interrupted !== undefined) void runtime.signal(id, 'SIGKILL').catch(() => undefined);
      },
      stopTask: () => this.signalAll(run),
      logStreamOf: (c) => taskStreamOf(run, c.name),
    });
    if (this.detached) return;
    run.task = outcome.containers;
    this.finish(job, run, outcome.exit);
  }

  private taskSpec(job: JobRecord, run: AttemptRun, c: TaskContainerPlan, network: string): ContainerSpec {
    const base = this.spec(job, run, 0);
    return {
      ...base,
      ...c.specBase,
      // The prepared mounts of this container's own mount points (the task's were prepared together).
      ...(run.prepared?.mounts ? { mounts: run.prepared.mounts.filter((m) => (c.specBase.mounts ?? []).some((x) => x.containerPath === m.containerPath)) } : {}),
      image: imageToRun(c.specBase.image, this.host.imageOverrides),
      environment: { ...c.environment, ...run.prepared?.environment, ...batchVariables(base.environment) },
      name: `${base.name}-${c.name.replace(/[^A-Za-z0-9_.-]/g, '-')}`,
      network,
      ...(run.prepared?.network ? { extraNetworks: [run.prepared.network] } : {}),
      networkAliases: [c.name],
      logStreamName: taskStreamOf(run, c.name),
    };
  }

  /**
   * Multi-node: a private network for the attempt, the main node first (its address is what the
   * other nodes get as AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS), then the others.
   */
  private async startNodes(job: JobRecord, run: AttemptRun): Promise<RunningContainer[]> {
    const { runtime } = this.host;
    const plan = job.plan;
    const network = `localbatch-${run.taskId}`;
    await runtime.createNetwork(network, { ...this.host.containerLabels, 'dev.localbatch.job-id': job.id, 'dev.localbatch.attempt': String(run.number) });
    run.network = network;
    const started: RunningContainer[] = new Array(plan.numNodes);
    const main = await runtime.start(this.spec(job, run, plan.mainNode, network));
    started[plan.mainNode] = main;
    run.containerIds.push(main.id);
    const rest = Array.from({ length: plan.numNodes }, (_, n) => n).filter((n) => n !== plan.mainNode);
    // Every node that did start joins the attempt (so it is removed with it), even when another failed.
    const results = await Promise.allSettled(rest.map((n) => runtime.start(this.spec(job, run, n, network, main.ipAddress))));
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        started[rest[i]] = r.value;
        run.containerIds.push(r.value.id);
      }
    });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return started;
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
    run.prepared = undefined;
    this.host.preparer?.release(job.id, run.number);
    if (run.terminated !== undefined) this.host.machine.fail(job, run.terminated, 'terminated');
    else this.host.requeue(job);
    this.host.requestPass();
  }

  private signalAll(run: AttemptRun): void {
    const { runtime, clock } = this.host;
    for (const id of run.containerIds) void runtime.signal(id, 'SIGTERM').catch(() => undefined);
    run.killTimer ??= clock.setTimer(KILL_GRACE_MS, () => {
      for (const id of run.containerIds) void runtime.signal(id, 'SIGKILL').catch(() => undefined);
    });
  }

  private spec(job: JobRecord, run: AttemptRun, node: number, network?: string, mainAddress?: string): ContainerSpec {
    const plan = job.plan;
    const multi = plan.numNodes > 1 || plan.jobDefinition.type === 'multinode';
    const own = plan.nodes?.[node];
    const env: Record<string, string> = {
      ...(own?.environment ?? plan.environment),
      ...run.prepared?.environment,
      AWS_BATCH_JOB_ID: multi ? `${job.id}#${node}` : job.id,
      AWS_BATCH_JQ_NAME: plan.queue.name,
      AWS_BATCH_CE_NAME: run.ce.name,
      AWS_BATCH_JOB_ATTEMPT: String(run.number),
    };
    if (job.index !== undefined) {
      env.AWS_BATCH_JOB_ARRAY_INDEX = String(job.index);
      env.AWS_BATCH_JOB_ARRAY_SIZE = String(job.parent?.children?.length ?? plan.arraySize ?? '');
    }
    if (multi) {
      env.AWS_BATCH_JOB_NODE_INDEX = String(node);
      env.AWS_BATCH_JOB_MAIN_NODE_INDEX = String(plan.mainNode);
      env.AWS_BATCH_JOB_NUM_NODES = String(plan.numNodes);
      if (node !== plan.mainNode && mainAddress) env.AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS = mainAddress;
    }
    const safeId = job.id.replace(/[^A-Za-z0-9_.-]/g, '-');
    const prepared = run.prepared;
    return {
      ...(own?.specBase ?? plan.specBase),
      image: imageToRun((own?.specBase ?? plan.specBase).image, this.host.imageOverrides),
      ...(prepared?.mounts ? { mounts: prepared.mounts } : {}),
      // The attempt's own network (multi-node, multi-container) wins; the job-credentials network is joined as well.
      ...(network ? { network, ...(prepared?.network ? { extraNetworks: [prepared.network] } : {}) } : prepared?.network ? { network: prepared.network } : {}),
      name: `localbatch-${safeId}-${run.number}${multi ? `-node${node}` : ''}`,
      environment: env,
      labels: { ...this.host.containerLabels, 'dev.localbatch.job-id': job.id, 'dev.localbatch.attempt': String(run.number), ...(multi ? { 'dev.localbatch.node': String(node) } : {}) },
      logStreamName: multi ? `${run.logStreamName}-node${node}` : run.logStreamName,
      logGroupName: run.logGroupName,
    };
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

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The AWS_BATCH_* variables of an environment (what the emulator sets, not the user's). */
function batchVariables(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('AWS_BATCH_')) out[k] = v;
  return out;
}

/** A task container as AWS shows it in attempts[].taskProperties[].containers[]. */
function taskContainerDetail(c: TaskContainerResult): { name: string; exitCode?: number; reason?: string; logStreamName?: string } {
  const out: { name: string; exitCode?: number; reason?: string; logStreamName?: string } = { name: c.name };
  if (c.exit?.exitCode !== undefined) out.exitCode = c.exit.exitCode;
  const reason = c.exit?.oomKilled ? OOM_REASON : c.exit?.error?.slice(0, 255);
  if (reason) out.reason = reason;
  if (c.started) out.logStreamName = c.logStreamName;
  return out;
}

/** A task container's stream: the attempt's `<prefix or job definition>/<container name>/<task id>`. */
function taskStreamOf(run: AttemptRun, container: string): string {
  const prefix = run.logStreamName.split('/').slice(0, -2).join('/');
  return `${prefix}/${container}/${run.taskId}`;
}
