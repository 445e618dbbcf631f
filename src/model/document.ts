/**
 * Parses a definition file (JSON or YAML) into a plain value plus a position tree, so that any
 * diagnostic can point at the exact key or value. Never throws: syntax problems become diagnostics.
 */
import { findMisindentedKey } from './yaml-indent';
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { CORE_SCHEMA, load as loadYamlFast, mergeTag } from 'js-yaml';
import { isMap, isScalar, isSeq, isPair, parseDocument, type Node as YamlNode } from 'yaml';
import type { Diagnostic, Position, Range } from './diagnostics';
import type { SourceFormat } from './kinds';
import { estimateNesting } from './nesting';

export { estimateNesting };

export type JsonPath = ReadonlyArray<string | number>;

/** Where one value (and, inside an object, its key) sits in the text, as offsets. */
export interface PosNode {
  readonly start: number;
  readonly end: number;
  readonly keyStart?: number;
  readonly keyEnd?: number;
  readonly children?: Map<string | number, PosNode>;
}

/** Nesting below this depth keeps no positions (ranges point at the deepest kept ancestor). */
const MAX_POSITION_DEPTH = 64;
/**
 * Deeper documents are refused before the recursive parsers see them: past a few hundred levels
 * they exhaust the stack, and V8 can then die outright instead of throwing a RangeError.
 */
const MAX_NESTING = 200;

/** Where a path of a view (see {@link SourceDocument.view}) sits in the document it views. */
export interface ViewLocation {
  readonly path: JsonPath;
  readonly part?: 'key' | 'value';
}

export class SourceDocument {
  private lineStarts: number[] | undefined;
  private rootCache: PosNode | undefined | null = null;
  /** Set on views: maps a path of this document's value to a path of the viewed document. */
  private viewOf: { readonly base: SourceDocument; readonly locate: (path: JsonPath, part: 'key' | 'value') => ViewLocation } | undefined;

  private constructor(
    readonly file: string,
    readonly format: SourceFormat,
    readonly text: string,
    /** The parsed value; undefined when the text could not be parsed at all. */
    readonly value: unknown,
    readonly syntaxErrors: readonly Diagnostic[],
    /** Position tree, built on first use: most files have no diagnostics and never need it. */
    private readonly buildRoot: () => PosNode | undefined,
  ) {}

  private get root(): PosNode | undefined {
    if (this.rootCache === null) {
      try {
        this.rootCache = this.buildRoot();
      } catch {
        this.rootCache = undefined;
      }
    }
    return this.rootCache;
  }

  static parse(file: string, text: string, format: SourceFormat): SourceDocument {
    const depth = estimateNesting(text);
    if (depth > MAX_NESTING) {
      const doc = new SourceDocument(file, format, text, undefined, [], noRoot);
      return doc.withSyntaxError(0, 0, `the document is nested more than ${MAX_NESTING} levels deep, which no definition needs`);
    }
    try {
      return format === 'json' ? parseJson(file, text) : parseYaml(file, text);
    } catch (err) {
      // The parsers recurse; absurdly deep input can exhaust the stack.
      const reason = err instanceof RangeError
        ? 'the document is nested too deeply to read'
        : /alias count/i.test(String(err))
          ? 'the document uses its YAML aliases (*name) too often to read safely (at most 100 uses): write those values out'
          : `the document could not be read (${String(err)})`;
      const doc = new SourceDocument(file, format, text, undefined, [], noRoot);
      return doc.withSyntaxError(0, 0, reason);
    }
  }

  /** Builds a document from an in-memory value (no source text), e.g. for API input. */
  static fromValue(file: string, value: unknown): SourceDocument {
    return new SourceDocument(file, 'json', '', value, [], noRoot);
  }

  /**
   * A document whose value is derived from `base` (e.g. a template resource read as an API request):
   * same file and text, and every range found through `locate`, so diagnostics on the derived value
   * point into the text it came from.
   */
  static view(base: SourceDocument, value: unknown, locate: (path: JsonPath, part: 'key' | 'value') => ViewLocation): SourceDocument {
    const doc = new SourceDocument(base.file, base.format, base.text, value, [], noRoot);
    doc.viewOf = { base, locate };
    return doc;
  }

  /** The document a view was made from (itself when it is not a view). */
  get source(): SourceDocument {
    return this.viewOf ? this.viewOf.base.source : this;
  }

