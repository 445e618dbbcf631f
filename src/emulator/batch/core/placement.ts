/**
 * Whether a job can ever be placed on its queue's compute environments, and AWS's wording when it
 * cannot. A RUNNABLE job at the head of its queue that can never be placed blocks the queue (AWS
 * user guide: "Jobs stuck in a RUNNABLE status"): its statusReason names the cause until the job
 * is cancelled (by hand or by a jobStateTimeLimitActions entry) or the environments change.
 */
import type { JobRecord } from './jobs';
import type { QueueRecord } from './queues';

export const MAX_RESOURCE = 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE';
export const JOB_RESOURCE = 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT';
export type BlockedReason = typeof MAX_RESOURCE | typeof JOB_RESOURCE;

/** The statusReason AWS shows while a job blocks its queue for each reason. */
export const BLOCKED_MESSAGES: Readonly<Record<BlockedReason, string>> = {
  [MAX_RESOURCE]: `${MAX_RESOURCE} - CE(s) associated with the job queue cannot meet the CPU requirement of the job.`,
  [JOB_RESOURCE]: `${JOB_RESOURCE} - The job resource requirement (vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job queue.`,
};

/** The statusReason of a job cancelled by a jobStateTimeLimitActions entry (AWS user guide wording). */
export function timeLimitCancelReason(reason: string): string {
  return `Canceled by JobStateTimeLimit action due to reason: ${reason}`;
}

/** The statusReason of an attempt whose host went away (a Spot interruption, an instance lost). */
export function hostTerminated(instanceId: string): string {
  return `Host EC2 (instance ${instanceId}) terminated.`;
}

export interface Need {
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly gpus: number;
}

/** What one attempt of the job holds while it runs (every node of a multi-node job, every container of a task). */
export function needOf(job: JobRecord): Need {
  const nodes = job.plan.nodes ?? job.plan.task;
  if (!nodes) return { vcpus: job.plan.vcpus, memoryMiB: job.plan.memoryMiB, gpus: job.plan.gpus };
  let vcpus = 0;
  let memoryMiB = 0;
  let gpus = 0;
  for (const n of nodes) {
    vcpus += n.vcpus;
    memoryMiB += n.memoryMiB;
    gpus += n.gpus;
  }
  return { vcpus, memoryMiB, gpus };
}

/**
 * Why a job can never run on any compute environment of its queue, or undefined if it can:
 * COMPUTE_ENVIRONMENT_MAX_RESOURCE when no environment has enough vCPUs, JOB_RESOURCE_REQUIREMENT
 * when vCPUs would fit somewhere but memory or GPUs never do.
 */
export function neverFitsReason(q: QueueRecord, job: JobRecord): BlockedReason | undefined {
  if (q.computeEnvironments.length === 0) return undefined;
  const need = needOf(job);
  let vcpuFits = false;
  for (const ce of q.computeEnvironments) {
    const v = need.vcpus <= ce.capacity.vcpus + 1e-9;
    if (v && need.memoryMiB <= ce.capacity.memoryMiB && need.gpus <= ce.capacity.gpus) return undefined;
    vcpuFits ||= v;
  }
  return vcpuFits ? JOB_RESOURCE : MAX_RESOURCE;
}
