/**
 * A request checked against its operation's input shape in an AWS SDK client's service model (the
 * schemas each `@aws-sdk/client-*` ships, read through `@smithy/core`'s NormalizedSchema), at any
 * depth: the first member of the wrong JSON type is refused, named by its path
 * (`containerOverrides.command[1] must be a string, not number 1`). Unknown members are ignored and
 * null is an absent member, as AWS's JSON protocols take them.
 */
import { NormalizedSchema } from '@smithy/core/schema';

type Kind = 'structure' | 'list' | 'map' | 'string' | 'number' | 'boolean' | 'timestamp' | 'blob' | 'any';

/** One node of a shape, its children compiled when first needed. */
class ShapeNode {
  readonly kind: Kind;
  private members?: Map<string, ShapeNode>;
  private element?: ShapeNode;

  constructor(private readonly schema: NormalizedSchema) {
    this.kind = kindOf(schema);
  }

  member(name: string): ShapeNode | undefined {
    if (!this.members) {
      this.members = new Map();
      for (const [k, m] of this.schema.structIterator()) this.members.set(k, new ShapeNode(m));
    }
    return this.members.get(name);
  }

  /** A list's element or a map's value. */
  value(): ShapeNode {
    this.element ??= new ShapeNode(this.schema.getValueSchema());
    return this.element;
  }
}

function kindOf(s: NormalizedSchema): Kind {
  if (s.isStructSchema()) return 'structure';
  if (s.isListSchema()) return 'list';
  if (s.isMapSchema()) return 'map';
  if (s.isStringSchema()) return 'string';
  if (s.isNumericSchema()) return 'number';
  if (s.isBooleanSchema()) return 'boolean';
  if (s.isTimestampSchema()) return 'timestamp';
  if (s.isBlobSchema()) return 'blob';
  return 'any';
}

const WHAT: Readonly<Record<Kind, string>> = {
  structure: 'an object',
  list: 'a list',
  map: 'an object (a map)',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  timestamp: 'a timestamp (a number of seconds or a date string)',
  blob: 'a base64 string',
  any: 'a JSON value',
};

/** The input shape of an operation (`SubmitJob`) in `model` (a client module), or undefined when it has none. */
function inputShape(model: object, inputs: Map<string, ShapeNode | null>, operation: string): ShapeNode | undefined {
  let node = inputs.get(operation);
  if (node === undefined) {
    const op = (model as Record<string, unknown>)[`${operation}$`];
    // An operation schema is [9, namespace, name, traits, input, output].
    node = Array.isArray(op) && op[0] === 9 ? new ShapeNode(NormalizedSchema.of(op[4] as Parameters<typeof NormalizedSchema.of>[0])) : null;
    inputs.set(operation, node);
  }
  return node ?? undefined;
}

function fits(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'structure':
    case 'map':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'list':
      return Array.isArray(value);
    case 'string':
    case 'blob':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'timestamp':
      return typeof value === 'number' || typeof value === 'string';
    default:
      return true;
  }
}

type Fail = (message: string) => Error;

function check(value: unknown, shape: ShapeNode, path: string, fail: Fail): void {
  if (!fits(value, shape.kind)) throw fail(`${path} must be ${WHAT[shape.kind]}, not ${describe(value)}`);
  if (shape.kind === 'list') {
    (value as unknown[]).forEach((v, i) => check(v, shape.value(), `${path}[${i}]`, fail));
  } else if (shape.kind === 'map') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) check(v, shape.value(), `${path}.${k}`, fail);
  } else if (shape.kind === 'structure') {
    checkMembers(value as Record<string, unknown>, shape, `${path}.`, fail);
  }
}

function checkMembers(value: Record<string, unknown>, shape: ShapeNode, prefix: string, fail: Fail): void {
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    const member = shape.member(k);
    if (member) check(v, member, `${prefix}${k}`, fail);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

/**
 * A checker of `model`'s requests (`import * as model from '@aws-sdk/client-batch'`): throws
 * `fail(message)` for the first member of an operation's input whose JSON type is not the model's.
 */
export function modelShapes(model: object, fail: Fail): ModelShapeCheck {
  const inputs = new Map<string, ShapeNode | null>();
  const check = (operation: string, input: unknown) => {
    const shape = inputShape(model, inputs, operation);
    if (shape && typeof input === 'object' && input !== null && !Array.isArray(input)) checkMembers(input as Record<string, unknown>, shape, '', fail);
  };
  // (an operation the model has no schema for is not checked: `covers` lets a test see none is missing)
  return Object.assign(check, { covers: (operation: string) => inputShape(model, inputs, operation) !== undefined });
}

export interface ModelShapeCheck {
  (operation: string, input: unknown): void;
  /** Whether the model has an input shape for the operation (else its requests go unchecked). */
  covers(operation: string): boolean;
}
