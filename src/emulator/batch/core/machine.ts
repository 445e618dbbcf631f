/**
 * The job state machine: every status change goes through `setStatus`, which keeps the indexes
 * (queue by status, array summaries), emits the event, and on a terminal status wakes dependents
 * and completes array parents. Dependencies are counters plus a dependents list: O(1) per edge.
 */
import type { Partition } from './arns';
import type { Clock } from './ports';
import type { EventBus } from './events';
import { captureState, jobArnOf, toJobDetail } from './detail';
import { OrderedJobs } from './jobIndex';
import { TERMINAL, type JobRecord, type JobStatus } from './jobs';
import { IllegalTransitionError, isLegalTransition } from './transitions';
import { childAt, parseChildId } from './job-ids';

export const DEPENDENT_FAILED = 'Dependent Job failed';

export interface MachineHooks {
  /** A job became RUNNABLE: queue it and schedule. */
  enqueue(job: JobRecord): void;
  /** Something changed that may let jobs start (runs once per microtask batch). */
  requestPass(): void;
  /** Stop a STARTING/RUNNING attempt (TerminateJob). */
  stopAttempt(job: JobRecord, reason: string): void;
  /** A job changed (status `from` → its current one, or only its fields when `from` is undefined): journal it. */
  changed?(job: JobRecord, from?: JobStatus): void;
}

export class JobMachine {
  /** Top-level jobs by id (array children are reached through their parent). */
  readonly jobs = new Map<string, JobRecord>();
  private intake: JobRecord[] = [];

  constructor(
    private readonly partition: Partition,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly hooks: MachineHooks,
  ) {}

  get(id: string): JobRecord | undefined {
    const top = this.jobs.get(id);
    if (top) return top;
    const child = parseChildId(id);
    return child && childAt(this.jobs.get(child.parentId)?.children, child.index);
  }

  /** Registers a submitted job (and its children); it leaves SUBMITTED on the next pass. */
  add(job: JobRecord): void {
    this.jobs.set(job.id, job);
    this.index(job, undefined, 'SUBMITTED');
    this.intake.push(job);
    if (job.children) for (const c of job.children) this.intake.push(c);
    this.hooks.requestPass();
  }

  /** Takes a restored job as it is (no intake, no event). */
  adopt(job: JobRecord): void {
    this.jobs.set(job.id, job);
    this.index(job, undefined, job.status);
  }

  /** Puts a restored SUBMITTED job back into intake. */
  requeueIntake(job: JobRecord): void {
    this.intake.push(job);
    this.hooks.requestPass();
  }

  /** Re-evaluates a restored PENDING job whose dependencies may be over. */
  recheck(job: JobRecord): void {
    if (job.status === 'PENDING' && (job.waitingOn === 0 || job.dependencyFailed)) this.dependenciesDone(job);
  }

  /** Makes `dependent` wait for `target`. */
  waitFor(dependent: JobRecord, target: JobRecord): void {
    if (target.status === 'SUCCEEDED') return;
    if (target.status === 'FAILED') {
      dependent.dependencyFailed = true;
      return;
    }
    (target.dependents ??= []).push(dependent);
    dependent.waitingOn++;
  }

  /** Moves submitted jobs out of SUBMITTED (PENDING, RUNNABLE, or FAILED for a failed dependency). */
  processIntake(): void {
    while (this.intake.length > 0) {
      const batch = this.intake;
      this.intake = [];
      for (const job of batch) {
        if (job.status !== 'SUBMITTED') continue;
        if (job.children) {
          this.setStatus(job, 'PENDING');
          continue;
        }
        const failed = job.dependencyFailed || job.parent?.dependencyFailed;
        if (failed || job.waitingOn > 0) {
          this.setStatus(job, 'PENDING');
          if (failed) this.failDependent(job);
        } else if (job.cancelReason !== undefined) {
          this.fail(job, job.cancelReason, 'cancelled');
        } else {
          this.hooks.enqueue(job);
        }
      }
    }
  }

  setStatus(job: JobRecord, status: JobStatus, reason?: string): void {
    const old = job.status;
    if (!isLegalTransition(old, status, job.children !== undefined)) throw new IllegalTransitionError(job.id, old, status);
    job.status = status;
    if (reason !== undefined) job.statusReason = reason;
    const now = this.clock.now();
    if (TERMINAL.has(status)) job.stoppedAt = now;
    this.index(job, old, status);
    this.hooks.changed?.(job, old);
    if (job.parent?.startedAt === undefined && status === 'RUNNING' && job.parent) job.parent.startedAt = now;
    if (this.events.active) {
      const state = captureState(job);
      this.events.emit(now, jobArnOf(this.partition, job), () => toJobDetail(this.partition, job, state));
    }
    if (TERMINAL.has(status)) this.onTerminal(job);
  }

  /** Fails a job that has not started (or whose attempt is over) with `reason`. */
  fail(job: JobRecord, reason: string, how?: 'cancelled' | 'terminated'): void {
    if (TERMINAL.has(job.status)) return;
    if (how === 'cancelled') job.isCancelled = true;
    if (how === 'terminated') job.isTerminated = true;
    this.setStatus(job, 'FAILED', reason);
  }

