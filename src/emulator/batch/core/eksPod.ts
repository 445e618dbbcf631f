/**
 * An `eksProperties` job definition's pod, run locally through the multi-container path: the init
 * containers one after the other (each must succeed before the next), then the containers. A
 * Kubernetes `command` replaces the image's ENTRYPOINT and `args` its CMD; `resources` (limits,
 * else requests: cpu "500m"/"2", memory "512Mi"/"1Gi"/bytes) become the container's vCPUs and
 * memory; `env`, `securityContext` (runAsUser with runAsGroup, privileged, readOnlyRootFilesystem), `hostPath`,
 * `emptyDir` (podVolumes.ts) and `secret` volumes (resolved by the attempt preparer) carry over. SubmitJob's `eksPropertiesOverride` applies by container name.
 */
import type { ContainerOverrides, ContainerProperties, EksContainer, EksContainerOverride, JobDefinition, SubmitJobRequest } from '@aws-sdk/client-batch';
import { invalid } from './errors';
import type { TaskContainerPlan } from './jobs';
import type { VolumeMount } from './ports';

type Resolve = (cp: ContainerProperties, ov: ContainerOverrides | undefined, parameters: Readonly<Record<string, string>>) => {
  environment: Readonly<Record<string, string>>;
  vcpus: number;
  memoryMiB: number;
  gpus: number;
  specBase: TaskContainerPlan['specBase'];
};

/** Kubernetes cpu quantity → vCPUs. */
export function cpuOf(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q.trim());
  if (!m) invalid(`cpu ${q} is not a Kubernetes quantity (e.g. "1", "0.5", "500m")`);
  return m[2] ? Number(m[1]) / 1000 : Number(m[1]);
}

const MEMORY_UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

/** Kubernetes memory quantity → MiB. */
export function memoryOf(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(q.trim());
  if (!m) invalid(`memory ${q} is not a Kubernetes quantity (e.g. "512Mi", "1Gi")`);
  return Math.ceil((Number(m[1]) * MEMORY_UNITS[m[2] ?? '']) / 1024 ** 2);
}

function containerProperties(c: EksContainer, ov: EksContainerOverride | undefined, def: JobDefinition): ContainerProperties {
  const pod = def.eksProperties?.podProperties;
  const res = ov?.resources ?? c.resources;
  const pick = (k: string) => res?.limits?.[k] ?? res?.requests?.[k];
  const vcpus = cpuOf(pick('cpu'));
  const memory = memoryOf(pick('memory'));
  const gpus = pick('nvidia.com/gpu');
  const volumes = new Map((pod?.volumes ?? []).map((v) => [v.name, v]));
  const mountPoints: NonNullable<ContainerProperties['mountPoints']> = [];
  const hostVolumes: NonNullable<ContainerProperties['volumes']> = [];
  for (const m of c.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    if (!v) invalid(`Container ${String(c.name)} mounts volume ${String(m.name)}, which the pod does not define`);
    if (v.hostPath?.path) {
      hostVolumes.push({ name: v.name, host: { sourcePath: v.hostPath.path } });
      mountPoints.push({ sourceVolume: v.name, containerPath: m.mountPath, readOnly: m.readOnly ?? false });
    }
  }
  const sc = c.securityContext;
  return {
    image: ov?.image ?? c.image,
    command: ov?.args ?? c.args ?? [],
    environment: (c.env ?? []).map((e) => ({ name: e.name, value: e.value })),
    resourceRequirements: [
      ...(vcpus !== undefined ? [{ type: 'VCPU' as const, value: String(vcpus) }] : []),
      ...(memory !== undefined ? [{ type: 'MEMORY' as const, value: String(memory) }] : []),
      ...(gpus !== undefined ? [{ type: 'GPU' as const, value: gpus }] : []),
    ],
    // (runAsGroup is the primary group of runAsUser: Docker's user:group; alone it is not applied)
    user: sc?.runAsUser !== undefined ? `${sc.runAsUser}${sc.runAsGroup !== undefined ? `:${sc.runAsGroup}` : ''}` : undefined,
    privileged: sc?.privileged,
    readonlyRootFilesystem: sc?.readOnlyRootFilesystem,
    volumes: hostVolumes,
    mountPoints,
  };
}

