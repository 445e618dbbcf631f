/**
 * FilterLogEvents with CloudWatch's term filter patterns: space-separated terms that must all
 * appear (case-sensitive), "quoted phrases", `?term` alternatives (any one must appear) and `-term`
 * exclusions. JSON and space-delimited patterns (`{ ... }`, `[ ... ]`) are refused clearly.
 */
import { InvalidParameterException, ResourceNotFoundException } from '../../edge/errors';
import {
  decodeOffsetToken,
  encodeOffsetToken,
  eventBytes,
  type Input,
  type LogsContext,
  MAX_RESPONSE_BYTES,
  optInt,
  optString,
  optStringList,
  requireLogGroup,
} from './common';

export type LogMatcher = (message: string) => boolean;

export function compileFilterPattern(pattern: string | undefined): LogMatcher {
  const text = (pattern ?? '').trim();
  if (text === '' || text === '""') return () => true;
  if (text.startsWith('{') || text.startsWith('[') || text.startsWith('%')) {
    throw new InvalidParameterException('localbatch supports only term filter patterns (terms, "phrases", ?any, -exclude), not JSON, space-delimited or regex patterns.');
  }
  const required: string[] = [];
  const any: string[] = [];
  const excluded: string[] = [];
  const re = /([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const term = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
    if (term === '') continue;
    (m[1] === '?' ? any : m[1] === '-' ? excluded : required).push(term);
  }
  return (message) =>
    required.every((t) => message.includes(t)) &&
    (any.length === 0 || any.some((t) => message.includes(t))) &&
    !excluded.some((t) => message.includes(t));
}

export function filterLogEvents(input: Input, ctx: LogsContext): unknown {
  const group = requireLogGroup(input, ctx);
  const names = optStringList(input, 'logStreamNames', 100);
  const prefix = optString(input, 'logStreamNamePrefix');
  if (names && prefix !== undefined) {
    throw new InvalidParameterException('logStreamNames and logStreamNamePrefix are mutually exclusive.');
  }
  const startTime = optInt(input, 'startTime', 0, Number.MAX_SAFE_INTEGER);
  const endTime = optInt(input, 'endTime', 0, Number.MAX_SAFE_INTEGER);
  const limit = optInt(input, 'limit', 1, 10_000) ?? 10_000;
  const pattern = optString(input, 'filterPattern');
  const matches = compileFilterPattern(pattern);

  let streamNames: string[];
  if (names) {
    const missing = names.filter((n) => !ctx.backend.has(n, group));
    if (missing.length === names.length) throw new ResourceNotFoundException('The specified log stream does not exist.');
    streamNames = names.filter((n) => ctx.backend.has(n, group));
  } else {
    streamNames = ctx.backend.streams(prefix ?? '', group).map((s) => s.logStreamName);
  }
  const query = JSON.stringify([group, streamNames, startTime, endTime, pattern ?? '']);
  const offset = decodeOffsetToken(optString(input, 'nextToken'), query);

  const all: Array<{ logStreamName: string; timestamp: number; message: string; ingestionTime: number; eventId: string }> = [];
  for (const logStreamName of streamNames) {
    ctx.backend.events(logStreamName, group).forEach((e, i) => {
      if (startTime !== undefined && e.timestamp < startTime) return;
      if (endTime !== undefined && e.timestamp > endTime) return;
      if (!matches(e.message)) return;
      const eventId = `${logStreamName.length}:${logStreamName}:${i}`;
      all.push({ logStreamName, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId });
    });
  }
  // Stable: events of one stream keep their order; streams interleave by timestamp.
  all.sort((a, b) => a.timestamp - b.timestamp);

  const events: typeof all = [];
  let bytes = 0;
  for (let i = offset; i < all.length && events.length < limit; i++) {
    const size = eventBytes(all[i].message);
    if (events.length > 0 && bytes + size > MAX_RESPONSE_BYTES) break;
    events.push(all[i]);
    bytes += size;
  }
  const end = offset + events.length;
  return {
    events,
    searchedLogStreams: streamNames.map((logStreamName) => ({ logStreamName, searchedCompletely: true })),
    nextToken: end < all.length ? encodeOffsetToken(end, query) : undefined,
  };
}
