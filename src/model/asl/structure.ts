/**
 * Structural checks of a state machine definition, at the path of each mistake: StartAt and every
 * Next / Default / Catch target name a state of their level, each state ends or goes on, Types are
 * known, no state is unreachable, Retry / Catch name known States.* errors (States.ALL alone and
 * last), Choice rules have one comparison each, Wait has one duration. Parallel branches and Map
 * processors are checked as levels of their own. Pure; expressions are checked in expressions.ts.
 */
import type { JsonPath } from '../document';
import { closestName } from '../validation/workspace-rules/context';
import { asArr, asStr, isObj, objEntries, type Obj } from '../values';
import { CHOICE_OPERATORS, STATE_TYPES, STATES_ERROR_NAMES } from './language';
import { numberProblems } from './numbers';
import { isMapLabel } from './names';
import { checkLevelFields, checkStateFields } from './state-fields';
import type { AslReport } from './rules';

const TERMINAL = new Set(['Choice', 'Succeed', 'Fail']);
const RULE_KEYS = new Set(['Variable', 'Next', 'Comment', 'Assign', 'Output', 'Condition', 'And', 'Or', 'Not']);

/** Calls `visit` for every state of every level (top, branches, processors), with its path. */
export function forEachState(def: unknown, visit: (state: Obj, path: JsonPath, name: string) => void, at: JsonPath = []): void {
  for (const [name, state] of objEntries(prop(def, 'States'))) {
    if (!isObj(state)) continue;
    const path = [...at, 'States', name];
    visit(state, path, name);
    asArr(state.Branches)?.forEach((b, i) => forEachState(b, visit, [...path, 'Branches', i]));
    for (const key of ['ItemProcessor', 'Iterator']) if (isObj(state[key])) forEachState(state[key], visit, [...path, key]);
  }
}

export function checkStructure(def: unknown, report: AslReport): void {
  checkLevel(def, [], report, 0);
  checkLabels(def, report);
}

/**
 * A Map's Label names its map runs (and their child executions' ARNs): Step Functions takes 1 to 40
 * characters without white space or the characters a name may not hold, unique in the state machine.
 */
function checkLabels(def: unknown, report: AslReport): void {
  const seen = new Set<string>();
  forEachState(def, (state, path, name) => {
    if (state.Type !== 'Map' || state.Label === undefined) return;
    const label = state.Label;
    if (typeof label !== 'string') report('error', [...path, 'Label'], 'asl-map-label', `The Map state '${name}' has a Label that is not a string`, 'value');
    else if (!isMapLabel(label)) {
      report('error', [...path, 'Label'], 'asl-map-label', `The Map state '${name}' has a Label that is not 1-40 characters without white space, brackets, wildcards, control characters or any of " # % \\ ^ | ~ \` $ & , ; : /`, 'value');
    } else if (seen.has(label)) report('error', [...path, 'Label'], 'asl-map-label', `The Label '${label}' is used by another Map state: a Label names one Map's map runs`, 'value');
    else seen.add(label);
  });
}

