/** Infrastructure-as-code sources of definitions: CloudFormation/CDK templates and Terraform JSON. */
import type { SourceDocument } from '../document';
import { readCloudFormation } from './cloudformation';
import { readTerraform } from './terraform';
import type { IacOptions, IacTemplate } from './types';

export type { IacOptions, IacResource, IacTemplate, IacTool } from './types';
export type { PipelineKind, PipelineResource, PipelineResources } from './pipeline-types';
export { parseTemplateDocument, iacFormat } from './template-document';
export { IAC_FILE_PATTERN, isBlankTemplate, mightBeIac } from './detect';

/** The Batch resources of a parsed template or Terraform JSON, or undefined when it holds none. */
export function readIac(doc: SourceDocument, options: IacOptions = {}): IacTemplate | undefined {
  if (doc.syntaxErrors.length > 0) return undefined;
  return readCloudFormation(doc, options) ?? readTerraform(doc, options);
}

/** The command that deploys what a tool owns, for messages. */
export function deployCommandOf(tool: IacTemplate['tool']): string {
  return tool === 'terraform' ? 'terraform apply' : tool === 'cdk' ? 'cdk deploy' : 'aws cloudformation deploy';
}
