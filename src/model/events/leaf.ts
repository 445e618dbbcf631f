/**
 * The value matchers of an event pattern's leaf arrays (`"field": [ ... ]`): exact values and the
 * documented operators (prefix, suffix, anything-but, numeric, exists, equals-ignore-case,
 * wildcard, cidr), each validated as EventBridge validates it. Pure: no I/O.
 */
import { parseCidr, parseIp } from './cidr';

/** A pattern EventBridge would refuse; `reason` follows "Event pattern is not valid. Reason: ". */
export class PatternError extends Error {
  constructor(readonly reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
  }
}

/** A leaf test against one value of the event (absent fields are handled by `exists`). */
export type ValueTest = (value: unknown) => boolean;

export interface LeafMatcher {
  /** Tests against present values; the leaf matches when any value passes. */
  readonly tests: readonly ValueTest[];
  /** `exists: false` present: matches when the field has no value. */
  readonly matchesAbsent: boolean;
  /** The exact strings of the leaf when it holds nothing else (for indexing rules). */
  readonly exactStrings?: readonly string[];
}

const OPERATORS = new Set(['prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'equals-ignore-case', 'wildcard', 'cidr']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Compiles the array of one leaf field. */
export function compileLeaf(field: string, values: unknown[]): LeafMatcher {
  if (values.length === 0) throw new PatternError(`Empty arrays are not allowed (field "${field}")`);
  const tests: ValueTest[] = [];
  let matchesAbsent = false;
  let onlyStrings = true;
  for (const v of values) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      if (typeof v !== 'string') onlyStrings = false;
      tests.push((x) => x === v);
      continue;
    }
    onlyStrings = false;
    if (Array.isArray(v)) throw new PatternError(`Match value must be String, number, true, false, null or an object with one operator; field "${field}" has a nested array`);
    const keys = Object.keys(v as object);
    if (keys.length !== 1) throw new PatternError(`An operator object must hold exactly one operator (field "${field}" has ${keys.length}: ${keys.join(', ') || 'none'})`);
    const op = keys[0]!;
    if (!OPERATORS.has(op)) throw new PatternError(`Unrecognized match type ${op} (field "${field}"); use one of ${[...OPERATORS].join(', ')}`);
    const arg = (v as Record<string, unknown>)[op];
    if (op === 'exists') {
      if (typeof arg !== 'boolean') throw new PatternError(`exists match pattern must be either true or false (field "${field}")`);
      if (arg) tests.push(() => true);
      else matchesAbsent = true;
      continue;
    }
    tests.push(compileOperator(field, op, arg));
  }
  return { tests, matchesAbsent, exactStrings: onlyStrings ? (values as string[]) : undefined };
}

function compileOperator(field: string, op: string, arg: unknown): ValueTest {
  switch (op) {
    case 'prefix':
    case 'suffix':
      return affix(field, op, arg);
    case 'equals-ignore-case': {
      const s = needString(field, op, arg).toLowerCase();
      return (x) => typeof x === 'string' && x.toLowerCase() === s;
    }
    case 'wildcard': {
      const re = wildcardRegExp(field, needString(field, op, arg));
      return (x) => typeof x === 'string' && re.test(x);
    }
    case 'numeric':
      return numeric(field, arg);
    case 'cidr': {
      const text = needString(field, op, arg);
      const range = parseCidr(text);
      if (!range) {
        const why = text.split('/').length !== 2 ? 'one "/" required' : 'an IPv4 or IPv6 address, then a prefix length of at most 32 (IPv4) or 128 (IPv6)';
        throw new PatternError(`Malformed CIDR, ${why} (field "${field}": ${JSON.stringify(arg)})`);
      }
      return (x) => {
        if (typeof x !== 'string') return false;
        const ip = parseIp(x);
        return ip !== undefined && ip.v6 === range.v6 && ip.value >> range.shift === range.base;
      };
    }
    default:
      return anythingBut(field, arg);
  }
}

function needString(field: string, op: string, arg: unknown): string {
  if (typeof arg !== 'string') throw new PatternError(`${op} match pattern must be a string (field "${field}")`);
  return arg;
}

function affix(field: string, op: 'prefix' | 'suffix', arg: unknown): ValueTest {
  let s: string;
  let fold = false;
  if (isObject(arg) && Object.keys(arg).length === 1 && 'equals-ignore-case' in arg) {
    s = needString(field, `${op} equals-ignore-case`, arg['equals-ignore-case']).toLowerCase();
    fold = true;
  } else {
    s = needString(field, op, arg);
  }
  const test = op === 'prefix' ? (x: string) => x.startsWith(s) : (x: string) => x.endsWith(s);
  return (x) => typeof x === 'string' && test(fold ? x.toLowerCase() : x);
}

