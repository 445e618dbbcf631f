/**
 * A service job's records: what is journaled (ServiceJobStored), what the core keeps beside it
 * (ServiceJobRecord) and its ARN. Kept apart from serviceJobs.ts so the files that read a job
 * (quotaQueue.ts, serviceJobView.ts, capacityUsage.ts) import no logic and make no circle.
 */
import type { ServiceJobAttemptDetail, ServiceJobPreemptedAttempt, SubmitServiceJobRequest } from '@aws-sdk/client-batch';
import type { Partition } from './arns';
import type { TimerHandle } from './ports';
import type { RunningTraining } from './trainingPort';
import type { TrainingRequest } from './trainingRequest';
import type { RetryPolicy } from './retry';

export type ServiceJobStatus = 'SUBMITTED' | 'PENDING' | 'RUNNABLE' | 'SCHEDULED' | 'STARTING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
export const SERVICE_JOB_STATUSES: readonly ServiceJobStatus[] = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'SCHEDULED', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED'];

/** The stored part of a service job (journaled; see toStored). */
export interface ServiceJobStored {
  id: string;
  name: string;
  queueName: string;
  request: SubmitServiceJobRequest;
  status: ServiceJobStatus;
  statusReason?: string;
  createdAt: number;
  scheduledAt?: number;
  startedAt?: number;
  stoppedAt?: number;
  attempts: ServiceJobAttemptDetail[];
  isTerminated?: boolean;
  schedulingPriority?: number;
  /** Instances it holds while SCHEDULED/STARTING/RUNNING, and in which service environment. */
  environment?: string;
  /** Quota management: how often it was preempted, and the latest preempted attempts. */
  preemption?: { count: number; recent: ServiceJobPreemptedAttempt[] };
  /** The reason of a preemption under way (its attempt is being stopped). */
  preempting?: string;
}

export interface ServiceJobRecord extends ServiceJobStored {
  training: TrainingRequest;
  /**
   * The attempt in flight (not stored: a restart ends it), with when and in which order it was
   * scheduled (the scheduler preempts the most recently scheduled first; `order` breaks ties within a
   * millisecond, where the order RUNNING arrives in would be the containers' start latency).
   */
  run?: { handle?: RunningTraining; timer?: TimerHandle; stopReason?: string; scheduledAt: number; order: number };
  /** The jobStateTimeLimitActions timer while blocked in RUNNABLE. */
  limitTimer?: TimerHandle;
  blockedReason?: string;
}

export function serviceJobArn(p: Partition, id: string): string {
  return `arn:aws:batch:${p.region}:${p.account}:service-job/${id}`;
}

export function trainingJobArn(p: Partition, name: string): string {
  return `arn:aws:sagemaker:${p.region}:${p.account}:training-job/${name.toLowerCase()}`;
}

/** A service job's retry strategy as the container jobs' decision reads it (only onStatusReason). */
export function retryPolicyOf(req: SubmitServiceJobRequest): RetryPolicy {
  const r = req.retryStrategy;
  return { attempts: r?.attempts ?? 1, evaluateOnExit: (r?.evaluateOnExit ?? []).map((e) => ({ action: (e.action ?? '') as 'RETRY', onStatusReason: e.onStatusReason })) };
}

export function toStored(job: ServiceJobRecord): ServiceJobStored {
  const { training: _t, run: _r, limitTimer: _l, blockedReason: _b, ...stored } = job;
  return structuredClone(stored);
}
