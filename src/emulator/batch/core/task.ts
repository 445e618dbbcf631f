/**
 * One attempt of a multi-container (`ecsProperties`) job, as ECS runs a task (or an EKS pod, see TaskEnd): every container
 * starts once the containers it depends on meet the condition (START: started; COMPLETE: exited;
 * SUCCESS: exited 0), and when an essential container exits, the others are stopped. The attempt's
 * exit is that of the essential container that decided it: the first to fail on its own (a
 * non-zero exit, a failed start, a dependency that can no longer be met), else the first to exit.
 * Pure orchestration over injected ports; no timers, no I/O.
 */
import type { ContainerExit, RunningContainer } from './ports';
import type { TaskContainerPlan, TaskContainerResult } from './jobs';

export type { TaskContainerResult };

export interface TaskPorts {
  start(container: TaskContainerPlan): Promise<RunningContainer>;
  /** A container started (its id joins the attempt's containers). */
  started(id: string, container: TaskContainerPlan): void;
  /** Calls `fn` after `ms` on the attempt's clock (startTimeout); absent: startTimeout is not applied. */
  setTimer?(ms: number, fn: () => void): void;
  /** An essential container exited: stop the others (SIGTERM, SIGKILL after the grace period). */
  stopTask(): void;
  logStreamOf(container: TaskContainerPlan): string;
}

export interface TaskOutcome {
  readonly exit: ContainerExit;
  readonly containers: readonly TaskContainerResult[];
}

type Status = 'waiting' | 'starting' | 'running' | 'exited';

/**
 * `ecs` (default): the task stops when its first essential container exits. `pod`: as a Kubernetes
 * pod with restartPolicy Never (how AWS Batch runs EKS jobs), the others run on until every
 * container has exited; the attempt's exit is still the first failure, else the first exit.
 */
export type TaskEnd = 'ecs' | 'pod';

export function runTask(task: readonly TaskContainerPlan[], ports: TaskPorts, end: TaskEnd = 'ecs'): Promise<TaskOutcome> {
  const status = new Map<string, Status>(task.map((c) => [c.name, 'waiting']));
  const results = new Map<string, TaskContainerResult>(task.map((c) => [c.name, { name: c.name, logStreamName: ports.logStreamOf(c), stoppedByTask: false, started: false }]));
  let stopping = false;
  let decided: ContainerExit | undefined;
  let firstExit: ContainerExit | undefined;
  /** Containers whose startTimeout ran out before they met what others wait for. */
  const gaveUp = new Set<string>();

  return new Promise<TaskOutcome>((resolve) => {
    const exited = (c: TaskContainerPlan, exit: ContainerExit, own: boolean) => {
      status.set(c.name, 'exited');
      const r = results.get(c.name)!;
      r.exit = exit;
      r.stoppedByTask = !own;
      if (c.essential && own) {
        firstExit ??= exit;
        if (exit.exitCode !== 0) decided ??= exit;
        const last = end === 'ecs' || task.every((x) => !x.essential || status.get(x.name) === 'exited');
        if (!stopping && last) {
          stopping = true;
          ports.stopTask();
        }
      }
      step();
    };

    const verdict = (c: TaskContainerPlan): 'go' | 'wait' | string => {
      for (const d of c.dependsOn) {
        const s = status.get(d.name)!;
        const exit = results.get(d.name)!.exit;
        if (gaveUp.has(d.name) && d.condition !== 'START' && s !== 'exited') return `DependencyConditionNotMet: container ${d.name} did not ${d.condition === 'SUCCESS' ? 'succeed' : 'complete'} within its startTimeout`;
        if (d.condition === 'START') {
          if (s === 'waiting' || s === 'starting') return 'wait';
          if (!results.get(d.name)!.started) return `DependencyConditionNotMet: container ${d.name} never started`;
        } else if (s !== 'exited') return 'wait';
        else if (d.condition === 'SUCCESS' && exit?.exitCode !== 0) return `DependencyConditionNotMet: container ${d.name} did not exit 0 (SUCCESS condition)`;
        else if (d.condition === 'COMPLETE' && !results.get(d.name)!.started) return `DependencyConditionNotMet: container ${d.name} never ran (COMPLETE condition)`;
      }
      return 'go';
    };

    const step = () => {
      let progressed = true;
      while (progressed) {
        progressed = false;
        for (const c of task) {
          if (status.get(c.name) !== 'waiting') continue;
          const v = stopping ? 'the task stopped before this container started' : verdict(c);
          if (v === 'wait') continue;
          progressed = true;
          if (v !== 'go') {
            exited(c, { oomKilled: false, error: v }, c.essential && !stopping);
            continue;
          }
          status.set(c.name, 'starting');
          ports.start(c).then(
            (running) => {
              results.get(c.name)!.started = true;
              results.get(c.name)!.containerId = running.id;
              status.set(c.name, 'running');
              ports.started(running.id, c);
              if (c.startTimeoutMs !== undefined && ports.setTimer) {
                ports.setTimer(c.startTimeoutMs, () => {
                  if (status.get(c.name) !== 'running') return;
                  gaveUp.add(c.name);
                  step();
                });
              }
              if (stopping) ports.stopTask();
              void running.exited.then((exit) => exited(c, exit, !stopping));
              step();
            },
            (err: unknown) => exited(c, { oomKilled: false, error: err instanceof Error ? err.message : String(err) }, true),
          );
        }
      }
      const busy = [...status.values()].some((s) => s === 'starting' || s === 'running');
      if (busy) return;
      // Nothing runs and nothing can start: any container still waiting waits on a cycle.
      for (const c of task) if (status.get(c.name) === 'waiting') exited(c, { oomKilled: false, error: 'DependencyConditionNotMet: its dependencies can never be met' }, c.essential);
      if ([...status.values()].some((s) => s !== 'exited')) return;
      resolve({ exit: decided ?? firstExit ?? { oomKilled: false, error: 'No essential container ran' }, containers: task.map((c) => results.get(c.name)!) });
    };

    step();
  });
}
