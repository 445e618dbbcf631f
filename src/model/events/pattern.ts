/**
 * EventBridge event patterns: parsed and validated as EventBridge validates them, then matched
 * against events. A pattern is a JSON object whose fields hold either a nested object or a leaf
 * array of values/operators (see leaf.ts); `$or` holds alternatives at any level. Every field of a
 * pattern must match (AND); within a leaf any entry may match (OR); an event array matches when
 * any of its elements matches. Only leaf values are matched: a leaf never matches an object.
 * Pure: no I/O.
 */
import { compileLeaf, PatternError, type LeafMatcher } from './leaf';

export { PatternError };

interface Field {
  readonly path: readonly string[];
  readonly leaf: LeafMatcher;
}

interface Node {
  readonly fields: readonly Field[];
  /** Each entry: alternatives, one of which must match. */
  readonly ors: ReadonlyArray<readonly Node[]>;
}

export interface CompiledPattern {
  readonly root: Node;
  /** Exact `source` values when the top level requires one of them (rules are indexed on it). */
  readonly sources?: readonly string[];
}

/** Parses and validates a pattern given as JSON text (throws PatternError with AWS's wording). */
export function parsePattern(text: string): CompiledPattern {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PatternError(`Filter is not valid JSON: ${(err as Error).message}`);
  }
  return compilePattern(json);
}

export function compilePattern(json: unknown): CompiledPattern {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new PatternError('Filter is not an object');
  if (Object.keys(json).length === 0) throw new PatternError('Empty event pattern is not allowed; name at least one field, e.g. {"source": ["my.app"]}');
  const root = compileNode(json as Record<string, unknown>, []);
  const src = root.fields.find((f) => f.path.length === 1 && f.path[0] === 'source');
  return { root, sources: src?.leaf.exactStrings };
}

function compileNode(obj: Record<string, unknown>, prefix: readonly string[]): Node {
  const fields: Field[] = [];
  const ors: Array<readonly Node[]> = [];
  for (const [key, value] of Object.entries(obj)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw new PatternError('"$or" must hold an array of at least two pattern objects');
      ors.push(
        value.map((alt) => {
          if (typeof alt !== 'object' || alt === null || Array.isArray(alt) || Object.keys(alt).length === 0) throw new PatternError('each "$or" alternative must be a non-empty pattern object');
          return compileNode(alt as Record<string, unknown>, prefix);
        }),
      );
      continue;
    }
    const path = [...prefix, key];
    if (Array.isArray(value)) fields.push({ path, leaf: compileLeaf(path.join('.'), value) });
    else if (typeof value === 'object' && value !== null) {
      if (Object.keys(value).length === 0) throw new PatternError(`Empty objects are not allowed (field "${path.join('.')}")`);
      const sub = compileNode(value as Record<string, unknown>, path);
      fields.push(...sub.fields);
      ors.push(...sub.ors);
    } else {
      throw new PatternError(`Match value must be an array or an object (field "${path.join('.')}" is ${JSON.stringify(value)}); write e.g. "${key}": [${JSON.stringify(value)}]`);
    }
  }
  return { fields, ors };
}

/** The leaf values at `path`, descending into arrays; objects are not leaves. */
function valuesAt(event: unknown, path: readonly string[], i: number, out: unknown[]): void {
  if (Array.isArray(event)) {
    for (const e of event) valuesAt(e, path, i, out);
    return;
  }
  if (i === path.length) {
    if (typeof event !== 'object' || event === null) out.push(event);
    return;
  }
  if (typeof event !== 'object' || event === null) return;
  const key = path[i]!;
  if (!Object.prototype.hasOwnProperty.call(event, key)) return;
  valuesAt((event as Record<string, unknown>)[key], path, i + 1, out);
}

function matchNode(node: Node, event: unknown): boolean {
  for (const f of node.fields) {
    const values: unknown[] = [];
    valuesAt(event, f.path, 0, values);
    if (values.length === 0) {
      if (!f.leaf.matchesAbsent) return false;
      continue;
    }
    if (!values.some((v) => f.leaf.tests.some((t) => t(v)))) return false;
  }
  for (const alts of node.ors) if (!alts.some((a) => matchNode(a, event))) return false;
  return true;
}

/** Whether `event` (a parsed EventBridge event) matches the pattern. */
export function matches(pattern: CompiledPattern, event: unknown): boolean {
  return matchNode(pattern.root, event);
}
