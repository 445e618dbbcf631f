/**
 * "Batch Job State Change" and "Batch Job Queue Blocked" events in EventBridge's shape, delivered to
 * local listeners. A queue-blocked event names the job and its queue in `resources`, and its detail
 * is the blocking job's JobDetail (RUNNABLE, with the blocking reason as statusReason).
 */
import type { JobDetail } from '@aws-sdk/client-batch';
import type { Partition } from './arns';

export type BatchEventType = 'Batch Job State Change' | 'Batch Job Queue Blocked' | 'Batch Service Job State Change' | 'Batch Service Job Queue Blocked';

export interface JobStateChangeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': BatchEventType;
  readonly source: 'aws.batch';
  readonly account: string;
  /** ISO 8601. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: JobDetail;
}

/**
 * An event whose detail is built on first read, from the state captured at emission, so listeners
 * that only route on `resources` pay nothing for it. `toJSON` gives the plain EventBridge object.
 */
class LazyJobEvent implements JobStateChangeEvent {
  readonly version = '0';
  readonly source = 'aws.batch';
  readonly 'detail-type': BatchEventType;
  private built?: JobDetail;

  constructor(
    type: BatchEventType,
    readonly id: string,
    readonly account: string,
    readonly region: string,
    readonly time: string,
    readonly resources: readonly string[],
    private readonly build: () => JobDetail,
  ) {
    this['detail-type'] = type;
  }

  get detail(): JobDetail {
    return (this.built ??= this.build());
  }

  toJSON(): object {
    return {
      version: this.version,
      id: this.id,
      'detail-type': this['detail-type'],
      source: this.source,
      account: this.account,
      time: this.time,
      region: this.region,
      resources: this.resources,
      detail: this.detail,
    };
  }
}

export type JobEventListener = (event: JobStateChangeEvent) => void;

export class EventBus {
  private readonly listeners = new Set<JobEventListener>();
  private seq = 0;
  private lastNow = NaN;
  private lastIso = '';
  private readonly prefix = globalThis.crypto.randomUUID().slice(0, 24);

  constructor(private readonly partition: Partition) {}

  get active(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: JobEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Emits one event when someone listens; `detail` runs on the event's first read of its detail. */
  emit(now: number, jobArn: string, detail: () => JobDetail): void {
    this.send('Batch Job State Change', now, [jobArn], detail);
  }

  /** "Batch Job Queue Blocked": the job at the head of `queueArn` cannot be placed. */
  emitQueueBlocked(now: number, jobArn: string, queueArn: string, detail: () => JobDetail): void {
    this.send('Batch Job Queue Blocked', now, [jobArn, queueArn], detail);
  }

  /** Service-job events (serviceJobs.ts): the detail is DescribeServiceJob's answer, not a JobDetail. */
  emitRaw(type: BatchEventType, now: number, resources: readonly string[], detail: () => object): void {
    this.send(type, now, resources, detail as () => JobDetail);
  }

  private send(type: BatchEventType, now: number, resources: readonly string[], detail: () => JobDetail): void {
    if (this.listeners.size === 0) return;
    if (now !== this.lastNow) {
      this.lastNow = now;
      this.lastIso = new Date(now).toISOString();
    }
    const id = `${this.prefix}${(++this.seq).toString(16).padStart(12, '0')}`;
    const event = new LazyJobEvent(type, id, this.partition.account, this.partition.region, this.lastIso, resources, detail);
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure must not break the engine.
      }
    }
  }
}
