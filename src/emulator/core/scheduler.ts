/**
 * The scheduling pass: queues by priority (highest first), each a FIFO of RUNNABLE jobs (by
 * schedulingPriority first when the queue has a scheduling policy); the head
 * starts on the first compute environment (in the queue's order) with free capacity. A head that
 * cannot fit now blocks its queue (FIFO); one that can never fit is set aside with AWS's
 * MISCONFIGURATION reason and never starts. Each pass costs O(queues + jobs started), not O(jobs).
 */
import { ComputeEnvironments, type ComputeEnvironmentRecord } from './computeEnvironments';
import { needOf, type Attempts } from './attempts';
import type { JobRecord } from './jobs';
import type { JobMachine } from './machine';
import type { RuntimeAvailability } from './ports';
import type { JobQueues, QueueRecord } from './queues';

export const MAX_RESOURCE = 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE';
export const JOB_RESOURCE = 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT';

/** Why a job can never run on any compute environment of its queue, or undefined if it can. */
export function neverFitsReason(q: QueueRecord, job: JobRecord): string | undefined {
  if (q.computeEnvironments.length === 0) return undefined;
  const need = needOf(job);
  let vcpuFits = false;
  for (const ce of q.computeEnvironments) {
    const v = need.vcpus <= ce.capacity.vcpus + 1e-9;
    if (v && need.memoryMiB <= ce.capacity.memoryMiB) return undefined;
    vcpuFits ||= v;
  }
  return vcpuFits ? JOB_RESOURCE : MAX_RESOURCE;
}

/** Queues a RUNNABLE job; a queue with a scheduling policy orders by schedulingPriority. */
export function pushRunnable(job: JobRecord): void {
  const q = job.plan.queue;
  q.runnable.push(job, q.detail.schedulingPolicyArn ? (job.plan.schedulingPriority ?? 0) : 0);
}

export class Scheduler {
  private queued = false;

  constructor(
    private readonly queues: JobQueues,
    private readonly machine: JobMachine,
    private readonly attempts: Attempts,
    /** The runtime's engine: while it is unreachable nothing starts (see holdAll). */
    private readonly runtime?: RuntimeAvailability,
  ) {
    runtime?.onChange((up) => (up ? this.releaseAll() : this.holdAll()));
  }

  /** Puts a job in RUNNABLE at the tail of its queue. */
  enqueue(job: JobRecord): void {
    this.machine.setStatus(job, 'RUNNABLE');
    pushRunnable(job);
    if (this.runtime?.available === false) job.statusReason = this.runtime.unavailableReason;
    this.requestPass();
  }

  /** The engine went away: every waiting RUNNABLE job says why it does not start. */
  private holdAll(): void {
    const reason = this.runtime!.unavailableReason;
    for (const q of this.queues.all()) {
      for (const job of q.runnable) if (job.status === 'RUNNABLE' && !job.run && !job.blocked) job.statusReason = reason;
    }
  }

  /** The engine is back: the outage reason goes, and the queues move again. */
  private releaseAll(): void {
    const reason = this.runtime!.unavailableReason;
    for (const q of this.queues.all()) {
      for (const job of q.runnable) if (job.statusReason === reason) job.statusReason = undefined;
    }
    this.requestPass();
  }

  /** Runs one pass after the current synchronous work (coalesced). */
  requestPass(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => this.pass());
  }

  /** Gives set-aside jobs another look after capacity or queue configuration changed. */
  recheckBlocked(): void {
    for (const q of this.queues.all()) {
      for (const job of q.blocked) {
        if (neverFitsReason(q, job) === undefined) {
          q.blocked.delete(job);
          job.blocked = false;
          job.statusReason = undefined;
          pushRunnable(job);
        }
      }
    }
    this.requestPass();
  }

  pass(): void {
    this.queued = false;
    this.machine.processIntake();
    for (const q of this.queues.ordered) {
      if (q.detail.status === 'DELETED') continue;
      for (;;) {
        const job = q.runnable.peek();
        if (!job) break;
        if (job.status !== 'RUNNABLE' || job.run) {
          q.runnable.shift();
          continue;
        }
        if (job.cancelReason !== undefined) {
          q.runnable.shift();
          this.machine.fail(job, job.cancelReason, 'cancelled');
          continue;
        }
        const ce = this.pick(q, job);
        if (ce && this.runtime?.available === false) {
          job.statusReason = this.runtime.unavailableReason;
          break;
        }
        if (ce) {
          q.runnable.shift();
          this.attempts.start(job, ce);
          continue;
        }
        const reason = neverFitsReason(q, job);
        if (reason) {
          q.runnable.shift();
          job.blocked = true;
          job.statusReason = reason;
          q.blocked.add(job);
          continue;
        }
        break;
      }
    }
  }

  private pick(q: QueueRecord, job: JobRecord): ComputeEnvironmentRecord | undefined {
    const need = needOf(job);
    for (const ce of q.computeEnvironments) {
      if (ce.usable && ComputeEnvironments.fitsNow(ce, need.vcpus, need.memoryMiB)) return ce;
    }
    return undefined;
  }
}
