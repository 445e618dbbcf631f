/** "Batch Job State Change" events in EventBridge's shape, delivered to local listeners. */
import type { JobDetail } from '@aws-sdk/client-batch';
import type { Partition } from './arns';

export interface JobStateChangeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Batch Job State Change';
  readonly source: 'aws.batch';
  readonly account: string;
  /** ISO 8601. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: JobDetail;
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

  /**
   * Emits one event when someone listens. `detail` is built on first read (from state captured at
   * emission), so listeners that only look at `resources` or serialise later pay nothing extra.
   */
  emit(now: number, jobArn: string, detail: () => JobDetail): void {
    if (this.listeners.size === 0) return;
    let built: JobDetail | undefined;
    if (now !== this.lastNow) {
      this.lastNow = now;
      this.lastIso = new Date(now).toISOString();
    }
    const event: JobStateChangeEvent = {
      version: '0',
      id: `${this.prefix}${(++this.seq).toString(16).padStart(12, '0')}`,
      'detail-type': 'Batch Job State Change',
      source: 'aws.batch',
      account: this.partition.account,
      time: this.lastIso,
      region: this.partition.region,
      resources: [jobArn],
      get detail(): JobDetail {
        return (built ??= detail());
      },
    };
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure must not break the engine.
      }
    }
  }
}
