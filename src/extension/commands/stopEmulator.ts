import * as vscode from 'vscode';
import type { Ctx } from '../ctx';

export async function stopEmulator(ctx: Ctx): Promise<void> {
  const conn = ctx.emulator.connection;
  if (!conn) return;
  if (!conn.owned) {
    const choice = await vscode.window.showWarningMessage(
      `The emulator at ${conn.endpoint.url} was started outside this window. Stop it anyway? Jobs are kept: queued ones stay queued and running containers go on until the emulator starts again.`,
      { modal: true },
      'Stop Emulator',
    );
    if (choice !== 'Stop Emulator') return;
  }
  await ctx.emulator.stop();
}
