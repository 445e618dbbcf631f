/**
 * Reads the AWS Batch resources of `terraform show -json` output, a plan (`planned_values`) or a state
 * (`values`), root module and child modules, as API requests: aws_batch_job_definition (its
 * `container_properties`, `node_properties` and `ecs_properties` JSON strings are the API's shapes
 * already; `eks_properties` blocks become the API's eksProperties as the AWS provider sends them),
 * aws_batch_job_queue (`compute_environment_order` blocks or the older
 * `compute_environments` list), aws_batch_compute_environment (`compute_resources`) and
 * aws_batch_scheduling_policy. A value a plan knows only after apply is taken from the
 * configuration's references where it names another resource of the plan, else reported.
 */
import type { Diagnostic } from '../diagnostics';
import { SourceDocument, type JsonPath } from '../document';
import { asArr, asStr, isObj, type Obj } from '../values';
import type { Origin } from './cfn-intrinsics';
import type { BatchResourceKind } from './cfn-properties';
import { locateOrigin, type IacResource, type IacTemplate } from './types';
import { readTerraformPipeline } from './pipeline-terraform';
import { isEmptyPipeline, isEventDriven } from './pipeline-types';

interface TfType {
  readonly kind: BatchResourceKind;
  readonly nameKey: string;
  readonly arnType: string;
}

const TF_TYPES: Readonly<Record<string, TfType>> = {
  aws_batch_job_definition: { kind: 'jobDefinition', nameKey: 'jobDefinitionName', arnType: 'job-definition' },
  aws_batch_job_queue: { kind: 'jobQueue', nameKey: 'jobQueueName', arnType: 'job-queue' },
  aws_batch_compute_environment: { kind: 'computeEnvironment', nameKey: 'computeEnvironmentName', arnType: 'compute-environment' },
  aws_batch_scheduling_policy: { kind: 'schedulingPolicy', nameKey: 'name', arnType: 'scheduling-policy' },
};

/** Attributes with another name in the API. */
const RENAMES: Readonly<Record<string, string>> = {
  min_vcpus: 'minvCpus',
  max_vcpus: 'maxvCpus',
  desired_vcpus: 'desiredvCpus',
  instance_type: 'instanceTypes',
  fair_share_policy: 'fairsharePolicy',
  job_state_time_limit_action: 'jobStateTimeLimitActions',
  compute_environment_name: 'computeEnvironmentName',
  // eks_properties: the provider's names for EksPodProperties.imagePullSecrets and
  // EksContainerSecurityContext.readOnlyRootFilesystem.
  image_pull_secret: 'imagePullSecrets',
  read_only_root_file_system: 'readOnlyRootFilesystem',
};
/** Blocks Terraform writes as a one-item list, the API as an object. */
const SINGLE_BLOCKS = new Set([
  'retry_strategy', 'timeout', 'compute_resources', 'launch_template', 'eks_configuration', 'fair_share_policy',
  // eks_properties and the blocks inside it
  'eks_properties', 'pod_properties', 'metadata', 'resources', 'security_context', 'empty_dir', 'host_path', 'secret',
]);
const JSON_STRINGS = new Set(['container_properties', 'node_properties', 'ecs_properties']);
/** Maps whose keys are values (a pod's labels, a container's `limits` such as `nvidia.com/gpu`), not attribute names. */
const FREE_FORM = new Set(['tags', 'parameters', 'labels', 'limits', 'requests']);
/** Computed or Terraform-only attributes, not request members. */
const SKIPPED = new Set(['arn', 'arn_prefix', 'id', 'revision', 'tags_all', 'status', 'status_reason', 'ecs_cluster_arn', 'timeouts', 'name_prefix', 'compute_environment_name_prefix', 'region', 'deregister_on_new_revision', 'update_policy', 'compute_environments', 'compute_environment_order']);
/**
 * Numbers where 0 is a value (in an eks_properties `security_context` block the provider sends
 * run_as_user and run_as_group whenever the block is there, 0 included). Everywhere else the AWS provider sends a number only when it is not 0
 * (its expanders test `v != 0`), and its state holds 0 for an optional number never set.
 */
