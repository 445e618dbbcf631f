/**
 * Expressions of a state machine, checked where they are written: in JSONPath states every path
 * field, ResultPath (a reference path), `name.$` template fields (a path or an intrinsic function
 * with the right number of arguments) and Choice Variables; in JSONata states every `{% %}` string,
 * parsed with the `jsonata` package the interpreter uses, and no JSONPath-only field. Pure.
 */
import jsonata from 'jsonata';
import type { JsonPath } from '../document';
import { asArr, isObj, objEntries, type Obj } from '../values';
import { INTRINSIC_ARITY, IntrinsicSyntaxError, isIntrinsicCall, parseIntrinsicCall, type IntrinsicArg } from './intrinsic-syntax';
import { jsonPathProblem } from './jsonpath-syntax';
import { CHOICE_OPERATORS, JSONATA_EXPRESSION, JSONPATH_ONLY_FIELDS, PATH_FIELDS, TEMPLATE_FIELDS } from './language';
import type { AslReport } from './rules';
import { parseTimestamp } from './timestamps';

type Language = 'JSONPath' | 'JSONata';

export function checkExpressions(def: unknown, report: AslReport): void {
  if (!isObj(def)) return;
  checkLevel(def, [], def.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath', report, 0);
}

function checkLevel(def: unknown, at: JsonPath, inherited: Language, report: AslReport, depth: number): void {
  if (depth > 20) return;
  for (const [name, s] of objEntries(prop(def, 'States'))) {
    if (!isObj(s)) continue;
    const path = [...at, 'States', name];
    const language: Language = s.QueryLanguage === 'JSONata' ? 'JSONata' : s.QueryLanguage === 'JSONPath' ? 'JSONPath' : inherited;
    if (inherited === 'JSONata' && s.QueryLanguage === 'JSONPath') report('error', [...path, 'QueryLanguage'], 'asl-query-language', 'A state cannot use JSONPath when its state machine uses JSONata (the other way round is allowed)');
    if (language === 'JSONata') checkJsonataState(s, path, report);
    else checkJsonPathState(s, path, report);
    // A Wait's Timestamp: a timestamp, or (in a JSONata state) an expression checked when it runs.
    const t = s.Timestamp;
    const unresolved = typeof t === 'string' && (t.startsWith('unresolved:') || t.includes('${'));
    if (s.Type === 'Wait' && t !== undefined && !unresolved && !(language === 'JSONata' && typeof t === 'string' && JSONATA_EXPRESSION.test(t)) && parseTimestamp(t) === undefined) {
      report('error', [...path, 'Timestamp'], 'asl-timestamp', `The Timestamp of the Wait state '${name}' must be an RFC 3339 timestamp with a time zone, such as 2026-01-01T00:00:00Z, not ${JSON.stringify(t)}`, 'value');
    }
    asArr(s.Branches)?.forEach((b, i) => checkLevel(b, [...path, 'Branches', i], language, report, depth + 1));
    for (const key of ['ItemProcessor', 'Iterator']) if (isObj(s[key])) checkLevel(s[key], [...path, key], language, report, depth + 1);
  }
}

function checkJsonPathState(s: Obj, path: JsonPath, report: AslReport): void {
  for (const field of PATH_FIELDS) {
    const v = s[field];
    // (a Fail state's ErrorPath and CausePath may also be an intrinsic function: States.Format(...))
    if (typeof v === 'string' && (field === 'ErrorPath' || field === 'CausePath') && isIntrinsicCall(v)) checkIntrinsic(v, [...path, field], report);
    else if (typeof v === 'string') checkPath(v, [...path, field], 'path', report);
  }
  if (typeof s.ResultPath === 'string') checkPath(s.ResultPath, [...path, 'ResultPath'], 'reference', report);
  for (const field of TEMPLATE_FIELDS) checkTemplate(s[field], [...path, field], report, 0);
  asArr(s.Catch)?.forEach((c, i) => {
    const rp = prop(c, 'ResultPath');
    if (typeof rp === 'string') checkPath(rp, [...path, 'Catch', i, 'ResultPath'], 'reference', report);
    checkTemplate(prop(c, 'Assign'), [...path, 'Catch', i, 'Assign'], report, 0);
  });
  asArr(s.Choices)?.forEach((rule, i) => checkRule(rule, [...path, 'Choices', i], report, 0));
}

function checkRule(rule: unknown, at: JsonPath, report: AslReport, depth: number): void {
  if (!isObj(rule) || depth > 50) return;
  if (typeof rule.Variable === 'string') checkPath(rule.Variable, [...at, 'Variable'], 'path', report);
  for (const [k, v] of Object.entries(rule)) {
    if (CHOICE_OPERATORS.has(k) && k.endsWith('Path') && typeof v === 'string') checkPath(v, [...at, k], 'path', report);
  }
  asArr(rule.And)?.forEach((r, i) => checkRule(r, [...at, 'And', i], report, depth + 1));
  asArr(rule.Or)?.forEach((r, i) => checkRule(r, [...at, 'Or', i], report, depth + 1));
  if (isObj(rule.Not)) checkRule(rule.Not, [...at, 'Not'], report, depth + 1);
  checkTemplate(rule.Assign, [...at, 'Assign'], report, 0);
}

/** A payload template: `name.$` fields hold a path or an intrinsic call; other fields are literal. */
function checkTemplate(v: unknown, at: JsonPath, report: AslReport, depth: number): void {
  if (depth > 50) return;
  if (Array.isArray(v)) v.forEach((item, i) => checkTemplate(item, [...at, i], report, depth + 1));
  if (!isObj(v)) return;
  for (const [k, item] of Object.entries(v)) {
    if (k.endsWith('.$') && typeof item === 'string') {
      if (isIntrinsicCall(item)) checkIntrinsic(item, [...at, k], report);
      else checkPath(item, [...at, k], 'path', report);
    } else checkTemplate(item, [...at, k], report, depth + 1);
  }
}

function checkPath(text: string, at: JsonPath, kind: 'path' | 'reference', report: AslReport): void {
  const problem = jsonPathProblem(text, kind);
  if (problem) report('error', at, 'asl-jsonpath', `Invalid ${kind === 'reference' ? 'reference path' : 'JSONPath'} '${text}': ${problem}`);
}

function checkIntrinsic(text: string, at: JsonPath, report: AslReport): void {
  let call: IntrinsicArg;
  try {
    call = parseIntrinsicCall(text);
  } catch (err) {
    if (!(err instanceof IntrinsicSyntaxError)) throw err;
    report('error', at, 'asl-intrinsic', err.message);
    return;
  }
  const visit = (a: IntrinsicArg): void => {
    if (a.kind === 'path') {
      const problem = jsonPathProblem(a.path, 'path');
      if (problem) report('error', at, 'asl-jsonpath', `Invalid JSONPath '${a.path}' in ${text}: ${problem}`);
      return;
    }
    if (a.kind !== 'call') return;
    const arity = INTRINSIC_ARITY[a.name];
    if (!arity) {
      report('error', at, 'asl-intrinsic', `${a.name} is not an intrinsic function (they are ${Object.keys(INTRINSIC_ARITY).join(', ')})`);
      return;
    }
    const [min, max] = arity;
    if (a.args.length < min || a.args.length > max) {
      const wanted = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      report('error', at, 'asl-intrinsic', `${a.name} takes ${wanted} argument${wanted === '1' ? '' : 's'}, not ${a.args.length}`);
    }
    a.args.forEach(visit);
  };
  visit(call);
}

function checkJsonataState(s: Obj, path: JsonPath, report: AslReport): void {
  for (const field of JSONPATH_ONLY_FIELDS) {
    if (s[field] === undefined) continue;
    const instead = field === 'Parameters' ? 'Arguments' : field === 'OutputPath' || field === 'ResultSelector' || field === 'ResultPath' ? 'Output (and Assign)' : field === 'ItemsPath' ? 'Items' : 'a {% %} expression in the field without Path';
    report('error', [...path, field], 'asl-query-language', `${field} is a JSONPath field; a JSONata state uses ${instead}`, 'key');
  }
  walkStrings(s, path, (text, at) => {
    const m = JSONATA_EXPRESSION.exec(text);
    if (!m) return;
    try {
      jsonata(m[1]);
    } catch (err) {
      const e = err as { message?: string; position?: number };
      report('error', at, 'asl-jsonata', `Invalid JSONata expression: ${e.message ?? String(err)}${typeof e.position === 'number' ? ` (at character ${e.position})` : ''}`);
    }
  }, 0);
}

/** Every string of a state, except inside nested levels (checked with their own language). */
function walkStrings(v: unknown, at: JsonPath, visit: (text: string, at: JsonPath) => void, depth: number): void {
  if (depth > 50) return;
  if (typeof v === 'string') visit(v, at);
  else if (Array.isArray(v)) v.forEach((item, i) => walkStrings(item, [...at, i], visit, depth + 1));
  else if (isObj(v)) {
    for (const [k, item] of Object.entries(v)) {
      if (depth === 0 && (k === 'Branches' || k === 'ItemProcessor' || k === 'Iterator')) continue;
      walkStrings(item, [...at, k], visit, depth + 1);
    }
  }
}

function prop(v: unknown, k: string): unknown {
  return isObj(v) ? v[k] : undefined;
}
