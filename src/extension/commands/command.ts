import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { errorMessage, UserError } from '../errors';

export type CommandHandler = (ctx: Ctx, ...args: unknown[]) => unknown;

/** Registers a command with the one error handling every command shares. */
export function registerCommand(ctx: Ctx, id: string, handler: CommandHandler): void {
  ctx.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(ctx, ...args);
      } catch (err) {
        await reportError(ctx, id, err);
        return undefined;
      }
    }),
  );
}

async function reportError(ctx: Ctx, id: string, err: unknown): Promise<void> {
  if (err instanceof vscode.CancellationError) return;
  if (err instanceof UserError) {
    ctx.output.info(`${id}: ${err.message}`);
    const choice = await vscode.window.showWarningMessage(err.message, ...Object.keys(err.actions));
    if (choice) await vscode.commands.executeCommand(err.actions[choice]);
    return;
  }
  ctx.output.error(`${id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  const choice = await vscode.window.showErrorMessage(`LocalBatch: ${errorMessage(err)}`, 'Show Log');
  if (choice) ctx.output.show();
}
