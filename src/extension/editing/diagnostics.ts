/**
 * Validation as you type: each definition file's own checks plus the cross-file checks over the
 * whole workspace index, published to the Problems panel under the source `localbatch`.
 */
import * as vscode from 'vscode';
import type { Diagnostic } from '../../model/diagnostics';
import type { SourceDocument } from '../../model/document';
import { validateDocument } from '../../model/validation';
import { checkWorkspaceRules } from '../../model/validation/workspace-rules';
import { Workspace } from '../../model/workspace';
import { kindOfFile } from '../../model/kinds';
import { toVsDiagnostic } from './convert';
import type { DefinitionIndex, IndexedKind } from './definitionIndex';
import { IAC_FILE_PATTERN, mightBeIac } from '../../model/iac';

export const TYPING_DEBOUNCE_MS = 300;
const PUBLISH_DEBOUNCE_MS = 50;

export class DefinitionDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('localbatch');
  private readonly fileDiagnostics = new WeakMap<SourceDocument, Diagnostic[]>();
  private readonly typingTimers = new Map<string, NodeJS.Timeout>();
  private publishTimer: NodeJS.Timeout | undefined;
  private readonly published = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.collection, this.published];
  /** Fires after diagnostics were published (the Definitions view shows problem counts). */
  readonly onDidPublish = this.published.event;

  constructor(private readonly index: DefinitionIndex, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.documentChanged(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e.document, TYPING_DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (kindOfFile(d.uri.path) || index.get(d.uri)) void index.reload(d.uri);
      }),
      index.onDidChange(() => this.schedulePublish()),
    );
    for (const d of vscode.workspace.textDocuments) this.documentChanged(d, 0);
    void index.ready().then(() => this.schedulePublish());
  }

  /** Diagnostics of one file, as published (for counts and tests). */
  get(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  private documentChanged(doc: vscode.TextDocument, delayMs: number): void {
    if (!isDefinitionDocument(doc) && !this.index.get(doc.uri) && !isTemplateDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.typingTimers.get(key));
    const run = () => {
      this.typingTimers.delete(key);
      this.index.update(doc.uri, doc.getText());
    };
    if (delayMs === 0) run();
    else this.typingTimers.set(key, setTimeout(run, delayMs));
  }

  private schedulePublish(): void {
    clearTimeout(this.publishTimer);
    // Not before the workspace scan finished: cross-file checks on a partial index would report
    // definitions that do exist as unknown, for a moment.
    this.publishTimer = setTimeout(() => void this.index.ready().then(() => this.publish()), PUBLISH_DEBOUNCE_MS);
  }

  /** Recomputes the cross-file checks and publishes every file's diagnostics. */
  publish(): void {
    const files = this.index.all();
    const byFile = new Map<string, Diagnostic[]>(files.map((f) => [f.doc.file, [...this.ownDiagnostics(f.doc, f.kind.kind)]]));
    for (const d of this.workspaceDiagnostics(files.map((f) => f.doc))) byFile.get(d.file)?.push(d);
    const entries: Array<[vscode.Uri, vscode.Diagnostic[]]> = files.map((f) => [f.uri, byFile.get(f.doc.file)!.map(toVsDiagnostic)]);
    this.collection.clear();
    this.collection.set(entries);
    this.published.fire();
  }

  /** A file's own checks; a template's are its syntax errors (its resources are checked with the workspace, which knows the parameters). */
  private ownDiagnostics(doc: SourceDocument, kind: IndexedKind['kind']): Diagnostic[] {
    let diags = this.fileDiagnostics.get(doc);
    if (!diags) {
      diags = kind === 'template' ? [...doc.syntaxErrors] : validateDocument(doc, kind);
      this.fileDiagnostics.set(doc, diags);
    }
    return diags;
  }

  private workspaceDiagnostics(docs: SourceDocument[]): Diagnostic[] {
    try {
      return checkWorkspaceRules(Workspace.fromDocuments(docs));
    } catch (err) {
      this.log.error(`cross-file checks failed: ${String(err)}`);
      return [];
    }
  }

  dispose(): void {
    for (const t of this.typingTimers.values()) clearTimeout(t);
    clearTimeout(this.publishTimer);
    for (const d of this.disposables) d.dispose();
  }
}

export function isDefinitionDocument(doc: vscode.TextDocument): boolean {
  return (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled') && kindOfFile(doc.uri.path) !== undefined;
}

/** A file that may be a CloudFormation/CDK template or Terraform JSON, by its name and text. */
export function isTemplateDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && IAC_FILE_PATTERN.test(doc.uri.path) && !kindOfFile(doc.uri.path) && mightBeIac(doc.getText());
}
