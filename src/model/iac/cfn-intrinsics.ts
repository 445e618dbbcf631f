/**
 * CloudFormation's intrinsic functions and conditions, evaluated for local use. Every resolved value
 * keeps an origin tree (which template node each part came from), so diagnostics on the result point
 * at the template. What cannot be known locally (Fn::ImportValue without a value in `parameters:`, a
 * parameter without a value, an unknown logical id) is a problem at its node, never a throw; its value
 * becomes a placeholder string and its path is listed in `unresolved`.
 */
import type { JsonPath } from '../document';
import { isObj, type Obj } from '../values';

/** Which template node a resolved value (and, through `kids`, each of its parts) came from. */
export interface Origin {
  readonly at: JsonPath;
  /** Point at the key naming `at` rather than at its value (generated names point at the logical id). */
  readonly part?: 'key';
  readonly kids?: Map<string | number, Origin>;
}

export interface Resolved {
  readonly value: unknown;
  readonly origin: Origin;
}

export interface ResolveProblem {
  readonly path: JsonPath;
  readonly severity: 'error' | 'warning';
  readonly rule: string;
  readonly message: string;
}

/** `AWS::NoValue`: the property holding it is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export interface CfnScope {
  readonly template: Obj;
  readonly pseudo: Readonly<Record<string, unknown>>;
  /** Values for parameters (and for Fn::ImportValue export names), from localbatch.yaml `parameters:`. */
  readonly values: Readonly<Record<string, string>>;
  /** What `Ref` to a resource gives locally; undefined when the logical id is not a resource. */
  refOf(logicalId: string): unknown;
  /** What `Fn::GetAtt` gives locally; undefined when the logical id is not a resource. */
  attOf(logicalId: string, attribute: string): unknown;
  readonly problems: ResolveProblem[];
  readonly unresolved: JsonPath[];
}

const leaf = (at: JsonPath, value: unknown): Resolved => ({ value, origin: { at } });

function problem(scope: CfnScope, at: JsonPath, rule: string, message: string, severity: 'error' | 'warning' = 'error'): Resolved {
  scope.problems.push({ path: at, severity, rule, message });
  // The whole function node holds the placeholder: `{"Fn::Sub": ...}`, not only its argument.
  const last = at[at.length - 1];
  scope.unresolved.push(typeof last === 'string' && (last === 'Ref' || last.startsWith('Fn::')) ? at.slice(0, -1) : at);
  return leaf(at, `unresolved:${message.slice(0, 60)}`);
}

/** The one key of a single-key object that is an intrinsic function (or `Ref` / `Condition`). */
export function intrinsicName(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0];
  return k === 'Ref' || k.startsWith('Fn::') ? k : undefined;
}

/** Resolves every intrinsic inside `node` (found at template path `at`). */
export function resolveValue(node: unknown, at: JsonPath, scope: CfnScope, depth = 0): Resolved {
  if (depth > 100) return problem(scope, at, 'template-unresolved', 'the value is nested too deeply to resolve');
  const fn = intrinsicName(node);
  if (fn) return resolveIntrinsic(fn, (node as Obj)[fn], [...at, fn], at, scope, depth);
  if (Array.isArray(node)) {
    const kids = new Map<string | number, Origin>();
    const out: unknown[] = [];
    node.forEach((item, i) => {
      const r = resolveValue(item, [...at, i], scope, depth + 1);
      if (r.value === NO_VALUE) return;
      kids.set(out.length, r.origin);
      out.push(r.value);
    });
    return { value: out, origin: { at, kids } };
  }
  if (isObj(node)) {
    const kids = new Map<string | number, Origin>();
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      const r = resolveValue(v, [...at, k], scope, depth + 1);
      if (r.value === NO_VALUE) continue;
      Object.defineProperty(out, k, { value: r.value, enumerable: true, writable: true, configurable: true });
      kids.set(k, r.origin);
    }
    return { value: out, origin: { at, kids } };
  }
  return leaf(at, node);
}

