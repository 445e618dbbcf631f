/**
 * The CloudWatch Logs operations that write, as a job (or a tool) calls them with the SDK:
 * CreateLogGroup, CreateLogStream, PutLogEvents, DeleteLogStream and DeleteLogGroup, with the
 * checks and errors of the CloudWatch Logs API reference: names, a batch of at most 10,000 events
 * and 1,048,576 bytes (each message's UTF-8 bytes plus 26), in chronological order; events more
 * than 2 hours ahead or 14 days old are rejected (reported in `rejectedLogEventsInfo`) while the
 * rest, which may span at most 24 hours, are stored. The sequence token is ignored, as on AWS now.
 */
import { InvalidParameterException, ResourceAlreadyExistsException, ResourceNotFoundException } from '../../edge/errors';
import { UnknownOperationException } from '../../edge/errors';
import { type Input, type LogsContext, type LogsWriter, optString, requireLogGroup } from './common';

function writer(ctx: LogsContext): LogsWriter {
  if (!ctx.backend.write) throw new UnknownOperationException('this emulator\'s CloudWatch Logs is read-only', 400);
  return ctx.backend.write;
}

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const MAX_EVENTS = 10_000;
const MAX_BATCH_BYTES = 1_048_576;
const EVENT_OVERHEAD = 26;
const MAX_EVENT_BYTES = 1_048_576 - EVENT_OVERHEAD;
const HOUR = 3_600_000;

/** A file name's limit on the file systems here; each group is a folder and each stream a file named after it. */
const MAX_FILE_NAME_BYTES = 255;

function fitsAsFileName(name: string, what: 'log group' | 'log stream', suffix: number): string {
  const bytes = Buffer.byteLength(encodeURIComponent(name)) + suffix;
  if (bytes > MAX_FILE_NAME_BYTES) throw new InvalidParameterException(`localbatch keeps each ${what} in a file named after it, and this name takes ${bytes} bytes as a file name (at most ${MAX_FILE_NAME_BYTES}); CloudWatch Logs allows it, so this is a local limit (see the README, Limits).`);
  return name;
}

function groupName(input: Input): string {
  const name = optString(input, 'logGroupName');
  if (name === undefined) throw new InvalidParameterException('1 validation error detected: Value null at \'logGroupName\' failed to satisfy constraint: Member must not be null');
  if (!GROUP_NAME.test(name)) throw new InvalidParameterException(`1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+ (1 to 512 characters)`);
  return fitsAsFileName(name, 'log group', 0);
}

function streamName(input: Input): string {
  const name = optString(input, 'logStreamName');
  if (name === undefined) throw new InvalidParameterException('1 validation error detected: Value null at \'logStreamName\' failed to satisfy constraint: Member must not be null');
  if (name.length < 1 || name.length > 512 || /[:*]/.test(name)) throw new InvalidParameterException(`1 validation error detected: Value '${name}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]* (1 to 512 characters)`);
  return fitsAsFileName(name, 'log stream', '.jsonl'.length);
}

export function createLogGroup(input: Input, ctx: LogsContext): unknown {
  const group = groupName(input);
  if (!writer(ctx).createGroup(group)) throw new ResourceAlreadyExistsException('The specified log group already exists');
  return {};
}

export function createLogStream(input: Input, ctx: LogsContext): unknown {
  const group = requireLogGroup(input, ctx);
  const stream = streamName(input);
  if (!writer(ctx).createStream(stream, group)) throw new ResourceAlreadyExistsException('The specified log stream already exists');
  return {};
}

export function deleteLogStream(input: Input, ctx: LogsContext): unknown {
  const group = requireLogGroup(input, ctx);
  if (!writer(ctx).deleteStream(streamName(input), group)) throw new ResourceNotFoundException('The specified log stream does not exist.');
  return {};
}

export function deleteLogGroup(input: Input, ctx: LogsContext): unknown {
  if (!writer(ctx).deleteGroup(groupName(input))) throw new ResourceNotFoundException('The specified log group does not exist.');
  return {};
}

interface Event {
  readonly timestamp: number;
  readonly message: string;
}

function logEvents(input: Input): Event[] {
  const list = input.logEvents;
  if (!Array.isArray(list) || list.length === 0) throw new InvalidParameterException('1 validation error detected: Value at \'logEvents\' failed to satisfy constraint: Member must have length greater than or equal to 1');
  if (list.length > MAX_EVENTS) throw new InvalidParameterException(`1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to ${MAX_EVENTS}`);
  let bytes = 0;
  return list.map((e: unknown, i) => {
    const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    if (typeof o.timestamp !== 'number' || !Number.isInteger(o.timestamp) || o.timestamp < 0) throw new InvalidParameterException(`logEvents.${i + 1}.timestamp must be a whole number of milliseconds since the epoch.`);
    if (typeof o.message !== 'string' || o.message.length === 0) throw new InvalidParameterException(`1 validation error detected: Value at 'logEvents.${i + 1}.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    const size = Buffer.byteLength(o.message);
    if (size > MAX_EVENT_BYTES) throw new InvalidParameterException(`Log event too large: log event ${i + 1} is ${size} bytes; at most ${MAX_EVENT_BYTES}.`);
    bytes += size + EVENT_OVERHEAD;
    if (bytes > MAX_BATCH_BYTES) throw new InvalidParameterException(`Upload too large: the batch is over ${MAX_BATCH_BYTES} bytes (each message's UTF-8 bytes plus ${EVENT_OVERHEAD}).`);
    return { timestamp: o.timestamp, message: o.message };
  });
}

export async function putLogEvents(input: Input, ctx: LogsContext, now = Date.now()): Promise<unknown> {
  const group = requireLogGroup(input, ctx);
  const stream = streamName(input);
  const events = logEvents(input);
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.timestamp < events[i - 1]!.timestamp) throw new InvalidParameterException('Log events in a single PutLogEvents request must be in chronological order.');
  }
  if (!ctx.backend.has(stream, group)) throw new ResourceNotFoundException('The specified log stream does not exist.');
  // In chronological order, the too old ones come first and the too new ones last.
  let old = -1;
  while (old + 1 < events.length && events[old + 1]!.timestamp < now - 14 * 24 * HOUR) old++;
  const fresh = events.findIndex((e) => e.timestamp > now + 2 * HOUR);
  const kept = events.slice(old + 1, fresh < 0 ? undefined : fresh);
  // The valid events (within 14 days past and 2 hours ahead) may span at most 24 hours.
  if (kept.length > 0 && kept.at(-1)!.timestamp - kept[0]!.timestamp > 24 * HOUR) throw new InvalidParameterException('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  await writer(ctx).appendDurably(stream, kept, group);
  const rejected = { ...(old >= 0 ? { tooOldLogEventEndIndex: old + 1 } : {}), ...(fresh >= 0 ? { tooNewLogEventStartIndex: fresh } : {}) };
  return Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {};
}
