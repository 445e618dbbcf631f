/** Facts of the Amazon States Language as AWS documents it, for the checks and readers. Pure. */

export const STATE_TYPES = ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'] as const;

/** The predefined error names a definition may name in ErrorEquals (AWS's "Error names"). */
export const STATES_ERROR_NAMES: ReadonlySet<string> = new Set([
  'States.ALL',
  'States.DataLimitExceeded',
  'States.ExceedToleratedFailureThreshold',
  'States.HeartbeatTimeout',
  'States.Http.Socket',
  'States.IntrinsicFailure',
  'States.ItemReaderFailed',
  'States.NoChoiceMatched',
  'States.ParameterPathFailure',
  'States.Permissions',
  'States.QueryEvaluationError',
  'States.ResultPathMatchFailure',
  'States.ResultWriterFailed',
  'States.Runtime',
  'States.TaskFailed',
  'States.Timeout',
  'States.BranchFailed',
]);

const COMPARED = [
  'StringEquals', 'StringLessThan', 'StringGreaterThan', 'StringLessThanEquals', 'StringGreaterThanEquals',
  'NumericEquals', 'NumericLessThan', 'NumericGreaterThan', 'NumericLessThanEquals', 'NumericGreaterThanEquals',
  'BooleanEquals',
  'TimestampEquals', 'TimestampLessThan', 'TimestampGreaterThan', 'TimestampLessThanEquals', 'TimestampGreaterThanEquals',
];

/** Every comparison operator of a JSONPath Choice rule (the `...Path` forms compare with another path). */
export const CHOICE_OPERATORS: ReadonlySet<string> = new Set([
  ...COMPARED,
  ...COMPARED.map((op) => `${op}Path`),
  'StringMatches', 'IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp',
]);

/** Fields whose value is a path in JSONPath states (ResultPath is a reference path). */
export const PATH_FIELDS = ['InputPath', 'OutputPath', 'ItemsPath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath', 'SecondsPath', 'TimestampPath', 'ErrorPath', 'CausePath', 'ToleratedFailureCountPath', 'ToleratedFailurePercentagePath'] as const;

/** Payload templates of JSONPath states, whose `name.$` fields hold a path or an intrinsic function. */
export const TEMPLATE_FIELDS = ['Parameters', 'ResultSelector', 'ItemSelector', 'Assign'] as const;

/** JSONPath-only fields a JSONata state does not take (AWS: use Arguments / Output / Assign instead). */
export const JSONPATH_ONLY_FIELDS = ['InputPath', 'OutputPath', 'Parameters', 'ResultPath', 'ResultSelector', 'ItemsPath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath', 'SecondsPath', 'TimestampPath', 'ErrorPath', 'CausePath'] as const;

/** The optimized AWS Batch integration (request-response and .sync) and the SDK form of SubmitJob. */
export const BATCH_SUBMIT_RESOURCE = /^arn:aws[a-z-]*:states:::(?:batch:submitJob(?:\.sync)?|aws-sdk:batch:submitJob(?:\.waitForTaskToken)?)$/;

/** The parameters Step Functions' batch:submitJob accepts (SubmitJob's, PascalCase). */
export const BATCH_SUBMIT_PARAMETERS = [
  'JobName', 'JobQueue', 'JobDefinition', 'ArrayProperties', 'ContainerOverrides', 'DependsOn', 'Parameters', 'RetryStrategy',
  'Timeout', 'Tags', 'PropagateTags', 'ShareIdentifier', 'SchedulingPriorityOverride', 'EcsPropertiesOverride',
  'EksPropertiesOverride', 'NodeOverrides', 'ConsumableResourcePropertiesOverride',
] as const;

export const JSONATA_EXPRESSION = /^\{%([\s\S]*)%\}$/;
