/**
 * Turns ajv's errors into one plain-language finding per problem, each placed on the key or value
 * it is about: unknown properties on their key (with a "did you mean"), missing properties on their
 * object, wrong types, values and ranges on the value. Noise (wrapper errors, several errors on one
 * spot) is reduced to the most useful message.
 */
import type { ErrorObject } from 'ajv';
import { KIND_LABELS, type DefinitionKind } from '../kinds';

type PathSegment = string | number;

export interface SchemaFinding {
  readonly path: PathSegment[];
  readonly part: 'key' | 'value';
  readonly message: string;
  /** The key or value the message suggests instead ("did you mean"). */
  readonly suggestion?: string;
}

interface Candidate extends SchemaFinding {
  /** Lower wins when several findings land on the same spot. */
  readonly priority: number;
  /** For missing required properties: the missing name. */
  readonly missing?: string;
}

/** At most this many schema findings per file; the rest are summarised in one more. */
const MAX_FINDINGS = 100;
/** At most this many of ajv's errors are turned into findings (isWrapperNoise is quadratic in them). */
const MAX_EXPLAINED = 1000;

export function schemaFindings(kind: DefinitionKind, root: unknown, errors: readonly ErrorObject[]): SchemaFinding[] {
  const candidates: Candidate[] = [];
  // Only the first MAX_FINDINGS are shown: past MAX_EXPLAINED errors the rest are only counted,
  // so a file with thousands of problems costs no more than one with a few hundred.
  const explainedErrors = errors.length > MAX_EXPLAINED ? errors.slice(0, MAX_EXPLAINED) : errors;
  for (const e of explainedErrors) {
    if (isWrapperNoise(e, explainedErrors)) continue;
    const c = toCandidate(kind, root, e);
    if (c) candidates.push(c);
  }
  const unexplained = errors.length - explainedErrors.length;
  const merged = mergeRequired(kind, dropExplainedRequired(candidates));
  const best = new Map<string, Candidate>();
  for (const c of merged) {
    const spot = `${c.part}|${JSON.stringify(c.path)}`;
    const prev = best.get(spot);
    if (!prev || c.priority < prev.priority) best.set(spot, c);
  }
  const findings: SchemaFinding[] = [...best.values()].map(({ path, part, message, suggestion }) => ({ path, part, message, ...(suggestion !== undefined ? { suggestion } : {}) }));
  if (findings.length <= MAX_FINDINGS && unexplained === 0) return findings;
  const rest = Math.max(0, findings.length - MAX_FINDINGS);
  const more = unexplained === 0 ? `${rest}` : `${rest + unexplained} or so`;
  return [...findings.slice(0, MAX_FINDINGS), { path: [], part: 'value', message: `…and ${more} more schema problems in this file` }];
}

/** Wrapper errors that only restate errors reported below them. */
function isWrapperNoise(e: ErrorObject, all: readonly ErrorObject[]): boolean {
  if (e.keyword === 'propertyNames') return true; // the inner error carries the details
  if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if' || e.keyword === 'allOf') {
    return all.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && o.schemaPath.startsWith(e.schemaPath));
  }
  return false;
}

function toCandidate(kind: DefinitionKind, root: unknown, e: ErrorObject): Candidate | undefined {
  const path = toPath(root, e.instancePath);
  const where = path.length === 0 ? `the ${KIND_LABELS[kind]}` : formatPath(path);
  const subject = path.length === 0 ? `The ${KIND_LABELS[kind]}` : formatPath(path);
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  if (e.propertyName !== undefined) return keyCandidate(path, e, parent);
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((parent.properties as Record<string, unknown> | undefined) ?? {});
      const suggestion = nearest(prop, absentKnown(e.data, parent, known));
      const hint = suggestion ? `; did you mean "${suggestion}"?` : knownList(known);
      return { path: [...path, prop], part: 'key', priority: 1, suggestion, message: `Unknown property "${prop}" in ${where}${hint}` };
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return { path, part: 'value', priority: 2, missing, message: `${subject} is missing the required property "${missing}"` };
    }
    case 'type': {
      const expected = String((e.params as { type: string }).type).split(',').map(typeName).join(' or ');
      const quote = /string/.test(String((e.params as { type: string }).type)) && (typeof e.data === 'number' || typeof e.data === 'boolean');
      const hint = quote ? ` (put the value in quotes: "${String(e.data)}")` : '';
      return { path, part: 'value', priority: 0, message: `${subject} must be ${expected}, not ${describe(e.data)}${hint}` };
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      return { path, part: 'value', priority: -1, ...enumMessage(subject, allowed, e.data, false) };
    }
    case 'pattern': {
      const anyCase = parent['x-enumAnyCase'];
      if (Array.isArray(anyCase)) return { path, part: 'value', priority: 1, ...enumMessage(subject, anyCase.map(String), e.data, true) };
      const custom = parent.patternErrorMessage;
      const rule = typeof custom === 'string' ? lowerFirst(custom.replace(/\.$/, '')) : `must match the pattern ${String((e.params as { pattern: string }).pattern)}`;
      return { path, part: 'value', priority: 1, message: `${subject} ${rule}, not ${describe(e.data)}` };
    }
    default:
      return { path, part: 'value', priority: 3, message: limitMessage(kind, subject, path, e) };
  }
}

