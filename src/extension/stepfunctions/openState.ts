/** Opens a state machine file at a state's key (`"Name":` in JSON, `Name:` in YAML). */
import * as vscode from 'vscode';

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
