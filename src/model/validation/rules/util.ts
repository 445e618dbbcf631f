/**
 * Small, total helpers for rules: every accessor returns undefined for a value of the wrong shape,
 * so a rule can skip it silently (wrong types are the schema check's business) and never throws.
 */
import type { JsonPath } from '../../document';

export type Obj = Readonly<Record<string, unknown>>;
export type Path = JsonPath;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The property `key` of `v` when `v` is an object and owns it. */
export function get(v: unknown, key: string): unknown {
  return isObj(v) && Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
}

export function obj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

export function arr(v: unknown): readonly unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A finite number (JSON numbers only; strings are a type error for the schema). */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A safe integer, else undefined (a fractional value is a schema type error). */
export function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
}

export function has(v: unknown, key: string): boolean {
  return get(v, key) !== undefined;
}

/** Entries of an object (own, enumerable), or none. */
export function entries(v: unknown): Array<[string, unknown]> {
  return isObj(v) ? Object.entries(v) : [];
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
