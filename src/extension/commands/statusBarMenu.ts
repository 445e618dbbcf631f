/** The status bar item's menu: what to do with the emulator, in one quick pick. */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';

interface Action extends vscode.QuickPickItem { readonly command: string }

export async function statusBarMenu(ctx: Ctx): Promise<void> {
  const running = ctx.emulator.state === 'running';
  const { active, failed } = ctx.runs.counts;
  const items: Action[] = [
    running
      ? { label: '$(debug-stop) Stop Emulator', description: active > 0 ? `${active} job(s) not finished` : undefined, command: 'localbatch.stopEmulator' }
      : { label: '$(play) Start Emulator', command: 'localbatch.startEmulator' },
    { label: '$(list-tree) Show Local View', description: failed > 0 ? `${failed} failed` : undefined, command: 'localbatch.local.focus' },
  ];
  if (running && active > 0) items.push({ label: '$(stop-circle) Terminate All Jobs…', description: `${active} job(s)`, command: 'localbatch.terminateAllJobs' });
  items.push({ label: '$(output) Show Output', command: 'localbatch.showOutput' });
  const pick = await vscode.window.showQuickPick(items, { placeHolder: `LocalBatch emulator: ${ctx.emulator.state}${ctx.emulator.connection ? ` at ${ctx.emulator.connection.endpoint.url}` : ''}` });
  if (pick) await vscode.commands.executeCommand(pick.command);
}

export function showOutput(ctx: Ctx): void {
  ctx.output.show();
}
