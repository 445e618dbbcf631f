import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { ErrorNode } from '../views/jobNodes';

/** Shows an error node's whole message in a dialog (a tree row cuts it off). */
export async function showError(ctx: Ctx, arg: unknown): Promise<void> {
  const node = arg as ErrorNode | undefined;
  const message = node?.kind === 'error' ? node.message : ctx.views.aws.credentialError;
  if (!message) return;
  const isAws = node?.id.startsWith('aws:') ?? true;
  const actions = isAws ? ['Select AWS Profile', 'Add Region'] : [];
  const choice = await vscode.window.showErrorMessage(message, { modal: true }, ...actions);
  if (choice === 'Select AWS Profile') await vscode.commands.executeCommand('localbatch.selectAwsProfile');
  if (choice === 'Add Region') await vscode.commands.executeCommand('localbatch.addAwsRegion');
}
