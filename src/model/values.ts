/**
 * Total accessors over parsed (untrusted) values: each returns undefined for a value of the wrong
 * shape, so callers can skip it silently (wrong types are the schema check's business).
 */
export type Obj = Readonly<Record<string, unknown>>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `text` parsed as JSON when it holds an object, else undefined (not JSON, or another value). */
export function parseJsonObject(text: string): Obj | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** How deeply `v` nests arrays and objects (a scalar: 0), counted without recursion, stopping past `limit`. */
export function nestingDepth(v: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    const here = d + 1;
    if (here > deepest) deepest = here;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(x) ? x : Object.values(x)) if (typeof child === 'object' && child !== null) stack.push([child, here]);
  }
  return deepest;
}

/** The own property `key` of `v` when `v` is an object, else undefined. */
export function prop(v: unknown, key: string): unknown {
  return isObj(v) && Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
}

export function asObj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

export function asArr(v: unknown): readonly unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

export function asStr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asNum(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A number given as a JSON number or a numeric string (resource values are strings in AWS). */
export function asNumeric(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || !/^\s*\d+(\.\d+)?\s*$/.test(v)) return undefined;
  return Number(v);
}

/** Own enumerable entries of an object, or none. */
export function objEntries(v: unknown): Array<[string, unknown]> {
  return isObj(v) ? Object.entries(v) : [];
}
