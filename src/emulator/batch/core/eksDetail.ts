/**
 * An EKS job's `eksProperties` and `eksAttempts` as DescribeJobs shows them: the pod of the
 * definition with podName/nodeName and each container's exit code and reason from the latest
 * finished attempt. Locally the pod is named `aws-batch.<jobId>` (attempts: `-<n>`) and the node
 * `localbatch` (AWS gives the Kubernetes pod and node names).
 */
import type { AttemptDetail, EksAttemptContainerDetail, EksAttemptDetail, JobDetail } from '@aws-sdk/client-batch';
import type { JobRecord } from './jobs';

export const LOCAL_NODE_NAME = 'localbatch';

function podNameOf(job: JobRecord, attempt: number): string {
  return attempt <= 1 ? `aws-batch.${job.id}` : `aws-batch.${job.id}-${attempt}`;
}

function containersOf(a: AttemptDetail, names: ReadonlySet<string>): EksAttemptContainerDetail[] {
  return (a.taskProperties?.[0]?.containers ?? [])
    .filter((c) => names.has(c.name ?? ''))
    .map((c) => ({ name: c.name, ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}), ...(c.reason ? { reason: c.reason } : {}) }));
}

/** Adds eksProperties and eksAttempts to `d` for a job of an eksProperties definition. */
export function addEksDetail(d: JobDetail, job: JobRecord, attempts: readonly AttemptDetail[], inAttempt: boolean): void {
  const pod = job.plan.jobDefinition.eksProperties?.podProperties;
  if (!pod) return;
  const initNames = new Set((pod.initContainers ?? []).map((c, i) => c.name ?? `init-${i}`));
  const mainNames = new Set((pod.containers ?? []).map((c, i) => c.name ?? `container-${i}`));
  const eksAttempts: EksAttemptDetail[] = attempts.map((a, i) => ({
    containers: containersOf(a, mainNames),
    initContainers: containersOf(a, initNames),
    podName: podNameOf(job, i + 1),
    nodeName: LOCAL_NODE_NAME,
    startedAt: a.startedAt,
    stoppedAt: a.stoppedAt,
    statusReason: a.statusReason,
  }));
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