function resolveIntrinsic(fn: string, arg: unknown, at: JsonPath, nodeAt: JsonPath, scope: CfnScope, depth: number): Resolved {
  const sub = (v: unknown, p: JsonPath) => resolveValue(v, p, scope, depth + 1);
  const args = (n: number): unknown[] | undefined => (Array.isArray(arg) && arg.length >= n ? arg : undefined);
  switch (fn) {
    case 'Ref':
      return typeof arg === 'string' ? ref(arg, at, scope) : problem(scope, at, 'template-invalid-intrinsic', 'Ref takes the name of a parameter, resource or pseudo parameter');
    case 'Fn::GetAtt': {
      const parts = typeof arg === 'string' ? splitOnce(arg) : Array.isArray(arg) ? arg.map((a, i) => sub(a, [...at, i]).value) : undefined;
      if (!parts || parts.length < 2 || typeof parts[0] !== 'string' || typeof parts[1] !== 'string') return problem(scope, at, 'template-invalid-intrinsic', 'Fn::GetAtt takes [LogicalId, Attribute]');
      const v = scope.attOf(parts[0], parts[1]);
      return v === undefined ? problem(scope, at, 'template-unknown-reference', `Fn::GetAtt names '${parts[0]}', which is not a resource of this template`) : leaf(nodeAt, v);
    }
    case 'Fn::Sub':
      return fnSub(arg, at, nodeAt, scope, depth);
    case 'Fn::Join': {
      const a = args(2);
      if (!a || typeof a[0] !== 'string') return problem(scope, at, 'template-invalid-intrinsic', 'Fn::Join takes [delimiter, [values]]');
      const list = sub(a[1], [...at, 1]).value;
      if (!Array.isArray(list)) return problem(scope, at, 'template-invalid-intrinsic', 'Fn::Join needs a list of values');
      return leaf(nodeAt, list.map(str).join(a[0]));
    }
    case 'Fn::Select': {
      const a = args(2);
      const index = a && Number(sub(a[0], [...at, 0]).value);
      if (!a || !Number.isInteger(index)) return problem(scope, at, 'template-invalid-intrinsic', 'Fn::Select takes [index, [values]]');
      if (Array.isArray(a[1]) && intrinsicName(a[1]) === undefined) {
        // A literal list: the selected item keeps its own position.
        const r = sub(a[1], [...at, 1]);
        const item = (r.value as unknown[])[index!];
        return item === undefined ? problem(scope, at, 'template-invalid-intrinsic', `Fn::Select index ${index} is outside the list`) : { value: item, origin: r.origin.kids?.get(index!) ?? r.origin };
      }
      const list = sub(a[1], [...at, 1]).value;
      if (!Array.isArray(list) || list[index!] === undefined) return problem(scope, at, 'template-invalid-intrinsic', `Fn::Select index ${index} is outside the list`);
      return leaf(nodeAt, list[index!]);
    }
    case 'Fn::Split': {
      const a = args(2);
      const source = a && sub(a[1], [...at, 1]).value;
      if (!a || typeof a[0] !== 'string' || typeof source !== 'string') return problem(scope, at, 'template-invalid-intrinsic', 'Fn::Split takes [delimiter, string]');
      return leaf(nodeAt, source.split(a[0]));
    }
    case 'Fn::If': {
      const a = args(3);
      if (!a || typeof a[0] !== 'string') return problem(scope, at, 'template-invalid-intrinsic', 'Fn::If takes [ConditionName, valueIfTrue, valueIfFalse]');
      const chosen = evaluateCondition(a[0], [...at, 0], scope, 0) ? 1 : 2;
      return sub(a[chosen], [...at, chosen]);
    }
    case 'Fn::FindInMap': {
      const a = args(3);
      if (!a) return problem(scope, at, 'template-invalid-intrinsic', 'Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]');
      const keys = a.slice(0, 3).map((k, i) => str(sub(k, [...at, i]).value));
      const mapping = (scope.template.Mappings as Obj | undefined)?.[keys[0]];
      const value = isObj(mapping) && isObj(mapping[keys[1]]) ? (mapping[keys[1]] as Obj)[keys[2]] : undefined;
      if (value !== undefined) return leaf(nodeAt, value);
      const fallback = isObj(a[3]) ? (a[3] as Obj).DefaultValue : undefined;
      if (fallback !== undefined) return sub(fallback, [...at, 3, 'DefaultValue']);
      return problem(scope, at, 'template-unknown-reference', `Fn::FindInMap: the mapping ${keys.join(' / ')} does not exist`);
    }
    case 'Fn::ImportValue': {
      const name = str(sub(arg, at).value);
      if (Object.prototype.hasOwnProperty.call(scope.values, name)) return leaf(nodeAt, scope.values[name]);
      return problem(scope, at, 'template-import-value', `Fn::ImportValue '${name}' comes from another stack and cannot be resolved locally; give it a value under parameters: in localbatch.yaml (key '${name}')`);
    }
    case 'Fn::GetAZs': {
      const region = str(sub(arg, at).value) || str(scope.pseudo['AWS::Region']);
      return leaf(nodeAt, ['a', 'b', 'c'].map((z) => `${region}${z}`));
    }
    case 'Fn::Base64':
      return leaf(nodeAt, base64(str(sub(arg, at).value)));
    case 'Fn::Cidr': {
      const a = args(3);
      const cidrs = a && cidr(str(sub(a[0], [...at, 0]).value), Number(sub(a[1], [...at, 1]).value), Number(sub(a[2], [...at, 2]).value));
      return cidrs ? leaf(nodeAt, cidrs) : problem(scope, at, 'template-invalid-intrinsic', 'Fn::Cidr takes [ipBlock, count, cidrBits] with an IPv4 block');
    }
    case 'Fn::ToJsonString':
      return leaf(nodeAt, JSON.stringify(sub(arg, at).value));
    case 'Fn::Length': {
      const list = sub(arg, at).value;
      return Array.isArray(list) ? leaf(nodeAt, list.length) : problem(scope, at, 'template-invalid-intrinsic', 'Fn::Length takes a list');
    }
    case 'Fn::Equals':
    case 'Fn::And':
    case 'Fn::Or':
    case 'Fn::Not':
      return leaf(nodeAt, evaluateConditionFn(fn, arg, at, scope, depth));
    default:
      return problem(scope, at, 'template-unsupported', `${fn} is not supported locally`);
  }
}