/** Per object and schema: the known property names the object does not have (computed once, not per unknown key). */
const absentCache = new WeakMap<object, WeakMap<object, string[]>>();
function absentKnown(data: unknown, parent: object, known: string[]): string[] {
  if (!isRecord(data)) return known;
  let bySchema = absentCache.get(data);
  if (!bySchema) absentCache.set(data, (bySchema = new WeakMap()));
  let absent = bySchema.get(parent);
  if (!absent) bySchema.set(parent, (absent = known.filter((k) => !Object.hasOwn(data, k))));
  return absent;
}

/** Errors about an object's keys (from `propertyNames`): placed on the offending key. */
function keyCandidate(path: PathSegment[], e: ErrorObject, parent: Record<string, unknown>): Candidate {
  const name = String(e.propertyName);
  const container = path.length === 0 ? 'the top level' : formatPath(path);
  let rule: string;
  if (typeof parent.patternErrorMessage === 'string') rule = parent.patternErrorMessage;
  else if (e.keyword === 'minLength' && name === '') rule = 'Keys must not be empty.';
  else if (e.keyword === 'maxLength') rule = `Keys may be at most ${String((e.params as { limit: number }).limit)} characters long.`;
  else rule = `Keys ${e.message ?? 'are not valid'}.`;
  return { path: [...path, name], part: 'key', priority: 1, message: `Invalid key "${name}" in ${container}: ${rule}` };
}

function enumMessage(subject: string, allowed: string[], data: unknown, anyCase: boolean): { message: string; suggestion?: string } {
  const list = allowed.join(', ') + (anyCase ? ' (in any letter case)' : '');
  const message = `${subject} must be one of ${list}, not ${describe(data)}`;
  if (typeof data !== 'string') return { message };
  const suggestion = allowed.find((a) => a.toLowerCase() === data.toLowerCase()) ?? nearest(data, allowed);
  return suggestion ? { message: `${message}; did you mean "${suggestion}"?`, suggestion } : { message };
}

/** Messages for size and range keywords (and a readable fallback for anything else). */
function limitMessage(kind: DefinitionKind, subject: string, path: PathSegment[], e: ErrorObject): string {
  const limit = (e.params as { limit?: number }).limit;
  const data = e.data;
  switch (e.keyword) {
    case 'minimum':
      return `${subject} must be at least ${String(limit)}, not ${describe(data)}`;
    case 'maximum':
      return `${subject} must be at most ${String(limit)}, not ${describe(data)}`;
    case 'exclusiveMinimum':
      return `${subject} must be greater than ${String(limit)}, not ${describe(data)}`;
    case 'exclusiveMaximum':
      return `${subject} must be less than ${String(limit)}, not ${describe(data)}`;
    case 'minLength':
      return limit === 1 ? `${subject} must not be empty` : `${subject} must be at least ${String(limit)} characters long`;
    case 'maxLength':
      return `${subject} must be at most ${String(limit)} characters long (it has ${typeof data === 'string' ? data.length : '?'})`;
    case 'minItems':
      return `${subject} must have at least ${plural(limit, 'entry', 'entries')}`;
    case 'maxItems':
      return `${subject} must have at most ${plural(limit, 'entry', 'entries')} (it has ${Array.isArray(data) ? data.length : '?'})`;
    case 'minProperties':
      if (kind === 'workflow' && path.length === 1 && path[0] === 'jobs') return 'The workflow must define at least one job under jobs';
      return `${subject} must have at least ${plural(limit, 'entry', 'entries')}`;
    case 'maxProperties':
      return `${subject} must have at most ${plural(limit, 'entry', 'entries')} (it has ${isRecord(data) ? Object.keys(data).length : '?'})`;
    case 'anyOf':
    case 'oneOf':
      return `${subject} does not match any of the allowed forms`;
    default:
      return `${subject} ${e.message ?? 'is not valid'}`;
  }
}

