/** Hover, completion and quick fixes for definition files: glue over src/model/editing. */
import * as vscode from 'vscode';
import type { WorkspaceNames } from '../../model/editing/completion';
import type { Diagnostic } from '../../model/diagnostics';
import { kindOfFile } from '../../model/kinds';
import type { Workspace } from '../../model/workspace';
import { DIAGNOSTIC_SOURCE, fromVsDiagnostic, toVsRange } from './convert';
import type { DefinitionIndex } from './definitionIndex';
import type { DefinitionDiagnostics } from './diagnostics';
import { loadEditingEngine } from '../lazy';

export const DEFINITION_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.{jobdef,jobqueue,computeenv,workflow,asl}.{json,yaml,yml}' },
  { scheme: 'file', pattern: '**/localbatch.{yaml,yml}' },
];

export function registerEditingProviders(index: DefinitionIndex, diagnostics: DefinitionDiagnostics): vscode.Disposable[] {
  return [
    vscode.languages.registerHoverProvider(DEFINITION_SELECTOR, { provideHover: (doc, pos) => provideHover(index, doc, pos) }),
    vscode.languages.registerCompletionItemProvider(DEFINITION_SELECTOR, { provideCompletionItems: (doc, pos) => provideCompletions(index, doc, pos) }, '"', ':', ' '),
    vscode.languages.registerCodeActionsProvider(DEFINITION_SELECTOR, { provideCodeActions: (doc, range, context) => provideCodeActions(diagnostics, doc, range, context) }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  ];
}

async function provideHover(index: DefinitionIndex, doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
  const kind = kindOfFile(doc.uri.path);
  if (!kind) return undefined;
  const { cursorAt, hoverMarkdown, aslHoverAt } = await loadEditingEngine();
  if (kind.kind === 'stateMachine') {
    await index.ready();
    const hover = aslHoverAt(doc.getText(), kind.format, doc.offsetAt(pos), workspaceOfDocument(index, doc));
    return hover && new vscode.Hover(new vscode.MarkdownString(hover.markdown), hover.range && new vscode.Range(doc.positionAt(hover.range[0]), doc.positionAt(hover.range[1])));
  }
  const cursor = cursorAt(doc.getText(), kind.format, doc.offsetAt(pos));
  if (!cursor || cursor.path.length === 0) return undefined;
  const markdown = hoverMarkdown(kind.kind, cursor.path);
  if (!markdown) return undefined;
  const range = cursor.token && new vscode.Range(doc.positionAt(cursor.token[0]), doc.positionAt(cursor.token[1]));
  return new vscode.Hover(new vscode.MarkdownString(markdown), range);
}

/** The workspace a document is checked with (its localbatch.yaml's, when a folder holds several). */
function workspaceOfDocument(index: DefinitionIndex, doc: vscode.TextDocument): Workspace {
  return index.workspaceOf(index.get(doc.uri)?.doc.file ?? vscode.workspace.asRelativePath(doc.uri));
}

/** Names of the document's workspace's definitions, those of templates included. */
function workspaceNames(index: DefinitionIndex, doc: vscode.TextDocument): WorkspaceNames {
  const ws = workspaceOfDocument(index, doc);
  return { jobDefinitions: [...ws.jobDefinitions.keys()], jobQueues: [...ws.jobQueues.keys()], computeEnvironments: [...ws.computeEnvironments.keys()] };
}

async function provideCompletions(index: DefinitionIndex, doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.CompletionItem[]> {
  const kind = kindOfFile(doc.uri.path);
  if (!kind) return [];
  await index.ready();
  const { completionsAt } = await loadEditingEngine();
  const candidates = completionsAt(doc.getText(), kind.format, kind.kind, doc.offsetAt(pos), workspaceNames(index, doc));
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

async function provideCodeActions(diagnostics: DefinitionDiagnostics, doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
  const { quickFixesFor } = await loadEditingEngine();
  const text = doc.getText();
  const published = diagnostics.model(doc.uri);
  return context.diagnostics
    .filter((d) => d.source === DIAGNOSTIC_SOURCE)
    .flatMap((d) =>
      // The published diagnostic in the model's shape carries what VS Code's cannot (the suggested name).
      quickFixesFor(modelDiagnostic(published, doc.uri.fsPath, d), text).map((fix) => {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = fix.preferred;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(doc.uri, toVsRange(e.range), e.newText);
        return action;
      }),
    );
}

/** The model diagnostic VS Code's `d` was published from (same range, rule and message), else `d` converted. */
function modelDiagnostic(published: readonly Diagnostic[], file: string, d: vscode.Diagnostic): Diagnostic {
  const plain = fromVsDiagnostic(file, d);
  const same = (a: Diagnostic['range'], b: Diagnostic['range']) =>
    a.start.line === b.start.line && a.start.column === b.start.column && a.end.line === b.end.line && a.end.column === b.end.column;
  return published.find((p) => p.rule === plain.rule && p.message === plain.message && same(p.range, plain.range)) ?? plain;
}
