import * as vscode from 'vscode';
import type { Ctx } from '../ctx';

export async function openDefinition(_ctx: Ctx, arg: unknown): Promise<void> {
  const uri = arg instanceof vscode.Uri ? arg : (arg as { uri?: vscode.Uri } | undefined)?.uri;
  if (uri) await vscode.window.showTextDocument(uri, { preview: true });
}
