import * as vscode from 'vscode';
import type { CommandHandler } from './command';

/** For commands whose feature is not in this version yet: say so plainly instead of pretending. */
export function notAvailable(feature: string, issue: string): CommandHandler {
  return async () => {
    await vscode.window.showInformationMessage(`LocalBatch: ${feature} is not available yet in this version (${issue}).`);
  };
}