const ZERO_IS_A_VALUE = new Set(['priority', 'order', 'run_as_user', 'run_as_group']);
/** Booleans the provider sends only when true (d.GetOk skips false): a state's `false` is unset. */
const TRUE_ONLY = new Set(['propagate_tags']);
/** Attributes the provider upper-cases (its StateFunc), so a configuration may write them in any case. */
const UPPER = new Set(['type', 'state', 'allocation_strategy']);

export function isTerraformJson(value: unknown): value is Obj {
  return isObj(value) && typeof value.format_version === 'string' && (isObj(value.planned_values) || isObj(value.values));
}

export interface TfResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly values: Obj;
  readonly path: JsonPath;
}

export function* moduleResources(module: unknown, path: JsonPath): Iterable<TfResource> {
  if (!isObj(module)) return;
  for (const [i, r] of (asArr(module.resources) ?? []).entries()) {
    if (!isObj(r) || r.mode === 'data' || typeof r.type !== 'string' || !isObj(r.values)) continue;
    yield { address: asStr(r.address) ?? `${r.type}.${asStr(r.name)}`, type: r.type, name: asStr(r.name) ?? '', values: r.values, path: [...path, 'resources', i] };
  }
  for (const [i, child] of (asArr(module.child_modules) ?? []).entries()) yield* moduleResources(child, [...path, 'child_modules', i]);
}

export function readTerraform(doc: SourceDocument, options: { region?: string; accountId?: string } = {}): IacTemplate | undefined {
  const root = doc.value;
  if (!isTerraformJson(root)) return undefined;
  const top = isObj(root.planned_values) ? 'planned_values' : 'values';
  const all = [...moduleResources((root[top] as Obj).root_module, [top, 'root_module'])].filter((r) => TF_TYPES[r.type]);
  const pipeline = readTerraformPipeline(doc, root, options);
  if (all.length === 0 && !isEventDriven(pipeline)) return undefined;
  const diagnostics: Diagnostic[] = [];
  const unknown = afterUnknown(root);
  const refs = configurationRefs(root);
  const byAddress = new Map(all.map((r) => [r.address, r]));
  const nameOf = (r: TfResource) => asStr(r.values.name) ?? asStr(r.values.compute_environment_name) ?? r.name;
  const region = options.region ?? 'us-east-1';
  const account = options.accountId ?? '000000000000';
  const arnOfAddress = (address: string): string | undefined => {
    const r = byAddress.get(address.replace(/\.(arn|id|name)$/, '')) ?? byAddress.get(address.replace(/\.[a-z_]+$/, ''));
    return r && `arn:aws:batch:${region}:${account}:${TF_TYPES[r.type].arnType}/${nameOf(r)}`;
  };
  const resources: IacResource[] = [];
  for (const r of all) {
    const type = TF_TYPES[r.type];
    const at: JsonPath = [...r.path, 'values'];
    const problem = (path: JsonPath, message: string) => diagnostics.push({ file: doc.file, range: doc.rangeOf(path), severity: 'error', rule: 'terraform-unknown-value', message });
    // (a JSON string the plan leaves out, or any value inside eks_properties' blocks: the plan
    // omits it from `values` and marks it true in after_unknown)
    const pending = [...JSON_STRINGS].filter((k) => r.values[k] === undefined && unknown.get(r.address)?.[k] === true);
    if (anyTrue(unknown.get(r.address)?.eks_properties)) pending.push('a value in eks_properties');
    if (pending.length > 0) {
      problem(r.path, `${r.address}: ${pending.join(', ')} is known only after apply in this plan (it uses values of resources not created yet); read the state (terraform show -json after apply) instead`);
      continue;
    }
    // A JSON string that does not parse is the one problem to report: the definition without it
    // would only add "no containerProperties" errors about the same mistake.
    const broken = [...JSON_STRINGS].filter((k) => typeof r.values[k] === 'string' && r.values[k] !== '' && !parses(r.values[k]));
    if (broken.length > 0) {
      for (const k of broken) problem([...at, k], `${r.address}: ${k} is not valid JSON (${parseError(r.values[k] as string)}); fix it in the configuration and run terraform show -json again`);
      continue;
    }
    const conv = convert(r.values, at, type.nameKey, type.kind !== 'jobDefinition', (path, message) => problem(path, `${r.address}: ${message}`));
    const value = conv.value as Record<string, unknown>;
    const kids = new Map(conv.origin.kids ?? []);
    if (type.kind === 'jobQueue') {
      const base = r.address.replace(/\[[^\]]*\]$/, '');
      const modulePrefix = base.slice(0, Math.max(0, base.length - `${r.type}.${r.name}`.length));
      const order = queueOrder(r, at, refs.get(base), (a) => arnOfAddress(modulePrefix + a));
      if (order) {
        value.computeEnvironmentOrder = order.value;
        kids.set('computeEnvironmentOrder', order.origin);
      }
    }
    const generatedName = typeof value[type.nameKey] !== 'string';
    if (generatedName) {
      value[type.nameKey] = nameOf(r);
      kids.set(type.nameKey, { at: r.path });
    }
    const origin: Origin = { at, kids };
    resources.push({ kind: type.kind, id: r.address, type: r.type, name: String(value[type.nameKey]), generatedName, doc: SourceDocument.view(doc, value, locateOrigin(origin)), value, path: r.path, unresolved: [] });
  }
  return { tool: 'terraform', doc, resources, diagnostics, ...(isEmptyPipeline(pipeline) ? {} : { pipeline }) };
}

