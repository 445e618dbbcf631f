/**
 * Reads the AWS::Batch::* resources of a CloudFormation template (hand-written, or what `cdk synth`
 * writes to cdk.out) as API requests, with intrinsics resolved for local use:
 * - `Ref` to a parameter: its value under `parameters:` in localbatch.yaml, else its Default.
 * - `Ref` to a Batch resource: its ARN (as CloudFormation returns), built from its name in the local
 *   account and region; a job definition's ARN has revision 1. Its name is its name property, else
 *   `<stack>-<LogicalId>` (CloudFormation adds a random suffix; locally there is none). The stack
 *   name is the file name without `.template.json` / `.yaml` / ..., or `parameters: {AWS::StackName: x}`.
 * - `Ref` / `Fn::GetAtt` of other resources: local placeholders of the right form (`subnet-…`, an
 *   IAM role ARN, an ECR repository URI, ...).
 * Pure: the caller parses the file (see template-document.ts) and gives the local values.
 */
import type { Diagnostic } from '../diagnostics';
import { SourceDocument, type JsonPath } from '../document';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from '../types';
import { isObj, type Obj } from '../values';
import { evaluateCondition, resolveValue, str, type CfnScope, type ResolveProblem } from './cfn-intrinsics';
import { BATCH_TYPES, toApiShape } from './cfn-properties';
import { hasPipelineResources, readCfnPipeline } from './pipeline-resources';
import { isEmptyPipeline, topicArn } from './pipeline-types';
import { locateOrigin, type IacOptions, type IacResource, type IacTemplate } from './types';

/** Whether a parsed value is a CloudFormation template with at least one AWS::Batch resource. */
export function isBatchTemplate(value: unknown): value is Obj {
  if (!isObj(value) || !isObj(value.Resources)) return false;
  return Object.values(value.Resources).some((r) => isObj(r) && typeof r.Type === 'string' && r.Type.startsWith('AWS::Batch::'));
}

export function stackNameOf(file: string): string {
  const base = (file.split(/[\\/]/).pop() ?? file).replace(/(\.template)?\.(json|ya?ml|template)$/i, '').replace(/\.template$/i, '');
  const clean = base.replace(/[^A-Za-z0-9-]/g, '-').replace(/^[^A-Za-z]+/, '');
  return clean || 'stack';
}

