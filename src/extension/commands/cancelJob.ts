import { CancelJobCommand } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { requireTrust } from '../trust';
import { jobArg } from './jobArg';

export async function cancelJob(ctx: Ctx, arg: unknown): Promise<void> {
  const node = jobArg(ctx, arg);
  requireTrust('change jobs');
  const name = node.job.jobName ?? node.job.jobId;
  const ok = await vscode.window.showWarningMessage(`Cancel job '${name}' on the ${node.target.label}? Jobs that depend on it fail.`, { modal: true }, 'Cancel Job');
  if (ok !== 'Cancel Job') return;
  await node.target.batch.send(new CancelJobCommand({ jobId: node.job.jobId!, reason: 'Cancelled from VS Code' }));
  ctx.output.info(`cancelled job ${name} (${node.job.jobId}) on the ${node.target.label}`);
}
