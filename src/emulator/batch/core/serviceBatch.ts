/**
 * The service side of the engine: service environments, service jobs and quota shares, with their
 * journal entries and snapshot parts. The engine holds one (`engine.services`) and calls it from a
 * few places only (construction, snapshot/restore, job queue deletion), so container jobs and
 * service jobs share queues, events and the journal but not their machinery.
 */
import type { FrontOfQuotaShareJobSummary, FrontOfQuotaSharesDetail, QuotaShareUtilizationDetail } from '@aws-sdk/client-batch';
import type { Partition } from './arns';
import type { EventBus } from './events';
import type { JournalSink } from './journal';
import type { Clock } from './ports';
import type { JobQueues, QueueRecord } from './queues';
import { QuotaShares, type QuotaShareStored } from './quotaShares';
import type { SchedulingPolicies } from './schedulingPolicies';
import { ServiceEnvironments } from './serviceEnvironments';
import { IN_FLIGHT_SERVICE, serviceJobArn, ServiceJobs, TERMINAL_SERVICE } from './serviceJobs';
import { quotaJobOf } from './quotaQueue';
import { shareOrder } from './quotaScheduling';
import type { EngineSnapshot } from './snapshot';

export interface ServiceBatchDeps {
  readonly partition: Partition;
  readonly clock: Clock;
  readonly events: EventBus;
  readonly queues: JobQueues;
  readonly newId: () => string;
  readonly journal?: JournalSink;
  /** To tell quota-managed queues (their policy has quotaSharePolicy) from the others. */
  readonly schedulingPolicies?: SchedulingPolicies;
}

export class ServiceBatch {
  readonly environments: ServiceEnvironments;
  readonly jobs: ServiceJobs;
  readonly quotaShares: QuotaShares;

  constructor(private readonly deps: ServiceBatchDeps) {
    const { partition, journal, queues } = deps;
    this.environments = new ServiceEnvironments(partition);
    this.quotaShares = new QuotaShares(partition);
    queues.serviceEnvironmentArn = (ref) => this.environments.find(ref)?.arn;
    this.jobs = new ServiceJobs({
      partition,
      clock: deps.clock,
      events: deps.events,
      environments: this.environments,
      queue: (ref) => queues.find(ref),
      queues: () => queues.all(),
      newId: deps.newId,
      quotaSharesOf: (queue) => this.quotaSharesOf(queue),
      changed: journal ? (job) => journal.append({ k: 'sj', key: job.id, v: job }) : undefined,
    });
    // A change of limits, sharing or preemption settings can start or preempt jobs: journaled first.
    this.environments.onChange = (name) => {
      journal?.append({ k: 'se', key: name, v: this.environments.stored(name) ?? null });
      this.jobs.requestPass();
    };
    this.quotaShares.onChange = (arn) => {
      journal?.append({ k: 'qs', key: arn, v: this.quotaShares.stored(arn) ?? null });
      this.jobs.requestPass();
    };
  }

  /** The quota shares of a quota-managed queue; undefined when its scheduling policy is not a quota-share one. */
  quotaSharesOf(queue: QueueRecord): readonly QuotaShareStored[] | undefined {
    const arn = queue.detail.schedulingPolicyArn;
    if (!arn || queue.detail.jobQueueType !== 'SAGEMAKER_TRAINING' || !this.deps.schedulingPolicies?.find(arn)?.quotaSharePolicy) return undefined;
    return this.quotaShares.ofQueue(queue.name);
  }

  /**
   * GetJobQueueSnapshot `frontOfQuotaShares` of a quota-managed queue: the first RUNNABLE job of each
   * quota share in the order it would start (undefined for other queues). Jobs do not record when they
   * reached their position: their creation time stands in for `earliestTimeAtPosition`.
   */
  frontOfQuotaShares(queueName: string, now: number): FrontOfQuotaSharesDetail | undefined {
    const queue = this.deps.queues.find(queueName);
    const shares = queue && this.quotaSharesOf(queue);
    if (!shares) return undefined;
    const quotaShares: Record<string, FrontOfQuotaShareJobSummary[]> = {};
    for (const share of shares) {
      const runnable = [...this.jobs.jobs.values()].filter((j) => j.queueName === queueName && j.status === 'RUNNABLE' && j.request.quotaShareName === share.name);
      const [head] = runnable.map(quotaJobOf).sort(shareOrder);
      quotaShares[share.name] = head ? [{ jobArn: serviceJobArn(this.deps.partition, head.id), earliestTimeAtPosition: head.createdAt }] : [];
    }
    return { quotaShares, lastUpdatedAt: now };
  }

  /**
   * GetJobQueueSnapshot `queueUtilization.quotaShareUtilization` of a quota-managed queue: the
   * instances each share's SCHEDULED, STARTING and RUNNING jobs hold, by instance type, the 20 shares
   * holding the most first (undefined for other queues).
   */
  quotaShareUtilization(queueName: string): QuotaShareUtilizationDetail | undefined {
    const queue = this.deps.queues.find(queueName);
    const shares = queue && this.quotaSharesOf(queue);
    if (!shares) return undefined;
    const rows = shares.map((share) => {
      const byType = new Map<string, number>();
      for (const j of this.jobs.jobs.values()) {
        if (j.queueName !== queueName || j.request.quotaShareName !== share.name || !IN_FLIGHT_SERVICE.has(j.status)) continue;
        byType.set(j.training.instanceType, (byType.get(j.training.instanceType) ?? 0) + j.training.instanceCount);
      }
      return { quotaShareName: share.name, capacityUsage: [...byType].map(([capacityUnit, quantity]) => ({ capacityUnit, quantity })), total: [...byType.values()].reduce((a, b) => a + b, 0) };
    });
    rows.sort((a, b) => b.total - a.total || a.quotaShareName.localeCompare(b.quotaShareName));
    return { topCapacityUtilization: rows.slice(0, 20).map(({ quotaShareName, capacityUsage }) => ({ quotaShareName, capacityUsage })) };
  }

  /** Whether a job queue still lists the service environment. */
  environmentInUse(arn: string): boolean {
    return this.deps.queues.all().some((q) => (q.detail.serviceEnvironmentOrder ?? []).some((e) => e.serviceEnvironment === arn));
  }

  /** DeleteJobQueue: its unfinished service jobs end as the container jobs do. */
  queueDeleted(queueName: string): void {
    for (const job of this.jobs.jobs.values()) if (job.queueName === queueName && !TERMINAL_SERVICE.has(job.status)) this.jobs.terminate(job.id, 'Job queue deleted');
    for (const share of this.quotaShares.ofQueue(queueName)) {
      share.detail.state = 'DISABLED';
      this.quotaShares.delete(share.detail.quotaShareArn);
    }
  }

  snapshot(): Pick<EngineSnapshot, 'serviceEnvironments' | 'serviceJobs' | 'quotaShares'> {
    return { serviceEnvironments: this.environments.snapshot(), serviceJobs: this.jobs.snapshot(), quotaShares: this.quotaShares.snapshot() };
  }

  /** Before the queues are restored (they name the environments). */
  restoreEnvironments(snapshot: EngineSnapshot): void {
    this.environments.restore(snapshot.serviceEnvironments);
  }

  /** After the queues; returns what could not be restored. */
  restoreJobs(snapshot: EngineSnapshot): string[] {
    this.quotaShares.restore(snapshot.quotaShares);
    return this.jobs.restore(snapshot.serviceJobs);
  }
}
