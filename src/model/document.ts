/**
 * Parses a definition file (JSON or YAML) into a plain value plus a position tree, so that any
 * diagnostic can point at the exact key or value. Never throws: syntax problems become diagnostics.
 */
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { isMap, isScalar, isSeq, isPair, parseDocument, type Node as YamlNode } from 'yaml';
import type { Diagnostic, Position, Range } from './diagnostics';
import type { SourceFormat } from './kinds';

export type JsonPath = ReadonlyArray<string | number>;

/** Where one value (and, inside an object, its key) sits in the text, as offsets. */
interface PosNode {
  readonly start: number;
  readonly end: number;
  readonly keyStart?: number;
  readonly keyEnd?: number;
  readonly children?: Map<string | number, PosNode>;
}

/** Nesting below this depth keeps no positions (ranges point at the deepest kept ancestor). */
const MAX_POSITION_DEPTH = 64;

export class SourceDocument {
  private lineStarts: number[] | undefined;

  private constructor(
    readonly file: string,
    readonly format: SourceFormat,
    readonly text: string,
    /** The parsed value; undefined when the text could not be parsed at all. */
    readonly value: unknown,
    readonly syntaxErrors: readonly Diagnostic[],
    private readonly root: PosNode | undefined,
  ) {}

  static parse(file: string, text: string, format: SourceFormat): SourceDocument {
    try {
      return format === 'json' ? parseJson(file, text) : parseYaml(file, text);
    } catch (err) {
      // The parsers recurse; absurdly deep input can exhaust the stack.
      const reason = err instanceof RangeError ? 'the document is nested too deeply to read' : `the document could not be read (${String(err)})`;
      const doc = new SourceDocument(file, format, text, undefined, [], undefined);
      return doc.withSyntaxError(0, 0, reason);
    }
  }

  /** Builds a document from an in-memory value (no source text), e.g. for API input. */
  static fromValue(file: string, value: unknown): SourceDocument {
    return new SourceDocument(file, 'json', '', value, [], undefined);
  }

  private withSyntaxError(offset: number, length: number, message: string): SourceDocument {
    const diag: Diagnostic = { file: this.file, range: this.rangeFromOffsets(offset, offset + length), severity: 'error', message, rule: 'syntax' };
    return new SourceDocument(this.file, this.format, this.text, undefined, [diag], undefined);
  }

  /**
   * The range of the value (or, with part 'key', of the key naming it) at `path`. A path that does
   * not exist resolves to its nearest existing ancestor: a missing property points at its object.
   */
  rangeOf(path: JsonPath, part: 'key' | 'value' = 'value'): Range {
    if (!this.root) return this.rangeFromOffsets(0, 0);
    let node: PosNode = this.root;
    let parentKeyed: PosNode | undefined;
    for (const seg of path) {
      const next: PosNode | undefined = node.children?.get(seg);
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

  static create(file: string, format: SourceFormat, text: string, value: unknown, errors: Diagnostic[], root: PosNode | undefined): SourceDocument {
    return new SourceDocument(file, format, text, value, errors, root);
  }
}

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

function parseJson(file: string, text: string): SourceDocument {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true });
  const empty = SourceDocument.create(file, 'json', text, undefined, [], undefined);
  if (errors.length > 0) {
    const e = errors[0];
    const diag = syntaxDiagnostic(empty, file, e.offset, e.length, `JSON syntax error: ${describeJsonError(printParseErrorCode(e.error))}`);
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

function parseYaml(file: string, text: string): SourceDocument {
  const empty = SourceDocument.create(file, 'yaml', text, undefined, [], undefined);
  // YAML 1.2 core schema: `on`/`yes` stay strings, like JSON. No aliases expansion bombs.
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, version: '1.2' });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const diag = syntaxDiagnostic(empty, file, e.pos[0], e.pos[1] - e.pos[0], `YAML syntax error: ${message}`);
    return SourceDocument.create(file, 'yaml', text, undefined, [diag], undefined);
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    const diag = syntaxDiagnostic(empty, file, 0, 0, 'The file is empty: expected a YAML mapping');
    return SourceDocument.create(file, 'yaml', text, undefined, [diag], undefined);
  }
  const value = doc.toJS({ maxAliasCount: 100 });
  return SourceDocument.create(file, 'yaml', text, value, [], yamlPos(doc.contents as YamlNode, 0));
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
