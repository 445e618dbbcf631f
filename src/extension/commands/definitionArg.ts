import * as vscode from 'vscode';
import type { DefinitionKind } from '../../model/kinds';
import type { Ctx } from '../ctx';
import type { IndexedFile } from '../editing/definitionIndex';
import { UserError } from '../errors';

/**
 * The definition file a command acts on: its argument (a file from the explorer or editor title, or a
 * Definitions view item), else the active editor, else one the user picks.
 */
export async function definitionArg(ctx: Ctx, arg: unknown, kind: DefinitionKind, what: string): Promise<IndexedFile> {
  await ctx.index.ready();
  const uri = arg instanceof vscode.Uri ? arg : (arg as { uri?: unknown } | undefined)?.uri instanceof vscode.Uri ? (arg as { uri: vscode.Uri }).uri : vscode.window.activeTextEditor?.document.uri;
  if (uri) {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const file = open ? ctx.index.update(uri, open.getText()) : ctx.index.get(uri);
    if (file?.kind.kind === kind) return file;
  }
  const candidates = ctx.index.all().filter((f) => f.kind.kind === kind);
  if (candidates.length === 0) throw new UserError(`There is no ${what} file in this workspace.`);
  if (candidates.length === 1) return candidates[0];
  const pick = await vscode.window.showQuickPick(candidates.map((f) => ({ label: f.doc.file, file: f })), { placeHolder: `Which ${what}?` });
  if (!pick) throw new vscode.CancellationError();
  return pick.file;
}
