/** Reads the JSON Schemas of the definition kinds for editor help: the subschema at a path, its docs. */
import type { JsonPath } from '../document';
import type { DefinitionKind } from '../kinds';

export interface SchemaNode {
  readonly type?: string | string[];
  readonly description?: string;
  readonly markdownDescription?: string;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly items?: SchemaNode;
  readonly $ref?: string;
  readonly anyOf?: readonly SchemaNode[];
  readonly oneOf?: readonly SchemaNode[];
  readonly allOf?: readonly SchemaNode[];
  readonly definitions?: Readonly<Record<string, SchemaNode>>;
  readonly 'x-enumAnyCase'?: readonly string[];
}

/*
 * The schemas (about 350 KB of JSON) are read on first use, not when this module loads: the
 * extension's main bundle reaches this module (templates are indexed at activation) long before any
 * schema is needed, and the build serves these requires from a lazy bundle (scripts/build.mjs).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
/** State machine files (stateMachine) have no JSON Schema here: src/model/asl checks them. */
const LOADERS: Readonly<Partial<Record<DefinitionKind, () => unknown>>> = {
  jobDefinition: () => require('../schemas/jobDefinition.schema.json'),
  jobQueue: () => require('../schemas/jobQueue.schema.json'),
  computeEnvironment: () => require('../schemas/computeEnvironment.schema.json'),
  workflow: () => require('../schemas/workflow.schema.json'),
  settings: () => require('../schemas/settings.schema.json'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The kinds that have a schema. */
export const SCHEMA_KINDS = Object.keys(LOADERS) as readonly DefinitionKind[];

const loaded = new Map<DefinitionKind, SchemaNode>();

/** The JSON Schema of a definition kind. */
export function schemaOf(kind: DefinitionKind): SchemaNode {
  let schema = loaded.get(kind);
  if (!schema) loaded.set(kind, (schema = (LOADERS[kind]?.() ?? {}) as SchemaNode));
  return schema;
}

function resolve(root: SchemaNode, node: SchemaNode, depth = 0): SchemaNode {
  if (!node.$ref || depth > 20) return node;
  const m = /^#\/definitions\/(.+)$/.exec(node.$ref);
  const target = m ? root.definitions?.[m[1]] : undefined;
  return target ? resolve(root, { ...target, ...withoutRef(node) }, depth + 1) : node;
}

function withoutRef(node: SchemaNode): SchemaNode {
  const { $ref: _ref, ...rest } = node;
  return rest;
}

/** The branches a value may match (the node itself plus anyOf / oneOf / allOf members), resolved. */
function branches(root: SchemaNode, node: SchemaNode): SchemaNode[] {
  const r = resolve(root, node);
  const subs = [...(r.anyOf ?? []), ...(r.oneOf ?? []), ...(r.allOf ?? [])].flatMap((s) => branches(root, s));
  return [r, ...subs];
}

/** The schema of the value at `path`, or undefined where the schema says nothing. */
export function schemaAt(kind: DefinitionKind, path: JsonPath): SchemaNode | undefined {
  const root = schemaOf(kind);
  let node: SchemaNode | undefined = root;
  for (const seg of path) {
    if (!node) return undefined;
    let next: SchemaNode | undefined;
    for (const b of branches(root, node)) {
      if (typeof seg === 'number') next = b.items;
      else next = b.properties?.[seg] ?? (typeof b.additionalProperties === 'object' ? b.additionalProperties : undefined);
      if (next) break;
    }
    node = next;
  }
  return node && resolve(root, node);
}

/** Allowed values of the value at `path` (enums, also inside anyOf branches, and booleans). */
export function enumValuesAt(kind: DefinitionKind, path: JsonPath): unknown[] {
  const node = schemaAt(kind, path);
  if (!node) return [];
  const out = new Set<unknown>();
  for (const b of branches(schemaOf(kind), node)) {
    for (const v of b.enum ?? []) out.add(v);
    if (b.type === 'boolean') [true, false].forEach((v) => out.add(v));
  }
  return [...out];
}

/** Property names the object at `path` may have, with their schemas. */
export function propertiesAt(kind: DefinitionKind, path: JsonPath): Array<[string, SchemaNode]> {
  const node = schemaAt(kind, path);
  if (!node) return [];
  const root = schemaOf(kind);
  const out = new Map<string, SchemaNode>();
  for (const b of branches(root, node)) for (const [k, v] of Object.entries(b.properties ?? {})) if (!out.has(k)) out.set(k, resolve(root, v));
  return [...out];
}

/** Markdown hover text for the property or value at `path`, or undefined when there is no documentation. */
export function hoverMarkdown(kind: DefinitionKind, path: JsonPath): string | undefined {
  const node = schemaAt(kind, path);
  const text = node && (node.markdownDescription ?? node.description ?? branches(schemaOf(kind), node).map((b) => b.markdownDescription ?? b.description).find(Boolean));
  if (!node || !text) return undefined;
  const last = path.at(-1);
  const title = typeof last === 'string' ? `**${last}**${typeLabel(node) ? ` \`${typeLabel(node)}\`` : ''}\n\n` : '';
  const values = enumValuesAt(kind, path).filter((v) => typeof v !== 'boolean');
  const allowed = values.length > 0 ? `\n\nAllowed values: ${values.map((v) => `\`${String(v)}\``).join(', ')}` : '';
  return `${title}${node.markdownDescription ? cleanMarkdown(text) : escapeMarkdown(text)}${allowed}`;
}

const API_REFERENCE = 'https://docs.aws.amazon.com/batch/latest/APIReference';

/**
 * The schemas' documentation comes from the AWS API models, with markup a Markdown renderer shows
 * raw: bare references like `[SubmitJob]` (linked here to the API reference) or other `[text]`
 * (escaped), emphasis inside code spans (a starred `*image*` between backticks, shown as plain code),
 * and `<placeholders>` outside code (escaped, so they are not taken for HTML).
 */
export function cleanMarkdown(md: string): string {
  return md.split(/(`[^`\n]*`)/).map((part, i) => (i % 2 === 1 ? cleanCode(part) : cleanText(part))).join('');
}

function cleanCode(span: string): string {
  const inner = span.slice(1, -1).replace(/(^|[^\w*])\*([^*\s][^*]*?)\*(?![\w*])/g, '$1$2').trim();
  return inner ? `\`${inner}\`` : span;
}

function cleanText(text: string): string {
  return text
    .replace(/\[([^\]\n]+)\](?![([:])/g, (_m, label: string) => (/^[A-Z][a-z]+(?:[A-Z][a-z]*)+$/.test(label) ? `[${label}](${API_REFERENCE}/API_${label}.html)` : `\\[${label}\\]`))
    .replace(/<([^<>\n]+)>/g, (m, inner: string) => (/^https?:/.test(inner) ? m : `\\<${inner}\\>`));
}

/**
 * Plain-text descriptions shown as Markdown: characters Markdown would interpret are escaped, but a
 * `code span` stays one (the workflow and settings schemas write values that way: `N_TO_N`).
 */
function escapeMarkdown(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/([\\`*_[\]<>#])/g, '\\$1')))
    .join('');
}

function typeLabel(node: SchemaNode): string | undefined {
  return Array.isArray(node.type) ? node.type.join(' | ') : node.type;
}
