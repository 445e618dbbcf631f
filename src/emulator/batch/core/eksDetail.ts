/**
 * An EKS job's `eksProperties` and `eksAttempts` as DescribeJobs shows them: the pod of the
 * definition with podName/nodeName and each container's exit code and reason from the latest
 * finished attempt. Locally the pod is named `aws-batch.<jobId>` (attempts: `-<n>`) and the node
 * `localbatch` (AWS gives the Kubernetes pod and node names). Each finished attempt also shows its
 * containers' runtime ids (`containerID`: the Docker container's id) and where the pod ran: the
 * namespace (the pod's `metadata.namespace`, else its compute environment's
 * `eksConfiguration.kubernetesNamespace`, else Kubernetes' `default` on a local compute environment
 * without one) and `eksClusterArn` (only on a compute environment with an `eksConfiguration`).
 */
import type { AttemptDetail, EksAttemptContainerDetail, EksAttemptDetail, JobDetail } from '@aws-sdk/client-batch';
import type { ComputeEnvironmentRecord } from './computeEnvironments';
import type { AttemptRun, JobRecord, PodAttempt } from './jobs';

export const LOCAL_NODE_NAME = 'localbatch';

/** The namespace pods land in on a compute environment without `eksConfiguration`. */
export const LOCAL_POD_NAMESPACE = 'default';

function podNameOf(job: JobRecord, attempt: number): string {
  return attempt <= 1 ? `aws-batch.${job.id}` : `aws-batch.${job.id}-${attempt}`;
}

/** Where `run`'s pod ran and its containers' ids, recorded when the attempt ends. */
export function podAttemptOf(job: JobRecord, run: Pick<AttemptRun, 'task'> & { readonly ce: Pick<ComputeEnvironmentRecord, 'detail'> }): PodAttempt {
  const eks = run.ce.detail.eksConfiguration;
  const namespace = job.plan.request.eksPropertiesOverride?.podProperties?.metadata?.namespace ?? job.plan.jobDefinition.eksProperties?.podProperties?.metadata?.namespace;
  const containerIds: Record<string, string> = {};
  for (const c of run.task ?? []) if (c.containerId !== undefined) containerIds[c.name] = c.containerId;
  return {
    podNamespace: namespace ?? eks?.kubernetesNamespace ?? LOCAL_POD_NAMESPACE,
    ...(eks?.eksClusterArn ? { eksClusterArn: eks.eksClusterArn } : {}),
    containerIds,
  };
}

function containersOf(a: AttemptDetail, names: ReadonlySet<string>, pod: PodAttempt | undefined): EksAttemptContainerDetail[] {
  return (a.taskProperties?.[0]?.containers ?? [])
    .filter((c) => names.has(c.name ?? ''))
    .map((c) => {
      const id = pod?.containerIds[c.name ?? ''];
      return { name: c.name, ...(id !== undefined ? { containerID: id } : {}), ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}), ...(c.reason ? { reason: c.reason } : {}) };
    });
}

/** Adds eksProperties and eksAttempts to `d` for a job of an eksProperties definition. */
export function addEksDetail(d: JobDetail, job: JobRecord, attempts: readonly AttemptDetail[], inAttempt: boolean): void {
  const pod = job.plan.jobDefinition.eksProperties?.podProperties;
  if (!pod) return;
  const initNames = new Set((pod.initContainers ?? []).map((c, i) => c.name ?? `init-${i}`));
  const mainNames = new Set((pod.containers ?? []).map((c, i) => c.name ?? `container-${i}`));
  const eksAttempts: EksAttemptDetail[] = attempts.map((a, i) => {
    const ran = job.pods?.[String(i)];
    return {
      containers: containersOf(a, mainNames, ran),
      initContainers: containersOf(a, initNames, ran),
      ...(ran?.eksClusterArn ? { eksClusterArn: ran.eksClusterArn } : {}),
      podName: podNameOf(job, i + 1),
      ...(ran ? { podNamespace: ran.podNamespace } : {}),
      nodeName: LOCAL_NODE_NAME,
      startedAt: a.startedAt,
      stoppedAt: a.stoppedAt,
      statusReason: a.statusReason,
    };
  });
  const last = inAttempt ? undefined : eksAttempts[eksAttempts.length - 1];
  const withExit = (list: typeof pod.containers, seen: EksAttemptContainerDetail[] | undefined) =>
    (list ?? []).map((c) => {
      const s = seen?.find((x) => x.name === c.name);
      return { ...structuredClone(c), ...(s?.exitCode !== undefined ? { exitCode: s.exitCode } : {}), ...(s?.reason ? { reason: s.reason } : {}) };
    });
  d.eksAttempts = eksAttempts;
  d.eksProperties = {
    podProperties: {
      ...structuredClone(pod),
      containers: withExit(pod.containers, last?.containers),
      initContainers: withExit(pod.initContainers, last?.initContainers),
      // The current attempt's pod while one runs (as AWS shows a running job), else the last one's.
      ...(inAttempt || attempts.length > 0 ? { podName: podNameOf(job, inAttempt ? attempts.length + 1 : attempts.length), nodeName: LOCAL_NODE_NAME } : {}),
    },
  };
}
