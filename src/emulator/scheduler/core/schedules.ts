/**
 * EventBridge Scheduler schedules: CreateSchedule / GetSchedule / UpdateSchedule / DeleteSchedule /
 * ListSchedules over a map of schedules (by group and name), validated as the Scheduler API
 * validates them, armed on the ScheduleRunner while ENABLED and inside StartDate/EndDate. A firing
 * hands the target and its Input to `fire` (the composition root delivers it with retries).
 * Pure: the clock and ports.
 */
import type { Clock } from '../../batch/core/ports';
import { atTime, parseSchedule, ScheduleExpressionError } from './expression';
import type { ScheduleRunner } from './runner';
import { keysetPage } from '../../keyset-page';

export class SchedulerError extends Error {
  constructor(
    readonly type: 'ValidationException' | 'ResourceNotFoundException' | 'ConflictException',
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export interface ScheduleTarget {
  readonly Arn: string;
  readonly RoleArn: string;
  readonly Input?: string;
  readonly RetryPolicy?: { readonly MaximumRetryAttempts?: number; readonly MaximumEventAgeInSeconds?: number };
  readonly DeadLetterConfig?: { readonly Arn?: string };
}

export interface ScheduleRecord {
  readonly Name: string;
  readonly GroupName: string;
  readonly Arn: string;
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone?: string;
  /** Epoch seconds, as restJson1 sends timestamps. */
  readonly StartDate?: number;
  readonly EndDate?: number;
  readonly FlexibleTimeWindow: { readonly Mode: 'OFF' | 'FLEXIBLE'; readonly MaximumWindowInMinutes?: number };
  readonly Target: ScheduleTarget;
  readonly State: 'ENABLED' | 'DISABLED';
  readonly Description?: string;
  readonly ActionAfterCompletion?: 'NONE' | 'DELETE';
  readonly CreationDate: number;
  readonly LastModificationDate: number;
}

export interface SchedulerOptions {
  readonly clock: Clock;
  readonly runner: ScheduleRunner;
  readonly account: string;
  readonly region: string;
  readonly fire: (s: ScheduleRecord) => void;
  readonly onChange?: (key: string, record: ScheduleRecord | undefined) => void;
}

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const key = (group: string, name: string): string => `${group}/${name}`;

export class SchedulerCore {
  private readonly schedules = new Map<string, ScheduleRecord>();

  constructor(private readonly o: SchedulerOptions) {}

  restore(r: ScheduleRecord): void {
    this.schedules.set(key(r.GroupName, r.Name), r);
    this.arm(r);
    // An at() schedule whose one time passed while the emulator was down (that firing is not made
    // up) has completed: ActionAfterCompletion DELETE removes it, as after a firing.
    if (r.State === 'ENABLED' && r.ActionAfterCompletion === 'DELETE' && /^at\(/.test(r.ScheduleExpression) && this.next(r) === undefined) this.delete(r.Name, r.GroupName);
  }

  all(): ScheduleRecord[] {
    return [...this.schedules.values()].sort((a, b) => key(a.GroupName, a.Name).localeCompare(key(b.GroupName, b.Name)));
  }

  next(r: ScheduleRecord): number | undefined {
    return this.o.runner.next(`schedule:${key(r.GroupName, r.Name)}`);
  }

  create(name: string, input: Record<string, unknown>): { ScheduleArn: string } {
    const group = groupOf(input.GroupName);
    if (this.schedules.has(key(group, name))) throw new SchedulerError('ConflictException', 409, `Schedule ${name} already exists.`);
    const now = Math.floor(this.o.clock.now() / 1000);
    const r = this.validated(name, group, input, now, now);
    this.put(r);
    return { ScheduleArn: r.Arn };
  }

  update(name: string, input: Record<string, unknown>): { ScheduleArn: string } {
    const group = groupOf(input.GroupName);
    const old = this.get(name, group);
    const r = this.validated(name, group, input, old.CreationDate, Math.floor(this.o.clock.now() / 1000));
    this.put(r);
    return { ScheduleArn: r.Arn };
  }

  get(name: string, groupIn: unknown): ScheduleRecord {
    const group = groupOf(groupIn);
    const r = this.schedules.get(key(group, name));
    if (!r) throw new SchedulerError('ResourceNotFoundException', 404, `Schedule ${name} does not exist.`);
    return r;
  }

  delete(name: string, groupIn: unknown): void {
    const r = this.get(name, groupIn);
    const k = key(r.GroupName, r.Name);
    this.schedules.delete(k);
    this.o.runner.set(`schedule:${k}`, undefined);
    this.o.onChange?.(k, undefined);
  }

  list(q: { NamePrefix?: string; State?: string; ScheduleGroup?: string; MaxResults?: number; NextToken?: string }): { Schedules: object[]; NextToken?: string } {
    if (q.State !== undefined && q.State !== 'ENABLED' && q.State !== 'DISABLED') throw new SchedulerError('ValidationException', 400, `1 validation error detected: Value '${String(q.State).slice(0, 40)}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]`);
    if (q.MaxResults !== undefined && !(Number.isInteger(q.MaxResults) && q.MaxResults >= 1 && q.MaxResults <= 100)) throw new SchedulerError('ValidationException', 400, `1 validation error detected: Value '${String(q.MaxResults)}' at 'maxResults' failed to satisfy constraint: Member must be a whole number from 1 to 100`);
    const all = this.all().filter((r) => (!q.NamePrefix || r.Name.startsWith(q.NamePrefix)) && (!q.State || r.State === q.State) && (!q.ScheduleGroup || r.GroupName === q.ScheduleGroup));
    const p = keysetPage(all, (r) => key(r.GroupName, r.Name), q.MaxResults ?? 100, q.NextToken, () => new SchedulerError('ValidationException', 400, 'The NextToken is not valid: give the NextToken of the previous page.'));
    return {
      Schedules: p.page.map((r) => ({ Arn: r.Arn, Name: r.Name, GroupName: r.GroupName, State: r.State, CreationDate: r.CreationDate, LastModificationDate: r.LastModificationDate, Target: { Arn: r.Target.Arn } })),
      ...(p.nextToken ? { NextToken: p.nextToken } : {}),
    };
  }

  /** Fires a schedule now (`localbatch events fire`). */
  fireNow(name: string, group?: string): void {
    this.o.fire(this.get(name, group));
  }

  private put(r: ScheduleRecord): void {
    const k = key(r.GroupName, r.Name);
    this.schedules.set(k, r);
    this.o.onChange?.(k, r);
    this.arm(r);
  }

  private arm(r: ScheduleRecord): void {
    const k = key(r.GroupName, r.Name);
    if (r.State !== 'ENABLED') {
      this.o.runner.set(`schedule:${k}`, undefined);
      return;
    }
    const schedule = parseSchedule(r.ScheduleExpression, { allowAt: true, timezone: r.ScheduleExpressionTimezone });
    this.o.runner.set(`schedule:${k}`, {
      schedule,
      anchor: r.StartDate !== undefined ? r.StartDate * 1000 : r.CreationDate * 1000,
      timezone: r.ScheduleExpressionTimezone,
      start: r.StartDate !== undefined ? r.StartDate * 1000 : undefined,
      end: r.EndDate !== undefined ? r.EndDate * 1000 : undefined,
      windowMs: r.FlexibleTimeWindow.Mode === 'FLEXIBLE' ? (r.FlexibleTimeWindow.MaximumWindowInMinutes ?? 0) * 60_000 : 0,
      fire: () => {
        this.o.fire(r);
        if (schedule.kind === 'at' && r.ActionAfterCompletion === 'DELETE' && this.schedules.get(k) === r) this.delete(r.Name, r.GroupName);
      },
    });
  }

  private validated(name: string, group: string, i: Record<string, unknown>, created: number, modified: number): ScheduleRecord {
    if (!NAME.test(name)) throw new SchedulerError('ValidationException', 400, `Name ${name} is not valid: 1-64 letters, digits, '-', '_' or '.'.`);
    const expr = i.ScheduleExpression;
    if (typeof expr !== 'string') throw new SchedulerError('ValidationException', 400, 'ScheduleExpression is required: at(...), rate(...) or cron(...).');
    const tz = i.ScheduleExpressionTimezone;
    if (tz !== undefined && (typeof tz !== 'string' || !validZone(tz))) throw new SchedulerError('ValidationException', 400, `Invalid time zone: ${String(tz)}; give an IANA name such as Europe/Berlin.`);
    try {
      const s = parseSchedule(expr, { allowAt: true, timezone: tz });
      if (s.kind === 'at' && Number.isNaN(atTime(s.at, tz))) throw new ScheduleExpressionError(`${expr}: not a valid time`);
    } catch (err) {
      if (err instanceof ScheduleExpressionError) throw new SchedulerError('ValidationException', 400, `Invalid Schedule Expression ${err.message}`);
      throw err;
    }
    const ftw = i.FlexibleTimeWindow as { Mode?: unknown; MaximumWindowInMinutes?: unknown } | undefined;
    if (!ftw || (ftw.Mode !== 'OFF' && ftw.Mode !== 'FLEXIBLE')) throw new SchedulerError('ValidationException', 400, 'FlexibleTimeWindow is required, with Mode OFF or FLEXIBLE.');
    if (ftw.Mode === 'FLEXIBLE' && (typeof ftw.MaximumWindowInMinutes !== 'number' || ftw.MaximumWindowInMinutes < 1 || ftw.MaximumWindowInMinutes > 1440)) throw new SchedulerError('ValidationException', 400, 'FlexibleTimeWindow Mode FLEXIBLE needs MaximumWindowInMinutes between 1 and 1440.');
    const t = i.Target as Partial<ScheduleTarget> | undefined;
    if (!t || typeof t.Arn !== 'string' || typeof t.RoleArn !== 'string') throw new SchedulerError('ValidationException', 400, 'Target is required, with Arn and RoleArn.');
    // "RoleArn pattern: ^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@\/-]+$" (the Scheduler API reference)
    if (!/^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(t.RoleArn)) throw new SchedulerError('ValidationException', 400, `1 validation error detected: Value '${t.RoleArn.slice(0, 100)}' at 'target.roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+$`);
    if (typeof i.Description === 'string' && i.Description.length > 512) throw new SchedulerError('ValidationException', 400, `1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 512 (it has ${i.Description.length})`);
    // RetryPolicy: "MaximumEventAgeInSeconds 60-86400, MaximumRetryAttempts 0-185" (the Scheduler API reference)
    const retry = t.RetryPolicy as Record<string, unknown> | undefined;
    const within = (v: unknown, lo: number, hi: number) => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi);
    if (retry !== undefined && (!within(retry.MaximumRetryAttempts, 0, 185) || !within(retry.MaximumEventAgeInSeconds, 60, 86_400))) {
      throw new SchedulerError('ValidationException', 400, 'Target.RetryPolicy: MaximumRetryAttempts must be a whole number from 0 to 185, MaximumEventAgeInSeconds from 60 to 86400.');
    }
    const state = i.State ?? 'ENABLED';
    if (state !== 'ENABLED' && state !== 'DISABLED') throw new SchedulerError('ValidationException', 400, `State must be ENABLED or DISABLED, not ${String(state)}.`);
    const date = (v: unknown, what: string): number | undefined => {
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new SchedulerError('ValidationException', 400, `${what} must be a timestamp.`);
      return v;
    };
    const StartDate = date(i.StartDate, 'StartDate');
    const EndDate = date(i.EndDate, 'EndDate');
    if (StartDate !== undefined && EndDate !== undefined && EndDate <= StartDate) throw new SchedulerError('ValidationException', 400, 'The EndDate must be after the StartDate.');
    const after = i.ActionAfterCompletion ?? 'NONE';
    if (after !== 'NONE' && after !== 'DELETE') throw new SchedulerError('ValidationException', 400, 'ActionAfterCompletion must be NONE or DELETE.');
    return {
      Name: name,
      GroupName: group,
      Arn: `arn:aws:scheduler:${this.o.region}:${this.o.account}:schedule/${group}/${name}`,
      ScheduleExpression: expr,
      ScheduleExpressionTimezone: tz as string | undefined,
      StartDate,
      EndDate,
      FlexibleTimeWindow: { Mode: ftw.Mode, ...(ftw.Mode === 'FLEXIBLE' ? { MaximumWindowInMinutes: ftw.MaximumWindowInMinutes as number } : {}) },
      // (GetSchedule shows the retry policy in force: the defaults, 24 hours and 185 retries, where none was given)
      Target: { Arn: t.Arn, RoleArn: t.RoleArn, Input: typeof t.Input === 'string' ? t.Input : undefined, RetryPolicy: { MaximumEventAgeInSeconds: (retry?.MaximumEventAgeInSeconds as number | undefined) ?? 86_400, MaximumRetryAttempts: (retry?.MaximumRetryAttempts as number | undefined) ?? 185 }, DeadLetterConfig: t.DeadLetterConfig },
      State: state,
      Description: typeof i.Description === 'string' ? i.Description : undefined,
      ActionAfterCompletion: after,
      CreationDate: created,
      LastModificationDate: modified,
    };
  }
}

function groupOf(v: unknown): string {
  if (v === undefined || v === null || v === '' || v === 'default') return 'default';
  throw new SchedulerError('ResourceNotFoundException', 404, `Schedule group ${String(v)} does not exist. localbatch serves the default schedule group only.`);
}

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
