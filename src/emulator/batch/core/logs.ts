/**
 * Where an attempt's output goes, as AWS Batch names it. Without a `logConfiguration` (or with the
 * awslogs driver and no options) the group is `/aws/batch/job` and the stream
 * `<job definition name>/default/<task id>`; with `awslogs-group` the stream goes to that group, and
 * with `awslogs-stream-prefix` it is named `<prefix>/<container name>/<task id>` (the container of a
 * Batch container job is named "default"). Other log drivers send nothing to CloudWatch on AWS;
 * locally their output is still kept, in the default group, so it can be read.
 */
import type { JobDefinition, LogConfiguration } from '@aws-sdk/client-batch';

export const DEFAULT_LOG_GROUP = '/aws/batch/job';

/** The parts of a job definition that decide where its output goes. */
export type LoggedDefinition = Pick<JobDefinition, 'jobDefinitionName' | 'containerProperties' | 'nodeProperties' | 'ecsProperties'>;

export interface LogTarget {
  readonly logGroupName: string;
  readonly logStreamName: string;
}

function configOf(def: LoggedDefinition): { config?: LogConfiguration; container: string } {
  if (def.containerProperties) return { config: def.containerProperties.logConfiguration, container: 'default' };
  const range = def.nodeProperties?.nodeRangeProperties?.find((r) => r.container)?.container;
  if (range) return { config: range.logConfiguration, container: 'default' };
  const ecs = def.ecsProperties?.taskProperties?.[0]?.containers?.[0];
  return { config: ecs?.logConfiguration, container: ecs?.name ?? 'default' };
}

/** The log group a job definition's attempts write to. */
export function logGroupOf(def: LoggedDefinition): string {
  const { config } = configOf(def);
  return (config?.logDriver === 'awslogs' && config.options?.['awslogs-group']) || DEFAULT_LOG_GROUP;
}

export function logTargetOf(def: LoggedDefinition, taskId: string): LogTarget {
  const { config, container } = configOf(def);
  const prefix = config?.logDriver === 'awslogs' ? config.options?.['awslogs-stream-prefix'] : undefined;
  const logStreamName = prefix ? `${prefix}/${container}/${taskId}` : `${(def.jobDefinitionName ?? 'job').slice(0, 200)}/default/${taskId}`;
  return { logGroupName: logGroupOf(def), logStreamName };
}