  private withSyntaxError(offset: number, length: number, message: string): SourceDocument {
    const diag: Diagnostic = { file: this.file, range: this.rangeFromOffsets(offset, offset + length), severity: 'error', message, rule: 'syntax' };
    return new SourceDocument(this.file, this.format, this.text, undefined, [diag], noRoot);
  }

  /**
   * The range of the value (or, with part 'key', of the key naming it) at `path`. A path that does
   * not exist resolves to its nearest existing ancestor: a missing property points at its object.
   */
  rangeOf(path: JsonPath, part: 'key' | 'value' = 'value'): Range {
    if (this.viewOf) {
      const at = this.viewOf.locate(path, part);
      return this.viewOf.base.rangeOf(at.path, at.part ?? 'value');
    }
    if (!this.root) return this.rangeFromOffsets(0, 0);
    let node: PosNode = this.root;
    let parentKeyed: PosNode | undefined;
    for (const seg of path) {
      // A key brought in by a YAML merge key (`<<: *common`) points at that merge.
      const next: PosNode | undefined = node.children?.get(seg) ?? (this.format === 'yaml' ? node.children?.get(MERGE_KEY) : undefined);
      if (!next) {
        parentKeyed = undefined;
        break;
      }
      node = next;
      parentKeyed = next;
    }
    if (part === 'key' && parentKeyed?.keyStart !== undefined) return this.rangeFromOffsets(parentKeyed.keyStart, parentKeyed.keyEnd!);
    return this.rangeFromOffsets(node.start, node.end);
  }

  /** Whether a value exists at exactly this path (not only an ancestor). */
  has(path: JsonPath): boolean {
    if (this.viewOf) {
      let v: unknown = this.value;
      for (const seg of path) v = v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, seg) ? (v as Record<string | number, unknown>)[seg] : undefined;
      return v !== undefined;
    }
    let node = this.root;
    for (const seg of path) {
      node = node?.children?.get(seg);
      if (!node) return false;
    }
    return node !== undefined;
  }

  positionAt(offset: number): Position {
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: clamped - starts[lo] };
  }

  rangeFromOffsets(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(Math.max(start, end)) };
  }

  static create(file: string, format: SourceFormat, text: string, value: unknown, errors: Diagnostic[], root: PosNode | undefined | (() => PosNode | undefined)): SourceDocument {
    return new SourceDocument(file, format, text, value, errors, typeof root === 'function' ? root : () => root);
  }
}

/** The YAML merge key; merges (`<<: *anchor`) are a common idiom in hand-written YAML, so both parsers enable them. */
const MERGE_KEY = '<<';
let yamlFastSchema: ReturnType<typeof CORE_SCHEMA.withTags> | undefined;
/** Built on first use (not at load: the extension loads the parsers lazily). */
const fastSchema = () => (yamlFastSchema ??= CORE_SCHEMA.withTags(mergeTag));
const YAML_OPTIONS = { prettyErrors: false, uniqueKeys: true, version: '1.2', merge: true } as const;

const noRoot = (): PosNode | undefined => undefined;

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

// ---------------------------------------------------------------- JSON

/** JSON: the native parser gives the value; jsonc-parser gives positions (lazily) and syntax errors. */
function parseJson(file: string, text: string): SourceDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return parseJsonFully(file, text);
  }
  return SourceDocument.create(file, 'json', text, value, [], () => {
    const tree = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
    return tree ? jsonPos(tree, 0) : undefined;
  });
}

function parseJsonFully(file: string, text: string): SourceDocument {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true });
  const empty = SourceDocument.create(file, 'json', text, undefined, [], undefined);
  if (errors.length > 0) {
    const e = errors[0];
    const code = printParseErrorCode(e.error);
    let detail = describeJsonError(code);
    let [at, length] = [e.offset, e.length];
    const before = text.slice(Math.max(0, e.offset - 200), e.offset);
    const trailing = /,\s*$/.exec(before);
    if ((code === 'PropertyNameExpected' || code === 'ValueExpected') && trailing && /^[}\]]/.test(text.slice(e.offset, e.offset + 1))) {
      detail = `a trailing comma before "${text[e.offset]}" is not allowed in JSON; remove the comma`;
      // Point at the comma itself, not at the bracket after it.
      [at, length] = [e.offset - before.length + trailing.index, 1];
    }
    const diag = syntaxDiagnostic(empty, file, at, length, `JSON syntax error: ${detail}`);
    return SourceDocument.create(file, 'json', text, undefined, [diag], undefined);
  }
  if (!tree) {
    const diag = syntaxDiagnostic(empty, file, 0, 0, 'The file is empty: expected a JSON object');
    return SourceDocument.create(file, 'json', text, undefined, [diag], undefined);
  }
  return SourceDocument.create(file, 'json', text, jsonValue(tree, 0), [], jsonPos(tree, 0));
}

