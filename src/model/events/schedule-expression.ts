/**
 * Schedule expressions as EventBridge rules and EventBridge Scheduler take them: `rate(value unit)`,
 * `cron(minutes hours day-of-month month day-of-week year)` and (Scheduler only) `at(yyyy-mm-ddThh:mm:ss)`.
 * Cron fields follow EventBridge: day-of-week 1-7 is SUN-SAT, one of day-of-month / day-of-week
 * must be `?`, and `L`, `W`, `#`, ranges, lists and `a/b` steps are allowed.
 *
 * croner evaluates the cron fields. It was chosen over cron-parser after trying both on
 * EventBridge's forms: croner takes the year field (7 parts), `W` (nearest weekday: cron-parser
 * refuses `15W`), `L`, `#` and, with `alternativeWeekdays`, EventBridge's 1=Sunday numbering, and
 * evaluates in an IANA time zone; the only form it lacks, a numeric step start (`0/15`), is rewritten
 * here as the equivalent range (`0-59/15`). Pure: no I/O, no timers.
 */
import { Cron } from 'croner';

export type Schedule =
  | { readonly kind: 'rate'; readonly periodMs: number; readonly text: string }
  | { readonly kind: 'cron'; readonly cron: Cron<unknown>; readonly text: string }
  | { readonly kind: 'at'; readonly at: string; readonly text: string };

export class ScheduleExpressionError extends Error {}

const UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const FIELD_MAX = [59, 23, 31, 12, 7, 2199];
/** The EventBridge cron fields' ranges (the user guide's "Cron expressions" table): day-of-week 1-7 is SUN-SAT. */
const FIELD_MIN = [0, 0, 1, 1, 1, 1970];
const FIELD_NAMES = ['minutes', 'hours', 'day-of-month', 'month', 'day-of-week', 'year'];

/** Parses an expression; `timezone` (IANA) applies to cron and at. Throws ScheduleExpressionError. */
export function parseSchedule(expr: string, options: { allowAt?: boolean; timezone?: string } = {}): Schedule {
  const text = expr.trim();
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(text);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2]!;
    const singular = !unit.endsWith('s');
    if (n < 1) throw new ScheduleExpressionError(`${text}: the rate must be a positive whole number`);
    if (n === 1 && !singular) throw new ScheduleExpressionError(`${text}: a rate of 1 takes the singular unit, e.g. rate(1 ${unit.slice(0, -1)})`);
    if (n > 1 && singular) throw new ScheduleExpressionError(`${text}: a rate above 1 takes the plural unit, e.g. rate(${n} ${unit}s)`);
    return { kind: 'rate', periodMs: n * UNITS[singular ? unit : unit.slice(0, -1)]!, text };
  }
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(text);
  if (at) {
    if (!options.allowAt) throw new ScheduleExpressionError(`${text}: at() expressions are for EventBridge Scheduler schedules; a rule takes rate() or cron()`);
    if (Number.isNaN(atTime(at[1]!))) throw new ScheduleExpressionError(`${text}: not a valid date and time (no such day or time)`);
    return { kind: 'at', at: at[1]!, text };
  }
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) return { kind: 'cron', cron: parseCron(cron[1]!, text, options.timezone), text };
  throw new ScheduleExpressionError(`${text}: use rate(value unit), e.g. rate(5 minutes), or cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 3 * * ? *)${options.allowAt ? ', or at(yyyy-mm-ddThh:mm:ss)' : ''}`);
}

function parseCron(body: string, text: string, timezone: string | undefined): Cron<unknown> {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw new ScheduleExpressionError(`${text}: a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), this one has ${fields.length}`);
  const [, , dom, , dow] = fields;
  if ((dom === '?') === (dow === '?')) throw new ScheduleExpressionError(`${text}: exactly one of day-of-month and day-of-week must be ?`);
  const rewritten = fields.map((f, i) => {
    if (f === '?' ) return '*';
    if (!/^[0-9A-Za-z*,\-/#LW]+$/.test(f)) throw new ScheduleExpressionError(`${text}: the ${FIELD_NAMES[i]} field "${f}" holds characters cron does not allow`);
    checkRange(f, i, text);
    // `a/b` → `a-max/b` (croner takes steps on ranges and *, not on a single start).
    return f.replace(/(^|,)(\d+)\/(\d+)/g, (_m, sep: string, start: string, step: string) => `${sep}${start}-${FIELD_MAX[i]}/${step}`);
  });
  try {
    return new Cron(`0 ${rewritten.join(' ')}`, { timezone, alternativeWeekdays: true, paused: true, mode: '7-part' } as ConstructorParameters<typeof Cron>[1]);
  } catch (err) {
    throw new ScheduleExpressionError(`${text}: ${(err as Error).message.replace(/^CronPattern: /, '')}`);
  }
}

/** Each number of a cron field within the field's range, in the user's own terms (croner counts weekdays from 0). */
function checkRange(field: string, i: number, text: string): void {
  const bad = (n: string) => new ScheduleExpressionError(`${text}: ${n} is not a valid ${FIELD_NAMES[i]} (${FIELD_MIN[i]}-${FIELD_MAX[i]}${i === 3 ? ' or JAN-DEC' : i === 4 ? ' or SUN-SAT' : ''})`);
  for (const part of field.split(',')) {
    const [range = '', step] = part.split('/');
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) throw new ScheduleExpressionError(`${text}: the ${FIELD_NAMES[i]} field's step "/${step}" must be a whole number of 1 or more`);
    const [value = '', nth] = range.split('#');
    if (nth !== undefined && !/^[1-5]$/.test(nth)) throw new ScheduleExpressionError(`${text}: "#${nth}" must name the 1st to 5th weekday of the month (#1-#5)`);
    for (const end of value.replace(/[LW]+$/, '').split('-')) {
      if (/^\d+$/.test(end) && (Number(end) < FIELD_MIN[i]! || Number(end) > FIELD_MAX[i]!)) throw bad(end);
    }
  }
}

/**
 * The first firing strictly after `after` (epoch ms), or undefined when there is none.
 * Rates count whole periods from `anchor` (the rule's or schedule's start); `at` fires once.
 */
export function nextFiring(s: Schedule, after: number, anchor: number, timezone?: string): number | undefined {
  switch (s.kind) {
    case 'rate': {
      if (after < anchor) return anchor + s.periodMs;
      const k = Math.floor((after - anchor) / s.periodMs) + 1;
      return anchor + k * s.periodMs;
    }
    case 'cron':
      return s.cron.nextRun(new Date(after))?.getTime();
    case 'at': {
      const t = atTime(s.at, timezone);
      return t > after ? t : undefined;
    }
  }
}

/** The epoch time of an at() expression read in `timezone` (UTC when none). */
export function atTime(at: string, timezone?: string): number {
  const utc = Date.parse(`${at}Z`);
  // (Date.parse rolls 2030-02-30 over into March: a date that does not exist is no time)
  if (Number.isNaN(utc) || new Date(utc).toISOString().slice(0, 19) !== at) return Number.NaN;
  if (!timezone || timezone === 'UTC') return utc;
  // The zone's offset at that wall time, found by formatting (Intl), applied twice to settle DST edges.
  const offset = (t: number): number => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(t));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - t;
  };
  const first = utc - offset(utc);
  return utc - offset(first);
}
