import * as vscode from 'vscode';
import { interruptJob as interrupt } from '../../client/interrupt';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { requireTrust } from '../trust';
import { jobArg } from './jobArg';

/** Rehearses a Spot interruption of a local STARTING/RUNNING job (see `localbatch interrupt`). */
export async function interruptJob(ctx: Ctx, ...args: unknown[]): Promise<void> {
  const node = await jobArg(ctx, args);
  requireTrust('change jobs');
  const conn = ctx.emulator.requireConnection();
  if (node.target.batch !== conn.batch) throw new UserError('Only jobs of the local emulator can be interrupted: on AWS, Spot does that by itself.');
  const name = node.job.jobName ?? node.job.jobId;
  const ok = await vscode.window.showWarningMessage(
    `Interrupt job '${name}' as if its Spot instance were reclaimed? Its container is killed and the attempt fails with "Host EC2 (instance …) terminated."; its retry strategy decides what happens next.`,
    { modal: true },
    'Interrupt',
  );
  if (ok !== 'Interrupt') return;
  const r = await interrupt(conn.endpoint, node.job.jobId!);
  ctx.output.info(`interrupted job ${name} (${r.jobId}): ${r.statusReason}`);
}
