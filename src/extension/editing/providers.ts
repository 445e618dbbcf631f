/** Hover, completion and quick fixes for definition files: glue over src/model/editing. */
import * as vscode from 'vscode';
import { completionsAt, type WorkspaceNames } from '../../model/editing/completion';
import { cursorAt } from '../../model/editing/cursor';
import { quickFixesFor } from '../../model/editing/quick-fixes';
import { hoverMarkdown } from '../../model/editing/schema-docs';
import { kindOfFile } from '../../model/kinds';
import { DIAGNOSTIC_SOURCE, fromVsDiagnostic, toVsRange } from './convert';
import type { DefinitionIndex } from './definitionIndex';

export const DEFINITION_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.{jobdef,jobqueue,computeenv,workflow}.{json,yaml,yml}' },
  { scheme: 'file', pattern: '**/localbatch.{yaml,yml}' },
];

export function registerEditingProviders(index: DefinitionIndex): vscode.Disposable[] {
  return [
    vscode.languages.registerHoverProvider(DEFINITION_SELECTOR, { provideHover }),
    vscode.languages.registerCompletionItemProvider(DEFINITION_SELECTOR, { provideCompletionItems: (doc, pos) => provideCompletions(index, doc, pos) }, '"', ':', ' '),
    vscode.languages.registerCodeActionsProvider(DEFINITION_SELECTOR, { provideCodeActions }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  ];
}

function provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
  const kind = kindOfFile(doc.uri.path);
  if (!kind) return undefined;
  const cursor = cursorAt(doc.getText(), kind.format, doc.offsetAt(pos));
  if (!cursor || cursor.path.length === 0) return undefined;
  const markdown = hoverMarkdown(kind.kind, cursor.path);
  if (!markdown) return undefined;
  const range = cursor.token && new vscode.Range(doc.positionAt(cursor.token[0]), doc.positionAt(cursor.token[1]));
  return new vscode.Hover(new vscode.MarkdownString(markdown), range);
}

/** Names of the workspace's definitions, those of templates included. */
function workspaceNames(index: DefinitionIndex): WorkspaceNames {
  const ws = index.workspace();
  return { jobDefinitions: [...ws.jobDefinitions.keys()], jobQueues: [...ws.jobQueues.keys()], computeEnvironments: [...ws.computeEnvironments.keys()] };
}

async function provideCompletions(index: DefinitionIndex, doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.CompletionItem[]> {
  const kind = kindOfFile(doc.uri.path);
  if (!kind) return [];
  await index.ready();
  const candidates = completionsAt(doc.getText(), kind.format, kind.kind, doc.offsetAt(pos), workspaceNames(index));
  return candidates.map((c) => {
    const item = new vscode.CompletionItem(c.label, c.kind === 'property' ? vscode.CompletionItemKind.Property : c.kind === 'reference' ? vscode.CompletionItemKind.Reference : vscode.CompletionItemKind.EnumMember);
    item.insertText = c.insertText;
    item.detail = c.detail;
    if (c.replace) {
      const range = new vscode.Range(doc.positionAt(c.replace[0]), doc.positionAt(c.replace[1]));
      if (range.contains(pos)) item.range = range;
    }
    // JSON labels are matched against the quoted token the user typed.
    if (kind.format === 'json') item.filterText = c.insertText;
    item.sortText = `0${c.label}`;
    return item;
  });
}

function provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
  const text = doc.getText();
  return context.diagnostics
    .filter((d) => d.source === DIAGNOSTIC_SOURCE)
    .flatMap((d) =>
      quickFixesFor(fromVsDiagnostic(doc.uri.fsPath, d), text).map((fix) => {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = fix.preferred;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(doc.uri, toVsRange(e.range), e.newText);
        return action;
      }),
    );
}
