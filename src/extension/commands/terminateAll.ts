import { TerminateJobCommand } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import { isFinal } from '../../model/runs';
import type { Ctx } from '../ctx';

/** Terminates every job of the emulator's runs that has not finished, after a modal confirmation. */
export async function terminateAll(ctx: Ctx): Promise<void> {
  const { batch } = ctx.emulator.requireConnection();
  await ctx.runs.refresh();
  const open = ctx.runs.runs.flatMap((r) => r.jobs).filter((j) => !isFinal(j.status));
  if (open.length === 0) {
    void vscode.window.showInformationMessage('LocalBatch: no job is waiting or running.');
    return;
  }
  const choice = await vscode.window.showWarningMessage(`Terminate ${open.length} job(s) that have not finished?`, { modal: true, detail: open.map((j) => `${j.jobName} (${j.status})`).slice(0, 10).join('\n') }, 'Terminate All');
  if (choice !== 'Terminate All') return;
  await Promise.all(open.map((j) => batch.send(new TerminateJobCommand({ jobId: j.jobId!, reason: 'Terminated from VS Code (Terminate All)' }))));
  ctx.output.info(`terminated ${open.length} job(s)`);
}
