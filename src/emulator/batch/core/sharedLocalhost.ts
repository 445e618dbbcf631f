/**
 * The containers of one task (ECS awsvpc) or pod (EKS) share one network namespace, so they reach
 * each other on `localhost`. Locally the first long-lived container started owns the namespace (on
 * the attempt's network, under every such container's name, so names still resolve) and the
 * others join it (Docker's `--network container:<id>`). Init-like containers (ones another waits
 * for to COMPLETE or SUCCEED, e.g. EKS init containers) exit early, so they keep a namespace of
 * their own: nothing can join a stopped container's namespace.
 */
import type { ContainerSpec, RunningContainer } from './ports';
import type { TaskContainerPlan } from './jobs';

type NetworkFields = Pick<ContainerSpec, 'network' | 'networkMode' | 'networkAliases' | 'extraNetworks'>;

export class SharedLocalhost {
  private readonly initLike: ReadonlySet<string>;
  private readonly shared: readonly string[];
  private owner?: Promise<RunningContainer>;

  constructor(task: readonly TaskContainerPlan[]) {
    this.initLike = new Set(task.flatMap((c) => c.dependsOn.filter((d) => d.condition !== 'START').map((d) => d.name)));
    this.shared = task.map((c) => c.name).filter((n) => !this.initLike.has(n));
  }

  /** Starts `c` with `spec` adjusted: its own namespace, the shared one's owner, or joining it. */
  start(c: TaskContainerPlan, spec: ContainerSpec, start: (spec: ContainerSpec) => Promise<RunningContainer>): Promise<RunningContainer> {
    if (this.initLike.has(c.name)) return start(spec);
    if (!this.owner) {
      this.owner = start({ ...spec, networkAliases: [...this.shared] });
      return this.owner;
    }
    return this.owner.then(
      (owner) => start({ ...spec, ...joining(owner.id) }),
      () => Promise.reject(new Error(`CannotStartContainerError: container ${c.name} shares the network namespace of a container that could not start`)),
    );
  }
}

function joining(ownerId: string): NetworkFields {
  return { network: undefined, networkMode: `container:${ownerId}`, networkAliases: undefined, extraNetworks: undefined };
}