function ref(name: string, at: JsonPath, scope: CfnScope): Resolved {
  if (name === 'AWS::NoValue') return { value: NO_VALUE, origin: { at } };
  if (Object.prototype.hasOwnProperty.call(scope.pseudo, name)) return leaf(at, scope.pseudo[name]);
  const params = scope.template.Parameters;
  if (isObj(params) && isObj(params[name])) return parameter(name, params[name] as Obj, at, scope);
  const v = scope.refOf(name);
  if (v !== undefined) return leaf(at, v);
  return problem(scope, at, 'template-unknown-reference', `Ref '${name}' names no parameter, resource or pseudo parameter of this template`);
}

function parameter(name: string, decl: Obj, at: JsonPath, scope: CfnScope): Resolved {
  const type = typeof decl.Type === 'string' ? decl.Type : 'String';
  const given = Object.prototype.hasOwnProperty.call(scope.values, name) ? scope.values[name] : undefined;
  if (type.startsWith('AWS::SSM::Parameter::Value') && given === undefined) {
    return problem(scope, at, 'template-parameter-value', `Parameter '${name}' is read from SSM Parameter Store when deployed; give it a local value under parameters: in localbatch.yaml`);
  }
  const raw = given ?? decl.Default;
  if (raw === undefined) return problem(scope, at, 'template-parameter-value', `Parameter '${name}' has no Default; give it a local value under parameters: in localbatch.yaml`);
  const text = Array.isArray(raw) ? raw.map(str).join(',') : str(raw);
  const refused = refusedValue(name, decl, type.startsWith('List<') || type === 'CommaDelimitedList' ? text.split(',').map((s) => s.trim()) : [text]);
  if (refused) return problem(scope, at, 'template-parameter-value', refused);
  if (type.startsWith('List<') || type === 'CommaDelimitedList') return leaf(at, text.split(',').map((s) => s.trim()));
  return leaf(at, type === 'Number' && /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text);
}

