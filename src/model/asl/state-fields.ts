/**
 * The fields each state type takes (the Amazon States Language as the Step Functions developer guide
 * documents it, JSONPath and JSONata fields both), and the top-level fields of a state machine or
 * branch. Step Functions refuses a definition with any other field (SCHEMA_VALIDATION_FAILED), so a
 * misspelt `Resouce` or `Retries` is caught here, with a did-you-mean. Pure.
 */
import type { JsonPath } from '../document';
import { closestName } from '../validation/workspace-rules/context';
import type { Obj } from '../values';
import type { AslReport } from './rules';

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const FLOW = ['Next', 'End'];
const IO = ['InputPath', 'OutputPath', 'Output'];
const RESULTS = ['Parameters', 'ResultPath', 'ResultSelector', 'Arguments'];
const ERRORS = ['Retry', 'Catch'];

export const STATE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Pass: [...COMMON, ...FLOW, ...IO, 'Parameters', 'ResultPath', 'Result', 'Assign'],
  Task: [...COMMON, ...FLOW, ...IO, ...RESULTS, ...ERRORS, 'Resource', 'TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath', 'Credentials', 'Assign'],
  Choice: [...COMMON, ...IO, 'Choices', 'Default', 'Assign'],
  Wait: [...COMMON, ...FLOW, ...IO, 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath', 'Assign'],
  Succeed: [...COMMON, ...IO],
  Fail: [...COMMON, 'Error', 'ErrorPath', 'Cause', 'CausePath'],
  Parallel: [...COMMON, ...FLOW, ...IO, ...RESULTS, ...ERRORS, 'Branches', 'Assign'],
  Map: [
    ...COMMON, ...FLOW, ...IO, 'Parameters', 'ResultPath', 'ResultSelector', ...ERRORS, 'Assign',
    'ItemProcessor', 'Iterator', 'ItemsPath', 'Items', 'ItemSelector', 'ItemReader', 'ItemBatcher', 'ResultWriter', 'Label',
    'MaxConcurrency', 'MaxConcurrencyPath', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath', 'ToleratedFailureCount', 'ToleratedFailureCountPath',
  ],
};

/** A state machine's top-level fields (`Version` and `TimeoutSeconds` only at the top), and a branch's. */
const MACHINE_FIELDS = ['Comment', 'StartAt', 'States', 'QueryLanguage', 'Version', 'TimeoutSeconds'];
const BRANCH_FIELDS = ['Comment', 'StartAt', 'States', 'ProcessorConfig'];

/** Reports each field of state `s` (of a known `type`, at `path`) that the type does not take. */
export function checkStateFields(s: Obj, type: string, name: string, path: JsonPath, report: AslReport): void {
  const known = STATE_FIELDS[type];
  if (!known) return;
  for (const key of Object.keys(s)) {
    if (known.includes(key) || known.includes(key.replace(/\.\$$/, ''))) continue;
    const best = closestName(key, known);
    report('error', [...path, key], 'asl-unknown-field', `A ${type} state takes no field '${key}'${best ? ` (did you mean '${best}'?)` : ''}: Step Functions refuses the definition (the state '${name}')`, 'key', best);
  }
}

/** Reports each top-level field of a state machine (`at` empty) or a branch / item processor that it does not take. */
export function checkLevelFields(def: Obj, at: JsonPath, report: AslReport): void {
  const known = at.length === 0 ? MACHINE_FIELDS : BRANCH_FIELDS;
  for (const key of Object.keys(def)) {
    if (known.includes(key)) continue;
    const best = closestName(key, known);
    report('error', [...at, key], 'asl-unknown-field', `${at.length === 0 ? 'A state machine' : 'A branch'} takes no field '${key}'${best ? ` (did you mean '${best}'?)` : ''}: Step Functions refuses the definition`, 'key', best);
  }
}
