/** Shared pieces of the CloudWatch Logs API: the backend port, log groups, input checks. */
import { DEFAULT_LOG_GROUP } from '../../batch/core/logs';
import type { LogStreamInfo, StoredLogEvent } from '../../store/log-store';
import { InvalidParameterException, ResourceNotFoundException } from '../../edge/errors';

/** What the Logs API reads; `FileLogStore` satisfies it. */
export interface LogsBackend {
  /** Every log group: the default one and those job definitions' `awslogs-group` named. */
  groups(): string[];
  hasGroup(logGroupName: string): boolean;
  has(logStreamName: string, logGroupName: string): boolean;
  /** All events of a stream, oldest first ([] for an unknown stream). */
  events(logStreamName: string, logGroupName: string): readonly StoredLogEvent[];
  /** Streams of a group whose name starts with `prefix`, sorted by name. */
  streams(prefix: string, logGroupName: string): LogStreamInfo[];
  /** What the writing operations need (absent: a read-only backend, and they are refused). */
  readonly write?: LogsWriter;
}

/** CreateLogGroup, CreateLogStream (false: exists already), PutLogEvents, Delete* (false: no such thing). */
export interface LogsWriter {
  createGroup(logGroupName: string): boolean;
  createStream(logStreamName: string, logGroupName: string): boolean;
  appendDurably(logStreamName: string, events: ReadonlyArray<{ timestamp: number; message: string }>, logGroupName: string): Promise<void>;
  deleteStream(logStreamName: string, logGroupName: string): boolean;
  deleteGroup(logGroupName: string): boolean;
}

export interface LogsContext {
  readonly backend: LogsBackend;
  readonly accountId: string;
  readonly region: string;
}

/** Where AWS Batch sends job output by default. */
export const BATCH_LOG_GROUP = DEFAULT_LOG_GROUP;

export type Input = Record<string, unknown>;

export function logGroupArn(ctx: LogsContext, logGroupName: string): string {
  return `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${logGroupName}`;
}

/** Resolves `logGroupName` / `logGroupIdentifier` (name or ARN) to a group name; throws like AWS for unknown groups. */
export function requireLogGroup(input: Input, ctx: LogsContext): string {
  const name = optString(input, 'logGroupName');
  const id = optString(input, 'logGroupIdentifier');
  if (name !== undefined && id !== undefined) {
    throw new InvalidParameterException('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  const given = name ?? id;
  if (given === undefined) throw new InvalidParameterException('Either logGroupName or logGroupIdentifier must be provided.');
  const arnPrefix = `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:`;
  const group = given.startsWith(arnPrefix) ? given.slice(arnPrefix.length).replace(/:\*$/, '') : given;
  if (!ctx.backend.hasGroup(group)) throw new ResourceNotFoundException('The specified log group does not exist.');
  return group;
}

export function optString(input: Input, key: string): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InvalidParameterException(`${key} must be a string.`);
  return v;
}

export function optBool(input: Input, key: string): boolean | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new InvalidParameterException(`${key} must be a boolean.`);
  return v;
}

/** An optional integer in [min, max]. */
export function optInt(input: Input, key: string, min: number, max: number): number | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidParameterException(`${key} must be an integer between ${min} and ${max}.`);
  }
  return v;
}

export function optStringList(input: Input, key: string, maxItems: number): string[] | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string') || v.length < 1 || v.length > maxItems) {
    throw new InvalidParameterException(`${key} must be a list of 1 to ${maxItems} strings.`);
  }
  return v as string[];
}

/** Offset tokens for DescribeLogStreams and FilterLogEvents: opaque to clients, tied to the query. */
export function encodeOffsetToken(offset: number, query: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: query })).toString('base64url');
}

export function decodeOffsetToken(token: string | undefined, query: string): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    if (Number.isInteger(parsed.o) && (parsed.o as number) >= 0 && parsed.q === query) return parsed.o as number;
  } catch {
    // fall through
  }
  throw new InvalidParameterException('The specified nextToken is invalid.');
}

/** CloudWatch counts each event as its UTF-8 message plus 26 bytes against the 1 MB response cap. */
export const MAX_RESPONSE_BYTES = 1_048_576;
export function eventBytes(message: string): number {
  return Buffer.byteLength(message, 'utf8') + 26;
}
