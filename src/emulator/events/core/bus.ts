/**
 * The local EventBridge: the default event bus's rules and targets (rules.ts), the events that
 * reach it (PutEvents, the Batch engine's job events, S3's object events, scheduled rules) and
 * their delivery to targets (delivery.ts). Validates requests as EventBridge does and throws
 * EventsError with AWS's error codes. Pure: the clock, and ports for targets and the journal.
 */
import type { PutEventsRequestEntry, PutEventsResultEntry, Target } from '@aws-sdk/client-eventbridge';
import type { Clock } from '../../batch/core/ports';
import { Deliveries, type DeliveryRecord, type PendingStore, type TargetPort } from './delivery';
import { checkInputTransformer, targetInput } from './input';
import { matches, parsePattern, PatternError } from './pattern';
import { MAX_TARGETS_PER_RULE, RuleBook, type RuleRecord, type RuleState } from './rules';
import { parseSchedule, ScheduleExpressionError } from '../../scheduler/core/expression';
import { keysetPage } from '../../keyset-page';

export class EventsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export interface EventsCoreOptions {
  readonly clock: Clock;
  readonly account: string;
  readonly region: string;
  readonly targets: TargetPort;
  /** Each change of a rule (undefined: deleted), for the journal. */
  readonly onChange?: (name: string, record: RuleRecord | undefined) => void;
  readonly onDelivery?: (r: DeliveryRecord) => void;
  /** A rule's schedule was set, changed or removed (for the schedule runner). */
  readonly onSchedule?: (rule: RuleRecord | undefined, name: string) => void;
  /** Where deliveries waiting for a retry are kept (the journal). */
  readonly pending?: PendingStore;
}

export const DEFAULT_BUS = 'default';
const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const TARGET_ID = /^[.\-_A-Za-z0-9]{1,64}$/;

