/**
 * Canonical forms of compute environments, job queues and job definitions, so that a definition file
 * and what AWS returns for it (DescribeComputeEnvironments / DescribeJobQueues /
 * DescribeJobDefinitions) compare equal when nothing changed:
 *
 * - read-only fields (ARNs, status, revision, uuid, ecsClusterArn, …) are dropped;
 * - AWS's defaults are filled on both sides (state ENABLED, platformCapabilities [EC2], Fargate's
 *   platformVersion LATEST and assignPublicIp DISABLED, allocationStrategy BEST_FIT, minvCpus 0, …);
 * - fields AWS fills with values of its own choosing (ec2Configuration, updatePolicy, jobQueueType,
 *   runtimePlatform, …) are compared only when the file sets them;
 * - empty arrays and objects and nulls are dropped (AWS returns `volumes: []`, `parameters: {}`, …);
 * - enum values AWS reads case-insensitively (evaluateOnExit `action`) are upper-cased;
 * - lists whose order does not matter (environment, secrets, subnets, resourceRequirements, …) are
 *   sorted; role names and ARNs compare by name; compute environments in a queue by name.
 *
 * Pure: no I/O. Both sides go through the same function. Used by deploy plans (src/deploy) and by
 * local runs, which reuse an identical registered revision (src/client/register.ts).
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const READ_ONLY = {
  computeEnvironment: ['computeEnvironmentArn', 'ecsClusterArn', 'status', 'statusReason', 'uuid', 'containerOrchestrationType'],
  jobQueue: ['jobQueueArn', 'status', 'statusReason'],
  jobDefinition: ['jobDefinitionArn', 'revision', 'status', 'containerOrchestrationType'],
} as const;

/** Fields AWS fills itself when a request omits them; compared only when the file sets them. */
const SERVER_CHOSEN = {
  computeEnvironment: ['updatePolicy', 'context', 'computeResources.ec2Configuration', 'computeResources.desiredvCpus', 'computeResources.launchTemplate.version'],
  jobQueue: ['jobQueueType'],
  jobDefinition: ['containerProperties.runtimePlatform', 'containerProperties.ephemeralStorage', 'containerProperties.networkConfiguration', 'schedulingPriority'],
} as const;

/** Array keys (anywhere in the tree) whose order AWS ignores, with the sort key of their items. */
const UNORDERED: Record<string, (item: Json) => string> = {
  environment: (i) => field(i, 'name'),
  secrets: (i) => field(i, 'name'),
  resourceRequirements: (i) => field(i, 'type'),
  ulimits: (i) => field(i, 'name'),
  volumes: (i) => field(i, 'name'),
  mountPoints: (i) => `${field(i, 'containerPath')}\u0000${field(i, 'sourceVolume')}`,
  devices: (i) => field(i, 'hostPath'),
  tmpfs: (i) => field(i, 'containerPath'),
  subnets: (i) => String(i),
  securityGroupIds: (i) => String(i),
  instanceTypes: (i) => String(i),
  platformCapabilities: (i) => String(i),
  computeEnvironmentOrder: (i) => String(field(i, 'order')).padStart(12, '0'),
  jobStateTimeLimitActions: (i) => `${field(i, 'state')}\u0000${field(i, 'reason')}`,
};

const ROLE_KEYS = new Set(['serviceRole', 'instanceRole', 'spotIamFleetRole']);

export type NormalKind = keyof typeof READ_ONLY;

/**
 * The canonical form of `value` (a Create/Register request or a Describe item). `desired` is the
 * canonical file when `value` is what AWS returned: server-chosen fields the file leaves out are
 * then dropped from AWS's side too.
 */
export function normalize(kind: NormalKind, value: unknown, desired?: JsonObject): JsonObject {
  const obj = clean(toJson(value)) as JsonObject | undefined;
  const out: JsonObject = { ...(obj ?? {}) };
  for (const k of READ_ONLY[kind]) delete out[k];
  if (kind === 'computeEnvironment') fillComputeEnvironment(out);
  else if (kind === 'jobQueue') fillJobQueue(out);
  else fillJobDefinition(out);
  if (desired) for (const p of SERVER_CHOSEN[kind]) if (getPath(desired, p) === undefined) deletePath(out, p);
  return (clean(out) as JsonObject | undefined) ?? {};
}

function fillComputeEnvironment(ce: JsonObject): void {
  setDefault(ce, 'state', 'ENABLED');
  const cr = ce.computeResources;
  if (isObject(cr)) {
    const fargate = cr.type === 'FARGATE' || cr.type === 'FARGATE_SPOT';
    if (!fargate) {
      setDefault(cr, 'minvCpus', 0);
      setDefault(cr, 'allocationStrategy', 'BEST_FIT');
    }
  }
}

