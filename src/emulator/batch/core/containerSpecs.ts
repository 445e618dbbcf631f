/**
 * The container specs of an attempt: a container job's one container, each node of a multi-node
 * job, each container of a multi-container task (names, labels, AWS_BATCH_* variables, log streams,
 * networks, what the attempt preparer added). Pure: no I/O.
 */
import type { AttemptHost } from './attemptHost';
import { imageToRun } from './images';
import type { AttemptRun, JobRecord, TaskContainerPlan } from './jobs';
import type { ContainerSpec, VolumeMount } from './ports';
import { withPodVolumes } from './podVolumes';

export const JOB_ID_LABEL = 'dev.localbatch.job-id';
export const ATTEMPT_LABEL = 'dev.localbatch.attempt';
export const NODE_LABEL = 'dev.localbatch.node';
/** A multi-container task's container name (as in the job definition). */
export const TASK_CONTAINER_LABEL = 'dev.localbatch.container';

/** The private network of a multi-node or multi-container attempt. */
export function attemptNetworkName(taskId: string): string {
  return `localbatch-${taskId}`;
}

/** Labels of an attempt's network (so a restart finds it). */
export function attemptLabels(host: Pick<AttemptHost, 'containerLabels'>, job: JobRecord, run: Pick<AttemptRun, 'number'>): Record<string, string> {
  return { ...host.containerLabels, [JOB_ID_LABEL]: job.id, [ATTEMPT_LABEL]: String(run.number) };
}

export function containerSpec(host: AttemptHost, job: JobRecord, run: AttemptRun, node: number, network?: string, mainAddress?: string): ContainerSpec {
  const plan = job.plan;
  const multi = plan.numNodes > 1 || plan.jobDefinition.type === 'multinode';
  const own = plan.nodes?.[node];
  const env: Record<string, string> = {
    ...ecsVariables(host, job, run),
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
    image: imageToRun((own?.specBase ?? plan.specBase).image, host.imageOverrides),
    ...(prepared?.mounts ? { mounts: prepared.mounts } : {}),
    // The attempt's own network (multi-node, multi-container) wins; the job-credentials network is joined as well.
    ...(network ? { network, ...(prepared?.network ? { extraNetworks: [prepared.network] } : {}) } : prepared?.network ? { network: prepared.network } : {}),
    name: `localbatch-${safeId}-${run.number}${multi ? `-node${node}` : ''}`,
    environment: env,
    labels: { ...attemptLabels(host, job, run), ...(multi ? { [NODE_LABEL]: String(node) } : {}) },
    logStreamName: multi ? `${run.logStreamName}-node${node}` : run.logStreamName,
    logGroupName: run.logGroupName,
  };
}

/**
 * What ECS sets in every task's containers (ECS guide, "Amazon ECS environment variables"): the
 * Region (the jobs' Region: the preparer's, else the engine's) and the compute option; a job
 * definition's own values win. EKS pods get none of these.
 */
function ecsVariables(host: Pick<AttemptHost, 'partition' | 'preparer'>, job: JobRecord, run: Pick<AttemptRun, 'ce'>): Record<string, string> {
  if (job.plan.jobDefinition.eksProperties || run.ce.detail.eksConfiguration) return {};
  const fargate = /^FARGATE/.test(run.ce.detail.computeResources?.type ?? '');
  const region = host.preparer?.region ?? host.partition.region;
  return { AWS_REGION: region, AWS_DEFAULT_REGION: region, AWS_EXECUTION_ENV: fargate ? 'AWS_ECS_FARGATE' : 'AWS_ECS_EC2' };
}

export function taskContainerSpec(host: AttemptHost, job: JobRecord, run: AttemptRun, c: TaskContainerPlan, network: string): ContainerSpec {
  const base = containerSpec(host, job, run, 0);
  return {
    ...base,
    ...c.specBase,
    mounts: withPodVolumes(preparedMountsOf(job, run, c), run),
    image: imageToRun(c.specBase.image, host.imageOverrides),
    environment: { ...ecsVariables(host, job, run), ...c.environment, ...run.prepared?.environment, ...batchVariables(base.environment) },
    name: `${base.name}-${c.name.replace(/[^A-Za-z0-9_.-]/g, '-')}`,
    labels: { ...base.labels, [TASK_CONTAINER_LABEL]: c.name },
    network,
    ...(run.prepared?.network ? { extraNetworks: [run.prepared.network] } : {}),
    networkAliases: [c.name],
    logStreamName: taskStreamOf(run, c.name),
  };
}

/**
 * The prepared mounts of this container's own mount points: the task's were prepared together, in
 * container order, one prepared mount for each (the preparer maps them one to one).
 */
function preparedMountsOf(job: JobRecord, run: AttemptRun, c: TaskContainerPlan): readonly VolumeMount[] {
  const own = c.specBase.mounts ?? [];
  const prepared = run.prepared?.mounts;
  if (!prepared) return own;
  const task = job.plan.task ?? [];
  const total = task.reduce((n, x) => n + (x.specBase.mounts?.length ?? 0), 0);
  if (prepared.length !== total) return prepared.filter((m) => own.some((x) => x.containerPath === m.containerPath));
  let offset = 0;
  for (const x of task) {
    if (x.name === c.name) break;
    offset += x.specBase.mounts?.length ?? 0;
  }
  return prepared.slice(offset, offset + own.length);
}

/** The AWS_BATCH_* variables of an environment (what the emulator sets, not the user's). */
function batchVariables(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('AWS_BATCH_')) out[k] = v;
  return out;
}

/** A task container's stream: the attempt's `<prefix or job definition>/<container name>/<task id>`. */
export function taskStreamOf(run: Pick<AttemptRun, 'logStreamName' | 'taskId'>, container: string): string {
  const prefix = run.logStreamName.split('/').slice(0, -2).join('/');
  return `${prefix}/${container}/${run.taskId}`;
}
