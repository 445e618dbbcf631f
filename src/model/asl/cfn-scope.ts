/**
 * How a state machine's template references resolve locally: `Ref` / `Fn::GetAtt` of the template's
 * Batch resources give the same ARNs and names the Batch reader gives them (so they name the
 * workspace's local counterparts), other resources give values of the right form (a Lambda
 * function's ARN, an SNS topic's ARN, a role's ARN, ...) in the local account and region. Pure.
 */
import type { SourceDocument } from '../document';
import type { CfnScope } from '../iac/cfn-intrinsics';
import { resolveValue } from '../iac/cfn-intrinsics';
import { stackNameOf } from '../iac/cloudformation';
import type { IacOptions, IacTemplate } from '../iac';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from '../types';
import { isObj, type Obj } from '../values';

const BATCH_ARN_TYPES: Readonly<Record<string, string>> = {
  jobDefinition: 'job-definition',
  jobQueue: 'job-queue',
  computeEnvironment: 'compute-environment',
  schedulingPolicy: 'scheduling-policy',
};

/** Resource types whose name property is not `<Type>Name`. */
const NAME_PROPERTIES: Readonly<Record<string, string>> = { 'AWS::Serverless::Function': 'FunctionName', 'AWS::Serverless::StateMachine': 'Name' };

export function stateMachineScope(doc: SourceDocument, template: IacTemplate | undefined, options: IacOptions): CfnScope {
  const value = doc.value as Obj;
  const resources = (isObj(value.Resources) ? value.Resources : {}) as Obj;
  const values = options.parameters ?? {};
  const region = options.region ?? DEFAULT_REGION;
  const account = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  const stackName = values['AWS::StackName'] ?? template?.stackName ?? stackNameOf(doc.file);
  const batch = new Map((template?.resources ?? []).map((r) => [r.id, r]));
  const naming = new Set<string>();
  const typeOf = (id: string) => String((resources[id] as Obj).Type ?? '');
  const isResource = (id: string) => Object.prototype.hasOwnProperty.call(resources, id) && isObj(resources[id]);

  const nameOf = (id: string): string => {
    const b = batch.get(id);
    if (b) return b.name;
    const type = typeOf(id);
    const props = (resources[id] as Obj).Properties;
    const given = isObj(props) ? props[NAME_PROPERTIES[type] ?? `${type.split('::').pop()}Name`] : undefined;
    if (given !== undefined && !naming.has(id)) {
      naming.add(id);
      const r = resolveValue(given, [], { ...scope, problems: [], unresolved: [] });
      naming.delete(id);
      if (typeof r.value === 'string' && r.value !== '') return r.value;
    }
    return `${stackName}-${id}`.slice(0, 80);
  };
  const arnOf = (id: string): string => {
    const b = batch.get(id);
    const name = nameOf(id);
    if (b) return `arn:${partition}:batch:${region}:${account}:${BATCH_ARN_TYPES[b.kind] ?? 'resource'}/${name}${b.kind === 'jobDefinition' ? ':1' : ''}`;
    const type = typeOf(id);
    const [, service = 'local', kind = 'resource'] = type.split('::');
    if (type === 'AWS::Lambda::Function' || type === 'AWS::Serverless::Function') return `arn:${partition}:lambda:${region}:${account}:function:${name}`;
    if (type === 'AWS::SNS::Topic' || type === 'AWS::SQS::Queue') return `arn:${partition}:${service.toLowerCase()}:${region}:${account}:${name}`;
    if (type === 'AWS::StepFunctions::StateMachine' || type === 'AWS::Serverless::StateMachine') return `arn:${partition}:states:${region}:${account}:stateMachine:${name}`;
    if (type === 'AWS::StepFunctions::Activity') return `arn:${partition}:states:${region}:${account}:activity:${name}`;
    if (service === 'IAM') return `arn:${partition}:iam::${account}:${kind === 'InstanceProfile' ? 'instance-profile' : kind.toLowerCase()}/${name}`;
    if (type === 'AWS::S3::Bucket') return `arn:${partition}:s3:::${name.toLowerCase()}`;
    if (type === 'AWS::DynamoDB::Table') return `arn:${partition}:dynamodb:${region}:${account}:table/${name}`;
    if (type === 'AWS::Events::EventBus') return `arn:${partition}:events:${region}:${account}:event-bus/${name}`;
    return `arn:${partition}:${service.toLowerCase()}:${region}:${account}:${kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}/${name}`;
  };
  const REF_IS_ARN = new Set(['AWS::SNS::Topic', 'AWS::StepFunctions::StateMachine', 'AWS::Serverless::StateMachine', 'AWS::StepFunctions::Activity', 'AWS::IAM::ManagedPolicy', 'AWS::SecretsManager::Secret']);
  const scope: CfnScope = {
    template: value,
    pseudo: {
      'AWS::Region': region,
      'AWS::AccountId': account,
      'AWS::StackName': stackName,
      'AWS::StackId': `arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/00000000-0000-0000-0000-000000000000`,
      'AWS::Partition': partition,
      'AWS::URLSuffix': partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
      'AWS::NotificationARNs': [],
    },
    values,
    problems: [],
    unresolved: [],
    refOf(id) {
      if (!isResource(id)) return undefined;
      const type = typeOf(id);
      if (batch.has(id) || REF_IS_ARN.has(type)) return arnOf(id);
      if (type === 'AWS::SQS::Queue') return `https://sqs.${region}.amazonaws.com/${account}/${nameOf(id)}`;
      return nameOf(id);
    },
    attOf(id, attribute) {
      if (!isResource(id)) return undefined;
      if (attribute.endsWith('Arn')) return arnOf(id);
      if (attribute.endsWith('Name')) return nameOf(id);
      if (attribute === 'QueueUrl') return `https://sqs.${region}.amazonaws.com/${account}/${nameOf(id)}`;
      return `local-${typeOf(id).split('::').pop()?.toLowerCase()}-${id}-${attribute.toLowerCase()}`;
    },
  };
  return scope;
}
