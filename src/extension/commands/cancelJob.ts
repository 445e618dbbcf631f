import { CancelJobCommand } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { requireTrust } from '../trust';
import { jobArg } from './jobArg';

export async function cancelJob(ctx: Ctx, ...args: unknown[]): Promise<void> {
  const node = await jobArg(ctx, args);
  requireTrust('change jobs');
  const name = node.job.jobName ?? node.job.jobId;
  if (!['SUBMITTED', 'PENDING', 'RUNNABLE'].includes(node.job.status ?? '')) {
    throw new UserError(`'${name}' is ${node.job.status}: Cancel Job applies to jobs that have not started (SUBMITTED, PENDING, RUNNABLE); Terminate Job stops a running one.`);
  }
  const ok = await vscode.window.showWarningMessage(`Cancel job '${name}' on the ${node.target.label}? Jobs that depend on it fail.`, { modal: true }, 'Cancel Job');
  if (ok !== 'Cancel Job') return;
  await node.target.batch.send(new CancelJobCommand({ jobId: node.job.jobId!, reason: 'Cancelled from VS Code' }));
  ctx.output.info(`cancelled job ${name} (${node.job.jobId}) on the ${node.target.label}`);
}
