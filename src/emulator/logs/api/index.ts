/** The CloudWatch Logs operations localbatch serves, by their awsJson1_1 X-Amz-Target name. */
import { describeLogGroups, describeLogStreams } from './describe';
import { filterLogEvents } from './filter';
import { getLogEvents } from './get-log-events';
import { createLogGroup, createLogStream, deleteLogGroup, deleteLogStream, putLogEvents } from './write';
import type { Input, LogsContext } from './common';

export { BATCH_LOG_GROUP, type LogsBackend, type LogsContext } from './common';

export const LOGS_TARGET_PREFIX = 'Logs_20140328.';

export const LOGS_OPERATIONS: Readonly<Record<string, (input: Input, ctx: LogsContext) => unknown>> = {
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
  DescribeLogStreams: describeLogStreams,
  DescribeLogGroups: describeLogGroups,
  CreateLogGroup: createLogGroup,
  CreateLogStream: createLogStream,
  PutLogEvents: (input, ctx) => putLogEvents(input, ctx),
  DeleteLogStream: deleteLogStream,
  DeleteLogGroup: deleteLogGroup,
};