export function readCloudFormation(doc: SourceDocument, options: IacOptions = {}): IacTemplate | undefined {
  const template = doc.value;
  if (!isBatchTemplate(template) && !(hasPipelineResources(template) && isObj(template))) return undefined;
  const values = options.parameters ?? {};
  const region = options.region ?? DEFAULT_REGION;
  const account = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  const stackName = values['AWS::StackName'] ?? stackNameOf(doc.file);
  const pseudo: Record<string, unknown> = {
    'AWS::Region': region,
    'AWS::AccountId': account,
    'AWS::StackName': stackName,
    'AWS::StackId': `arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/00000000-0000-0000-0000-000000000000`,
    'AWS::Partition': partition,
    'AWS::URLSuffix': partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
    'AWS::NotificationARNs': [],
  };
  const resources = template.Resources as Obj;
  const names = new Map<string, string>();
  const naming = new Set<string>();

  const physicalName = (id: string): string => {
    const known = names.get(id);
    if (known !== undefined) return known;
    const res = resources[id] as Obj;
    const type = str(res.Type);
    const batch = BATCH_TYPES[type];
    const prop = batch ? batch.nameProperty : `${type.split('::').pop()}Name`;
    let name = `${stackName}-${id}`.slice(0, 128);
    const given = isObj(res.Properties) ? (res.Properties as Obj)[prop] : undefined;
    if (given !== undefined && !naming.has(id)) {
      naming.add(id);
      // Problems in the name are reported when the resource itself is read.
      const r = resolveValue(given, [], { ...scope, problems: [], unresolved: [] });
      naming.delete(id);
      if (typeof r.value === 'string' && r.value !== '') name = r.value;
    }
    if (type === 'AWS::S3::Bucket' || type === 'AWS::ECR::Repository') name = name.toLowerCase();
    names.set(id, name);
    return name;
  };
  const arnOf = (id: string): string => {
    const type = str((resources[id] as Obj).Type);
    const name = physicalName(id);
    const batch = BATCH_TYPES[type];
    if (batch) return `arn:${partition}:batch:${region}:${account}:${batch.arnType}/${name}${batch.kind === 'jobDefinition' ? ':1' : ''}`;
    const [, service = 'local', kind = 'resource'] = type.split('::');
    if (service === 'IAM') return `arn:${partition}:iam::${account}:${IAM_KINDS[kind] ?? kind.toLowerCase()}/${name}`;
    if (type === 'AWS::SecretsManager::Secret') return `arn:${partition}:secretsmanager:${region}:${account}:secret:${name}`;
    if (type === 'AWS::S3::Bucket') return `arn:${partition}:s3:::${name}`;
    if (type === 'AWS::SNS::Topic') return topicArn(partition, region, account, name);
    if (type === 'AWS::Logs::LogGroup') return `arn:${partition}:logs:${region}:${account}:log-group:${name}:*`;
    return `arn:${partition}:${service.toLowerCase()}:${region}:${account}:${kebab(kind)}/${name}`;
  };
  const isResource = (id: string) => Object.prototype.hasOwnProperty.call(resources, id) && isObj(resources[id]);

  const scope: CfnScope = {
    template,
    pseudo,
    values,
    problems: [],
    unresolved: [],
    refOf(id) {
      if (!isResource(id)) return undefined;
      const type = str((resources[id] as Obj).Type);
      if (BATCH_TYPES[type] || REF_IS_ARN.has(type)) return arnOf(id);
      const prefix = ID_PREFIXES[type];
      return prefix ? `${prefix}-${localId(id)}` : physicalName(id);
    },
    attOf(id, attribute) {
      if (!isResource(id)) return undefined;
      const type = str((resources[id] as Obj).Type);
      if (attribute === 'RepositoryUri') return `${account}.dkr.ecr.${region}.${pseudo['AWS::URLSuffix']}/${physicalName(id)}`;
      if (attribute.endsWith('Arn')) return arnOf(id);
      if (attribute.endsWith('Name')) return physicalName(id);
      if (attribute.endsWith('Id')) return this.refOf(id);
      return `local-${type.split('::').pop()?.toLowerCase()}-${localId(id)}-${attribute.toLowerCase()}`;
    },
  };

  const diagnostics: Diagnostic[] = [];
  const out: IacResource[] = [];
  const report = (p: ResolveProblem) => diagnostics.push({ file: doc.file, range: doc.rangeOf(p.path), severity: p.severity, rule: p.rule, message: p.message });
  for (const [id, res] of Object.entries(resources)) {
    if (!isObj(res) || typeof res.Type !== 'string') continue;
    const batch = BATCH_TYPES[res.Type];
    if (!batch) continue;
    const at: JsonPath = ['Resources', id];
    const local: CfnScope = { ...scope, problems: [], unresolved: [] };
    if (typeof res.Condition === 'string' && !evaluateCondition(res.Condition, [...at, 'Condition'], local, 0)) {
      local.problems.forEach(report);
      continue;
    }
    const props = isObj(res.Properties) ? res.Properties : {};
    const resolved = resolveValue(props, [...at, 'Properties'], local);
    const api = toApiShape(batch.kind, resolved);
    const value = { ...(api.value as Obj) };
    const kids = new Map(api.origin.kids ?? []);
    const generatedName = typeof value[batch.nameKey] !== 'string';
    if (generatedName) {
      value[batch.nameKey] = physicalName(id);
      kids.set(batch.nameKey, { at, part: 'key' });
    }
    const origin = { ...api.origin, kids };
    local.problems.forEach(report);
    out.push({
      kind: batch.kind,
      id,
      type: res.Type,
      name: str(value[batch.nameKey]),
      generatedName,
      doc: SourceDocument.view(doc, value, locateOrigin(origin)),
      value,
      path: at,
      unresolved: local.unresolved,
    });
  }
  const jobDefinitionNames = new Set(out.filter((r) => r.kind === 'jobDefinition').map((r) => r.name));
  const pipeline = readCfnPipeline({ doc, template, stackName, scope, report, physicalName, jobDefinitionNames });
  const cdk = Object.values(resources).some((r) => isObj(r) && (r.Type === 'AWS::CDK::Metadata' || (isObj(r.Metadata) && 'aws:cdk:path' in r.Metadata)));
  return { tool: cdk ? 'cdk' : 'cloudformation', doc, stackName, resources: out, diagnostics, ...(isEmptyPipeline(pipeline) ? {} : { pipeline }) };
}

const IAM_KINDS: Readonly<Record<string, string>> = { Role: 'role', InstanceProfile: 'instance-profile', ManagedPolicy: 'policy', User: 'user', Group: 'group' };

/** Resource types whose Ref is an ARN (others give a name or an id). */
const REF_IS_ARN = new Set(['AWS::SecretsManager::Secret', 'AWS::SNS::Topic', 'AWS::IAM::ManagedPolicy', 'AWS::StepFunctions::StateMachine']);

/** Resource types whose Ref is an id with a prefix. */
const ID_PREFIXES: Readonly<Record<string, string>> = {
  'AWS::EC2::Subnet': 'subnet',
  'AWS::EC2::SecurityGroup': 'sg',
  'AWS::EC2::VPC': 'vpc',
  'AWS::EC2::LaunchTemplate': 'lt',
  'AWS::EC2::Instance': 'i',
  'AWS::EFS::FileSystem': 'fs',
  'AWS::EFS::AccessPoint': 'fsap',
  'AWS::EC2::InternetGateway': 'igw',
  'AWS::EC2::RouteTable': 'rtb',
  'AWS::EC2::NatGateway': 'nat',
};

/** A stable, id-like hex string for a logical id (17 hex digits, like EC2 ids). */
function localId(id: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < id.length; i++) {
    h1 = Math.imul(h1 ^ id.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ id.charCodeAt(i), 2246822519) >>> 0;
  }
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(9, '0')).slice(0, 17);
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