function anyTrue(v: unknown): boolean {
  if (v === true) return true;
  if (Array.isArray(v)) return v.some(anyTrue);
  return isObj(v) && Object.values(v).some(anyTrue);
}

function parses(text: string): boolean {
  return parseError(text) === undefined;
}

/** JSON.parse's complaint about `text`, or undefined when it parses. */
function parseError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function convert(values: Obj, at: JsonPath, nameKey: string, upperCase: boolean, problem: (path: JsonPath, message: string) => void): { value: unknown; origin: Origin } {
  const walk = (v: unknown, p: JsonPath, key: string | undefined, depth: number): { value: unknown; origin: Origin } | undefined => {
    // Terraform's forms of "unset": null, and in a state the zero value of the attribute's type.
    if (v === null || v === undefined || v === '') return undefined;
    if (v === 0 && !(key && ZERO_IS_A_VALUE.has(key))) return undefined;
    if (v === false && depth === 1 && key && TRUE_ONLY.has(key)) return undefined;
    if (key && JSON_STRINGS.has(key) && typeof v === 'string') {
      try {
        return { value: withoutEmpties(JSON.parse(v)), origin: { at: p } };
      } catch {
        problem(p, `${key} is not valid JSON`);
        return undefined;
      }
    }
    if (key && FREE_FORM.has(key)) return isObj(v) && Object.keys(v).length === 0 ? undefined : { value: v, origin: { at: p } };
    if (Array.isArray(v)) {
      if (v.length === 0) return undefined;
      if (key && SINGLE_BLOCKS.has(key)) return walk(v[0], [...p, 0], undefined, depth + 1);
      const kids = new Map<string | number, Origin>();
      const out: unknown[] = [];
      v.forEach((item, i) => {
        const r = walk(item, [...p, i], undefined, depth + 1);
        if (!r) return;
        kids.set(out.length, r.origin);
        out.push(r.value);
      });
      return out.length === 0 ? undefined : { value: out, origin: { at: p, kids } };
    }
    if (isObj(v)) {
      const kids = new Map<string | number, Origin>();
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        if (depth === 0 && SKIPPED.has(k)) continue;
        const r = walk(item, [...p, k], k, depth + 1);
        if (!r) continue;
        const apiKey = depth === 0 && k === 'name' ? nameKey : (RENAMES[k] ?? camel(k));
        out[apiKey] = upperCase && UPPER.has(k) && typeof r.value === 'string' ? r.value.toUpperCase() : r.value;
        kids.set(apiKey, r.origin);
      }
      // A block whose members are all unset (`ec2_configuration { }` read back as empty strings) is unset too.
      return depth > 0 && kids.size === 0 ? undefined : { value: out, origin: { at: p, kids } };
    }
    return { value: v, origin: { at: p } };
  };
  return walk(values, at, undefined, 0) ?? { value: {}, origin: { at } };
}

