import * as vscode from 'vscode';
import { UserError } from './errors';

/**
 * Running containers, starting the emulator and deploying need a trusted workspace: definition files
 * choose images, commands and mounts. Browsing and validation work everywhere.
 */
export function requireTrust(action: string): void {
  if (vscode.workspace.isTrusted) return;
  throw new UserError(`LocalBatch does not ${action} in an untrusted workspace. Trust this workspace to ${action}; browsing and validation keep working without it.`, {
    'Manage Workspace Trust': 'workbench.trust.manage',
  });
}
