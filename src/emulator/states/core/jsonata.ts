/**
 * JSONata states: `{% expression %}` strings inside any field, evaluated with the `jsonata` package
 * (AWS documents JSONata 2.0.6 with `$eval` removed and `$parse`, `$partition`, `$range`, `$hash`,
 * `$random`, `$uuid` added), with `$states` and the workflow variables bound.
 */
import { createHash, randomUUID } from 'node:crypto';
import jsonata from 'jsonata';
import { StatesError } from './errors';

export interface JsonataScope {
  readonly states: { input: unknown; context: unknown; result?: unknown; errorOutput?: unknown };
  readonly variables: ReadonlyMap<string, unknown>;
}

const EXPR = /^\{%([\s\S]*)%\}$/;

export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && EXPR.test(value);
}

const compiled = new Map<string, jsonata.Expression>();

/** Parses an expression (cached); throws States.QueryEvaluationError for bad syntax. */
export function compileJsonata(source: string): jsonata.Expression {
  let e = compiled.get(source);
  if (!e) {
    try {
      e = jsonata(source);
    } catch (err) {
      throw new StatesError('States.QueryEvaluationError', `The JSONata expression '${source}' is invalid: ${jsonataMessage(err)}`);
    }
    registerFunctions(e);
    if (compiled.size > 5000) compiled.clear();
    compiled.set(source, e);
  }
  return e;
}

function jsonataMessage(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

function registerFunctions(e: jsonata.Expression): void {
  e.registerFunction('eval', () => {
    throw new StatesError('States.QueryEvaluationError', 'The JSONata function $eval is not available in Step Functions; use $parse');
  });
  e.registerFunction('parse', (s: string) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      throw new StatesError('States.QueryEvaluationError', `$parse: ${JSON.stringify(s)} is not valid JSON`);
    }
  });
  e.registerFunction('partition', (items: unknown[], size: number) => {
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  });
  e.registerFunction('range', (start: number, end: number, step: number) => {
    const out: number[] = [];
    for (let v = start; step > 0 ? v <= end : v >= end; v += step) out.push(v);
    // (a range of one is that number, as a JSONata sequence of one is: AWS's $range(1, 9, 9) is 1)
    return out.length === 1 ? out[0] : out;
  });
  e.registerFunction('hash', (data: string, algorithm: string) => {
    const algo = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' }[algorithm];
    if (!algo) throw new StatesError('States.QueryEvaluationError', `$hash: unknown algorithm ${JSON.stringify(algorithm)}`);
    return createHash(algo).update(String(data), 'utf8').digest('hex');
  });
  e.registerFunction('random', (seed?: number) => (seed === undefined ? Math.random() : mulberry(seed)));
  e.registerFunction('uuid', () => randomUUID());
}

function mulberry(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * Evaluates one `{% %}` string. One that returns nothing fails the state, as on AWS:
 * States.QueryEvaluationError naming the field (`Output/a/b[0]`; AWS's wording, from its histories).
 */
export async function evaluateJsonata(text: string, scope: JsonataScope, field: string): Promise<unknown> {
  const source = jsonataSource(text);
  const expr = compileJsonata(source);
  const bindings: Record<string, unknown> = Object.fromEntries(scope.variables);
  bindings.states = scope.states;
  let value: unknown;
  try {
    value = await expr.evaluate(scope.states.input, bindings);
  } catch (err) {
    if (err instanceof StatesError) throw err;
    const code = (err as { code?: unknown } | null)?.code;
    throw new QueryEvaluationError(`The JSONata expression '${source}' specified for the field '${field}' threw an error during evaluation. ${typeof code === 'string' ? `${code}: ` : ''}${jsonataMessage(err)}`, { location: field });
  }
  if (value === undefined) throw new QueryEvaluationError(`The JSONata expression '${source}' specified for the field '${field}' returned nothing (undefined).`, { location: field });
  const json = normalise(value);
  if (json === UNSUPPORTED) throw new QueryEvaluationError(`The JSONata expression '${source}' specified for the field '${field}' returned an unsupported result type.`, { location: field });
  return json;
}

/**
 * A JSONata evaluation (or a value it gave) that failed a state, recorded as EvaluationFailed, as
 * AWS's histories show: `location` names the field; the event follows the event before the state
 * was entered, or the state's entered event (`afterEntered`, a Wait's Timestamp); `followedBy` is the
 * event the state records after it (a Map that never started: MapStateFailed).
 */
export class QueryEvaluationError extends StatesError {
  readonly location?: string;
  readonly afterEntered: boolean;
  followedBy?: 'MapStateFailed';

  constructor(cause: string, options: { location?: string; afterEntered?: boolean } = {}) {
    super('States.QueryEvaluationError', cause);
    this.location = options.location;
    this.afterEntered = options.afterEntered ?? false;
  }
}

const UNSUPPORTED = Symbol('unsupported');

/** JSONata sequences as plain JSON (arrays); a function (or anything JSON cannot hold) is UNSUPPORTED. */
function normalise(value: unknown): unknown {
  if (typeof value === 'function' || (typeof value === 'object' && value !== null && ('_jsonata_lambda' in value || '_jsonata_function' in value))) return UNSUPPORTED;
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return UNSUPPORTED;
  }
}

/** `{% expression %}`'s expression. */
export function jsonataSource(text: string): string {
  return EXPR.exec(text)?.[1].trim() ?? text;
}

/** Evaluates every `{% %}` string inside a JSON value (objects and arrays walked; `field` grows as AWS names it: `Output/a[0]`). */
export async function evaluateTemplate(value: unknown, scope: JsonataScope, field: string): Promise<unknown> {
  if (isJsonataExpression(value)) return evaluateJsonata(value, scope, field);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(await evaluateTemplate(value[i], scope, `${field}[${i}]`));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = await evaluateTemplate(v, scope, `${field}/${k}`);
    return out;
  }
  return value;
}
