/**
 * Which files may be templates, without reading them as one: small on purpose, so the extension's
 * main bundle can ask this without loading the readers (and the JSON Schemas they use).
 */

/** Names of files that may hold a template or Terraform JSON (found by content, not by name). */
export const IAC_FILE_PATTERN = /\.(json|ya?ml|template)$/i;

/** A cheap test on the text before parsing: does it mention an AWS Batch resource type (or a state machine) at all? */
export function mightBeIac(text: string): boolean {
  return text.includes('AWS::Batch::') || text.includes('aws_batch_') || mightHoldStateMachine(text);
}

/** State machines in templates (read by src/model/asl/templates.ts). */
function mightHoldStateMachine(text: string): boolean {
  return text.includes('AWS::StepFunctions::StateMachine') || text.includes('AWS::Serverless::StateMachine') || text.includes('aws_sfn_state_machine');
}
