/**
 * Structural checks of a definition (what CreateStateMachine refuses with InvalidDefinition and
 * ValidateStateMachineDefinition reports): StartAt and Next targets exist, every state ends or
 * goes on, a state's Type is known, no state is unreachable, ErrorEquals names known States.* errors,
 * a Wait has exactly one of its four fields, number fields are in range (model/asl/numbers.ts);
 * then the checks of `localbatch validate` these do not cover (model/asl): expressions, Choice
 * rules, States.ALL alone and last, fields a state type does not take, Batch Task parameters.
 */
import { numberProblems } from '../../../model/asl/numbers';
import { checkBatchParameters } from '../../../model/asl/batch-params';
import { checkDefinition as checkDefinitionText, type AslReport } from '../../../model/asl/rules';
import { KNOWN_STATES_ERRORS } from './errors';
import type { StateMachineDef } from './types';
import { nestingDepth } from '../../../model/values';

/** As deep as an execution's input may nest (StartExecution refuses deeper). */
const MAX_DEPTH = 1000;

export interface Diagnostic {
  readonly code: string;
  readonly message: string;
  readonly location: string;
}

const TYPES = new Set(['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map']);

export function validateDefinition(text: string): Diagnostic[] {
  let def: StateMachineDef;
  try {
    def = JSON.parse(text) as StateMachineDef;
  } catch (err) {
    return [{ code: 'INVALID_JSON_DESCRIPTION', message: `The definition is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, location: '/' }];
  }
  // (a value nested deeper than executions' inputs may be would fail every execution that meets it)
  if (nestingDepth(def, MAX_DEPTH) > MAX_DEPTH) return [{ code: 'SCHEMA_VALIDATION_FAILED', message: `The definition nests arrays and objects more than ${MAX_DEPTH} levels deep`, location: '/' }];
  const out: Diagnostic[] = [];
  checkMachine(def, '', out);
  // The expressions and Choice rules, as `localbatch validate` checks them (model/asl): what
  // Step Functions refuses at create time instead of failing the execution that meets it.
  const take: AslReport = (severity, path, rule, message) => {
    if (severity === 'error' && VALIDATE_RULES.has(rule)) out.push({ code: 'SCHEMA_VALIDATION_FAILED', message, location: `/${path.join('/')}` });
  };
  checkDefinitionText(def, take);
  checkBatchParameters(def, take);
  return out;
}

/** The rules of `localbatch validate` this file's own checks (above) do not cover already. */
const VALIDATE_RULES = new Set(['asl-jsonpath', 'asl-intrinsic', 'asl-jsonata', 'asl-query-language', 'asl-choice-rule', 'asl-states-all-last', 'asl-unknown-field', 'asl-batch-parameter', 'asl-timestamp', 'asl-map-label']);

function checkMachine(def: StateMachineDef, at: string, out: Diagnostic[]): void {
  if (!def || typeof def !== 'object' || typeof def.States !== 'object' || def.States === null) {
    out.push({ code: 'SCHEMA_VALIDATION_FAILED', message: 'The definition must have a States object', location: `${at}/States` });
    return;
  }
  const names = Object.keys(def.States);
  if (def.StartAt === undefined) {
    out.push({ code: 'SCHEMA_VALIDATION_FAILED', message: `${at ? 'The branch' : 'The state machine'} needs StartAt, the name of its first state`, location: `${at}/StartAt` });
  } else if (typeof def.StartAt !== 'string' || !(def.StartAt in def.States)) {
    out.push({ code: 'MISSING_TRANSITION_TARGET', message: `StartAt '${String(def.StartAt)}' is not a state of this level`, location: `${at}/StartAt` });
  }
  const reached = new Set<string>();
  const targets = (name: string): string[] => {
    const s = def.States[name];
    const t: string[] = [];
    if (s.Next) t.push(s.Next);
    if (s.Default) t.push(s.Default);
    for (const c of s.Choices ?? []) if (typeof c.Next === 'string') t.push(c.Next);
    for (const c of s.Catch ?? []) t.push(c.Next);
    return t;
  };
  for (const name of names) {
    const s = def.States[name];
    const loc = `${at}/States/${name}`;
    if (!s || !TYPES.has(s.Type)) {
      out.push({ code: 'SCHEMA_VALIDATION_FAILED', message: `The state '${name}' has an unknown Type ${JSON.stringify(s?.Type)}`, location: `${loc}/Type` });
      continue;
    }
    const terminal = s.Type === 'Succeed' || s.Type === 'Fail' || s.Type === 'Choice';
    if (!terminal && !s.Next && s.End !== true) out.push({ code: 'MISSING_TRANSITION_TARGET', message: `The state '${name}' needs Next or "End": true`, location: loc });
    if (s.Next && s.End) out.push({ code: 'SCHEMA_VALIDATION_FAILED', message: `The state '${name}' has both Next and End`, location: loc });
    if (s.Type === 'Task' && typeof s.Resource !== 'string') out.push({ code: 'SCHEMA_VALIDATION_FAILED', message: `The Task state '${name}' needs a Resource`, location: `${loc}/Resource` });
    else if (s.Type === 'Task' && !/^arn:[^:]+:[^:]+:/.test(s.Resource ?? '') && !(s.Resource ?? '').includes('${') && !(s.Resource ?? '').startsWith('unresolved:')) out.push({ code: 'SCHEMA_VALIDATION_FAILED', message: `The Task state '${name}' has a Resource that is not a valid ARN: ${JSON.stringify(s.Resource?.slice(0, 200))}`, location: `${loc}/Resource` });
    if (s.Type === 'Choice' && !(s.Choices && s.Choices.length)) out.push({ code: 'SCHEMA_VALIDATION_FAILED', message: `The Choice state '${name}' needs at least one rule in Choices`, location: `${loc}/Choices` });
    if (s.Type === 'Wait') {
      const given = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'].filter((k) => (s as unknown as Record<string, unknown>)[k] !== undefined);
      if (given.length !== 1) out.push({ code: 'SCHEMA_VALIDATION_FAILED', message: `The Wait state '${name}' needs exactly one of Seconds, Timestamp, SecondsPath or TimestampPath${given.length > 1 ? ` (it has ${given.join(', ')})` : ''}`, location: loc });
    }
    for (const p of numberProblems(s as unknown as Record<string, unknown>, name)) out.push({ code: 'SCHEMA_VALIDATION_FAILED', message: p.message, location: `${loc}/${p.path.join('/')}` });
    for (const t of targets(name)) {
      if (!(t in def.States)) out.push({ code: 'MISSING_TRANSITION_TARGET', message: `Missing 'Next' target: ${t}`, location: loc });
    }
    for (const [field, list] of [['Retry', s.Retry], ['Catch', s.Catch]] as const) {
      for (const [i, r] of (list ?? []).entries()) {
        for (const e of r.ErrorEquals ?? []) {
          if (e.startsWith('States.') && !KNOWN_STATES_ERRORS.has(e)) out.push({ code: 'SCHEMA_VALIDATION_FAILED', message: `'${e}' is not a States.* error name`, location: `${loc}/${field}/${i}/ErrorEquals` });
        }
      }
    }
    if (s.Type === 'Parallel' && !(Array.isArray(s.Branches) && s.Branches.length > 0)) out.push({ code: 'SCHEMA_VALIDATION_FAILED', message: `The Parallel state '${name}' needs Branches, a list of at least one state machine`, location: `${loc}/Branches` });
    for (const [i, b] of (Array.isArray(s.Branches) ? s.Branches : []).entries()) checkMachine(b, `${loc}/Branches/${i}`, out);
    const processor = s.ItemProcessor ?? s.Iterator;
    if (s.Type === 'Map') {
      if (processor) checkMachine(processor, `${loc}/${s.ItemProcessor ? 'ItemProcessor' : 'Iterator'}`, out);
      else out.push({ code: 'SCHEMA_VALIDATION_FAILED', message: `The Map state '${name}' needs an ItemProcessor`, location: loc });
    }
  }
  const queue = typeof def.StartAt === 'string' && def.StartAt in def.States ? [def.StartAt] : [];
  while (queue.length) {
    const n = queue.pop()!;
    if (reached.has(n) || !def.States[n]) continue;
    reached.add(n);
    queue.push(...targets(n).filter((t) => t in def.States));
  }
  for (const name of names) if (!reached.has(name) && queue.length === 0 && reached.size) out.push({ code: 'UNREACHABLE_STATE', message: `The state '${name}' is not reachable from StartAt`, location: `${at}/States/${name}` });
}
