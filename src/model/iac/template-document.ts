/**
 * Parses an infrastructure-as-code file (a CloudFormation/CDK template in YAML or JSON, or the JSON
 * of `terraform show -json`) into a SourceDocument. YAML's CloudFormation short forms (`!Ref X`,
 * `!Sub ...`, `!GetAtt A.B`, ...) become their long forms (`{Ref: X}`, `{"Fn::Sub": ...}`), and the
 * position tree gets the long form's key too, so `['Image', 'Fn::Sub']` points at the tagged node.
 * Never throws: syntax problems become the document's syntax errors.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { SourceDocument, estimateNesting, type PosNode } from '../document';
import type { SourceFormat } from '../kinds';

const MAX_NESTING = 200;
const YAML_OPTIONS = { prettyErrors: false, uniqueKeys: true, version: '1.2', merge: true } as const;

/** The long-form key of a short-form tag (`!Ref` → `Ref`, `!Sub` → `Fn::Sub`). */
function longForm(tag: string): string | undefined {
  if (!/^![A-Za-z0-9]+$/.test(tag)) return undefined;
  const name = tag.slice(1);
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

/** The format of an IaC file by its name: `.json` is JSON, everything else (`.yaml`, `.yml`, `.template`) YAML unless it starts with `{`. */
export function iacFormat(file: string, text: string): SourceFormat {
  if (/\.json$/i.test(file)) return 'json';
  return /^\s*\{/.test(text) ? 'json' : 'yaml';
}

export function parseTemplateDocument(file: string, text: string, format: SourceFormat = iacFormat(file, text)): SourceDocument {
  if (format === 'json' || estimateNesting(text) > MAX_NESTING) return SourceDocument.parse(file, text, format);
  try {
    const doc = parseDocument(text, YAML_OPTIONS);
    if (doc.errors.length > 0 || !doc.contents) return SourceDocument.parse(file, text, 'yaml');
    const root = doc.contents as YamlNode;
    return SourceDocument.create(file, 'yaml', text, toValue(root, 0, { doc, aliases: 0 }), [], () => toPos(root, 0));
  } catch {
    return SourceDocument.parse(file, text, 'yaml');
  }
}

function tagged(node: YamlNode): string | undefined {
  return node.tag ? longForm(node.tag) : undefined;
}

/** Aliases expanded per document at most (more is an alias bomb: the plain parser then refuses it). */
const MAX_ALIASES = 100;
interface ReadContext { readonly doc: Document; aliases: number }

function toValue(node: YamlNode | null | undefined, depth: number, ctx: ReadContext): unknown {
  if (!node) return null;
  if (depth > MAX_NESTING) throw new RangeError('too deep');
  // An alias (`*name`) reads as the node it names (its positions stay at the alias).
  if (isAlias(node)) {
    if (++ctx.aliases > MAX_ALIASES) throw new RangeError('too many aliases');
    return toValue(node.resolve(ctx.doc) as YamlNode | undefined, depth + 1, ctx);
  }
  const fn = tagged(node);
  const plain = plainValue(node, depth, ctx);
  if (!fn) return plain;
  // `!GetAtt Resource.Attribute` is the string form of `Fn::GetAtt: [Resource, Attribute]`.
  if (fn === 'Fn::GetAtt' && typeof plain === 'string') {
    const dot = plain.indexOf('.');
    return { [fn]: dot < 0 ? [plain] : [plain.slice(0, dot), plain.slice(dot + 1)] };
  }
  return { [fn]: plain };
}

function plainValue(node: YamlNode, depth: number, ctx: ReadContext): unknown {
  if (isSeq(node)) return node.items.map((i) => toValue(i as YamlNode, depth + 1, ctx));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      Object.defineProperty(out, key, { value: toValue(pair.value as YamlNode, depth + 1, ctx), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (isScalar(node)) {
    // An unknown tag leaves the source text as the value; a known scalar resolves normally.
    return node.value;
  }
  return (node as { toJSON?: () => unknown }).toJSON?.() ?? null;
}

function toPos(node: YamlNode | null | undefined, depth: number): PosNode {
  const [start, end] = node?.range ?? [0, 0];
  const base = { start, end };
  if (!node || depth > 64) return base;
  const inner = plainPos(node, base, depth);
  const fn = tagged(node);
  return fn ? { ...base, children: new Map([[fn, inner]]) } : inner;
}

function plainPos(node: YamlNode, base: { start: number; end: number }, depth: number): PosNode {
  if (isSeq(node)) {
    const children = new Map<string | number, PosNode>();
    node.items.forEach((item, i) => children.set(i, toPos(item as YamlNode, depth + 1)));
    return { ...base, children };
  }
  if (isMap(node)) {
    const children = new Map<string | number, PosNode>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as YamlNode | null;
      const name = isScalar(key) ? String(key.value) : String(key);
      const [ks, ke] = key?.range ?? [base.start, base.start];
      const value = pair.value ? toPos(pair.value as YamlNode, depth + 1) : { start: ke, end: ke };
      children.set(name, { ...value, keyStart: ks, keyEnd: ke });
    }
    return { ...base, children };
  }
  return base;
}