export class EventsCore {
  readonly rules: RuleBook;
  readonly deliveries: Deliveries;
  private seq = 0;
  /** An event id is this (20 hex digits of a random UUID, its version and variant included) and a 12-digit counter, as a UUID. */
  private readonly idPrefix = globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 20);

  constructor(private readonly o: EventsCoreOptions) {
    this.rules = new RuleBook(o.onChange);
    this.deliveries = new Deliveries(o.clock, o.targets, o.onDelivery, o.pending);
  }

  /** Restores a journaled rule (no journal entry written). A pattern that no longer parses is reported. */
  restore(record: RuleRecord): void {
    this.rules.put(record, false);
    if (record.ScheduleExpression) this.o.onSchedule?.(record, record.Name);
  }

  ruleArn(name: string, bus = DEFAULT_BUS): string {
    return `arn:aws:events:${this.o.region}:${this.o.account}:rule/${bus === DEFAULT_BUS ? '' : `${bus}/`}${name}`;
  }

  putRule(input: { Name?: unknown; EventPattern?: unknown; ScheduleExpression?: unknown; State?: unknown; Description?: unknown; RoleArn?: unknown; EventBusName?: unknown }, origin = 'api'): { RuleArn: string } {
    const name = ruleName(input.Name);
    const bus = busName(input.EventBusName);
    const pattern = optString(input.EventPattern, 'EventPattern', 4096);
    const schedule = optString(input.ScheduleExpression, 'ScheduleExpression', 256);
    if (pattern === undefined && schedule === undefined) throw new EventsError('ValidationException', 'Parameter(s) EventPattern or ScheduleExpression must be specified.');
    if (pattern !== undefined) parseOrThrow(pattern);
    if (schedule !== undefined) {
      try {
        parseSchedule(schedule);
      } catch (err) {
        if (err instanceof ScheduleExpressionError) throw new EventsError('ValidationException', `Parameter ScheduleExpression is not valid. ${err.message}`);
        throw err;
      }
    }
    const state = input.State === undefined ? 'ENABLED' : input.State;
    if (state !== 'ENABLED' && state !== 'DISABLED' && state !== 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') throw new EventsError('ValidationException', `1 validation error detected: Value '${String(state)}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]`);
    const old = this.rules.get(name)?.record;
    const record: RuleRecord = {
      Name: name,
      Arn: this.ruleArn(name, bus),
      EventBusName: bus,
      EventPattern: pattern,
      ScheduleExpression: schedule,
      State: state as RuleState,
      Description: optString(input.Description, 'Description', 512),
      RoleArn: optString(input.RoleArn, 'RoleArn', 1600),
      CreatedBy: this.o.account,
      // Putting the same schedule again (a template loaded again) keeps its rate's start.
      CreatedAt: old && old.ScheduleExpression === schedule && old.CreatedAt !== undefined ? old.CreatedAt : this.o.clock.now(),
      origin: old?.origin ?? origin,
      Targets: old?.Targets ?? [],
    };
    this.rules.put(record);
    if (schedule !== undefined || old?.ScheduleExpression !== undefined) this.o.onSchedule?.(schedule !== undefined ? record : undefined, name);
    return { RuleArn: record.Arn };
  }

  describeRule(input: { Name?: unknown; EventBusName?: unknown }): RuleRecord {
    return this.need(input.Name, input.EventBusName).record;
  }

  listRules(input: { NamePrefix?: unknown; EventBusName?: unknown; Limit?: unknown; NextToken?: unknown }): { Rules: RuleRecord[]; NextToken?: string } {
    busName(input.EventBusName);
    const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
    const all = this.rules.all().filter((r) => r.record.Name.startsWith(prefix)).map((r) => r.record);
    return page(all, input.Limit, input.NextToken, (r) => r.Name, 'Rules') as { Rules: RuleRecord[]; NextToken?: string };
  }

  deleteRule(input: { Name?: unknown; EventBusName?: unknown; Force?: unknown }): void {
    const name = ruleName(input.Name);
    busName(input.EventBusName);
    const rule = this.rules.get(name);
    if (!rule) return; // DeleteRule of a missing rule succeeds, as in AWS.
    if (rule.record.Targets.length > 0) throw new EventsError('ValidationException', "Rule can't be deleted since it has targets.");
    this.rules.delete(name);
    if (rule.record.ScheduleExpression) this.o.onSchedule?.(undefined, name);
  }

  setState(input: { Name?: unknown; EventBusName?: unknown }, state: 'ENABLED' | 'DISABLED'): void {
    const rule = this.need(input.Name, input.EventBusName);
    const record = this.rules.update(rule.record.Name, (r) => ({ ...r, State: state }))!;
    if (record.ScheduleExpression) this.o.onSchedule?.(record, record.Name);
  }

  putTargets(input: { Rule?: unknown; EventBusName?: unknown; Targets?: unknown }): { FailedEntryCount: number; FailedEntries: Array<{ TargetId?: string; ErrorCode: string; ErrorMessage: string }> } {
    const rule = this.need(input.Rule, input.EventBusName);
    if (!Array.isArray(input.Targets) || input.Targets.length < 1 || input.Targets.length > 10) throw new EventsError('ValidationException', '1 validation error detected: Value at \'targets\' failed to satisfy constraint: Member must have length between 1 and 10');
    const failed: Array<{ TargetId?: string; ErrorCode: string; ErrorMessage: string }> = [];
    const targets = new Map(rule.record.Targets.map((t) => [t.Id!, t]));
    for (const raw of input.Targets as unknown[]) {
      const t = raw as Target;
      const problem = targetProblem(t);
      if (problem) throw new EventsError('ValidationException', problem);
      if (!targets.has(t.Id!) && targets.size >= MAX_TARGETS_PER_RULE) {
        throw new EventsError('LimitExceededException', `The requested resource exceeds the maximum number allowed: a rule has at most ${MAX_TARGETS_PER_RULE} targets.`);
      }
      targets.set(t.Id!, t);
    }
    this.rules.update(rule.record.Name, (r) => ({ ...r, Targets: [...targets.values()] }));
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  }

  removeTargets(input: { Rule?: unknown; EventBusName?: unknown; Ids?: unknown }): { FailedEntryCount: number; FailedEntries: Array<{ TargetId: string; ErrorCode: string; ErrorMessage: string }> } {
    const rule = this.need(input.Rule, input.EventBusName);
    if (!Array.isArray(input.Ids) || input.Ids.length === 0 || input.Ids.some((i) => typeof i !== 'string')) throw new EventsError('ValidationException', 'Ids must be a list of 1 to 100 target ids.');
    const ids = new Set(input.Ids as string[]);
    this.rules.update(rule.record.Name, (r) => ({ ...r, Targets: r.Targets.filter((t) => !ids.has(t.Id!)) }));
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  listTargetsByRule(input: { Rule?: unknown; EventBusName?: unknown; Limit?: unknown; NextToken?: unknown }): { Targets: Target[]; NextToken?: string } {
    const rule = this.need(input.Rule, input.EventBusName);
    return page([...rule.record.Targets], input.Limit, input.NextToken, (t) => t.Id!, 'Targets') as { Targets: Target[]; NextToken?: string };
  }

  testEventPattern(input: { EventPattern?: unknown; Event?: unknown }): { Result: boolean } {
    const pattern = parseOrThrow(optString(input.EventPattern, 'EventPattern', 4096) ?? '');
    let event: unknown;
    try {
      event = JSON.parse(typeof input.Event === 'string' ? input.Event : '');
    } catch {
      throw new EventsError('ValidationException', 'Parameter Event is not valid: it must be a JSON event.');
    }
    const missing = ['id', 'account', 'source', 'time', 'region', 'detail-type'].filter((k) => typeof event !== 'object' || event === null || !(k in event));
    if (missing.length > 0) throw new EventsError('ValidationException', `Parameter Event is not valid: the event lacks ${missing.join(', ')}.`);
    return { Result: matches(pattern, event) };
  }

  /** PutEvents: each entry becomes an event on the bus (or a per-entry error, as AWS answers). */
  putEvents(input: { Entries?: unknown }): { FailedEntryCount: number; Entries: PutEventsResultEntry[] } {
    if (!Array.isArray(input.Entries) || input.Entries.length < 1 || input.Entries.length > 10) throw new EventsError('ValidationException', '1 validation error detected: Value at \'entries\' failed to satisfy constraint: Member must have length between 1 and 10');
    // The user guide's "Calculating PutEvents event entry size": Source, DetailType, Detail and
    // Resources in UTF-8 bytes, 14 for a Time; a request's entries may hold 256 KB in all.
    if ((input.Entries as unknown[]).reduce<number>((sum, raw) => sum + entrySize(raw), 0) > MAX_ENTRIES_BYTES) {
      throw new EventsError('ValidationException', 'Total size of the entries in the request is over the limit (256 KB).');
    }
    let failed = 0;
    const out: PutEventsResultEntry[] = [];
    for (const raw of input.Entries as unknown[]) {
      const e = (typeof raw === 'object' && raw !== null ? raw : {}) as PutEventsRequestEntry;
      const error = entryError(e);
      if (error) {
        failed++;
        out.push(error);
        continue;
      }
      const event = this.envelope(e.Source!, e.DetailType!, JSON.parse(e.Detail!) as object, e.Resources ?? [], e.Time !== undefined ? entryTime(e.Time) : undefined);
      this.publish(event);
      out.push({ EventId: event.id as string });
    }
    return { FailedEntryCount: failed, Entries: out };
  }

  /** An EventBridge event with this bus's account and region. */
  envelope(source: string, detailType: string, detail: object, resources: readonly string[], time?: Date): Record<string, unknown> {
    const t = time && !Number.isNaN(time.getTime()) ? time : new Date(this.o.clock.now());
    return {
      version: '0',
      id: `${this.idPrefix}${(++this.seq).toString(16).padStart(12, '0')}`.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5'),
      'detail-type': detailType,
      source,
      account: this.o.account,
      time: t.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.o.region,
      resources: [...resources],
      detail,
    };
  }

  /** Routes an event (from any producer) to the targets of every enabled rule it matches. */
  publish(event: Record<string, unknown>): number {
    const rules = this.rules.match(event);
    const ingestionTime = new Date(this.o.clock.now()).toISOString();
    for (const rule of rules) {
      const ctx = { ruleName: rule.record.Name, ruleArn: rule.record.Arn, event };
      for (const t of rule.record.Targets) void this.deliveries.send(t, targetInput(t, event, { ...ctx, ingestionTime }), ctx);
    }
    return rules.length;
  }

  /** A scheduled rule's firing ("Scheduled Event"), or `events fire <name>`: delivered to its targets. */
  fireRule(name: string): void {
    const rule = this.rules.get(name);
    if (!rule) throw new EventsError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${DEFAULT_BUS}.`);
    const event = this.envelope('aws.events', 'Scheduled Event', {}, [rule.record.Arn]);
    const ingestionTime = new Date(this.o.clock.now()).toISOString();
    const ctx = { ruleName: name, ruleArn: rule.record.Arn, event };
    for (const t of rule.record.Targets) void this.deliveries.send(t, targetInput(t, event, { ...ctx, ingestionTime }), ctx);
  }

  private need(nameIn: unknown, busIn: unknown): NonNullable<ReturnType<RuleBook['get']>> {
    const name = ruleName(nameIn);
    const bus = busName(busIn);
    const rule = this.rules.get(name);
    if (!rule) throw new EventsError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus}.`);
    return rule;
  }
}

function parseOrThrow(text: string): ReturnType<typeof parsePattern> {
  try {
    return parsePattern(text);
  } catch (err) {
    if (err instanceof PatternError) throw new EventsError('InvalidEventPatternException', err.message);
    throw err;
  }
}

function ruleName(v: unknown): string {
  if (typeof v !== 'string' || !RULE_NAME.test(v)) throw new EventsError('ValidationException', `1 validation error detected: Value '${String(v)}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+ and have length 1-64`);
  return v;
}

