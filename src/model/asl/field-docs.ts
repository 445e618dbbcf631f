/**
 * Short editor descriptions of the Amazon States Language's fields and state types, written for
 * localbatch from the facts of AWS's specification. Pure data.
 */

/** Fields of the top-level definition (and of a Parallel branch or a Map's ItemProcessor). */
export const MACHINE_FIELD_DOCS: Readonly<Record<string, string>> = {
  StartAt: 'Name of the state the execution (or this branch) begins with. It must be one of the keys of `States`, in the same object.',
  States: 'The states of this state machine (or branch), as an object from state name to state. Names are at most 80 characters and unique within this object.',
  Comment: 'Free text describing this object, for people; the execution ignores it.',
  Version: 'The Amazon States Language version the definition is written in; `1.0` is the only one.',
  TimeoutSeconds: 'Maximum number of seconds an execution may run; past it the execution fails with `States.Timeout`.',
  QueryLanguage: 'How fields are processed throughout: `JSONPath` (the default: InputPath, Parameters, ResultSelector, ResultPath, OutputPath) or `JSONata` (Arguments, Output, Assign and `{% ... %}` expressions). A state may set its own.',
  ProcessorConfig: 'How a Map runs its item processor: `Mode` `INLINE` (in this execution) or `DISTRIBUTED` (child executions), and for DISTRIBUTED the `ExecutionType`.',
};

/** Fields of a state, whatever its type (the type that takes a field is in the text). */
export const STATE_FIELD_DOCS: Readonly<Record<string, string>> = {
  Type: 'The kind of state: `Task`, `Pass`, `Choice`, `Wait`, `Succeed`, `Fail`, `Parallel` or `Map`. Required.',
  Comment: 'Free text describing this state, for people; the execution ignores it.',
  Next: 'Name of the state to run after this one, in the same `States` object. A state that is not terminal has either `Next` or `End: true` (Choice, Succeed and Fail have neither).',
  End: '`true` makes this state the last one: the execution (or branch) ends with its output. Not allowed together with `Next`.',
  QueryLanguage: 'Overrides the definition\'s query language for this state: `JSONPath` or `JSONata`. A JSONPath definition may hold JSONata states, not the reverse.',
  Resource: 'For a Task: what to run, as an ARN. For AWS Batch, `arn:aws:states:::batch:submitJob` submits the job and continues with its id; `arn:aws:states:::batch:submitJob.sync` waits for the job to end and returns its description.',
  Parameters: 'JSONPath states: the input for the task (or the state\'s effective input). A key ending in `.$` takes its value from a path or an intrinsic function on the input.',
  Arguments: 'JSONata states: the input for the task, where values may be `{% ... %}` JSONata expressions.',
  InputPath: 'JSONPath states: the part of the state input to work on (default `$`, all of it; `null` discards it).',
  OutputPath: 'JSONPath states: the part of the result to pass on to the next state (default `$`; `null` passes `{}`).',
  ResultPath: 'JSONPath states: where in the state input to place the result (default `$`, replacing the input; `null` discards the result and keeps the input).',
  ResultSelector: 'JSONPath states: builds a new result from the task\'s raw result, before ResultPath applies (keys ending in `.$` take paths into the result).',
  Output: 'JSONata states: the state\'s output, a value or `{% ... %}` expression (default: the result, or the input for states without one).',
  Assign: 'Variables to set after this state, as an object from variable name to value; later states read them as `$name`.',
  Retry: 'Retriers tried in order when this state fails: each names the errors it handles in `ErrorEquals` and how often and how fast to retry.',
  Catch: 'Catchers tried in order once retries are exhausted: each names errors in `ErrorEquals` and the state to go to in `Next`.',
  TimeoutSeconds: 'Maximum seconds this Task (or the whole Map/Parallel run) may take; past it the state fails with `States.Timeout`.',
  TimeoutSecondsPath: 'JSONPath states: a path to the timeout in seconds in the state input, instead of `TimeoutSeconds`.',
  HeartbeatSeconds: 'Maximum seconds between heartbeats (SendTaskHeartbeat) of a running Task; past it the state fails with `States.HeartbeatTimeout`. Less than TimeoutSeconds.',
  HeartbeatSecondsPath: 'JSONPath states: a path to the heartbeat interval in seconds in the state input.',
  Credentials: 'The role the Task assumes to call its resource.',
  Choices: 'Choice state: the rules, tried in order; the first that matches gives the `Next` state.',
  Default: 'Choice state: the state to go to when no rule matches. Without it an unmatched input fails with `States.NoChoiceMatched`.',
  Seconds: 'Wait state: how many seconds to wait.',
  SecondsPath: 'Wait state (JSONPath): a path to the number of seconds to wait in the state input.',
  Timestamp: 'Wait state: wait until this time, an ISO 8601 timestamp such as `2026-01-01T00:00:00Z`.',
  TimestampPath: 'Wait state (JSONPath): a path to the timestamp to wait until in the state input.',
  Result: 'Pass state: a fixed value to use as the state\'s result.',
  Error: 'Fail state: the error name the execution fails with.',
  ErrorPath: 'Fail state (JSONPath): a path to the error name in the state input.',
  Cause: 'Fail state: a readable description of why the execution failed.',
  CausePath: 'Fail state (JSONPath): a path to the cause in the state input.',
  Branches: 'Parallel state: state machines (each with StartAt and States) run at the same time on the same input; the result is the array of their outputs, in order.',
  ItemProcessor: 'Map state: the state machine (StartAt, States and ProcessorConfig) run for each item.',
  Iterator: 'Map state: the earlier name of ItemProcessor (without ProcessorConfig).',
  ItemsPath: 'Map state (JSONPath): a path to the array in the state input to iterate over (default `$`).',
  Items: 'Map state (JSONata): the array to iterate over, a JSON array or `{% ... %}` expression.',
  ItemSelector: 'Map state: builds each iteration\'s input (instead of the item alone); `$$.Map.Item.Value` and `$$.Map.Item.Index` give the item and its index.',
  ItemReader: 'Distributed Map state: reads the items from a source such as an S3 object (JSON, CSV) or an S3 listing instead of the state input.',
  ItemBatcher: 'Distributed Map state: groups items into batches per child execution (MaxItemsPerBatch, MaxInputBytesPerBatch).',
  ResultWriter: 'Distributed Map state: writes the child executions\' results to S3 instead of returning them.',
  MaxConcurrency: 'Map state: how many iterations may run at the same time; `0` (the default) means no limit.',
  ToleratedFailurePercentage: 'Distributed Map state: the percentage of failed items allowed before the Map fails with `States.ExceedToleratedFailureThreshold`.',
  ToleratedFailureCount: 'Distributed Map state: the number of failed items allowed before the Map fails with `States.ExceedToleratedFailureThreshold`.',
  Label: 'Distributed Map state: a label used in the names of the child executions.',
};