/** A container's `emptyDir` and `secret` volume mounts (hostPath ones go through its container properties). */
export function podMountsOf(c: EksContainer, def: JobDefinition): VolumeMount[] {
  const volumes = new Map((def.eksProperties?.podProperties?.volumes ?? []).map((v) => [v.name, v]));
  const out: VolumeMount[] = [];
  for (const m of c.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    const base = { containerPath: m.mountPath ?? '', readOnly: m.readOnly ?? false };
    if (v?.emptyDir) {
      const sizeMiB = memoryOf(v.emptyDir.sizeLimit);
      out.push({ ...base, emptyDir: { name: v.name ?? '', memory: v.emptyDir.medium === 'Memory', ...(sizeMiB !== undefined ? { sizeMiB } : {}) } });
    } else if (v?.secret?.secretName) {
      // Kubernetes mounts secret volumes read-only whatever the mount says.
      out.push({ ...base, readOnly: true, secret: { secretName: v.secret.secretName, optional: v.secret.optional ?? false } });
    }
  }
  return out;
}

/**
 * The first container of the pod as container properties, carrying every container's volumes,
 * mount points and privileged flag, so the attempt's preparation (host access) sees all of them.
 */
export function eksMainContainer(def: JobDefinition): ContainerProperties | undefined {
  const pod = def.eksProperties?.podProperties;
  const c = pod?.containers?.[0];
  if (!c) return undefined;
  const all = [...(pod.initContainers ?? []), ...(pod.containers ?? [])].map((x) => containerProperties(x, undefined, def));
  const volumes = new Map(all.flatMap((x) => x.volumes ?? []).map((v) => [v.name, v]));
  return {
    ...containerProperties(c, undefined, def),
    privileged: all.some((x) => x.privileged === true) || undefined,
    volumes: [...volumes.values()],
    mountPoints: all.flatMap((x) => x.mountPoints ?? []),
  };
}

/** The pod's containers as a task: init containers chained on SUCCESS, then the containers. */
export function eksTaskContainers(def: JobDefinition, req: SubmitJobRequest, parameters: Readonly<Record<string, string>>, resolve: Resolve): TaskContainerPlan[] | undefined {
  const pod = def.eksProperties?.podProperties;
  if (!pod?.containers?.length) return undefined;
  const override = req.eksPropertiesOverride?.podProperties;
  const names = new Set<string>();
  const plan = (c: EksContainer, i: number, init: boolean, after: string | undefined): TaskContainerPlan => {
    const name = c.name ?? `${init ? 'init' : 'container'}-${i}`;
    if (names.has(name)) invalid(`Container name ${name} is used twice in the pod`);
    names.add(name);
    const ov = (init ? override?.initContainers : override?.containers)?.find((o) => o.name === name);
    const cp = containerProperties(c, ov, def);
    const extraEnv = (ov?.env ?? []).map((e) => ({ name: e.name, value: e.value }));
    const resolved = resolve(cp, extraEnv.length ? { environment: extraEnv } : undefined, parameters);
    // A container without a cpu or memory request reserves none and runs without that limit, as
    // in Kubernetes; only the pod's first container gets the defaults, so the pod reserves something
    // (resolve's defaults for every such container kept small pods from ever fitting).
    const first = !init && i === 0;
    const has = (type: string) => cp.resourceRequirements?.some((x) => x.type === type) ?? false;
    const vcpus = first || has('VCPU') ? resolved.vcpus : 0;
    const memoryMiB = first || has('MEMORY') ? resolved.memoryMiB : 0;
    const r = { ...resolved, vcpus, memoryMiB, specBase: { ...resolved.specBase, vcpus, memoryMiB } };
    const entrypoint = ov?.command ?? c.command;
    const mounts = [...(r.specBase.mounts ?? []), ...podMountsOf(c, def)];
    return {
      name,
      essential: !init,
      dependsOn: after ? [{ name: after, condition: 'SUCCESS' }] : [],
      environment: r.environment,
      vcpus: r.vcpus,
      memoryMiB: r.memoryMiB,
      gpus: r.gpus,
      specBase: { ...r.specBase, mounts, ...(entrypoint?.length ? { entrypoint: [...entrypoint] } : {}) },
    };
  };
  const out: TaskContainerPlan[] = [];
  let last: string | undefined;
  for (const [i, c] of (pod.initContainers ?? []).entries()) {
    const p = plan(c, i, true, last);
    out.push(p);
    last = p.name;
  }
  for (const [i, c] of pod.containers.entries()) out.push(plan(c, i, false, last));
  return out;
}
