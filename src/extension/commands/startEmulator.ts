import * as vscode from 'vscode';
import { readSettings } from '../config';
import type { Ctx } from '../ctx';
import { requireTrust } from '../trust';

export async function startEmulator(ctx: Ctx): Promise<void> {
  requireTrust('start the emulator');
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Starting the LocalBatch emulator' }, () =>
    ctx.emulator.start(readSettings(), vscode.workspace.workspaceFolders?.[0]?.uri.fsPath),
  );
}
