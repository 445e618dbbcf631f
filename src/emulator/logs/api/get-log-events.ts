/**
 * GetLogEvents with CloudWatch's token semantics: `f/<n>` reads forward from position n, `b/<n>`
 * reads backward from before n; when there is nothing more in that direction the same token comes
 * back, which is how clients (and the SDK's paginator) know to stop.
 */
import { InvalidParameterException, ResourceNotFoundException } from '../../edge/errors';
import {
  eventBytes,
  type Input,
  type LogsContext,
  MAX_RESPONSE_BYTES,
  optBool,
  optInt,
  optString,
  requireLogGroup,
} from './common';

const DEFAULT_LIMIT = 10_000;
const TOKEN = /^([fb])\/(\d{1,20})$/;

function token(dir: 'f' | 'b', pos: number): string {
  return `${dir}/${String(pos).padStart(20, '0')}`;
}

export function getLogEvents(input: Input, ctx: LogsContext): unknown {
  const group = requireLogGroup(input, ctx);
  const stream = optString(input, 'logStreamName');
  if (!stream) throw new InvalidParameterException('logStreamName is required.');
  const startTime = optInt(input, 'startTime', 0, Number.MAX_SAFE_INTEGER);
  const endTime = optInt(input, 'endTime', 0, Number.MAX_SAFE_INTEGER);
  const limit = optInt(input, 'limit', 1, DEFAULT_LIMIT) ?? DEFAULT_LIMIT;
  const startFromHead = optBool(input, 'startFromHead') ?? false;
  const nextToken = optString(input, 'nextToken');
  if (!ctx.backend.has(stream, group)) throw new ResourceNotFoundException('The specified log stream does not exist.');

  const all = ctx.backend.events(stream, group);
  const inRange = (i: number) => {
    const ts = all[i].timestamp;
    return (startTime === undefined || ts >= startTime) && (endTime === undefined || ts < endTime);
  };

  let dir: 'f' | 'b' = startFromHead ? 'f' : 'b';
  let pos = startFromHead ? 0 : all.length;
  if (nextToken !== undefined) {
    const m = TOKEN.exec(nextToken);
    if (!m || Number(m[2]) > all.length) throw new InvalidParameterException('The specified nextToken is invalid.');
    dir = m[1] as 'f' | 'b';
    pos = Number(m[2]);
  }

  // Collect indexes of matching events in the chosen direction, within limit and the 1 MB cap.
  const picked: number[] = [];
  let bytes = 0;
  const take = (i: number): boolean => {
    if (!inRange(i)) return true;
    const size = eventBytes(all[i].message);
    if (picked.length >= limit || (picked.length > 0 && bytes + size > MAX_RESPONSE_BYTES)) return false;
    picked.push(i);
    bytes += size;
    return true;
  };
  if (dir === 'f') {
    for (let i = pos; i < all.length && take(i); i++);
  } else {
    for (let i = pos - 1; i >= 0 && take(i); i--);
    picked.reverse();
  }

  const events = picked.map((i) => ({ timestamp: all[i].timestamp, message: all[i].message, ingestionTime: all[i].ingestionTime }));
  if (picked.length === 0) {
    const same = nextToken ?? token(dir, pos);
    return { events, nextForwardToken: dir === 'f' ? same : token('f', pos), nextBackwardToken: dir === 'b' ? same : token('b', pos) };
  }
  return { events, nextForwardToken: token('f', picked[picked.length - 1] + 1), nextBackwardToken: token('b', picked[0]) };
}
