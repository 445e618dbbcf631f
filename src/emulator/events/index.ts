/**
 * The EventBridge service as the composition root uses it: the core, its journals
 * (`<state>/events/rules.jsonl`, and `retries.jsonl` for deliveries waiting to be tried again),
 * the schedule runner for rules with a ScheduleExpression, and the edge service. Events from other services come in through `publish` (subscribed in the
 * composition root).
 */
import type { Clock } from '../batch/core/ports';
import type { EdgeService } from '../edge/service';
import { RecordJournal } from '../store/record-journal';
import { parseSchedule } from '../scheduler/core/expression';
import { ScheduleRunner } from '../scheduler/core/runner';
import { eventsService } from './api';
import { EventsCore } from './core/bus';
import type { DeliveryRecord, PendingDelivery } from './core/delivery';
import type { RuleRecord } from './core/rules';
import { targetPort, type TargetServices } from './targets';

export interface EventsServiceOptions {
  /** Where the journal lives (`<state>/events`); undefined keeps rules in memory only. */
  readonly dir?: string;
  readonly clock: Clock;
  readonly account: string;
  readonly region: string;
  readonly targets: Omit<TargetServices, 'now'>;
  readonly log?: (line: string) => void;
  readonly onDelivery?: (r: DeliveryRecord) => void;
}

export class EventsService {
  readonly edge: EdgeService;
  /** localbatch's own operations (list with next times, fire now), set by the composition root. */
  readonly localOperations: Record<string, (input: Record<string, unknown>) => unknown> = {};

  private constructor(
    readonly core: EventsCore,
    readonly schedules: ScheduleRunner,
    private readonly journal: RecordJournal<RuleRecord> | undefined,
    private readonly retries: RecordJournal<PendingDelivery> | undefined,
    targetsCommitted: () => Promise<void>,
  ) {
    // A PutEvents answers once its rules' retries are journaled too (with what its targets did).
    this.edge = eventsService(core, () => this.committed(), this.localOperations, async () => {
      await targetsCommitted();
      await retries?.committed();
    });
  }

  static async open(o: EventsServiceOptions): Promise<EventsService> {
    const journal = o.dir ? await RecordJournal.open<RuleRecord>(o.dir, 'rules') : undefined;
    const retries = o.dir ? await RecordJournal.open<PendingDelivery>(o.dir, 'retries') : undefined;
    for (const p of [...(journal?.problems ?? []), ...(retries?.problems ?? [])]) o.log?.(`localbatch events: ${p}`);
    const schedules = new ScheduleRunner(o.clock, Math.random);
    let core: EventsCore | undefined = undefined;
    const onSchedule = (rule: RuleRecord | undefined, name: string): void => {
      if (!rule || rule.State === 'DISABLED' || !rule.ScheduleExpression) {
        schedules.set(name, undefined);
        return;
      }
      schedules.set(name, {
        schedule: parseSchedule(rule.ScheduleExpression),
        // Rates count from the rule's creation, also after a restart (journaled rules keep CreatedAt).
        anchor: rule.CreatedAt ?? o.clock.now(),
        fire: () => core?.fireRule(name),
      });
    };
    core = new EventsCore({
      clock: o.clock,
      account: o.account,
      region: o.region,
      targets: targetPort({ ...o.targets, now: () => o.clock.now() }),
      onChange: (name, record) => (record ? journal?.put(name, record) : journal?.delete(name)),
      onSchedule,
      ...(retries ? { pending: retries } : {}),
      onDelivery: (r) => {
        if (r.status === 'failed') o.log?.(`localbatch events: rule ${r.rule} could not deliver event ${r.eventId} to ${r.targetArn} after ${r.attempts} attempt(s): ${r.detail ?? ''}`);
        o.onDelivery?.(r);
      },
    });
    for (const record of journal?.values() ?? []) {
      try {
        core.restore(record);
      } catch (err) {
        o.log?.(`localbatch events: rule ${record.Name} could not be restored (${err instanceof Error ? err.message : String(err)}); skipped`);
      }
    }
    return new EventsService(core, schedules, journal, retries, () => o.targets.committed?.() ?? Promise.resolve());
  }

  /** An event from another service (Batch job state changes, S3 object events). */
  publish(event: object): void {
    const plain = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
    // EventBridge's `time` has whole seconds (2026-01-01T12:00:00Z); a producer's may have milliseconds.
    if (typeof plain.time === 'string') plain.time = plain.time.replace(/\.\d+Z$/, 'Z');
    this.core.publish(plain);
  }

  /**
   * Takes back the deliveries that were waiting for a retry when the server stopped (tried again
   * when due); called once every target is wired. Returns how many.
   */
  resumeRetries(): number {
    return this.retries ? this.core.deliveries.resume(this.retries.records.entries()) : 0;
  }

  async committed(): Promise<void> {
    await this.journal?.committed();
    await this.retries?.committed();
  }

  async close(): Promise<void> {
    this.schedules.stop();
    this.core.deliveries.stop();
    await this.journal?.close();
    await this.retries?.close();
  }
}