/** Fields of a retrier (Retry) and a catcher (Catch). */
export const RETRY_CATCH_FIELD_DOCS: Readonly<Record<string, string>> = {
  ErrorEquals: 'The error names this retrier or catcher handles, such as `States.TaskFailed` or `States.ALL` (every error; only alone and in the last entry).',
  IntervalSeconds: 'Seconds before the first retry (default 1).',
  MaxAttempts: 'How many times to retry at most (default 3; `0` never retries these errors).',
  BackoffRate: 'The factor the interval grows by after each retry (default 2.0, at least 1.0).',
  MaxDelaySeconds: 'The longest interval between retries, however large the backoff grows it.',
  JitterStrategy: '`FULL` randomises each interval between 0 and its computed value, so that many failing executions do not retry in step; `NONE` (the default) does not.',
  Next: 'Catch: the state to go to when this catcher handles the error.',
  ResultPath: 'Catch (JSONPath): where in the state input to place the error output (`Error` and `Cause`); default `$`, replacing the input.',
  Output: 'Catch (JSONata): the output passed to the Next state.',
  Assign: 'Catch: variables to set before going to the Next state.',
  Comment: 'Free text describing this entry, for people.',
};

/** What each state type does. */
export const STATE_TYPE_DOCS: Readonly<Record<string, string>> = {
  Task: 'Runs one unit of work named by `Resource` (an AWS Batch job, an SDK call, an activity, ...) and continues with its result.',
  Pass: 'Passes its input on, optionally reshaped or replaced by a fixed `Result`; does no work. Useful for building data and as a placeholder.',
  Choice: 'Branches: goes to the `Next` of the first rule in `Choices` that the input matches, else to `Default`.',
  Wait: 'Pauses the execution for `Seconds` or until a `Timestamp`, then continues with its input.',
  Succeed: 'Ends the execution (or branch, or iteration) successfully with its input as output. Terminal: no Next or End.',
  Fail: 'Ends the execution with an error (`Error`) and a `Cause`. Terminal: no Next or End.',
  Parallel: 'Runs each of its `Branches` on the same input at once and continues with the array of their outputs; fails if any branch fails.',
  Map: 'Runs its `ItemProcessor` for each item of an array (or, distributed, of an S3 source), and continues with the array of results.',
};

