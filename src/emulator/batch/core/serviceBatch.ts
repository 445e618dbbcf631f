/**
 * The service side of the engine: service environments, service jobs and quota shares, with their
 * journal entries and snapshot parts. The engine holds one (`engine.services`) and calls it from a
 * few places only (construction, snapshot/restore, job queue deletion), so container jobs and
 * service jobs share queues, events and the journal but not their machinery.
 */
import type { Partition } from './arns';
import type { EventBus } from './events';
import type { JournalSink } from './journal';
import type { Clock } from './ports';
import type { JobQueues } from './queues';
import { QuotaShares } from './quotaShares';
import { ServiceEnvironments } from './serviceEnvironments';
import { ServiceJobs, TERMINAL_SERVICE } from './serviceJobs';
import type { EngineSnapshot } from './snapshot';

export interface ServiceBatchDeps {
  readonly partition: Partition;
  readonly clock: Clock;
  readonly events: EventBus;
  readonly queues: JobQueues;
  readonly newId: () => string;
  readonly journal?: JournalSink;
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
      changed: journal ? (job) => journal.append({ k: 'sj', key: job.id, v: job }) : undefined,
    });
    if (journal) {
      this.environments.onChange = (name) => journal.append({ k: 'se', key: name, v: this.environments.stored(name) ?? null });
      this.quotaShares.onChange = (arn) => journal.append({ k: 'qs', key: arn, v: this.quotaShares.stored(arn) ?? null });
    }
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
