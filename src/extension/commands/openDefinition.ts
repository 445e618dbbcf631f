import * as vscode from 'vscode';
import type { IacResource } from '../../model/iac';
import type { Ctx } from '../ctx';
import { toVsRange } from '../editing/convert';

/** Opens a definition file, or a template at one of its resources (a Definitions view node). */
export async function openDefinition(_ctx: Ctx, arg: unknown): Promise<void> {
  const uri = arg instanceof vscode.Uri ? arg : (arg as { uri?: vscode.Uri } | undefined)?.uri;
  if (!uri) return;
  const resource = (arg as { resource?: IacResource } | undefined)?.resource;
  const selection = resource ? toVsRange(resource.doc.source.rangeOf(resource.path, 'key')) : undefined;
  await vscode.window.showTextDocument(uri, { preview: true, ...(selection ? { selection } : {}) });
}
