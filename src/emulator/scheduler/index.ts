/**
 * The Scheduler service as the composition root uses it: the core, its journal
 * (`<state>/scheduler/schedules.jsonl`), delivery with the target's RetryPolicy (the events
 * service's Deliveries), and the edge service. Targets: the universal targets
 * `arn:aws:scheduler:::aws-sdk:batch:submitJob` (Input: a SubmitJob request) and
 * `arn:aws:scheduler:::aws-sdk:sfn:startExecution`, and the templated Step Functions and SNS targets.
 */
import type { SubmitJobRequest } from '@aws-sdk/client-batch';
import type { Clock } from '../batch/core/ports';
import type { EdgeService } from '../edge/service';
import { Deliveries, DeliveryError, type PendingDelivery, type TargetPort } from '../events/core/delivery';
import { lowerFirst, type TargetServices } from '../events/targets';
import { RecordJournal } from '../store/record-journal';
import { schedulerService } from './api';
import type { ScheduleRunner } from './core/runner';
import { SchedulerCore, type ScheduleRecord } from './core/schedules';

export interface SchedulerServiceOptions {
  readonly dir?: string;
  readonly clock: Clock;
  readonly runner: ScheduleRunner;
  readonly account: string;
  readonly region: string;
  readonly targets: Omit<TargetServices, 'now'>;
  readonly log?: (line: string) => void;
}

function parsed(input: string | undefined): Record<string, unknown> {
  try {
    const v = JSON.parse(input ?? '{}') as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new DeliveryError('the target Input is not a JSON object', false);
}

export function scheduleTargetPort(s: Omit<TargetServices, 'now'>): TargetPort {
  return {
    async deliver(target, input) {
      const arn = target.Arn ?? '';
      if (arn === 'arn:aws:scheduler:::aws-sdk:batch:submitJob') {
        if (!s.submitJob) throw new DeliveryError('Batch is not available', false);
        try {
          const r = s.submitJob(lowerFirst(parsed(input)) as SubmitJobRequest);
          return `submitted job ${r.jobName ?? ''} ${r.jobId ?? ''}`.trim();
        } catch (err) {
          if (err instanceof DeliveryError) throw err;
          throw new DeliveryError(`SubmitJob failed: ${err instanceof Error ? err.message : String(err)}`, !(err instanceof Error && err.name === 'ClientException'));
        }
      }
      const sfnUniversal = arn === 'arn:aws:scheduler:::aws-sdk:sfn:startExecution';
      if (sfnUniversal || /^arn:aws[a-z-]*:states:[^:]+:\d{12}:stateMachine:/.test(arn)) {
        if (!s.startExecution) throw new DeliveryError('Step Functions targets are not wired in this emulator yet', false);
        const body = sfnUniversal ? parsed(input) : undefined;
        const machine = sfnUniversal ? String(body!.StateMachineArn ?? '') : arn;
        const execInput = sfnUniversal ? (typeof body!.Input === 'string' ? body!.Input : JSON.stringify(body!.Input ?? {})) : (input ?? '{}');
        return `started execution ${await s.startExecution(machine, execInput, sfnUniversal && typeof body!.Name === 'string' ? body!.Name : undefined)}`;
      }
      if (/^arn:aws[a-z-]*:sns:/.test(arn)) {
        if (!s.publishSns) throw new DeliveryError('SNS is not available', false);
        return `published message ${await s.publishSns(arn, input ?? '')}`;
      }
      throw new DeliveryError(`localbatch's Scheduler cannot invoke ${arn}; it invokes aws-sdk:batch:submitJob, aws-sdk:sfn:startExecution, state machines and SNS topics`, false);
    },
  };
}

export class SchedulerService {
  readonly edge: EdgeService;

  private constructor(
    readonly core: SchedulerCore,
    readonly deliveries: Deliveries,
    private readonly journal: RecordJournal<ScheduleRecord> | undefined,
    private readonly retries: RecordJournal<PendingDelivery> | undefined,
  ) {
    this.edge = schedulerService(core, () => journal?.committed() ?? Promise.resolve());
  }

  static async open(o: SchedulerServiceOptions): Promise<SchedulerService> {
    const journal = o.dir ? await RecordJournal.open<ScheduleRecord>(o.dir, 'schedules') : undefined;
    const retries = o.dir ? await RecordJournal.open<PendingDelivery>(o.dir, 'retries') : undefined;
    for (const p of [...(journal?.problems ?? []), ...(retries?.problems ?? [])]) o.log?.(`localbatch scheduler: ${p}`);
    const deliveries = new Deliveries(o.clock, scheduleTargetPort(o.targets), (r) => {
      if (r.status === 'failed') o.log?.(`localbatch scheduler: schedule ${r.rule} could not invoke ${r.targetArn} after ${r.attempts} attempt(s): ${r.detail ?? ''}`);
    }, retries);
    const core = new SchedulerCore({
      clock: o.clock,
      runner: o.runner,
      account: o.account,
      region: o.region,
      onChange: (k, r) => (r ? journal?.put(k, r) : journal?.delete(k)),
      fire: (s) => {
        const event = { id: `${s.Arn}#${o.clock.now()}` };
        void deliveries.send({ Id: s.Name, Arn: s.Target.Arn, RetryPolicy: s.Target.RetryPolicy, DeadLetterConfig: s.Target.DeadLetterConfig }, s.Target.Input ?? '', { ruleName: s.Name, ruleArn: s.Arn, event });
      },
    });
    for (const r of journal?.values() ?? []) {
      try {
        core.restore(r);
      } catch (err) {
        o.log?.(`localbatch scheduler: schedule ${r.Name} could not be restored (${err instanceof Error ? err.message : String(err)}); skipped`);
      }
    }
    return new SchedulerService(core, deliveries, journal, retries);
  }

  /** Takes back the invocations that were waiting for a retry (see EventsService.resumeRetries). */
  resumeRetries(): number {
    return this.retries ? this.deliveries.resume(this.retries.records.entries()) : 0;
  }

  async close(): Promise<void> {
    this.deliveries.stop();
    await this.journal?.close();
    await this.retries?.close();
  }
}
