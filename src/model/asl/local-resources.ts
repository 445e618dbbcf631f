/**
 * Which Task resources the local emulator runs with its own services (AWS Batch, SNS Publish,
 * EventBridge PutEvents, S3 getObject/putObject/listObjectsV2; each also with `.waitForTaskToken`,
 * where the task waits for SendTaskSuccess on its token after the call); any other resource runs locally only
 * as a stand-in from a Step Functions Local mock file. The emulator's tasks and the editor's
 * completion both read these.
 */

/** The optimized Batch integration: `batch:submitJob` (request-response) or `.sync`. */
export const BATCH_OPTIMIZED = /^arn:aws[\w-]*:states:::batch:submitJob(\.sync)?$/;
/** The AWS SDK integration of Batch: `aws-sdk:batch:<action>`. */
export const BATCH_SDK = /^arn:aws[\w-]*:states:::aws-sdk:batch:([a-zA-Z]+)(\.waitForTaskToken)?$/;
const SNS_PUBLISH = /^arn:aws[\w-]*:states:::(?:sns:publish|aws-sdk:sns:publish)(\.waitForTaskToken)?$/;
const STATES_ARN = /^arn:aws[\w-]*:states:[^:]*:[^:]*:/;

export function isBatchResource(resource: string): boolean {
  return BATCH_OPTIMIZED.test(resource) || BATCH_SDK.test(resource);
}

export function isSnsPublish(resource: string): boolean {
  return SNS_PUBLISH.test(resource);
}

/** A Step Functions integration ARN without its `arn:aws:states:<region>:<account>:` prefix (`s3:putObject`). */
export function integrationOf(resource: string): string | undefined {
  return STATES_ARN.test(resource) ? resource.replace(STATES_ARN, '') : undefined;
}

/** The integration a Task resource calls, without a `.waitForTaskToken` (the task then waits for its token; the call is the same). */
export function calledIntegration(resource: string): string | undefined {
  return integrationOf(resource)?.replace(/\.waitForTaskToken$/, '');
}

/** Whether the emulator's own EventBridge or S3 runs this Task resource (also as a `.waitForTaskToken` callback). */
export function isLocalServiceResource(resource: string): boolean {
  const r = calledIntegration(resource);
  return r === 'events:putEvents' || r === 'aws-sdk:eventbridge:putEvents' || /^aws-sdk:s3:(getObject|putObject|listObjectsV2)$/.test(r ?? '');
}

/** Whether a Task with this resource runs on the local emulator without a mock file. */
export function runsLocally(resource: string): boolean {
  return isBatchResource(resource) || isSnsPublish(resource) || isLocalServiceResource(resource);
}
