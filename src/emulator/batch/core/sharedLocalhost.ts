/**
 * The containers of one task (ECS awsvpc) or pod (EKS) share one network namespace, so they reach
 * each other on `localhost`. Locally the first long-lived container started owns the namespace (on
 * the attempt's network, under every such container's name, so names still resolve) and the
 * others join it (Docker's `--network container:<id>`). Init-like containers (ones another waits
 * for to COMPLETE or SUCCEED, e.g. EKS init containers) exit early, so they keep a namespace of
 * their own: nothing can join a stopped container's namespace. For the same reason a container
 * that starts after the owner has exited (a quick first container) becomes the owner in its
 * place, and the ones after it join it: what the exited owner served on localhost is gone anyway.
 */
import type { ContainerSpec, RunningContainer } from './ports';
import type { TaskContainerPlan } from './jobs';

type NetworkFields = Pick<ContainerSpec, 'network' | 'networkMode' | 'networkAliases' | 'extraNetworks'>;

export class SharedLocalhost {
  private readonly initLike: ReadonlySet<string>;
  private readonly shared: readonly string[];
  private owner?: Promise<RunningContainer>;
  /** The current owner has exited: the next container to start owns the namespace. */
  private ownerExited = false;

  /** `exited(id)`: whether that container has exited (the runtime's inspect), after a join failed. */
  constructor(
    task: readonly TaskContainerPlan[],
    private readonly exited: (containerId: string) => Promise<boolean>,
  ) {
    this.initLike = new Set(task.flatMap((c) => c.dependsOn.filter((d) => d.condition !== 'START').map((d) => d.name)));
    this.shared = task.map((c) => c.name).filter((n) => !this.initLike.has(n));
  }

  /** Starts `c` with `spec` adjusted: its own namespace, the shared one's owner, or joining it. */
  start(c: TaskContainerPlan, spec: ContainerSpec, start: (spec: ContainerSpec) => Promise<RunningContainer>): Promise<RunningContainer> {
    if (this.initLike.has(c.name)) return start(spec);
    if (!this.owner || this.ownerExited) return this.own(spec, start);
    const owner = this.owner;
    return owner.then(
      (o) =>
        start({ ...spec, ...joining(o.id) }).catch(async (err: unknown) => {
          // (exited before the join: the runtime refuses to join a stopped container)
          if (!this.ownerExited && !(await this.exited(o.id))) throw err;
          return this.owner === owner ? this.own(spec, start) : this.start(c, spec, start);
        }),
      () => Promise.reject(new Error(`CannotStartContainerError: container ${c.name} shares the network namespace of a container that could not start`)),
    );
  }

  /** Starts a container that owns the namespace (on the attempt's network, under every shared name). */
  private own(spec: ContainerSpec, start: (spec: ContainerSpec) => Promise<RunningContainer>): Promise<RunningContainer> {
    this.ownerExited = false;
    const owner = start({ ...spec, networkAliases: [...this.shared] });
    this.owner = owner;
    void owner.then(
      (o) => o.exited.then(() => {
        if (this.owner === owner) this.ownerExited = true;
      }),
      () => undefined,
    );
    return owner;
  }
}

function joining(ownerId: string): NetworkFields {
  return { network: undefined, networkMode: `container:${ownerId}`, networkAliases: undefined, extraNetworks: undefined };
}
