/**
 * Opens a state machine file at a state's key (`"Name":` in JSON, `Name:` in YAML), or a template at
 * the state of its state machine (found through the workspace index, whose ranges point into the
 * template, also inside a CDK DefinitionString's pieces).
 */
import * as vscode from 'vscode';
import { forEachState } from '../../model/asl/structure';
import type { JsonPath } from '../../model/document';
import { toVsRange } from '../editing/convert';
import type { DefinitionIndex } from '../editing/definitionIndex';
import { templateStateMachine } from './templateMachine';

export async function openTemplateState(index: DefinitionIndex, file: string, machine: string, stateName: string): Promise<void> {
  const uri = index.uriOf(file);
  const entry = templateStateMachine(index, file, machine);
  if (!uri || !entry) return;
  let path: JsonPath = [];
  forEachState(entry.definition, (_state, at, name) => {
    if (name === stateName && path.length === 0) path = at;
  });
  const range = toVsRange(entry.doc.rangeOf(path, path.length ? 'key' : 'value'));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { selection: range, viewColumn: vscode.ViewColumn.One });
}

export async function openState(file: string, stateName: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) return;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, file));
  const text = doc.getText();
  const escaped = stateName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const key = new RegExp(`(^|[\\s{,])("${escaped}"|'${escaped}'|${escaped})\\s*:`, 'm').exec(text);
  const at = key ? key.index + key[1].length : 0;
  const start = doc.positionAt(at);
  const end = doc.positionAt(at + (key ? key[2].length : 0));
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(start, end), viewColumn: vscode.ViewColumn.One });
}
