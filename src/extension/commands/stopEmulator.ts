import * as vscode from 'vscode';
import type { Ctx } from '../ctx';

/** Stops the emulator; asks first (modal) when jobs have not finished or the server is not ours. */
export async function stopEmulator(ctx: Ctx): Promise<void> {
  const conn = ctx.emulator.connection;
  if (!conn) return;
  await ctx.runs.refresh().catch(() => undefined);
  const { active } = ctx.runs.counts;
  const reasons: string[] = [];
  if (active > 0) reasons.push(`${active} job(s) have not finished: they are kept: queued ones stay queued and running containers go on until the emulator starts again (use Terminate All Jobs to end them).`);
  if (!conn.owned) reasons.push(`The emulator at ${conn.endpoint.url} was started outside this window.`);
  if (reasons.length > 0) {
    const choice = await vscode.window.showWarningMessage('Stop the LocalBatch emulator?', { modal: true, detail: reasons.join('\n') }, 'Stop Emulator');
    if (choice !== 'Stop Emulator') return;
  }
  await ctx.emulator.stop();
}
