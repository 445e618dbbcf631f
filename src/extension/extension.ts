/** The composition root: builds the one Ctx, registers views, providers and commands on it. */
import type * as vscode from 'vscode';
import { Ctx } from './ctx';
import { registerCommands } from './commands';

export function activate(context: vscode.ExtensionContext): Ctx {
  const ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  registerCommands(ctx);
  void ctx.attachToRunningEmulator();
  ctx.output.info(`LocalBatch ${String(context.extension.packageJSON.version)} activated`);
  return ctx;
}

export function deactivate(): void {
  // Everything is owned by the Ctx, which VS Code disposes through context.subscriptions.
}