function checkLevel(def: unknown, at: JsonPath, report: AslReport, depth: number): void {
  if (!isObj(def)) {
    report('error', at, 'asl-structure', 'A state machine is an object with StartAt and States');
    return;
  }
  if (!isObj(def.States)) {
    report('error', at, 'asl-structure', `${at.length === 0 ? 'The state machine' : 'This branch'} needs a States object (state name → state)`, 'value');
    return;
  }
  checkLevelFields(def, at, report);
  const states = def.States;
  const names = Object.keys(states);
  const target = (path: JsonPath, value: unknown, what: string) => {
    const name = asStr(value);
    if (name === undefined) {
      report('error', path, 'asl-structure', `${what} must be the name of a state`);
      return;
    }
    if (Object.prototype.hasOwnProperty.call(states, name)) return;
    const best = closestName(name, names);
    report('error', path, 'asl-unknown-state', `${what} '${name}' is not a state of ${at.length === 0 ? 'this state machine' : 'this branch'}${best ? ` (did you mean '${best}'?)` : ''}`, 'value', best);
  };
  if (def.StartAt === undefined) report('error', at, 'asl-structure', `${at.length === 0 ? 'The state machine' : 'This branch'} needs StartAt, the name of its first state`);
  else target([...at, 'StartAt'], def.StartAt, 'StartAt');
  if (def.QueryLanguage !== undefined && def.QueryLanguage !== 'JSONPath' && def.QueryLanguage !== 'JSONata') {
    report('error', [...at, 'QueryLanguage'], 'asl-structure', 'QueryLanguage is JSONPath or JSONata');
  }
  for (const name of names) {
    const s = states[name];
    const path = [...at, 'States', name];
    if (!isObj(s)) {
      report('error', path, 'asl-structure', `The state '${name}' must be an object with a Type`);
      continue;
    }
    const type = asStr(s.Type);
    if (!type || !(STATE_TYPES as readonly string[]).includes(type)) {
      const best = type ? closestName(type, STATE_TYPES) : undefined;
      report('error', s.Type === undefined ? path : [...path, 'Type'], 'asl-state-type',
        `${type ? `'${type}' is not a state type` : `The state '${name}' needs a Type`}: use one of ${STATE_TYPES.join(', ')}${best ? ` (did you mean '${best}'?)` : ''}`, s.Type === undefined ? 'key' : 'value', best);
      // (where its Next and Catch lead is checked all the same: one mistake need not hide another)
      if (s.Next !== undefined) target([...path, 'Next'], s.Next, 'Next');
      asArr(s.Catch)?.forEach((c, i) => {
        if (isObj(c)) target([...path, 'Catch', i, 'Next'], c.Next, 'Catch Next');
      });
      continue;
    }
    checkStateFields(s, type, name, path, report);
    checkTransitions(s, type, name, path, report, target);
    checkErrorHandlers(s, path, report);
    if (type === 'Task' && s.Resource === undefined) report('error', path, 'asl-structure', `The Task state '${name}' needs a Resource`, 'key');
    // (a template's `${Name}` substitution or a value it cannot resolve is reported where the template is read)
    else if (type === 'Task' && typeof s.Resource === 'string' && !/^arn:[^:]+:[^:]+:/.test(s.Resource) && !s.Resource.includes('${') && !s.Resource.startsWith('unresolved:')) report('error', [...path, 'Resource'], 'asl-structure', `The Task state '${name}' has a Resource that is not an ARN (arn:aws:states:::batch:submitJob.sync, a Lambda function's ARN, ...)`, 'value');
    if (type === 'Choice') checkChoice(s, path, report, target);
    for (const p of numberProblems(s, name)) report('error', [...path, ...p.path], 'asl-number', p.message, 'value');
    if (type === 'Wait') {
      const given = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'].filter((k) => s[k] !== undefined);
      if (given.length !== 1) report('error', path, 'asl-structure', `The Wait state '${name}' needs exactly one of Seconds, Timestamp, SecondsPath or TimestampPath${given.length > 1 ? ` (it has ${given.join(', ')})` : ''}`, 'key');
    }
    if (depth < 20 && type === 'Parallel') {
      const branches = asArr(s.Branches);
      if (!branches || branches.length === 0) report('error', path, 'asl-structure', `The Parallel state '${name}' needs Branches, a list of at least one state machine`, 'key');
      branches?.forEach((b, i) => checkLevel(b, [...path, 'Branches', i], report, depth + 1));
    }
    if (depth < 20 && type === 'Map') {
      const key = isObj(s.ItemProcessor) ? 'ItemProcessor' : isObj(s.Iterator) ? 'Iterator' : undefined;
      if (key) checkLevel(s[key], [...path, key], report, depth + 1);
      else report('error', path, 'asl-structure', `The Map state '${name}' needs an ItemProcessor (StartAt and States run for each item)`, 'key');
    }
  }
  reportUnreachable(def, states, at, report);
}

function checkTransitions(s: Obj, type: string, name: string, path: JsonPath, report: AslReport, target: (p: JsonPath, v: unknown, what: string) => void): void {
  if (TERMINAL.has(type)) {
    if (s.Next !== undefined) report('error', [...path, 'Next'], 'asl-structure', `A ${type} state has no Next${type === 'Choice' ? ': its rules and Default say where to go' : ''}`, 'key');
    if (s.End !== undefined) report('error', [...path, 'End'], 'asl-structure', `A ${type} state has no End${type === 'Choice' ? ': its rules and Default say where to go' : ' (it always ends)'}`, 'key');
    return;
  }
  if (s.Next !== undefined && s.End === true) report('error', [...path, 'End'], 'asl-next-and-end', `The state '${name}' has both Next and End: keep one`, 'key');
  else if (s.Next === undefined && s.End !== true) report('error', path, 'asl-missing-transition', `The state '${name}' needs Next (the state after it) or "End": true`, 'key');
  if (s.Next !== undefined) target([...path, 'Next'], s.Next, 'Next');
  asArr(s.Catch)?.forEach((c, i) => {
    if (isObj(c)) target([...path, 'Catch', i, 'Next'], c.Next, 'Catch Next');
  });
}

