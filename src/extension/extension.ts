/** The composition root: builds the one Ctx, registers views, providers and commands on it. */
import type * as vscode from 'vscode';
import { Ctx } from './ctx';
import { registerCommands } from './commands';
import { registerDagSerializer } from './dag/showDag';

/** When this bundle finished loading, in ms since the extension host process started. */
const LOADED_AT = performance.now();

export function activate(context: vscode.ExtensionContext): Ctx {
  const started = performance.now();
  const ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  registerCommands(ctx);
  registerDagSerializer(ctx);
  void ctx.attachToRunningEmulator();
  // `npm run bench -- extension` reads this line from the log: keep its shape.
  const now = performance.now();
  ctx.output.info(`LocalBatch ${String(context.extension.packageJSON.version)} activated in ${(now - started).toFixed(1)} ms `
    + `(bundle loaded ${LOADED_AT.toFixed(1)} ms, activate() returned ${now.toFixed(1)} ms after the extension host started)`);
  return ctx;
}

export function deactivate(): void {
  // Everything is owned by the Ctx, which VS Code disposes through context.subscriptions.
}
