/**
 * Composition root for the event-driven services (EventBridge; Scheduler and SNS join here): each
 * opened with its journal under `<state>/<service>/`, their edge services for startApiServer, and
 * the wiring between them and Batch: the engine's job events flow into EventBridge, Batch targets
 * submit through the engine's public submitJob, Logs targets append to the local log store.
 *
 * For the lead: S3 events come in through `pipeline.events.publish(event)` (subscribe S3's bus to
 * it); Step Functions targets go out through `setStartExecution(fn)`.
 */
import { join } from 'node:path';
import type { SubmitJobRequest } from '@aws-sdk/client-batch';
import { systemClock } from './clock/clock';
import type { EventSource } from './edge/events';
import type { EdgeService } from './edge/service';
import { batchHandlers } from './batch/api';
import { EventsService } from './events';
import { EventsError } from './events/core/bus';
import type { EmulatorHost } from './host';
import { SchedulerService } from './scheduler';
import { SnsService } from './sns';
import { ScheduleRunner } from './scheduler/core/runner';

export interface PipelineOptions {
  readonly accountId: string;
  readonly region: string;
  /** Keep definitions in the state directory (false: memory only). */
  readonly persist: boolean;
  readonly log: (line: string) => void;
}

export interface PipelineServices {
  readonly events: EventsService;
  readonly scheduler: SchedulerService;
  readonly sns: SnsService;
  /** The server's URL once it listens (for SNS's SubscribeURL). */
  setEndpointUrl(url: string): void;
  readonly edgeServices: readonly EdgeService[];
  /**
   * localbatch's own endpoints for the editor (`POST /localbatch/v1/<name>`): `sns-messages`
   * ({TopicArn?}) answers the messages published since the emulator started, newest first.
   */
  readonly localEndpoints: Readonly<Record<string, (input: Record<string, unknown>) => unknown>>;
  /** Wires Step Functions targets (rules and schedules): resolves to the execution ARN. */
  setStartExecution(fn: (stateMachineArn: string, input: string, name?: string) => Promise<string> | string): void;
  /** Takes back the rules' and schedules' deliveries that were waiting for a retry; call once every target is wired. */
  resumeRetries(): void;
  close(): Promise<void>;
}