function busName(v: unknown): string {
  if (v === undefined || v === DEFAULT_BUS || (typeof v === 'string' && /^arn:aws[a-z-]*:events:[^:]+:\d{12}:event-bus\/default$/.test(v))) return DEFAULT_BUS;
  throw new EventsError('ResourceNotFoundException', `Event bus ${String(v)} does not exist. localbatch serves the default event bus only.`);
}

function optString(v: unknown, name: string, max: number): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > max) throw new EventsError('ValidationException', `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must be a string of at most ${max} characters`);
  return v;
}

function targetProblem(t: Target): string | undefined {
  if (typeof t !== 'object' || t === null) return 'Each target is an object with an Id and an Arn.';
  if (typeof t.Id !== 'string' || !TARGET_ID.test(t.Id)) return `Target Id '${String(t.Id)}' is not valid: 1-64 letters, digits, '.', '-' or '_'.`;
  if (typeof t.Arn !== 'string' || !t.Arn.startsWith('arn:')) return `Parameter Arn of target ${t.Id} is not valid: give the ARN of the target (a job queue, SNS topic, log group or state machine).`;
  const inputs = [t.Input, t.InputPath, t.InputTransformer].filter((x) => x !== undefined).length;
  if (inputs > 1) return `Target ${t.Id}: only one of Input, InputPath and InputTransformer may be given.`;
  if (t.Input !== undefined) {
    try {
      JSON.parse(t.Input);
    } catch {
      return `Target ${t.Id}: Input is not valid JSON.`;
    }
  }
  if (t.InputPath !== undefined && !/^\$(\.[A-Za-z0-9_\-/*]+|\[\d+\]|\[\*\])*$/.test(t.InputPath)) return `Target ${t.Id}: InputPath ${t.InputPath} is not a JSON path EventBridge accepts (e.g. $.detail).`;
  if (t.InputTransformer) {
    const problems = checkInputTransformer(t.InputTransformer);
    if (problems.length > 0) return `Target ${t.Id}: InputTransformer is not valid: ${problems.join('; ')}.`;
  }
  if (/:batch:[^:]+:\d+:job-queue\//.test(t.Arn) && !t.BatchParameters?.JobDefinition) return `Target ${t.Id}: a Batch job queue target needs BatchParameters with JobDefinition and JobName.`;
  if (t.BatchParameters && (!t.BatchParameters.JobName || !t.BatchParameters.JobDefinition)) return `Target ${t.Id}: BatchParameters needs JobDefinition and JobName.`;
  const retry = t.RetryPolicy;
  if (retry?.MaximumRetryAttempts !== undefined && (retry.MaximumRetryAttempts < 0 || retry.MaximumRetryAttempts > 185)) return `Target ${t.Id}: RetryPolicy.MaximumRetryAttempts must be 0-185.`;
  if (retry?.MaximumEventAgeInSeconds !== undefined && (retry.MaximumEventAgeInSeconds < 60 || retry.MaximumEventAgeInSeconds > 86_400)) return `Target ${t.Id}: RetryPolicy.MaximumEventAgeInSeconds must be 60-86400.`;
  return undefined;
}

function entryError(e: PutEventsRequestEntry): PutEventsResultEntry | undefined {
  if (e.EventBusName !== undefined) {
    try {
      busName(e.EventBusName);
    } catch (err) {
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: (err as Error).message };
    }
  }
  if (typeof e.Source !== 'string' || e.Source === '') return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' };
  // AWS services' own sources are theirs: PutEvents may not send them (to rehearse a rule on one
  // locally, `localbatch events fire <rule>` or a real upload / job does).
  if (e.Source.startsWith('aws.')) return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  if (typeof e.DetailType !== 'string' || e.DetailType === '') return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' };
  if (typeof e.Detail !== 'string') return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' };
  // Time: a timestamp (the SDKs send epoch seconds; a string that is no date is not one)
  if (e.Time !== undefined && Number.isNaN(entryTime(e.Time).getTime())) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Time is not valid. Reason: Time must be a timestamp.' };
  try {
    const d = JSON.parse(e.Detail) as unknown;
    if (typeof d !== 'object' || d === null || Array.isArray(d)) throw new Error();
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  return undefined;
}

/** A page of a list (Limit 1 to 100, the API model's bounds; 100 without one) with a keyset token. */
function page<T>(all: T[], limitIn: unknown, tokenIn: unknown, key: (t: T) => string, field: string): Record<string, unknown> {
  if (limitIn !== undefined && limitIn !== null && (typeof limitIn !== 'number' || !Number.isInteger(limitIn) || limitIn < 1 || limitIn > 100)) {
    throw new EventsError('ValidationException', `1 validation error detected: Value '${String(limitIn).slice(0, 20)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100`);
  }
  const { page: items, nextToken } = keysetPage(all, key, typeof limitIn === 'number' ? limitIn : 100, typeof tokenIn === 'string' ? tokenIn : undefined, () => new EventsError('ValidationException', 'The NextToken is not valid: give the NextToken of the page before.'));
  return { [field]: items, ...(nextToken ? { NextToken: nextToken } : {}) };
}

const MAX_ENTRIES_BYTES = 256 * 1024;

/** A PutEvents entry's size as EventBridge counts it. */
function entrySize(raw: unknown): number {
  if (typeof raw !== 'object' || raw === null) return 0;
  const e = raw as Record<string, unknown>;
  const bytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  return (e.Time !== undefined ? 14 : 0) + bytes(e.Source) + bytes(e.DetailType) + bytes(e.Detail) + (Array.isArray(e.Resources) ? e.Resources.reduce<number>((n, r) => n + bytes(r), 0) : 0);
}

/** An entry's Time as the JSON protocol carries a timestamp: epoch seconds (what the SDKs and the CLI send), or a date string. */
function entryTime(t: unknown): Date {
  if (typeof t === 'number') return new Date(t * 1000);
  if (typeof t === 'string' && /^\d+(\.\d+)?$/.test(t)) return new Date(Number(t) * 1000);
  return new Date(t as string);
}