/** `*` matches any run of characters; `\*` is a literal star, `\\` a literal backslash. */
export function wildcardRegExp(field: string, s: string): RegExp {
  let re = '';
  let lastStar = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const next = s[i + 1];
      if (next !== '*' && next !== '\\') throw new PatternError(`Invalid escape in wildcard pattern ${JSON.stringify(s)} (field "${field}"): only \\* and \\\\ are allowed`);
      re += '\\' + next;
      i++;
      lastStar = false;
    } else if (c === '*') {
      if (lastStar) throw new PatternError(`Consecutive wildcard characters are not allowed in ${JSON.stringify(s)} (field "${field}")`);
      re += '[\\s\\S]*';
      lastStar = true;
    } else {
      re += c.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
      lastStar = false;
    }
  }
  return new RegExp(`^${re}$`);
}

const LOWER = new Set(['>', '>=']);
const UPPER = new Set(['<', '<=']);

function numeric(field: string, arg: unknown): ValueTest {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0 || arg.length > 4) {
    throw new PatternError(`numeric match takes one or two comparisons, e.g. [">", 0, "<=", 5] (field "${field}")`);
  }
  const checks: Array<(x: number) => boolean> = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const n = arg[i + 1];
    if (typeof op !== 'string' || !['=', '<', '<=', '>', '>='].includes(op)) throw new PatternError(`Unrecognized numeric range operator: ${JSON.stringify(op)} (field "${field}")`);
    if (typeof n !== 'number') throw new PatternError(`Value of ${op} must be numeric (field "${field}")`);
    if (op === '=' && arg.length !== 2) throw new PatternError(`"=" cannot be combined with another comparison (field "${field}")`);
    if (i === 2 && !(LOWER.has(arg[0] as string) && UPPER.has(op))) throw new PatternError(`Bad numeric range: give a lower bound (> or >=) then an upper bound (< or <=) (field "${field}")`);
    checks.push(op === '=' ? (x) => x === n : op === '<' ? (x) => x < n : op === '<=' ? (x) => x <= n : op === '>' ? (x) => x > n : (x) => x >= n);
  }
  if (arg.length === 4 && (arg[1] as number) >= (arg[3] as number)) throw new PatternError(`Bad numeric range: the lower bound must be below the upper bound (field "${field}")`);
  return (x) => typeof x === 'number' && checks.every((c) => c(x));
}

function anythingBut(field: string, arg: unknown): ValueTest {
  if (typeof arg === 'string' || typeof arg === 'number') return (x) => x !== arg;
  if (Array.isArray(arg)) {
    if (arg.length === 0) throw new PatternError(`Empty arrays are not allowed (anything-but of field "${field}")`);
    const allStrings = arg.every((a) => typeof a === 'string');
    const allNumbers = arg.every((a) => typeof a === 'number');
    if (!allStrings && !allNumbers) throw new PatternError(`Inside anything-but list, all values must be strings or all numbers (field "${field}")`);
    const set = new Set<unknown>(arg);
    return (x) => !set.has(x);
  }
  if (isObject(arg)) {
    const keys = Object.keys(arg);
    const op = keys[0];
    if (keys.length !== 1 || !op || !['prefix', 'suffix', 'wildcard', 'equals-ignore-case'].includes(op)) {
      throw new PatternError(`Unsupported anything-but pattern: ${JSON.stringify(arg)} (field "${field}"); inside anything-but use prefix, suffix, wildcard or equals-ignore-case`);
    }
    const inner = arg[op];
    const list = Array.isArray(inner) && (op === 'wildcard' || op === 'equals-ignore-case') ? inner : [inner];
    if (list.length === 0) throw new PatternError(`Empty arrays are not allowed (anything-but ${op} of field "${field}")`);
    const tests = list.map((s) => (op === 'prefix' || op === 'suffix' ? affix(field, op, needString(field, `anything-but ${op}`, s)) : compileOperator(field, op, needString(field, `anything-but ${op}`, s))));
    // Strings that pass none of the tests; non-strings never match a string-only anything-but.
    return (x) => typeof x === 'string' && !tests.some((t) => t(x));
  }
  throw new PatternError(`anything-but takes a string, a number, a list of them, or one of prefix, suffix, wildcard, equals-ignore-case (field "${field}")`);
}
