import { TerminateJobCommand } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { requireTrust } from '../trust';
import { jobArg } from './jobArg';

export async function terminateJob(ctx: Ctx, arg: unknown): Promise<void> {
  const node = jobArg(arg);
  requireTrust('change jobs');
  const name = node.job.jobName ?? node.job.jobId;
  const ok = await vscode.window.showWarningMessage(`Terminate job '${name}' on the ${node.target.label}? Its container is stopped and the job fails.`, { modal: true }, 'Terminate Job');
  if (ok !== 'Terminate Job') return;
  await node.target.batch.send(new TerminateJobCommand({ jobId: node.job.jobId!, reason: 'Terminated from VS Code' }));
  ctx.output.info(`terminated job ${name} (${node.job.jobId}) on the ${node.target.label}`);
}