  cancel(job: JobRecord, reason: string): void {
    if (TERMINAL.has(job.status)) return;
    if (job.children) {
      job.cancelReason = reason;
      job.isCancelled = true;
      this.hooks.changed?.(job);
      for (const c of job.children) this.cancel(c, reason);
      return;
    }
    switch (job.status) {
      case 'SUBMITTED':
        job.cancelReason = reason;
        this.fail(job, reason, 'cancelled');
        return;
      case 'PENDING':
        job.cancelReason = reason;
        this.hooks.changed?.(job);
        return;
      case 'RUNNABLE':
        // Failed when it reaches the head of its queue (at once when it is the head that blocks it).
        job.cancelReason = reason;
        this.hooks.changed?.(job);
        this.hooks.requestPass();
        return;
      default:
        // STARTING/RUNNING jobs are not cancelled (TerminateJob stops them); the call still succeeds.
        return;
    }
  }

  terminate(job: JobRecord, reason: string): void {
    if (TERMINAL.has(job.status)) return;
    if (job.children) return this.endChildren(job, reason, 'isTerminated', (c) => this.terminate(c, reason));
    if (job.status === 'STARTING' || job.status === 'RUNNING') return this.stopStarted(job, reason);
    // A job that has not started is cancelled (TerminateJob API reference), with CancelJob's timing:
    // a PENDING job when its dependencies finish, a RUNNABLE one at the head of its queue.
    this.cancel(job, reason);
  }

  /** Fails a not-started job now (queue deleted, emulator told to terminate everything). */
  failNow(job: JobRecord, reason: string): void {
    if (TERMINAL.has(job.status)) return;
    if (job.children) return this.endChildren(job, reason, 'isCancelled', (c) => this.failNow(c, reason));
    if (job.status === 'STARTING' || job.status === 'RUNNING') return this.stopStarted(job, reason);
    job.cancelReason = reason;
    this.fail(job, reason, 'cancelled');
  }

  /** An array parent: marked (terminated or cancelled) with the reason, then each child ended the same way. */
  private endChildren(job: JobRecord, reason: string, flag: 'isTerminated' | 'isCancelled', end: (child: JobRecord) => void): void {
    job.cancelReason = reason;
    job[flag] = true;
    this.hooks.changed?.(job);
    for (const c of job.children ?? []) end(c);
  }

  /** A started job: marked terminated (its first reason kept) and its attempt stopped; it ends when its containers do. */
  private stopStarted(job: JobRecord, reason: string): void {
    job.isTerminated = true;
    job.cancelReason ??= reason;
    this.hooks.changed?.(job);
    this.hooks.stopAttempt(job, reason);
  }

  /** Journals a job whose fields changed while its status stayed (e.g. its attempt was interrupted). */
  touched(job: JobRecord): void {
    this.hooks.changed?.(job);
  }

  /** Emits a state-change event for a reason that changed while the status stayed (RUNNABLE). */
  announce(job: JobRecord): void {
    if (!this.events.active) return;
    const state = captureState(job);
    this.events.emit(this.clock.now(), jobArnOf(this.partition, job), () => toJobDetail(this.partition, job, state));
  }

  /** "Batch Job Queue Blocked" for the job at the head of its queue. */
  announceQueueBlocked(job: JobRecord): void {
    if (!this.events.active) return;
    const state = captureState(job);
    this.events.emitQueueBlocked(this.clock.now(), jobArnOf(this.partition, job), job.plan.queue.arn, () => toJobDetail(this.partition, job, state));
  }

  private onTerminal(job: JobRecord): void {
    const dependents = job.dependents;
    job.dependents = undefined;
    if (dependents) {
      for (const d of dependents) {
        d.waitingOn--;
        if (job.status === 'FAILED') d.dependencyFailed = true;
        if (d.waitingOn === 0 || job.status === 'FAILED') this.dependenciesDone(d);
      }
    }
    const parent = job.parent;
    if (parent?.children) {
      parent.childrenDone = (parent.childrenDone ?? 0) + 1;
      if (job.status === 'FAILED') parent.childrenFailed = (parent.childrenFailed ?? 0) + 1;
      if (parent.childrenDone === parent.children.length) {
        this.setStatus(parent, (parent.childrenFailed ?? 0) > 0 ? 'FAILED' : 'SUCCEEDED', parent.cancelReason);
      }
    }
  }

  /** All of a job's dependencies have finished (or one failed). */
  private dependenciesDone(job: JobRecord): void {
    // Only a PENDING job waits on dependencies: a SUBMITTED one is resolved at intake, a cancelled
    // one has ended, and an array parent stays PENDING until its own dependencies are done.
    if (job.status !== 'PENDING') return;
    if (job.children) {
      // An array parent's own dependencies gate every child (a child sees the parent's failure
      // through job.parent, below).
      for (const c of job.children) {
        c.waitingOn--;
        if (c.waitingOn === 0 || job.dependencyFailed) this.dependenciesDone(c);
      }
      return;
    }
    if (job.dependencyFailed || job.parent?.dependencyFailed) this.failDependent(job);
    else if (job.cancelReason !== undefined) this.fail(job, job.cancelReason, 'cancelled');
    else this.hooks.enqueue(job);
  }

  private failDependent(job: JobRecord): void {
    if (job.cancelReason !== undefined) this.fail(job, job.cancelReason, 'cancelled');
    else this.fail(job, DEPENDENT_FAILED);
  }

  private index(job: JobRecord, old: JobStatus | undefined, status: JobStatus): void {
    const parent = job.parent;
    if (parent) {
      const s = parent.summary!;
      if (old) s[old]--;
      s[status]++;
      parent.summaryUpdatedAt = this.clock.now();
      return;
    }
    const byStatus = job.plan.queue.byStatus;
    if (old) byStatus.get(old)?.delete(job);
    let set = byStatus.get(status);
    if (!set) byStatus.set(status, (set = new OrderedJobs()));
    set.add(job);
  }
}
