/**
 * Which files may be templates, without reading them as one: small on purpose, so the extension's
 * main bundle can ask this without loading the readers (and the JSON Schemas they use).
 */

/** Names of files that may hold a template or Terraform JSON (found by content, not by name). */
export const IAC_FILE_PATTERN = /\.(json|ya?ml|template)$/i;

/** Event-driven resource types localbatch reads too (see pipeline-resources.ts / pipeline-terraform.ts). */
const PIPELINE_MARKERS = ['AWS::Events::Rule', 'AWS::Scheduler::Schedule', 'AWS::SNS::', 'Custom::S3BucketNotifications', 'EventBridgeConfiguration', 'TopicConfigurations', 'aws_cloudwatch_event_rule', 'aws_scheduler_schedule', 'aws_sns_topic', 'aws_s3_bucket_notification'];

/** A cheap test on the text before parsing: does it mention an AWS Batch, event-driven or state machine resource type at all? */
export function mightBeIac(text: string): boolean {
  return text.includes('AWS::Batch::') || text.includes('aws_batch_') || PIPELINE_MARKERS.some((m) => text.includes(m)) || mightHoldStateMachine(text);
}

/**
 * Whether a template file declares nothing at all: only blank lines, YAML comments and document
 * markers (a template commented out whole reads as empty, not as a syntax error).
 */
export function isBlankTemplate(text: string): boolean {
  return text.split(/\r?\n/).every((line) => {
    const t = line.trim();
    return t === '' || t.startsWith('#') || t === '---' || t === '...';
  });
}

/** State machines in templates (read by src/model/asl/templates.ts). */
function mightHoldStateMachine(text: string): boolean {
  return text.includes('AWS::StepFunctions::StateMachine') || text.includes('AWS::Serverless::StateMachine') || text.includes('aws_sfn_state_machine');
}
