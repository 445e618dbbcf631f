/**
 * The scheduling pass: queues by priority (highest first); in each, the job first in line (FIFO,
 * or by share and schedulingPriority on a fair-share queue, see fairShare.ts) starts on the first
 * compute environment, in the queue's order, with free capacity. A head that cannot start now holds
 * its queue. A head that can never start blocks its queue, as on AWS: its statusReason says why
 * (placement.ts), a "Batch Job Queue Blocked" event goes out, and only cancelling it (by hand, or by
 * a jobStateTimeLimitActions entry after maxTimeSeconds) or changing the compute environments lets
 * the jobs behind it advance. A head that needs consumable resources waits for them (see
 * consumableResources.ts). Each pass costs O(queues + jobs started), not O(jobs).
 */
import type { FairsharePolicy } from '@aws-sdk/client-batch';
import { ComputeEnvironments, type ComputeEnvironmentRecord } from './computeEnvironments';
import type { Attempts } from './attempts';
import type { ConsumableResources } from './consumableResources';
import { FairShare, shareOf } from './fairShare';
import type { JobRecord } from './jobs';
import type { JobMachine } from './machine';
import { BLOCKED_MESSAGES, needOf, neverFitsReason, timeLimitCancelReason, type BlockedReason } from './placement';
import type { Clock, RuntimeAvailability } from './ports';
import type { JobQueues, QueueRecord } from './queues';
import type { SchedulingPolicies } from './schedulingPolicies';

export { JOB_RESOURCE, MAX_RESOURCE, neverFitsReason } from './placement';

/** Queues a RUNNABLE job; a queue with a scheduling policy orders by share and schedulingPriority. */
export function pushRunnable(job: JobRecord): void {
  const q = job.plan.queue;
  if (q.detail.schedulingPolicyArn) q.runnable.push(job, job.plan.schedulingPriority ?? 0, shareOf(job));
  else q.runnable.push(job);
}

export class Scheduler {
  private queued = false;
  private readonly fairShare = new FairShare();
  private stopped = false;
  private paused = false;

  constructor(
    private readonly queues: JobQueues,
    private readonly machine: JobMachine,
    private readonly attempts: Attempts,
    private readonly clock: Clock,
    private readonly policies: SchedulingPolicies,
    private readonly consumables: ConsumableResources,
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
      for (const job of q.runnable) if (job.status === 'RUNNABLE' && !job.run && job.blockedReason === undefined) job.statusReason = reason;
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

  /** No pass runs any more (the engine was detached). */
  stop(): void {
    this.stopped = true;
    // Time-limit actions are armed on real timers: a stopped emulator must not be kept alive by them.
    for (const q of this.queues.all()) for (const job of q.runnable) this.clearTimeLimit(job);
  }

  private clearTimeLimit(job: JobRecord): void {
    if (job.blockTimer) this.clock.clearTimer(job.blockTimer.handle);
    job.blockTimer = undefined;
  }

  /** Holds passes (while restored attempts are reconciled) until `resume()`. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.requestPass();
  }

  /** Runs one pass after the current synchronous work (coalesced). */
  requestPass(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => this.pass());
  }

  /** Capacity or queue configuration changed: blocked heads get another look on the next pass. */
  recheckBlocked(): void {
    this.requestPass();
  }

  pass(): void {
    this.queued = false;
    if (this.stopped || this.paused) return;
    this.machine.processIntake();
    for (const q of this.queues.ordered) {
      if (q.detail.status === 'DELETED') continue;
      const policy = this.policyOf(q);
      for (;;) {
        const usage = policy ? this.fairShare.usage(q, policy, this.clock.now()) : undefined;
        const job = usage ? this.fairShare.choose(q.runnable.heads(), usage, policy) : q.runnable.peek();
        if (!job) break;
        if (job.cancelReason !== undefined) {
          this.unblock(job);
          this.machine.fail(job, job.cancelReason, 'cancelled');
          continue;
        }
        const reason = neverFitsReason(q, job);
        if (reason) {
          this.block(q, job, reason);
          break;
        }
        if (usage && !this.fairShare.reservationAllows(q, policy, job, usage, this.clock.now())) {
          this.unblock(job, true);
          break;
        }
        const ce = this.consumables.available(job) ? this.pick(q, job) : undefined;
        if (!ce) {
          this.unblock(job, true);
          break;
        }
        if (this.runtime?.available === false) {
          // The engine is unreachable: the head waits with the outage as its reason.
          this.unblock(job);
          job.statusReason = this.runtime.unavailableReason;
          break;
        }
        this.unblock(job);
        this.consumables.lock(job);
        this.attempts.start(job, ce);
        if (usage) this.fairShare.started(q, job, this.clock.now());
      }
    }
  }

  /** An attempt re-attached after a restart counts towards its share's usage from its original start. */
  adopted(job: JobRecord, startedAt: number): void {
    const q = job.plan.queue;
    if (this.policyOf(q)) this.fairShare.started(q, job, startedAt);
  }

  private policyOf(q: QueueRecord): FairsharePolicy | undefined {
    const arn = q.detail.schedulingPolicyArn;
    if (!arn) return undefined;
    return this.policies.describe([arn])[0]?.fairsharePolicy ?? {};
  }

  /** The head can never start: say why (once), tell listeners, arm the queue's time-limit action. */
  private block(q: QueueRecord, job: JobRecord, reason: BlockedReason): void {
    if (job.blockedReason !== reason) {
      this.unblock(job);
      job.blockedReason = reason;
      job.blockedSince = this.clock.now();
      job.statusReason = BLOCKED_MESSAGES[reason];
      this.machine.announce(job);
      this.machine.announceQueueBlocked(job);
    }
    this.armTimeLimit(q, job, reason);
  }

  private armTimeLimit(q: QueueRecord, job: JobRecord, reason: BlockedReason): void {
    const action = (q.detail.jobStateTimeLimitActions ?? []).find((a) => a.state === 'RUNNABLE' && a.action === 'CANCEL' && a.reason === reason);
    const dueAt = action?.maxTimeSeconds !== undefined ? (job.blockedSince ?? this.clock.now()) + action.maxTimeSeconds * 1000 : undefined;
    if (job.blockTimer && job.blockTimer.dueAt === dueAt) return;
    if (job.blockTimer) this.clock.clearTimer(job.blockTimer.handle);
    job.blockTimer = undefined;
    if (dueAt === undefined) return;
    const handle = this.clock.setTimer(Math.max(0, dueAt - this.clock.now()), () => {
      job.blockTimer = undefined;
      if (this.stopped || job.status !== 'RUNNABLE' || job.blockedReason !== reason) return;
      job.cancelReason = timeLimitCancelReason(reason);
      this.requestPass();
    });
    job.blockTimer = { handle, dueAt };
  }

  /** The job no longer blocks its queue (it starts, waits for capacity, or leaves). */
  private unblock(job: JobRecord, announce = false): void {
    if (job.blockedReason === undefined) return;
    job.blockedReason = undefined;
    job.blockedSince = undefined;
    if (job.blockTimer) this.clock.clearTimer(job.blockTimer.handle);
    job.blockTimer = undefined;
    job.statusReason = undefined;
    if (announce) this.machine.announce(job);
  }

  private pick(q: QueueRecord, job: JobRecord): ComputeEnvironmentRecord | undefined {
    const need = needOf(job);
    for (const ce of q.computeEnvironments) {
      if (ce.usable && ComputeEnvironments.fitsNow(ce, need)) return ce;
    }
    return undefined;
  }
}
