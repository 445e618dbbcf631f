/**
 * CloudFormation property names to AWS Batch API request shapes. The AWS::Batch::* resource
 * properties are the API's members in PascalCase (`ContainerProperties.Vcpus` is
 * `containerProperties.vcpus`, `ComputeResources.MinvCpus` is `computeResources.minvCpus`), with
 * maps whose keys are the user's (`Parameters`, `Tags`, `LogConfiguration.Options`, EKS `Labels`,
 * `Annotations`, `Limits`, `Requests`) kept as written, and a few CloudFormation-only properties
 * (update and retention behaviour) dropped. Values CloudFormation accepts as strings ("2", "true")
 * become the number or boolean the API schema asks for. Origins follow every renamed key.
 */
import type { JsonPath } from '../document';
import { schemaAt } from '../editing/schema-docs';
import type { DefinitionKind } from '../kinds';
import { isObj } from '../values';
import type { Origin, Resolved } from './cfn-intrinsics';

export type BatchResourceKind = 'jobDefinition' | 'jobQueue' | 'computeEnvironment' | 'schedulingPolicy' | 'consumableResource';

export interface BatchType {
  readonly kind: BatchResourceKind;
  /** The CloudFormation property holding the name. */
  readonly nameProperty: string;
  /** The API member holding the name. */
  readonly nameKey: string;
  /** The resource type in Batch ARNs. */
  readonly arnType: string;
}

export const BATCH_TYPES: Readonly<Record<string, BatchType>> = {
  'AWS::Batch::JobDefinition': { kind: 'jobDefinition', nameProperty: 'JobDefinitionName', nameKey: 'jobDefinitionName', arnType: 'job-definition' },
  'AWS::Batch::JobQueue': { kind: 'jobQueue', nameProperty: 'JobQueueName', nameKey: 'jobQueueName', arnType: 'job-queue' },
  'AWS::Batch::ComputeEnvironment': { kind: 'computeEnvironment', nameProperty: 'ComputeEnvironmentName', nameKey: 'computeEnvironmentName', arnType: 'compute-environment' },
  'AWS::Batch::SchedulingPolicy': { kind: 'schedulingPolicy', nameProperty: 'Name', nameKey: 'name', arnType: 'scheduling-policy' },
  'AWS::Batch::ConsumableResource': { kind: 'consumableResource', nameProperty: 'ConsumableResourceName', nameKey: 'consumableResourceName', arnType: 'consumable-resource' },
};

/** Maps whose keys are data, not property names. */
const FREE_FORM = new Set(['Parameters', 'Tags', 'Options', 'Labels', 'Annotations', 'Limits', 'Requests']);

/** CloudFormation-only properties (how CloudFormation updates or keeps the resource), not Create/Register members, by parent path. */
const CFN_ONLY: Readonly<Partial<Record<BatchResourceKind, ReadonlyArray<readonly [string, string]>>>> = {
  jobDefinition: [['', 'ResourceRetentionPolicy']],
  computeEnvironment: [['', 'ReplaceComputeEnvironment'], ['', 'UpdatePolicy'], ['computeResources', 'UpdateToLatestImageVersion']],
};

/**
 * Values CloudFormation passes on in any case (the CDK writes `Type: managed`), upper-cased for the
 * API schema's enums.
 */
const UPPER_CASED: Readonly<Partial<Record<BatchResourceKind, ReadonlySet<string>>>> = {
  computeEnvironment: new Set(['type', 'state']),
  jobQueue: new Set(['state']),
};

/** The API request for resolved CloudFormation properties, with origins under the API's names. */
export function toApiShape(kind: BatchResourceKind, props: Resolved): Resolved {
  const dropped = new Set((CFN_ONLY[kind] ?? []).map(([parent, k]) => `${parent}\0${k}`));
  const upper = UPPER_CASED[kind];
  const schemaKind: DefinitionKind | undefined = kind === 'jobDefinition' || kind === 'jobQueue' || kind === 'computeEnvironment' ? kind : undefined;
  const convert = (value: unknown, origin: Origin, path: JsonPath, freeForm: boolean): Resolved => {
    if (Array.isArray(value)) {
      const kids = new Map<string | number, Origin>();
      const out = value.map((item, i) => {
        const r = convert(item, origin.kids?.get(i) ?? origin, [...path, i], false);
        kids.set(i, r.origin);
        return r.value;
      });
      return { value: out, origin: { ...origin, kids } };
    }
    if (isObj(value)) {
      const kids = new Map<string | number, Origin>();
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (dropped.has(`${path.join('.')}\0${k}`)) continue;
        const key = freeForm ? k : lowerFirst(k);
        const r = freeForm ? { value: v, origin: origin.kids?.get(k) ?? origin } : convert(v, origin.kids?.get(k) ?? origin, [...path, key], FREE_FORM.has(k));
        Object.defineProperty(out, key, { value: r.value, enumerable: true, writable: true, configurable: true });
        kids.set(key, r.origin);
      }
      return { value: out, origin: { ...origin, kids } };
    }
    const cased = path.length === 1 && typeof value === 'string' && upper?.has(String(path[0])) ? value.toUpperCase() : value;
    return { value: schemaKind ? coerce(schemaKind, path, cased) : cased, origin };
  };
  return convert(props.value, props.origin, [], false);
}

function lowerFirst(k: string): string {
  return k.length > 0 ? k[0].toLowerCase() + k.slice(1) : k;
}

/** "2" where the API wants a number, "true" where it wants a boolean, 2 where it wants "2": CloudFormation converts these. */
function coerce(kind: DefinitionKind, path: JsonPath, value: unknown): unknown {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return value;
  const node = schemaAt(kind, path);
  const types = node ? (Array.isArray(node.type) ? node.type : [node.type]) : [];
  if (typeof value !== 'string') return types.length === 1 && types[0] === 'string' ? String(value) : value;
  if ((types.includes('integer') || types.includes('number')) && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