function checkErrorHandlers(s: Obj, path: JsonPath, report: AslReport): void {
  for (const field of ['Retry', 'Catch'] as const) {
    const list = asArr(s[field]);
    list?.forEach((r, i) => {
      const at = [...path, field, i];
      const errors = asArr(prop(r, 'ErrorEquals'));
      if (!errors || errors.length === 0) {
        report('error', at, 'asl-structure', `Each ${field} entry needs ErrorEquals, a non-empty list of error names`);
        return;
      }
      errors.forEach((e, j) => {
        const name = asStr(e);
        if (name === undefined) return;
        if (name.startsWith('States.') && !STATES_ERROR_NAMES.has(name)) {
          const best = closestName(name, STATES_ERROR_NAMES);
          report('error', [...at, 'ErrorEquals', j], 'asl-unknown-error', `'${name}' is not a Step Functions error name${best ? ` (did you mean '${best}'?)` : ': States.* names are predefined (States.ALL, States.TaskFailed, States.Timeout, ...)'}`, 'value', best);
        }
        if (name === 'States.ALL' && (errors.length > 1 || i !== list.length - 1)) {
          report('error', [...at, 'ErrorEquals', j], 'asl-states-all-last', `States.ALL must be alone in ErrorEquals and in the last ${field} entry`);
        }
      });
    });
  }
}

function checkChoice(s: Obj, path: JsonPath, report: AslReport, target: (p: JsonPath, v: unknown, what: string) => void): void {
  const choices = asArr(s.Choices);
  if (!choices || choices.length === 0) {
    report('error', path, 'asl-structure', 'A Choice state needs Choices, a list of at least one rule', 'key');
    return;
  }
  choices.forEach((rule, i) => {
    const at = [...path, 'Choices', i];
    if (!isObj(rule)) {
      report('error', at, 'asl-choice-rule', 'A Choice rule is an object');
      return;
    }
    if (rule.Next === undefined) report('error', at, 'asl-choice-rule', 'Each rule of Choices needs Next, the state to go to when it matches');
    else target([...at, 'Next'], rule.Next, 'Next');
    checkRule(rule, at, report, true, 0);
  });
  if (s.Default !== undefined) target([...path, 'Default'], s.Default, 'Default');
}

/** One Choice rule: JSONata's Condition, or one operator (with Variable), or And / Or / Not. */
function checkRule(rule: Obj, at: JsonPath, report: AslReport, top: boolean, depth: number): void {
  if (depth > 50) return;
  if (!top && rule.Next !== undefined) report('error', [...at, 'Next'], 'asl-choice-rule', 'Only the top-level rules of Choices have Next; nested rules (inside And / Or / Not) do not', 'key');
  if (rule.Condition !== undefined) return; // JSONata; its expression is checked with the others
  const keys = Object.keys(rule);
  for (const k of keys) {
    if (RULE_KEYS.has(k) || CHOICE_OPERATORS.has(k)) continue;
    const best = closestName(k, [...CHOICE_OPERATORS, 'Variable']);
    report('error', [...at, k], 'asl-choice-rule', `Unknown property '${k}' in a Choice rule${best ? ` (did you mean '${best}'?)` : ''}`, 'key', best);
  }
  const ops = keys.filter((k) => CHOICE_OPERATORS.has(k));
  const logical = keys.filter((k) => k === 'And' || k === 'Or' || k === 'Not');
  if (ops.length + logical.length !== 1) {
    report('error', at, 'asl-choice-rule', ops.length + logical.length === 0
      ? 'A Choice rule needs one comparison (StringEquals, NumericGreaterThan, IsPresent, ...) with a Variable, or And / Or / Not'
      : `A Choice rule holds exactly one comparison or And / Or / Not (this one has ${[...ops, ...logical].join(', ')}); combine them with And`);
    return;
  }
  if (ops.length === 1 && rule.Variable === undefined) report('error', at, 'asl-choice-rule', `The comparison ${ops[0]} needs a Variable (the path it compares)`);
  if (ops.length === 1) checkOperand(ops[0]!, rule[ops[0]!], [...at, ops[0]!], report);
  if (logical[0] === 'Not') {
    if (isObj(rule.Not)) checkRule(rule.Not, [...at, 'Not'], report, false, depth + 1);
    else report('error', [...at, 'Not'], 'asl-choice-rule', 'Not takes one rule (an object)');
  } else if (logical.length === 1) {
    const list = asArr(rule[logical[0]]);
    if (!list || list.length === 0) report('error', [...at, logical[0]], 'asl-choice-rule', `${logical[0]} takes a non-empty list of rules`);
    list?.forEach((r, i) => (isObj(r) ? checkRule(r, [...at, logical[0], i], report, false, depth + 1) : report('error', [...at, logical[0], i], 'asl-choice-rule', 'A Choice rule is an object')));
  }
}

