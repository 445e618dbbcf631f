/**
 * JSONPath as Step Functions uses it: paths over the state input, the context object (`$$.`) and
 * workflow variables (`$name.`), read with jsonpath-plus; reference paths (ResultPath) written here.
 */
import { JSONPath } from 'jsonpath-plus';
import { StatesError } from './errors';
import { JSONPATH_FUNCTIONS } from '../../../model/asl/jsonpath-syntax';

export interface PathScope {
  readonly input: unknown;
  readonly context: unknown;
  /** Workflow variables visible to the state (Assign). */
  readonly variables?: ReadonlyMap<string, unknown>;
}

/** A path that can select several nodes (wildcards, filters, slices, unions, recursive descent). */
export function isIndefinite(path: string): boolean {
  return /\*|\.\.|\[\?|\[[^\]'"]*[:,][^\]]*\]/.test(path);
}


const FUNCTION_AT_END = /\.([a-z]+)\(\)$/;

/** Reads a path; `NO_VALUE`-free API: returns `{ found: false }` when a definite path selects nothing. */
export function readPath(path: string, scope: PathScope): { found: true; value: unknown } | { found: false } {
  // A function at the end (`$.items.length()`), as Step Functions' JSONPath (Jayway's) has them.
  const fn = FUNCTION_AT_END.exec(path);
  if (fn && JSONPATH_FUNCTIONS.has(fn[1])) {
    const of = readPath(path.slice(0, fn.index), scope);
    return of.found ? { found: true, value: applyFunction(fn[1], of.value, path) } : of;
  }
  let target: unknown;
  let rest: string;
  if (path.startsWith('$$')) {
    target = scope.context;
    rest = '$' + path.slice(2);
  } else {
    const variable = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(path);
    if (variable) {
      if (!scope.variables?.has(variable[1])) return { found: false };
      target = scope.variables.get(variable[1]);
      rest = '$' + path.slice(variable[0].length);
    } else {
      target = scope.input;
      rest = path;
    }
  }
  if (!rest.startsWith('$')) throw new StatesError('States.Runtime', `Invalid path '${path}': a path starts with '$'`);
  if (rest === '$') return { found: true, value: target };
  const values = evaluate(rest, target);
  if (isIndefinite(rest)) return { found: true, value: values };
  return values.length === 0 ? { found: false } : { found: true, value: values[0] };
}

function evaluate(path: string, json: unknown): unknown[] {
  if (json === null || typeof json !== 'object') return [];
  try {
    return JSONPath({ path, json: json as object, wrap: true, eval: 'safe' }) as unknown[];
  } catch (err) {
    throw new StatesError('States.Runtime', `Invalid path '${path}': ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Reads a path or throws AWS's runtime error for a path that selects nothing. */
export function mustRead(path: string, scope: PathScope, onMissing: () => string): unknown {
  const r = readPath(path, scope);
  if (!r.found) throw new StatesError('States.Runtime', onMissing());
  return r.value;
}

/** The segments of a reference path (`$.a.b[0]['c d']`); throws for anything but names and indexes. */
export function referenceSegments(path: string): Array<string | number> {
  if (path === '$') return [];
  if (!path.startsWith('$') || isIndefinite(path)) throw new StatesError('States.Runtime', `Invalid reference path '${path}': only names and array indexes are allowed`);
  const out: Array<string | number> = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const at = re.lastIndex;
    const m = re.exec(path);
    if (!m || m.index !== at) throw new StatesError('States.Runtime', `Invalid reference path '${path}'`);
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push((m[3] ?? m[4]).replace(/\\(.)/g, '$1'));
  }
  return out;
}

/** ResultPath: the raw input with `result` placed at `resultPath` (null keeps the input, `$` replaces it). */
export function applyResultPath(input: unknown, result: unknown, resultPath: string | null | undefined): unknown {
  if (resultPath === null) return input;
  if (resultPath === undefined || resultPath === '$') return result;
  const segments = referenceSegments(resultPath);
  if (input === null || typeof input !== 'object') {
    throw new StatesError('States.ResultPathMatchFailure', `Unable to apply ResultPath '${resultPath}' to input ${JSON.stringify(input)}: the input is not a JSON object`);
  }
  const root = structuredClone(input) as Record<string, unknown>;
  let node: Record<string | number, unknown> = root;
  for (let i = 0; i < segments.length; i++) {
    const key = segments[i];
    if (i === segments.length - 1) {
      node[key] = result;
      break;
    }
    let next = node[key];
    if (next === undefined || next === null || typeof next !== 'object') {
      if (next !== undefined && next !== null) {
        throw new StatesError('States.ResultPathMatchFailure', `Unable to apply step "${String(key)}" to input ${JSON.stringify(input)}`);
      }
      next = {};
      node[key] = next;
    }
    node = next as Record<string | number, unknown>;
  }
  return root;
}


/** Jayway's path functions over what the path before them selected (a list, or an object for length() and keys()). */
function applyFunction(name: string, value: unknown, path: string): unknown {
  const fail = (what: string) => new StatesError('States.Runtime', `The JSONPath function ${name}() in '${path}' needs ${what}, not ${JSON.stringify(value)?.slice(0, 100)}`);
  if (name === 'length' || name === 'size') {
    if (Array.isArray(value)) return value.length;
    if (typeof value === 'string') return value.length;
    if (value !== null && typeof value === 'object') return Object.keys(value).length;
    throw fail('a list, an object or a string');
  }
  if (name === 'keys') {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return Object.keys(value);
    throw fail('an object');
  }
  if (!Array.isArray(value)) throw fail('a list');
  if (name === 'first' || name === 'last') {
    if (value.length === 0) throw fail('a list with an element');
    return name === 'first' ? value[0] : value[value.length - 1];
  }
  if (value.length === 0 || value.some((v) => typeof v !== 'number')) throw fail('a list of numbers');
  const nums = value as number[];
  const sum = nums.reduce((a, b) => a + b, 0);
  const avg = sum / nums.length;
  if (name === 'sum') return sum;
  if (name === 'avg') return avg;
  if (name === 'min') return nums.reduce((a, b) => Math.min(a, b));
  if (name === 'max') return nums.reduce((a, b) => Math.max(a, b));
  return Math.sqrt(nums.reduce((a, b) => a + (b - avg) ** 2, 0) / nums.length);
}
