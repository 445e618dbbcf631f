import { TerminateJobCommand } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import { terminateServiceJob } from '../../client/service-jobs';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { requireTrust } from '../trust';
import { isServiceJobNode } from '../views/serviceJobNodes';
import { anyJobArg } from './jobArg';

export const TERMINATE_REASON = 'Terminated from VS Code';

/** TerminateJob, or TerminateServiceJob for a SageMaker training service job, after a modal confirmation. */
export async function terminateJob(ctx: Ctx, ...args: unknown[]): Promise<void> {
  const node = await anyJobArg(ctx, args);
  requireTrust('change jobs');
  const name = node.job.jobName ?? node.job.jobId;
  const service = isServiceJobNode(node);
  // (the palette offers it by the selected row's status, which may have changed since)
  if (node.job.status === 'SUCCEEDED' || node.job.status === 'FAILED') throw new UserError(`'${name}' has already finished (${node.job.status}): there is nothing to terminate.`);
  const what = service ? `Terminate service job '${name}' on the ${node.target.label}? Its training is stopped and the job fails.` : `Terminate job '${name}' on the ${node.target.label}? Its container is stopped and the job fails.`;
  const ok = await vscode.window.showWarningMessage(what, { modal: true }, 'Terminate Job');
  if (ok !== 'Terminate Job') return;
  if (service) await terminateServiceJob(node.target.batch, node.job.jobId!, TERMINATE_REASON);
  else await node.target.batch.send(new TerminateJobCommand({ jobId: node.job.jobId!, reason: TERMINATE_REASON }));
  ctx.output.info(`terminated ${service ? 'service job' : 'job'} ${name} (${node.job.jobId}) on the ${node.target.label}`);
}