/** A comparison's operand of the type the operator compares (a path for the `...Path` forms; IsNull and the like: true or false). */
function checkOperand(op: string, v: unknown, at: JsonPath, report: AslReport): void {
  const want = op.endsWith('Path') ? 'string' : op.startsWith('Numeric') ? 'number' : op.startsWith('Is') || op === 'BooleanEquals' ? 'boolean' : 'string';
  if (typeof v !== want) report('error', at, 'asl-choice-rule', `${op} compares with ${want === 'string' ? (op.endsWith('Path') ? 'a path (a string)' : 'a string') : `a ${want}`}, not ${JSON.stringify(v)?.slice(0, 40) ?? 'nothing'}`);
}

function reportUnreachable(def: Obj, states: Obj, at: JsonPath, report: AslReport): void {
  const start = asStr(def.StartAt);
  if (start === undefined || !Object.prototype.hasOwnProperty.call(states, start)) return;
  const reached = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    for (const t of targetsOf(states[name])) if (Object.prototype.hasOwnProperty.call(states, t)) queue.push(t);
  }
  // Only the first state of each unreached part: the states after it are reached once it is (one
  // misspelt Next is one problem, not one per state it cuts off).
  const unreached = Object.keys(states).filter((n) => !reached.has(n));
  const named = new Set<string>();
  for (const n of unreached) for (const t of targetsOf(states[n])) if (t !== n) named.add(t);
  /** Adds to `into` the unreached states `from` leads to (itself included). */
  const walk = (from: string, into: Set<string>) => {
    const stack = [from];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (into.has(n) || reached.has(n) || !Object.prototype.hasOwnProperty.call(states, n)) continue;
      into.add(n);
      stack.push(...targetsOf(states[n]));
    }
    return into;
  };
  const covered = new Set<string>();
  const cover = (root: string) => walk(root, covered);
  const roots = unreached.filter((n) => !named.has(n));
  roots.forEach(cover);
  // A loop of unreached states that nothing outside it names: its first state, taking a state whose
  // every predecessor it leads back to (a loop member) before one the loop leads to.
  const reachFrom = (n: string) => walk(n, new Set<string>());
  const predecessors = (n: string) => unreached.filter((p) => p !== n && targetsOf(states[p]).includes(n));
  for (;;) {
    const left = unreached.filter((n) => !covered.has(n));
    if (left.length === 0) break;
    const root = left.find((n) => predecessors(n).every((p) => reachFrom(n).has(p))) ?? left[0];
    roots.push(root);
    cover(root);
  }
  for (const name of roots) {
    const after = [...covered].filter((n) => n !== name && !roots.includes(n));
    const why = named.has(name) ? 'only states after it name it (a loop nothing enters)' : 'no StartAt, Next, Default or Catch names it';
    report('error', [...at, 'States', name], 'asl-unreachable', `The state '${name}' cannot be reached: ${why}${after.length > 0 && roots.length === 1 ? ` (nor the ${after.length} state(s) after it)` : ''}`, 'key');
  }
}

function targetsOf(s: unknown): string[] {
  if (!isObj(s)) return [];
  const out: string[] = [];
  const add = (v: unknown) => typeof v === 'string' && out.push(v);
  add(s.Next);
  add(s.Default);
  for (const c of asArr(s.Choices) ?? []) add(prop(c, 'Next'));
  for (const c of asArr(s.Catch) ?? []) add(prop(c, 'Next'));
  return out;
}

function prop(v: unknown, k: string): unknown {
  return isObj(v) ? v[k] : undefined;
}
