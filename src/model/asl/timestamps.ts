/**
 * Timestamps as the States Language takes them (Wait's Timestamp and TimestampPath, the Timestamp
 * comparisons and IsTimestamp): RFC 3339 / ISO-8601 extended offset date-times, `T` between date and
 * time, an offset or `Z`, any number of fraction digits, and a real calendar date and time. Step
 * Functions refuses `2016-12-05 21:29:29Z`, `2016-12-05T21:29:29` (no offset) and `2016-02-30T...`,
 * which `Date.parse` would take. Pure.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The time in milliseconds since the epoch, or undefined when `value` is not such a timestamp. */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  if (m[9] !== undefined && (Number(m[9]) > 18 || Number(m[10]) > 59)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