/** A queue's compute environments: `compute_environment_order` blocks, else the `compute_environments` list (order = position). */
function queueOrder(r: TfResource, at: JsonPath, expressions: Obj | undefined, arnOf: (address: string) => string | undefined): { value: unknown[]; origin: Origin } | undefined {
  const kids = new Map<string | number, Origin>();
  const out: unknown[] = [];
  const fromRefs = (expr: unknown): string | undefined => (asArr(prop(expr, 'references')) ?? []).map((a) => arnOf(String(a))).find(Boolean);
  const blocks = asArr(r.values.compute_environment_order);
  if (blocks && blocks.length > 0) {
    const exprs = asArr(expressions?.compute_environment_order) ?? [];
    blocks.forEach((b, i) => {
      const ce = asStr(prop(b, 'compute_environment')) ?? fromRefs(prop(exprs[i], 'compute_environment'));
      out.push({ order: prop(b, 'order') ?? i, ...(ce ? { computeEnvironment: ce } : {}) });
      kids.set(i, { at: [...at, 'compute_environment_order', i], kids: new Map([['order', { at: [...at, 'compute_environment_order', i, 'order'] }], ['computeEnvironment', { at: [...at, 'compute_environment_order', i, 'compute_environment'] }]]) });
    });
    return { value: out, origin: { at: [...at, 'compute_environment_order'], kids } };
  }
  const list = asArr(r.values.compute_environments) ?? (expressions?.compute_environments ? [] : undefined);
  if (!list) return undefined;
  const known = list.length > 0 ? list.map((a) => asStr(a)) : (asArr(prop(expressions?.compute_environments, 'references')) ?? []).filter((a) => !String(a).endsWith('.arn')).map((a) => arnOf(String(a)));
  known.forEach((ce, i) => {
    if (!ce) return;
    out.push({ order: i, computeEnvironment: ce });
    kids.set(out.length - 1, { at: [...at, 'compute_environments', i], kids: new Map([['computeEnvironment', { at: [...at, 'compute_environments', i] }]]) });
  });
  return { value: out, origin: { at: [...at, 'compute_environments'], kids } };
}

/**
 * A JSON-string attribute as the provider sends it: the state holds the API's DescribeJobDefinitions
 * answer, which adds an empty list for every list member never given (the provider ignores them when
 * comparing), and the provider drops environment variables with an empty value (so does Batch).
 */
function withoutEmpties(v: unknown, key?: string): unknown {
  if (Array.isArray(v)) {
    const items = key === 'environment' ? v.filter((e) => !isObj(e) || (typeof e.value === 'string' && e.value !== '')) : v;
    return items.map((item) => withoutEmpties(item));
  }
  if (!isObj(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, item] of Object.entries(v)) {
    const kept = withoutEmpties(item, k);
    if (Array.isArray(kept) && kept.length === 0) continue;
    out[k] = kept;
  }
  return out;
}

function prop(v: unknown, k: string): unknown {
  return isObj(v) ? v[k] : undefined;
}

/** `after_unknown` of each planned change, by address. */
export function afterUnknown(root: Obj): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const c of asArr(root.resource_changes) ?? []) {
    const unknown = prop(prop(c, 'change'), 'after_unknown');
    if (isObj(c) && typeof c.address === 'string' && isObj(unknown)) out.set(c.address, unknown);
  }
  return out;
}

/** The configuration's expressions of each resource, by address (module resources prefixed by their module). */
export function configurationRefs(root: Obj): Map<string, Obj> {
  const out = new Map<string, Obj>();
  const walk = (module: unknown, prefix: string) => {
    for (const r of asArr(prop(module, 'resources')) ?? []) {
      const address = asStr(prop(r, 'address'));
      const expressions = prop(r, 'expressions');
      if (address && isObj(expressions)) out.set(prefix + address, expressions);
    }
    const calls = prop(module, 'module_calls');
    if (isObj(calls)) for (const [name, call] of Object.entries(calls)) walk(prop(call, 'module'), `${prefix}module.${name}.`);
  };
  walk(prop(root.configuration, 'root_module'), '');
  return out;
}

function camel(k: string): string {
  return k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
