/**
 * Multi-container launch: the task's containers on a private network of the attempt (each
 * reachable by its container name), started in dependency order (task.ts), and how the task's
 * containers show in the attempt's detail.
 */
import { OOM_REASON, type AttemptHost } from './attemptHost';
import { attemptLabels, attemptNetworkName, taskContainerSpec, taskStreamOf } from './containerSpecs';
import type { AttemptRun, JobRecord, TaskContainerPlan, TaskContainerResult } from './jobs';
import type { ContainerExit, RunningContainer } from './ports';
import { SharedLocalhost } from './sharedLocalhost';
import { runTask, type TaskOutcome, type TaskPorts } from './task';

/** What the attempt's lifecycle (attempts.ts) lends a launch. */
export interface LaunchHooks {
  /** The first container runs: RUNNING, timeout armed. */
  running(startedAt: number): void;
  /** SIGTERM every container, SIGKILL after the grace period. */
  stopAll(): void;
}

/** Creates the attempt's network (rejects when it cannot); the attempt owns it from then on. */
export async function createTaskNetwork(host: AttemptHost, job: JobRecord, run: AttemptRun): Promise<string> {
  const network = attemptNetworkName(run.taskId);
  await host.runtime.createNetwork(network, attemptLabels(host, job, run));
  run.network = network;
  return network;
}

/** Runs the task on `network` to its end; `start` overrides how a container starts (re-attach). */
export function launchTask(host: AttemptHost, job: JobRecord, run: AttemptRun, task: readonly TaskContainerPlan[], network: string, hooks: LaunchHooks, start?: TaskPorts['start']): Promise<TaskOutcome> {
  const { runtime } = host;
  const localhost = new SharedLocalhost(task, (id) => runtime.inspect(id).then((st) => st?.status === 'exited', () => false));
  return runTask(task, {
    start: start ?? ((c) => localhost.start(c, taskContainerSpec(host, job, run, c, network), (spec) => runtime.start(spec))),
    started: (id, c) => {
      if (!run.containerIds.includes(id)) run.containerIds.push(id);
      if (c.stopTimeoutMs !== undefined) (run.stopGraceMs ??= new Map()).set(id, c.stopTimeoutMs);
      if (run.startedAt === undefined) hooks.running(host.clock.now());
      else if (run.interrupted !== undefined) void runtime.signal(id, 'SIGKILL').catch(() => undefined);
    },
    stopTask: () => hooks.stopAll(),
    setTimer: (ms, fn) => void host.clock.setTimer(ms, fn),
    logStreamOf: (c) => taskStreamOf(run, c.name),
  }, job.plan.jobDefinition.eksProperties?.podProperties ? 'pod' : 'ecs');
}

/** A task container as AWS shows it in attempts[].taskProperties[].containers[]. */
/**
 * How a task resumes after a restart: a container found goes on as it was (its exit, when it
 * exited while the server was down, delivered in the order the containers exited, so the task's
 * rules decide as they would have live); one never started starts when its dependencies allow,
 * prepared again first (`prepare`, once) since what the first preparation added lived in memory.
 */
export function resumedStarts(
  host: AttemptHost,
  job: JobRecord,
  run: AttemptRun,
  network: string,
  found: ReadonlyMap<string, { readonly container: RunningContainer; readonly finishedAt?: number }>,
  prepare: () => Promise<void>,
): TaskPorts['start'] {
  const exitedInOrder = [...found].filter(([, f]) => f.finishedAt !== undefined).sort((a, b) => a[1].finishedAt! - b[1].finishedAt!);
  const delivered = new Map<string, Promise<ContainerExit>>();
  let previous: Promise<unknown> = Promise.resolve();
  for (const [name, f] of exitedInOrder) {
    const exit = previous.then(() => f.container.exited);
    delivered.set(name, exit);
    // Let the task react to one exit before the next is delivered.
    previous = exit.then(() => new Promise((r) => setImmediate(r)));
  }
  let prepared: Promise<void> | undefined;
  return async (c) => {
    const f = found.get(c.name);
    if (f) return { ...f.container, exited: delivered.get(c.name) ?? f.container.exited };
    await (prepared ??= prepare());
    return host.runtime.start(taskContainerSpec(host, job, run, c, network));
  };
}

export function taskContainerDetail(c: TaskContainerResult): { name: string; exitCode?: number; reason?: string; logStreamName?: string } {
  const out: { name: string; exitCode?: number; reason?: string; logStreamName?: string } = { name: c.name };
  if (c.exit?.exitCode !== undefined) out.exitCode = c.exit.exitCode;
  const reason = c.exit?.oomKilled ? OOM_REASON : c.exit?.error?.slice(0, 255);
  if (reason) out.reason = reason;
  if (c.started) out.logStreamName = c.logStreamName;
  return out;
}
