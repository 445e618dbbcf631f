/**
 * Small, total helpers for rules: every accessor returns undefined for a value of the wrong shape,
 * so a rule can skip it silently (wrong types are the schema check's business) and never throws.
 */
import type { JsonPath } from '../../document';
import { prop } from '../../values';

export type { Obj } from '../../values';
export type Path = JsonPath;

// The total accessors are the model's own (src/model/values.ts), under the short names rules use.
export { isObj, prop as get, asObj as obj, asArr as arr, asStr as str, asNum as num, objEntries as entries } from '../../values';

/** A safe integer, else undefined (a fractional value is a schema type error). */
export function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
}

export function has(v: unknown, key: string): boolean {
  return prop(v, key) !== undefined;
}

/** Parses a decimal number written as a string ("2", "0.25"); undefined for anything else. */
export function decimal(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Short, printable form of a user value for messages (long strings are cut). */
export function show(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function join(path: Path, ...rest: Array<string | number>): Path {
  return [...path, ...rest];
}
