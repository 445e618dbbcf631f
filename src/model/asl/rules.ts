/** The checks of a state machine definition, and their rule ids. Pure; never throws. */
import type { Severity } from '../diagnostics';
import type { JsonPath } from '../document';
import { checkExpressions } from './expressions';
import { checkStructure } from './structure';

/** Reports one problem at a path of the definition (`suggestion`: see Diagnostic.suggestion). */
export type AslReport = (severity: Severity, path: JsonPath, rule: string, message: string, part?: 'key' | 'value', suggestion?: string) => void;

/** Every rule id of state machine checks, with a one-line description. */
export const ASL_RULES = {
  'asl-structure': 'a state machine, state, rule or retrier is missing a field or has one of the wrong shape',
  'asl-state-type': 'a state has no Type or an unknown one',
  'asl-unknown-state': 'StartAt, Next, Default or a Catch Next names no state of its level',
  'asl-missing-transition': 'a state has neither Next nor "End": true',
  'asl-next-and-end': 'a state has both Next and End',
  'asl-number': 'a number field out of its range (TimeoutSeconds, Wait Seconds, MaxConcurrency, a retrier\'s BackoffRate, ...)',
  'asl-map-label': 'a Map state\'s Label that is not 1-40 characters without white space or special characters, or that another Map uses',
  'asl-timestamp': 'a Wait state\'s Timestamp that is not an RFC 3339 timestamp with a time zone (2026-01-01T00:00:00Z)',
  'asl-unreachable': 'a state that no StartAt, Next, Default or Catch names',
  'asl-unknown-error': 'Retry / Catch ErrorEquals names a States.* error that does not exist',
  'asl-unknown-field': 'a state, state machine or branch with a field its type does not take (Step Functions refuses it)',
  'asl-states-all-last': 'States.ALL not alone in ErrorEquals, or not in the last retrier / catcher',
  'asl-choice-rule': 'a Choice rule without exactly one comparison (with Variable) or And / Or / Not, or Next in a nested rule',
  'asl-jsonpath': 'a path, reference path or `.$` field that is not valid JSONPath',
  'asl-intrinsic': 'an intrinsic function that does not parse, does not exist or has the wrong number of arguments',
  'asl-jsonata': 'a `{% %}` JSONata expression that does not parse',
  'asl-query-language': 'a JSONPath-only field in a JSONata state, or a JSONPath state in a JSONata state machine',
  'asl-batch-parameter': 'a batch:submitJob Task without JobName / JobDefinition / JobQueue, or with a parameter Step Functions does not take',
  'asl-definition': 'a template state machine whose definition cannot be read locally (DefinitionString not JSON, DefinitionUri not in the workspace, ...)',
} as const;

/** The single-definition checks: structure, then expressions. */
export function checkDefinition(def: unknown, report: AslReport): void {
  try {
    checkStructure(def, report);
    checkExpressions(def, report);
  } catch (err) {
    report('error', [], 'internal', `localbatch could not finish checking this state machine: ${String(err)}`);
  }
}
