/** What localbatch reads from an infrastructure-as-code file: its AWS Batch resources, as API requests. */
import type { Diagnostic } from '../diagnostics';
import type { JsonPath, SourceDocument } from '../document';
import type { Obj } from '../values';
import type { Origin } from './cfn-intrinsics';
import type { BatchResourceKind } from './cfn-properties';
import type { PipelineResources } from './pipeline-types';

/** The tool that owns (and deploys) the resources of a template. */
export type IacTool = 'cloudformation' | 'cdk' | 'terraform';

export interface IacResource {
  readonly kind: BatchResourceKind;
  /** The CloudFormation logical id, or the Terraform resource address. */
  readonly id: string;
  /** `AWS::Batch::JobDefinition`, `aws_batch_job_queue`, ... */
  readonly type: string;
  /** The resolved name (the name property, else generated; see README). */
  readonly name: string;
  /** True when the template gives no name: on AWS the deploying tool chooses it (CloudFormation adds a random suffix). */
  readonly generatedName: boolean;
  /** A view over the template: its value is the API request, its ranges point into the template. */
  readonly doc: SourceDocument;
  readonly value: Obj;
  /** Where the resource is declared in the template (its logical id or address entry). */
  readonly path: JsonPath;
  /** Template paths whose value could not be resolved locally (already reported). */
  readonly unresolved: readonly JsonPath[];
}

export interface IacTemplate {
  readonly tool: IacTool;
  readonly doc: SourceDocument;
  /** The stack name used for AWS::StackName and generated names (CloudFormation only). */
  readonly stackName?: string;
  readonly resources: readonly IacResource[];
  /** Problems reading the template (unresolvable references, unknown values in a plan). */
  readonly diagnostics: readonly Diagnostic[];
  /** Its EventBridge rules, schedules, SNS topics and subscriptions and S3 buckets (see pipeline-types.ts), when it has any. */
  readonly pipeline?: PipelineResources;
}

/** Local values a template is read with. */
export interface IacOptions {
  /** localbatch.yaml `parameters:` (template parameters, Fn::ImportValue export names, AWS::StackName). */
  readonly parameters?: Readonly<Record<string, string>>;
  readonly region?: string;
  readonly accountId?: string;
}

/** A locator for SourceDocument.view from an origin tree: the deepest origin on the path wins. */
export function locateOrigin(origin: Origin): (path: JsonPath, part: 'key' | 'value') => { path: JsonPath; part: 'key' | 'value' } {
  return (path, part) => {
    let node = origin;
    for (const seg of path) {
      const next = node.kids?.get(seg);
      if (!next) return { path: node.at, part: node.part ?? 'value' };
      node = next;
    }
    return { path: node.at, part: node.part ?? part };
  };
}
