/** DescribeLogGroups (the one group) and DescribeLogStreams over the log store. */
import { InvalidParameterException } from '../errors';
import {
  BATCH_LOG_GROUP,
  decodeOffsetToken,
  encodeOffsetToken,
  type Input,
  logGroupArn,
  type LogsContext,
  optBool,
  optInt,
  optString,
  requireLogGroup,
} from './common';

export function describeLogGroups(input: Input, ctx: LogsContext): unknown {
  const prefix = optString(input, 'logGroupNamePrefix') ?? '';
  const pattern = optString(input, 'logGroupNamePattern');
  optInt(input, 'limit', 1, 50);
  const matches = BATCH_LOG_GROUP.startsWith(prefix) && (pattern === undefined || BATCH_LOG_GROUP.includes(pattern));
  const streams = matches ? ctx.backend.streams() : [];
  const group = {
    logGroupName: BATCH_LOG_GROUP,
    creationTime: streams.reduce((min, s) => Math.min(min, s.creationTime), Date.now()),
    metricFilterCount: 0,
    arn: `${logGroupArn(ctx)}:*`,
    logGroupArn: logGroupArn(ctx),
    storedBytes: streams.reduce((sum, s) => sum + s.storedBytes, 0),
    logGroupClass: 'STANDARD',
  };
  return { logGroups: matches ? [group] : [] };
}

export function describeLogStreams(input: Input, ctx: LogsContext): unknown {
  requireLogGroup(input, ctx);
  const prefix = optString(input, 'logStreamNamePrefix');
  const orderBy = optString(input, 'orderBy') ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
    throw new InvalidParameterException("orderBy must be 'LogStreamName' or 'LastEventTime'.");
  }
  if (orderBy === 'LastEventTime' && prefix !== undefined) {
    throw new InvalidParameterException('Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  const descending = optBool(input, 'descending') ?? false;
  const limit = optInt(input, 'limit', 1, 50) ?? 50;
  const query = JSON.stringify([prefix ?? '', orderBy, descending]);
  const offset = decodeOffsetToken(optString(input, 'nextToken'), query);

  const streams = ctx.backend.streams(prefix ?? '');
  if (orderBy === 'LastEventTime') {
    streams.sort((a, b) => (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0) || (a.logStreamName < b.logStreamName ? -1 : 1));
  }
  if (descending) streams.reverse();
  const page = streams.slice(offset, offset + limit).map((s) => ({
    logStreamName: s.logStreamName,
    creationTime: s.creationTime,
    firstEventTimestamp: s.firstEventTimestamp,
    lastEventTimestamp: s.lastEventTimestamp,
    lastIngestionTime: s.lastIngestionTime,
    arn: `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${BATCH_LOG_GROUP}:log-stream:${s.logStreamName}`,
    storedBytes: s.storedBytes,
  }));
  const next = offset + limit < streams.length ? encodeOffsetToken(offset + limit, query) : undefined;
  return { logStreams: page, nextToken: next };
}