const IO = ['InputPath', 'OutputPath', 'Output', 'Assign'];
const TRANSITION = ['Next', 'End'];
const RESULT = ['ResultPath', 'ResultSelector', 'Retry', 'Catch'];

/** The fields each state type takes besides Type, Comment and QueryLanguage (either query language). */
export const STATE_TYPE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Task: ['Resource', 'Parameters', 'Arguments', ...RESULT, 'TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath', 'Credentials', ...IO, ...TRANSITION],
  Pass: ['Result', 'Parameters', 'ResultPath', ...IO, ...TRANSITION],
  Choice: ['Choices', 'Default', ...IO],
  Wait: ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath', ...IO, ...TRANSITION],
  Succeed: ['InputPath', 'OutputPath', 'Output'],
  Fail: ['Error', 'ErrorPath', 'Cause', 'CausePath'],
  Parallel: ['Branches', 'Parameters', 'Arguments', ...RESULT, ...IO, ...TRANSITION],
  Map: ['ItemProcessor', 'Iterator', 'ItemsPath', 'Items', 'ItemSelector', 'ItemReader', 'ItemBatcher', 'ResultWriter', 'MaxConcurrency', 'ToleratedFailurePercentage', 'ToleratedFailureCount', 'Label', 'Parameters', ...RESULT, ...IO, ...TRANSITION],
};

/** Fields only JSONata states take (their JSONPath counterparts are JSONPATH_ONLY_FIELDS). */
export const JSONATA_ONLY_FIELDS: readonly string[] = ['Arguments', 'Output', 'Items'];

/** Fields of a Choice rule other than the comparison operators (those are described by {@link choiceOperatorDoc}). */
export const CHOICE_RULE_FIELD_DOCS: Readonly<Record<string, string>> = {
  Variable: 'JSONPath rules: the path to the value in the state input (or a `$variable`) that the rule\'s operator tests.',
  Condition: 'JSONata rules: `true`, `false` or a `{% ... %}` expression giving a boolean; the rule matches when it is true.',
  Next: 'The state to go to when this rule matches (top-level rules only, not those inside And, Or or Not).',
  Assign: 'Variables to set when this rule matches, as an object from variable name to value.',
  And: 'A non-empty array of rules (without Next): matches when every one of them matches.',
  Or: 'A non-empty array of rules (without Next): matches when any one of them matches.',
  Not: 'One rule (without Next): matches when that rule does not.',
  Comment: 'Free text describing this rule, for people; the execution ignores it.',
};

const OPERATOR_TYPES: Readonly<Record<string, string>> = { String: 'a string', Numeric: 'a number', Boolean: 'a boolean', Timestamp: 'a timestamp (RFC 3339, such as `2026-12-06T10:00:00Z`)' };
const RELATIONS: Readonly<Record<string, string>> = { Equals: 'equal to', GreaterThan: 'greater than', GreaterThanEquals: 'greater than or equal to', LessThan: 'less than', LessThanEquals: 'less than or equal to' };
const TYPE_TESTS: Readonly<Record<string, string>> = { IsNull: 'is null', IsPresent: 'exists in the input (test this before comparing a field that may be missing)', IsNumeric: 'is a number', IsString: 'is a string', IsBoolean: 'is a boolean', IsTimestamp: 'is a string holding a timestamp (RFC 3339)' };

/** What a JSONPath Choice rule's comparison operator tests, or undefined for a name that is not one. */
export function choiceOperatorDoc(name: string): string | undefined {
  const compare = /^(String|Numeric|Boolean|Timestamp)(Equals|GreaterThan|GreaterThanEquals|LessThan|LessThanEquals)(Path)?$/.exec(name);
  if (compare && Object.hasOwn(OPERATOR_TYPES, compare[1]) && Object.hasOwn(RELATIONS, compare[2]) && !(compare[1] === 'Boolean' && compare[2] !== 'Equals')) {
    const than = compare[3] ? 'the value at the reference path given here (a path into the input, or a `$variable`)' : 'the value given here';
    return `Matches when the Variable's value is ${OPERATOR_TYPES[compare[1]]} ${RELATIONS[compare[2]]} ${than}. A value of another type does not match.`;
  }
  if (name === 'StringMatches') return 'Matches when the Variable\'s value is a string matching this pattern, where `*` stands for any characters (an asterisk itself is `\\\\*` in JSON text).';
  if (Object.hasOwn(TYPE_TESTS, name)) return `\`true\`: matches when the Variable's value ${TYPE_TESTS[name]}; \`false\`: when it does not.`;
  return undefined;
}