/** Why CloudFormation would refuse the parameter's value: not one of its AllowedValues, or not matching its AllowedPattern. */
function refusedValue(name: string, decl: Obj, values: readonly string[]): string | undefined {
  const allowed = Array.isArray(decl.AllowedValues) ? decl.AllowedValues.map(str) : undefined;
  const outside = allowed && values.find((v) => !allowed.includes(v));
  if (outside !== undefined) return `Parameter '${name}' is '${outside}', which is not one of its AllowedValues (${allowed!.join(', ')}): CloudFormation refuses it; give it one under parameters: in localbatch.yaml`;
  if (typeof decl.AllowedPattern !== 'string') return undefined;
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${decl.AllowedPattern})$`);
  } catch {
    return undefined;
  }
  const bad = values.find((v) => !pattern.test(v));
  return bad === undefined ? undefined : `Parameter '${name}' is '${bad}', which does not match its AllowedPattern ${decl.AllowedPattern}: CloudFormation refuses it`;
}

function fnSub(arg: unknown, at: JsonPath, nodeAt: JsonPath, scope: CfnScope, depth: number): Resolved {
  let template: unknown = arg;
  const vars = new Map<string, unknown>();
  if (Array.isArray(arg)) {
    template = arg[0];
    if (isObj(arg[1])) for (const [k, v] of Object.entries(arg[1])) vars.set(k, resolveValue(v, [...at, 1, k], scope, depth + 1).value);
  }
  if (typeof template !== 'string') return problem(scope, at, 'template-invalid-intrinsic', 'Fn::Sub takes a string, or [string, {variables}]');
  const out = template.replace(/\$\{([^}]*)\}/g, (_match, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    if (vars.has(name)) return str(vars.get(name));
    const dot = name.indexOf('.');
    const r = dot > 0 && !name.startsWith('AWS::')
      ? resolveIntrinsic('Fn::GetAtt', [name.slice(0, dot), name.slice(dot + 1)], at, nodeAt, scope, depth + 1)
      : ref(name, at, scope);
    return str(r.value);
  });
  // A variable that cannot be resolved is reported (and listed as unresolved) by ref / Fn::GetAtt.
  return leaf(nodeAt, out);
}

/** Evaluates the condition `name` of the template's Conditions (false, reported, when it is not defined). */
export function evaluateCondition(name: string, at: JsonPath, scope: CfnScope, depth: number): boolean {
  const conditions = scope.template.Conditions;
  const decl = isObj(conditions) ? conditions[name] : undefined;
  if (decl === undefined) {
    problem(scope, at, 'template-unknown-reference', `Condition '${name}' is not defined in Conditions`);
    return false;
  }
  if (depth > 50) return false;
  const fn = intrinsicName(decl) ?? (isObj(decl) && 'Condition' in decl ? 'Condition' : undefined);
  if (!fn) return Boolean(decl);
  return evaluateConditionFn(fn, (decl as Obj)[fn], ['Conditions', name, fn], scope, depth + 1);
}

function evaluateConditionFn(fn: string, arg: unknown, at: JsonPath, scope: CfnScope, depth: number): boolean {
  const operand = (v: unknown, p: JsonPath): boolean => {
    if (isObj(v) && typeof v.Condition === 'string' && Object.keys(v).length === 1) return evaluateCondition(v.Condition, [...p, 'Condition'], scope, depth + 1);
    const inner = intrinsicName(v);
    if (inner) return evaluateConditionFn(inner, (v as Obj)[inner], [...p, inner], scope, depth + 1);
    return v === true || v === 'true';
  };
  const list = Array.isArray(arg) ? arg : [];
  switch (fn) {
    case 'Condition':
      return typeof arg === 'string' && evaluateCondition(arg, at, scope, depth + 1);
    case 'Fn::Equals': {
      const [a, b] = list.map((v, i) => resolveValue(v, [...at, i], scope, depth + 1).value);
      return canonical(a) === canonical(b);
    }
    case 'Fn::And':
      return list.length > 0 && list.every((v, i) => operand(v, [...at, i]));
    case 'Fn::Or':
      return list.some((v, i) => operand(v, [...at, i]));
    case 'Fn::Not':
      return !operand(list[0], [...at, 0]);
    default: {
      const v = resolveValue({ [fn]: arg }, at.slice(0, -1), scope, depth + 1).value;
      return v === true || v === 'true';
    }
  }
}

function canonical(v: unknown): string {
  return Array.isArray(v) ? v.map(str).join(',') : str(v);
}

function splitOnce(s: string): string[] {
  const dot = s.indexOf('.');
  return dot < 0 ? [s] : [s.slice(0, dot), s.slice(dot + 1)];
}

export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null || v === NO_VALUE) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function base64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Fn::Cidr for IPv4: `count` blocks of `cidrBits` host bits, in order, from the start of `block`. */
function cidr(block: string, count: number, cidrBits: number): string[] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(block);
  if (!m || !Number.isInteger(count) || !Number.isInteger(cidrBits) || count < 1 || count > 256 || cidrBits < 0 || cidrBits > 32) return undefined;
  const base = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const prefix = 32 - cidrBits;
  if (prefix < Number(m[5])) return undefined;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const addr = (base + i * 2 ** cidrBits) >>> 0;
    out.push(`${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}/${prefix}`);
  }
  return out;
}
