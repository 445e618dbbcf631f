import { SubmitJobCommand, type SubmitJobRequest } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { requireTrust } from '../trust';
import { describeJob } from './describeJob';
import { jobArg } from './jobArg';

/** Submits the job again with the same definition, queue, parameters and overrides (no dependencies). */
export async function resubmitJob(ctx: Ctx, ...args: unknown[]): Promise<void> {
  const node = await jobArg(ctx, args);
  requireTrust('submit jobs');
  const job = await describeJob(node);
  const request: SubmitJobRequest = {
    jobName: job.jobName!,
    jobQueue: job.jobQueue!,
    jobDefinition: job.jobDefinition!,
    parameters: job.parameters,
    arrayProperties: job.arrayProperties?.size ? { size: job.arrayProperties.size } : undefined,
    retryStrategy: job.retryStrategy,
    timeout: job.timeout,
    tags: job.tags,
    propagateTags: job.propagateTags,
    shareIdentifier: job.shareIdentifier,
    schedulingPriorityOverride: job.schedulingPriority,
    containerOverrides: job.container ? { command: job.container.command, environment: job.container.environment, resourceRequirements: job.container.resourceRequirements } : undefined,
  };
  const res = await node.target.batch.send(new SubmitJobCommand(request));
  ctx.output.info(`resubmitted ${job.jobName} as ${res.jobId} on the ${node.target.label}`);
  void vscode.window.showInformationMessage(`Resubmitted '${job.jobName}' as job ${res.jobId}.`);
}
