/** DescribeLogGroups and DescribeLogStreams over the log store. */
import { InvalidParameterException } from '../../edge/errors';
import {
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
  if (prefix !== '' && pattern !== undefined) throw new InvalidParameterException('logGroupNamePrefix and logGroupNamePattern are mutually exclusive.');
  const limit = optInt(input, 'limit', 1, 50) ?? 50;
  const query = JSON.stringify([prefix, pattern ?? '']);
  const offset = decodeOffsetToken(optString(input, 'nextToken'), query);
  const names = ctx.backend.groups().filter((g) => g.startsWith(prefix) && (pattern === undefined || g.toLowerCase().includes(pattern.toLowerCase())));
  const logGroups = names.slice(offset, offset + limit).map((name) => {
    const streams = ctx.backend.streams('', name);
    return {
      logGroupName: name,
      creationTime: streams.reduce((min, s) => Math.min(min, s.creationTime), Date.now()),
      metricFilterCount: 0,
      arn: `${logGroupArn(ctx, name)}:*`,
      logGroupArn: logGroupArn(ctx, name),
      storedBytes: streams.reduce((sum, s) => sum + s.storedBytes, 0),
      logGroupClass: 'STANDARD',
    };
  });
  return { logGroups, nextToken: offset + limit < names.length ? encodeOffsetToken(offset + limit, query) : undefined };
}

export function describeLogStreams(input: Input, ctx: LogsContext): unknown {
  const group = requireLogGroup(input, ctx);
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
  const query = JSON.stringify([group, prefix ?? '', orderBy, descending]);
  const offset = decodeOffsetToken(optString(input, 'nextToken'), query);

  const streams = ctx.backend.streams(prefix ?? '', group);
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
    arn: `${logGroupArn(ctx, group)}:log-stream:${s.logStreamName}`,
    storedBytes: s.storedBytes,
  }));
  const next = offset + limit < streams.length ? encodeOffsetToken(offset + limit, query) : undefined;
  return { logStreams: page, nextToken: next };
}
