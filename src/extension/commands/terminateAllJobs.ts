import * as vscode from 'vscode';
import { terminateAllJobs as terminateAll, unfinishedJobIds } from '../../client/terminate-all';
import type { Ctx } from '../ctx';
import { requireTrust } from '../trust';

/** "LocalBatch: Terminate All Jobs": every unfinished job on the local emulator, after a modal confirmation. */
export async function terminateAllJobs(ctx: Ctx): Promise<void> {
  requireTrust('change jobs');
  const conn = ctx.emulator.requireConnection();
  const count = (await unfinishedJobIds(conn.batch)).size;
  if (count === 0) {
    void vscode.window.showInformationMessage('LocalBatch: no unfinished jobs on the emulator.');
    return;
  }
  const ok = await vscode.window.showWarningMessage(
    `Terminate all ${count} unfinished job${count === 1 ? '' : 's'} on the local emulator? Running containers are stopped and the jobs fail.`,
    { modal: true },
    'Terminate All Jobs',
  );
  if (ok !== 'Terminate All Jobs') return;
  const done = await terminateAll(conn.batch, 'Terminated from VS Code (Terminate All Jobs)');
  ctx.output.info(`terminated ${done} job${done === 1 ? '' : 's'} on the local emulator`);
}