/** An unknown property that is a typo of a missing required one explains that missing property. */
function dropExplainedRequired(candidates: Candidate[]): Candidate[] {
  const explained = new Set<string>();
  const out: Candidate[] = [];
  for (const c of candidates) {
    if (c.suggestion === undefined || c.part !== 'key') continue;
    const objectPath = JSON.stringify(c.path.slice(0, -1));
    if (candidates.some((r) => r.missing === c.suggestion && JSON.stringify(r.path) === objectPath)) {
      explained.add(`${objectPath}|${c.suggestion}`);
    }
  }
  for (const c of candidates) {
    if (c.missing !== undefined && explained.has(`${JSON.stringify(c.path)}|${c.missing}`)) continue;
    if (c.suggestion !== undefined && c.part === 'key' && explained.has(`${JSON.stringify(c.path.slice(0, -1))}|${c.suggestion}`)) {
      out.push({ ...c, message: `${c.message.replace(/\?$/, '')} (a required property)?` });
      continue;
    }
    out.push(c);
  }
  return out;
}

/** Several missing properties of one object become one finding that names them all. */
function mergeRequired(kind: DefinitionKind, candidates: Candidate[]): Candidate[] {
  const byObject = new Map<string, string[]>();
  for (const c of candidates) {
    if (c.missing === undefined) continue;
    const key = JSON.stringify(c.path);
    byObject.set(key, [...(byObject.get(key) ?? []), c.missing]);
  }
  const done = new Set<string>();
  const out: Candidate[] = [];
  for (const c of candidates) {
    if (c.missing === undefined) {
      out.push(c);
      continue;
    }
    const key = JSON.stringify(c.path);
    if (done.has(key)) continue;
    done.add(key);
    const names = byObject.get(key) ?? [c.missing];
    if (names.length === 1) {
      out.push(c);
      continue;
    }
    const subject = c.path.length === 0 ? `The ${KIND_LABELS[kind]}` : formatPath(c.path);
    const list = names.map((n) => `"${n}"`);
    const joined = `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
    out.push({ ...c, message: `${subject} is missing the required properties ${joined}` });
  }
  return out;
}

/** JSON pointer → path segments; array indices become numbers (as the position tree keys them). */
function toPath(root: unknown, pointer: string): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      node = node[Number(seg)];
    } else {
      out.push(seg);
      node = isRecord(node) && Object.hasOwn(node, seg) ? node[seg] : undefined;
    }
  }
  return out;
}

/** `retryStrategy.evaluateOnExit[0].action`, `tags["my key"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function typeName(t: string): string {
  switch (t) {
    case 'string':
      return 'a string';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'an object (key: value pairs)';
    case 'array':
      return 'a list';
    case 'null':
      return 'null';
    default:
      return t;
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  // (a number too large for a double, such as 1e400, reads as Infinity)
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a number too large to hold';
  return String(value);
}

function knownList(known: string[]): string {
  if (known.length === 0) return ' (no properties are allowed here)';
  if (known.length > 8) return '';
  return `; allowed here: ${known.join(', ')}`;
}

function plural(n: number | undefined, one: string, many: string): string {
  return `${String(n)} ${n === 1 ? one : many}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The candidate closest to `word` by edit distance (ignoring case), if it is close enough to be a typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(word.length / 4)));
  return best !== undefined && bestDistance <= allowed && bestDistance < word.length ? best : undefined;
}

/** Levenshtein distance with adjacent transpositions; gives up (returns `cap`) once past `cap`. */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prevPrev[j - 2] + 1);
      row.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin >= cap) return cap;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length];
}
