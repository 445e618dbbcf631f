/**
 * The intrinsic functions of JSONPath states (`States.Format(...)` and the rest), parsed and
 * evaluated as AWS documents them. Failures raise `States.IntrinsicFailure` (AWS's name).
 */
import { createHash, randomUUID } from 'node:crypto';
import { StatesError } from './errors';
import { mustRead, type PathScope } from './paths';
import { INTRINSIC_ARITY, IntrinsicSyntaxError, parseIntrinsicCall, type IntrinsicArg as Arg } from '../../../model/asl/intrinsic-syntax';

export { INTRINSIC_ARITY };

export function isIntrinsic(text: string): boolean {
  return /^States\.[A-Za-z0-9]+\s*\(/.test(text);
}

function fail(message: string): never {
  throw new StatesError('States.IntrinsicFailure', message);
}

/** Parses one intrinsic call (the model's parser: the editor and `validate` read it the same way). */
export function parseIntrinsic(text: string): Arg {
  try {
    return parseIntrinsicCall(text);
  } catch (err) {
    if (err instanceof IntrinsicSyntaxError) fail(err.message);
    throw err;
  }
}

export interface IntrinsicOptions {
  /** Randomness for MathRandom (tests pass a fixed one). */
  readonly random?: () => number;
  readonly uuid?: () => string;
}

/** Evaluates an intrinsic function call string against the state's scope. */
export function evaluateIntrinsic(text: string, scope: PathScope, options: IntrinsicOptions = {}): unknown {
  return run(parseIntrinsic(text), scope, options);
}

function run(arg: Arg, scope: PathScope, options: IntrinsicOptions): unknown {
  if (arg.kind === 'literal') return arg.value;
  if (arg.kind === 'path') return mustRead(arg.path, scope, () => `The JSONPath '${arg.path}' could not be found in the input '${JSON.stringify(scope.input)}'`);
  const arity = INTRINSIC_ARITY[arg.name];
  if (!arity) fail(`The intrinsic function '${arg.name}' is not supported`);
  if (arg.args.length < arity[0] || arg.args.length > arity[1]) {
    fail(`The intrinsic function ${arg.name} takes ${arity[0] === arity[1] ? arity[0] : `${arity[0]} to ${arity[1] === Infinity ? 'any number of' : arity[1]}`} argument(s) but was given ${arg.args.length}`);
  }
  const a = arg.args.map((x) => run(x, scope, options));
  return call(arg.name, a, options);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const num = (name: string, v: unknown): number => (typeof v === 'number' ? v : fail(`${name}: expected a number but got ${JSON.stringify(v)}`));
const int = (name: string, v: unknown): number => (isInt(v) ? v : fail(`${name}: expected an integer but got ${JSON.stringify(v)}`));
const str = (name: string, v: unknown): string => (typeof v === 'string' ? v : fail(`${name}: expected a string but got ${JSON.stringify(v)}`));
const arr = (name: string, v: unknown): unknown[] => (Array.isArray(v) ? v : fail(`${name}: expected an array but got ${JSON.stringify(v)}`));
const obj = (name: string, v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(`${name}: expected a JSON object but got ${JSON.stringify(v)}`);

function call(name: string, a: unknown[], options: IntrinsicOptions): unknown {
  switch (name) {
    case 'States.Format':
      return format(str(name, a[0]), a.slice(1));
    case 'States.StringToJson': {
      // (a blank string is null on AWS)
      if (str(name, a[0]).trim() === '') return null;
      try {
        return JSON.parse(str(name, a[0])) as unknown;
      } catch {
        return fail(`States.StringToJson: ${JSON.stringify(a[0])} is not valid JSON`);
      }
    }
    case 'States.JsonToString':
      return JSON.stringify(a[0]);
    case 'States.Array':
      return a;
    case 'States.ArrayPartition': {
      const items = arr(name, a[0]);
      const size = int(name, a[1]);
      if (size <= 0) fail('States.ArrayPartition: the chunk size must be a positive integer');
      const out: unknown[][] = [];
      for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
      return out;
    }
    case 'States.ArrayContains':
      return arr(name, a[0]).some((x) => deepEqual(x, a[1]));
    case 'States.ArrayRange': {
      const [start, end, step] = [int(name, a[0]), int(name, a[1]), int(name, a[2])];
      if (step === 0) fail('States.ArrayRange: the step must not be 0');
      const out: number[] = [];
      for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
        out.push(v);
        if (out.length > 1000) fail('States.ArrayRange: the range has more than 1000 items');
      }
      return out;
    }
    case 'States.ArrayGetItem': {
      const items = arr(name, a[0]);
      const index = int(name, a[1]);
      if (index < 0 || index >= items.length) fail(`States.ArrayGetItem: index ${index} is out of bounds for an array of ${items.length} items`);
      return items[index];
    }
    case 'States.ArrayLength':
      return arr(name, a[0]).length;
    case 'States.ArrayUnique': {
      const out: unknown[] = [];
      for (const x of arr(name, a[0])) if (!out.some((y) => deepEqual(x, y))) out.push(x);
      return out;
    }
    case 'States.Base64Encode': {
      const s = str(name, a[0]);
      if (s.length > 10_000) fail('States.Base64Encode: the input is longer than 10,000 characters');
      return Buffer.from(s, 'utf8').toString('base64');
    }
    case 'States.Base64Decode': {
      const s = str(name, a[0]);
      if (s.length > 10_000) fail('States.Base64Decode: the input is longer than 10,000 characters');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) fail(`States.Base64Decode: '${s}' is not Base64`);
      return Buffer.from(s, 'base64').toString('utf8');
    }
    case 'States.Hash': {
      const data = typeof a[0] === 'string' ? a[0] : JSON.stringify(a[0]);
      const algo = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' }[str(name, a[1])];
      if (!algo) fail(`States.Hash: the algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, not ${JSON.stringify(a[1])}`);
      if (data.length > 10_000) fail('States.Hash: the input is longer than 10,000 characters');
      return createHash(algo).update(data, 'utf8').digest('hex');
    }
    case 'States.JsonMerge': {
      if (a[2] !== false) fail('States.JsonMerge: only a shallow merge is supported; the third argument must be false');
      return { ...obj(name, a[0]), ...obj(name, a[1]) };
    }
    case 'States.MathRandom': {
      const start = Math.round(num(name, a[0]));
      const end = Math.round(num(name, a[1]));
      if (a.length === 3) int(name, a[2]);
      if (end <= start) fail('States.MathRandom: the end must be greater than the start');
      return start + Math.floor((options.random ?? Math.random)() * (end - start));
    }
    case 'States.MathAdd': {
      // AWS rounds each argument to the nearest integer, halves up (1.5 → 2, -1.5 → -1)
      return Math.round(num(name, a[0])) + Math.round(num(name, a[1])) || 0;
    }
    case 'States.StringSplit': {
      const s = str(name, a[0]);
      const delims = str(name, a[1]);
      if (delims === '') return [s];
      const parts: string[] = [];
      let cur = '';
      for (const ch of s) {
        if (delims.includes(ch)) {
          parts.push(cur);
          cur = '';
        } else cur += ch;
      }
      parts.push(cur);
      return parts.filter((p) => p !== '');
    }
    case 'States.UUID':
      return (options.uuid ?? randomUUID)();
    default:
      return fail(`The intrinsic function '${name}' is not supported`);
  }
}

/** A States.Format argument as AWS writes it: objects and lists as `{Arg1=1, Arg2=[a, b]}`, strings unquoted. */
function formatted(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(formatted).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${formatted(x)}`).join(', ')}}`;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function format(template: string, args: unknown[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '\\' && (template[i + 1] === '{' || template[i + 1] === '}' || template[i + 1] === '\\')) {
      out += template[++i];
    } else if (c === '{' && template[i + 1] === '}') {
      if (next >= args.length) fail(`States.Format: the template has more '{}' than the ${args.length} argument(s) given`);
      out += formatted(args[next++]);
      i++;
    } else out += c;
  }
  if (next !== args.length) fail(`States.Format: ${args.length} argument(s) given for ${next} '{}' in the template`);
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
