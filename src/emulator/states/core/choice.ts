/**
 * Choice rules of JSONPath states: And / Or / Not and every comparison operator, with AWS's rules
 * (a type mismatch is false; a missing Variable is a runtime error except for IsPresent).
 */
import { StatesError } from './errors';
import { mustRead, readPath, type PathScope } from './paths';
import { parseTimestamp } from '../../../model/asl/timestamps';

export type ChoiceRule = Record<string, unknown>;

export function isTimestamp(v: unknown): v is string {
  return parseTimestamp(v) !== undefined;
}

/** StringMatches: `*` matches any run of characters; `\*` and `\\` are literal. */
export function stringMatches(value: string, pattern: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]);
    else if (c === '*') re += '[\\s\\S]*';
    else re += escapeRe(c);
  }
  return new RegExp(re + '$').test(value);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

type Kind = 'String' | 'Numeric' | 'Boolean' | 'Timestamp';
const OPS = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals)(Path)?$/;

function typed(kind: Kind, v: unknown): boolean {
  if (kind === 'String') return typeof v === 'string';
  if (kind === 'Numeric') return typeof v === 'number';
  if (kind === 'Boolean') return typeof v === 'boolean';
  return isTimestamp(v);
}

function compare(kind: Kind, a: unknown, b: unknown): number {
  if (kind === 'Timestamp') return Date.parse(a as string) - Date.parse(b as string);
  if (kind === 'Boolean') return a === b ? 0 : 1;
  if (kind === 'String') return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  return (a as number) - (b as number);
}

/** Whether a rule (top-level or nested) matches. */
export function evaluateRule(rule: ChoiceRule, scope: PathScope): boolean {
  if (Array.isArray(rule.And)) return (rule.And as ChoiceRule[]).every((r) => evaluateRule(r, scope));
  if (Array.isArray(rule.Or)) return (rule.Or as ChoiceRule[]).some((r) => evaluateRule(r, scope));
  if (rule.Not && typeof rule.Not === 'object') return !evaluateRule(rule.Not as ChoiceRule, scope);
  const variable = rule.Variable;
  if (typeof variable !== 'string') throw new StatesError('States.Runtime', 'A choice rule has no Variable');
  const read = readPath(variable, scope);
  if ('IsPresent' in rule) return read.found === rule.IsPresent;
  if (!read.found) throw new StatesError('States.Runtime', `Invalid path '${variable}': The choice state's condition path references an invalid value.`);
  const v = read.value;
  if ('IsNull' in rule) return (v === null) === rule.IsNull;
  if ('IsNumeric' in rule) return (typeof v === 'number') === rule.IsNumeric;
  if ('IsString' in rule) return (typeof v === 'string') === rule.IsString;
  if ('IsBoolean' in rule) return (typeof v === 'boolean') === rule.IsBoolean;
  if ('IsTimestamp' in rule) return isTimestamp(v) === rule.IsTimestamp;
  if ('StringMatches' in rule) return typeof v === 'string' && stringMatches(v, String(rule.StringMatches));
  for (const [key, operand] of Object.entries(rule)) {
    const m = OPS.exec(key);
    if (!m) continue;
    const kind = m[1] as Kind;
    const other = m[3] ? mustRead(String(operand), scope, () => `Invalid path '${String(operand)}': The choice state's condition path references an invalid value.`) : operand;
    if (!typed(kind, v) || !typed(kind, other)) return false;
    const c = compare(kind, v, other);
    switch (m[2]) {
      case 'Equals':
        return c === 0;
      case 'LessThan':
        return c < 0;
      case 'GreaterThan':
        return c > 0;
      case 'LessThanEquals':
        return c <= 0;
      default:
        return c >= 0;
    }
  }
  throw new StatesError('States.Runtime', `The choice rule ${JSON.stringify(rule)} has no comparison operator`);
}