function describeJsonError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function jsonValue(node: JsonNode, depth: number): unknown {
  if (depth > 5000) throw new RangeError('too deep');
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k && v) defineOwn(out, String(k.value), jsonValue(v, depth + 1));
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map((c) => jsonValue(c, depth + 1));
    default:
      return node.value;
  }
}

function jsonPos(node: JsonNode, depth: number): PosNode {
  const base = { start: node.offset, end: node.offset + node.length };
  if (depth >= MAX_POSITION_DEPTH || (node.type !== 'object' && node.type !== 'array')) return base;
  const children = new Map<string | number, PosNode>();
  (node.children ?? []).forEach((child, i) => {
    if (node.type === 'array') {
      children.set(i, jsonPos(child, depth + 1));
      return;
    }
    const [k, v] = child.children ?? [];
    if (!k || !v) return;
    const inner = jsonPos(v, depth + 1);
    children.set(String(k.value), { ...inner, keyStart: k.offset, keyEnd: k.offset + k.length });
  });
  return { ...base, children };
}

// ---------------------------------------------------------------- YAML

/**
 * YAML is read twice over, for speed: js-yaml (about 15x faster than \`yaml\` here) gives the value;
 * \`yaml\` gives positions, only when a diagnostic asks for one, and the syntax errors. Any input
 * js-yaml declines (syntax errors, aliases, deep nesting) takes the \`yaml\` path whole, so both
 * parsers never need to agree on anything but well-formed, alias-free documents.
 */
function parseYaml(file: string, text: string): SourceDocument {
  let value: unknown;
  try {
    value = loadYamlFast(text, { schema: fastSchema(), maxAliases: 0, maxDepth: MAX_NESTING, filename: file });
  } catch {
    return parseYamlFully(file, text);
  }
  if (value === null || value === undefined) return parseYamlFully(file, text);
  return SourceDocument.create(file, 'yaml', text, value, [], () => yamlPositions(text));
}

/** The offset of the first mapping key that is itself a list or mapping, if any (one walk, no recursion). */
function collectionKeyOffset(root: YamlNode | null | undefined): number | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isMap(pair.key) || isSeq(pair.key)) return pair.key.range?.[0] ?? 0;
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(isPair(item) ? item.value : item);
    }
  }
  return undefined;
}

function yamlPositions(text: string): PosNode | undefined {
  const doc = parseDocument(text, YAML_OPTIONS);
  return doc.errors.length > 0 || !doc.contents ? undefined : yamlPos(doc.contents as YamlNode, 0);
}