export async function startPipelineServices(host: EmulatorHost, o: PipelineOptions): Promise<PipelineServices> {
  const clock = systemClock();
  let startExecution: ((arn: string, input: string, name?: string) => Promise<string> | string) | undefined;
  let endpointUrl: string | undefined;
  const sns = await SnsService.open({ dir: o.persist ? join(host.stateDir, 'sns') : undefined, clock, account: o.accountId, region: o.region, endpointUrl: () => endpointUrl ?? 'http://127.0.0.1', log: o.log });
  const batchApi = batchHandlers(host.engine);
  const targets = {
    // A rule or schedule that publishes is done once the message's http(s) deliveries are journaled.
    publishSns: async (topicArn: string, message: string, subject?: string) => {
      const id = sns.publish(topicArn, message, subject);
      await sns.committed();
      return id;
    },
    // Through the Batch API's handler: the model's type checks and the resource values, as a SubmitJob call gets them.
    submitJob: (req: SubmitJobRequest) => batchApi.SubmitJob!(req as unknown as Record<string, unknown>) as ReturnType<typeof host.engine.submitJob>,
    // A PutEvents that submitted jobs answers once they are journaled (acknowledged means durable).
    committed: () => host.committed(),
    putLogEvents: (group: string, stream: string, evs: ReadonlyArray<{ timestamp: number; message: string }>) => host.logs.append(stream, evs, group),
    startExecution: (arn: string, input: string, name?: string) => {
      if (!startExecution) throw new Error('Step Functions is not available in this emulator yet');
      return startExecution(arn, input, name);
    },
  };
  const events = await EventsService.open({
    dir: o.persist ? join(host.stateDir, 'events') : undefined,
    clock,
    account: o.accountId,
    region: o.region,
    log: o.log,
    targets,
  });
  const scheduleRunner = new ScheduleRunner(clock, Math.random);
  const scheduler = await SchedulerService.open({
    dir: o.persist ? join(host.stateDir, 'scheduler') : undefined,
    clock,
    runner: scheduleRunner,
    account: o.accountId,
    region: o.region,
    log: o.log,
    targets,
  }).catch(async (err: unknown) => {
    await events.close();
    await sns.close();
    throw err;
  });
  const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
  events.localOperations.LocalbatchList = () => ({
    Rules: events.core.rules.all().map((r) => ({ Name: r.record.Name, State: r.record.State, EventPattern: r.record.EventPattern, ScheduleExpression: r.record.ScheduleExpression, Next: iso(events.schedules.next(r.record.Name)), Targets: r.record.Targets.map((t) => t.Arn), LastDeliveries: events.core.deliveries.of(r.record.Name).slice(0, 5) })),
    Schedules: scheduler.core.all().map((s) => ({ Name: s.Name, State: s.State, ScheduleExpression: s.ScheduleExpression, Timezone: s.ScheduleExpressionTimezone, Next: iso(scheduler.core.next(s)), Target: s.Target.Arn, LastDeliveries: scheduler.deliveries.of(s.Name).slice(0, 5) })),
  });
  events.localOperations.LocalbatchFire = (input) => {
    const name = typeof input.Name === 'string' ? input.Name : '';
    if (events.core.rules.get(name)) {
      events.core.fireRule(name);
      return { Fired: 'rule', Name: name };
    }
    if (!scheduler.core.all().some((s) => s.Name === name)) throw new EventsError('ResourceNotFoundException', `No rule or schedule is named ${name}; see localbatch events list.`);
    scheduler.core.fireNow(name);
    return { Fired: 'schedule', Name: name };
  };
  // "Batch Job State Change" / "Batch Job Queue Blocked" events reach EventBridge rules.
  const unsubscribe = host.engine.subscribe((e) => events.publish(e));
  const recent = new RecentMessages();
  const unsubscribeSns = sns.subscribe((e) => recent.add(e.detail as PublishedMessage, e.time));
  return {
    events,
    scheduler,
    sns,
    setEndpointUrl: (url) => {
      const first = endpointUrl === undefined;
      endpointUrl = url;
      // SNS's unfinished http(s) deliveries carry the endpoint's URL: they resume once it is known.
      const n = first ? sns.resumeDeliveries() : 0;
      if (n > 0) o.log?.(`localbatch sns: ${n} http(s) deliver${n === 1 ? 'y' : 'ies'} left unfinished when the server stopped will be tried when due`);
    },
    edgeServices: [events.edge, scheduler.edge, sns.edge],
    localEndpoints: {
      'sns-messages': (input) => ({ Messages: recent.list(typeof input.TopicArn === 'string' ? input.TopicArn : undefined) }),
    },
    setStartExecution: (fn) => {
      startExecution = fn;
    },
    resumeRetries: () => {
      const n = events.resumeRetries() + scheduler.resumeRetries();
      if (n > 0) o.log?.(`localbatch events: ${n} deliver${n === 1 ? 'y' : 'ies'} that waited for a retry when the server stopped will be tried again when due`);
    },
    async close() {
      unsubscribe();
      unsubscribeSns();
      scheduleRunner.stop();
      await scheduler.close();
      await events.close();
      await sns.close();
    },
  };
}

/** The `/localbatch/v1/events` stream's source: the engine's job events and SNS's published messages. */
export function localEvents(host: EmulatorHost, pipeline: PipelineServices): EventSource {
  return {
    subscribe(listener) {
      const a = host.engine.subscribe(listener);
      const b = pipeline.sns.subscribe(listener);
      return () => {
        a();
        b();
      };
    },
  };
}

/** A message SNS published (the detail of its local "SNS Notification" event). */
export interface PublishedMessage {
  readonly TopicArn: string;
  readonly MessageId: string;
  readonly Subject?: string;
  readonly Message: string;
  /** ISO 8601. */
  readonly Timestamp?: string;
}

/** The last messages of each topic, newest first, in memory (for the editor's Topics view). */
export class RecentMessages {
  private readonly byTopic = new Map<string, PublishedMessage[]>();

  constructor(private readonly perTopic = 20) {}

  add(m: PublishedMessage, time: string): void {
    if (typeof m?.TopicArn !== 'string' || typeof m.Message !== 'string') return;
    const list = this.byTopic.get(m.TopicArn) ?? [];
    list.unshift({ TopicArn: m.TopicArn, MessageId: m.MessageId, Subject: m.Subject, Message: m.Message, Timestamp: m.Timestamp ?? time });
    if (list.length > this.perTopic) list.length = this.perTopic;
    this.byTopic.set(m.TopicArn, list);
  }

  /** One topic's messages, or every topic's, newest first. */
  list(topicArn?: string): PublishedMessage[] {
    if (topicArn !== undefined) return [...(this.byTopic.get(topicArn) ?? [])];
    return [...this.byTopic.values()].flat().sort((a, b) => (b.Timestamp ?? '').localeCompare(a.Timestamp ?? ''));
  }
}
