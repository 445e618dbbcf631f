/** Shared pieces of the CloudWatch Logs API: the backend port, the one log group, input checks. */
import type { LogStreamInfo, StoredLogEvent } from '../../store/log-store';
import { InvalidParameterException, ResourceNotFoundException } from '../errors';

/** What the Logs API reads; `FileLogStore` satisfies it. */
export interface LogsBackend {
  has(logStreamName: string): boolean;
  /** All events of a stream, oldest first ([] for an unknown stream). */
  events(logStreamName: string): readonly StoredLogEvent[];
  /** Streams whose name starts with `prefix`, sorted by name. */
  streams(prefix?: string): LogStreamInfo[];
}

export interface LogsContext {
  readonly backend: LogsBackend;
  readonly accountId: string;
  readonly region: string;
}

/** The only log group: where AWS Batch sends job output by default. */
export const BATCH_LOG_GROUP = '/aws/batch/job';

export type Input = Record<string, unknown>;

export function logGroupArn(ctx: LogsContext): string {
  return `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${BATCH_LOG_GROUP}`;
}

/** Resolves `logGroupName` / `logGroupIdentifier` (name or ARN); throws like AWS for others. */
export function requireLogGroup(input: Input, ctx: LogsContext): void {
  const name = optString(input, 'logGroupName');
  const id = optString(input, 'logGroupIdentifier');
  if (name !== undefined && id !== undefined) {
    throw new InvalidParameterException('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  const given = name ?? id;
  if (given === undefined) throw new InvalidParameterException('Either logGroupName or logGroupIdentifier must be provided.');
  const arn = logGroupArn(ctx);
  if (given !== BATCH_LOG_GROUP && given !== arn && given !== `${arn}:*`) {
    throw new ResourceNotFoundException('The specified log group does not exist.');
  }
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