function fillJobQueue(q: JsonObject): void {
  setDefault(q, 'state', 'ENABLED');
  if (Array.isArray(q.computeEnvironmentOrder)) {
    q.computeEnvironmentOrder = q.computeEnvironmentOrder.map((o) =>
      isObject(o) && typeof o.computeEnvironment === 'string' ? { ...o, computeEnvironment: nameOfArn(o.computeEnvironment) } : o,
    );
  }
}

/**
 * Enum values AWS treats case-insensitively, by the path of the object holding them: evaluateOnExit's
 * `action` ("The values aren't case sensitive", API reference), which services answer in lower case
 * (moto does on purpose; the Terraform provider lower-cases it too). Compared upper-cased.
 */
function caseInsensitiveEnums(jd: JsonObject): void {
  const retry = jd.retryStrategy;
  const rules = isObject(retry) && Array.isArray(retry.evaluateOnExit) ? retry.evaluateOnExit : [];
  for (const rule of rules) if (isObject(rule) && typeof rule.action === 'string') rule.action = rule.action.toUpperCase();
}

function fillJobDefinition(jd: JsonObject): void {
  caseInsensitiveEnums(jd);
  setDefault(jd, 'propagateTags', false);
  const type = jd.type;
  if (type === 'container' || type === 'multinode') setDefault(jd, 'platformCapabilities', ['EC2']);
  const caps = Array.isArray(jd.platformCapabilities) ? jd.platformCapabilities : [];
  const cp = jd.containerProperties;
  if (caps.includes('FARGATE') && isObject(cp)) {
    const fpc = isObject(cp.fargatePlatformConfiguration) ? cp.fargatePlatformConfiguration : {};
    cp.fargatePlatformConfiguration = { platformVersion: 'LATEST', ...fpc };
    const net = isObject(cp.networkConfiguration) ? cp.networkConfiguration : {};
    cp.networkConfiguration = { assignPublicIp: 'DISABLED', ...net };
  }
}

/** Recursively: drops null/undefined and empty arrays/objects, sorts unordered lists, names roles. */
function clean(v: Json | undefined, key?: string): Json | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    const items = v.map((i) => clean(i)).filter((i): i is Json => i !== undefined);
    if (items.length === 0) return undefined;
    const sortKey = key !== undefined ? UNORDERED[key] : undefined;
    return sortKey ? [...items].sort((a, b) => cmp(sortKey(a), sortKey(b))) : items;
  }
  if (typeof v === 'object') {
    const out: JsonObject = {};
    for (const k of Object.keys(v).sort()) {
      // `parameters` and `tags` are string maps: their keys are data, never unordered-list names.
      const c = k === 'parameters' || k === 'tags' || k === 'options' ? cleanMap(v[k]) : clean(v[k], k);
      if (c !== undefined) out[k] = ROLE_KEYS.has(k) && typeof c === 'string' ? nameOfArn(c) : c;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

function cleanMap(v: Json): Json | undefined {
  if (!isObject(v)) return clean(v);
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) if (v[k] !== null && v[k] !== undefined) out[k] = v[k];
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The name part of an ARN (`…:compute-environment/cpu` → `cpu`, `…:role/path/x` → `x`), else as is. */
export function nameOfArn(s: string): string {
  return s.startsWith('arn:') ? s.slice(s.lastIndexOf('/') + 1) : s;
}

export function toJson(v: unknown): Json {
  return v === undefined ? null : (JSON.parse(JSON.stringify(v)) as Json);
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function setDefault(o: JsonObject, k: string, v: Json): void {
  if (o[k] === undefined || o[k] === null) o[k] = v;
}

function field(item: Json, k: string): string {
  return isObject(item) && item[k] !== undefined ? String(item[k]) : '';
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function getPath(o: Json, dotted: string): Json | undefined {
  let cur: Json | undefined = o;
  for (const part of dotted.split('.')) cur = isObject(cur) ? cur[part] : undefined;
  return cur;
}

function deletePath(o: JsonObject, dotted: string): void {
  const parts = dotted.split('.');
  let cur: Json | undefined = o;
  for (const part of parts.slice(0, -1)) cur = isObject(cur) ? cur[part] : undefined;
  if (isObject(cur)) delete cur[parts[parts.length - 1]];
}

/** Deep equality of canonical values (keys are already sorted by `normalize`). */
export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Whether `registered` (a DescribeJobDefinitions item) is the same job definition as `request` (a
 * RegisterJobDefinition request), so registering the request again would only add an identical revision.
 */
export function sameJobDefinition(registered: unknown, request: unknown): boolean {
  const desired = normalize('jobDefinition', request);
  return sameJson(normalize('jobDefinition', registered, desired), desired);
}