function parseYamlFully(file: string, text: string): SourceDocument {
  const empty = SourceDocument.create(file, 'yaml', text, undefined, [], undefined);
  // YAML 1.2 core schema: `on`/`yes` stay strings, like JSON. No aliases expansion bombs.
  const doc = parseDocument(text, YAML_OPTIONS);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const opener = unclosedFlowOpener(text, e);
    const message = e.code === 'MULTIPLE_DOCS'
      ? 'the file holds more than one YAML document (the second starts at this `---`); a definition file holds one: move the second to a file of its own'
      : opener !== undefined
        ? `the ${text[opener] === '[' ? 'list' : 'mapping'} opened here with ${text[opener]} is not closed: end it with ${text[opener] === '[' ? ']' : '}'} (a line that continues it must be indented more than its key)`
        : e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const [start, end] = opener !== undefined ? [opener, opener + 1] : yamlErrorSpan(text, doc.errors);
    const key = findMisindentedKey(text);
    if (key && key.offset <= Math.max(start, text.indexOf('\n', start))) {
      const where = key.expected.map((x) => `column ${x.column}${x.key !== undefined ? ` (like '${x.key}' above)` : ''}`).join(' or ');
      const msg = `YAML syntax error: the key '${key.key}' starts at column ${key.column}, which lines up with no mapping above it; start it at ${where}`;
      return SourceDocument.create(file, 'yaml', text, undefined, [syntaxDiagnostic(empty, file, key.offset, key.key.length, msg)], undefined);
    }
    const diag = syntaxDiagnostic(empty, file, start, end - start, `YAML syntax error: ${message}`);
    return SourceDocument.create(file, 'yaml', text, undefined, [diag], undefined);
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    const diag = syntaxDiagnostic(empty, file, 0, 0, 'The file is empty: expected a YAML mapping');
    return SourceDocument.create(file, 'yaml', text, undefined, [diag], undefined);
  }
  const complexKey = collectionKeyOffset(doc.contents as YamlNode);
  if (complexKey !== undefined) {
    // toJS would stringify such keys, which costs exponential time when they nest (`? ? ? x`).
    const diag = syntaxDiagnostic(empty, file, complexKey, 1, 'YAML syntax error: a key that is a list or mapping (`? ...`) is not allowed in definition files; keys are plain names');
    return SourceDocument.create(file, 'yaml', text, undefined, [diag], undefined);
  }
  const value = doc.toJS({ maxAliasCount: 100 });
  return SourceDocument.create(file, 'yaml', text, value, [], yamlPos(doc.contents as YamlNode, 0));
}

/**
 * The offset of the `[` or `{` a flow collection the parser found unclosed (or closed too far left)
 * was opened with: the parser reports where it gave up, a line or more later.
 */
function unclosedFlowOpener(text: string, e: { code: string; message: string; pos: [number, number] }): number | undefined {
  const closer = /^Flow (?:sequence|map|mapping) .*end with an? ([\]}])/.exec(e.message)?.[1];
  if (!closer) return undefined;
  const open = closer === ']' ? '[' : '{';
  let depth = 0;
  for (let i = Math.min(e.pos[0], text.length) - 1; i >= 0; i--) {
    if (text[i] === closer) depth++;
    else if (text[i] === open && depth-- === 0) return i;
  }
  return undefined;
}

/**
 * Where to show the first YAML error. A line indented deeper than the value above it (`image: x`
 * then `   command: y`) continues that value as a plain scalar, which \`yaml\` reports at the value's
 * start; the mistake is the continuation line holding the `key:`, so point there.
 */
function yamlErrorSpan(text: string, errors: ReadonlyArray<{ code: string; pos: [number, number] }>): [number, number] {
  const [start, end] = errors[0].pos;
  if (errors[0].code === 'BLOCK_AS_IMPLICIT_KEY') {
    const multi = errors.find((e) => e.code === 'MULTILINE_IMPLICIT_KEY' && e.pos[0] === start);
    const newline = multi ? text.lastIndexOf('\n', multi.pos[1] - 1) : -1;
    if (multi && newline >= start) {
      let at = newline + 1;
      while (at < multi.pos[1] && (text[at] === ' ' || text[at] === '\t')) at++;
      return [at, Math.max(at + 1, multi.pos[1])];
    }
  }
  return [start, end];
}

function yamlPos(node: YamlNode | null | undefined, depth: number): PosNode {
  const [start, valueEnd] = node?.range ?? [0, 0];
  const base = { start, end: valueEnd };
  if (!node || depth >= MAX_POSITION_DEPTH) return base;
  if (isSeq(node)) {
    const children = new Map<string | number, PosNode>();
    node.items.forEach((item, i) => children.set(i, yamlPos(item as YamlNode, depth + 1)));
    return { ...base, children };
  }
  if (isMap(node)) {
    const children = new Map<string | number, PosNode>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as YamlNode | null;
      const keyName = isScalar(key) ? String(key.value) : String(key);
      const [ks, ke] = key?.range ?? [start, start];
      const inner = pair.value ? yamlPos(pair.value as YamlNode, depth + 1) : { start: ke, end: ke };
      children.set(keyName, { ...inner, keyStart: ks, keyEnd: ke });
    }
    return { ...base, children };
  }
  return base;
}

function syntaxDiagnostic(doc: SourceDocument, file: string, offset: number, length: number, message: string): Diagnostic {
  return { file, range: doc.rangeFromOffsets(offset, offset + Math.max(length, 1)), severity: 'error', message, rule: 'syntax' };
}

/** Assigns without invoking `__proto__` setters, so hostile keys stay plain data. */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
