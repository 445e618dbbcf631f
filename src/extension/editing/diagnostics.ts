/**
 * Validation as you type: each definition file's own checks plus the cross-file checks over the
 * whole workspace index, published to the Problems panel under the source `localbatch`. One
 * diagnostic per mistake: the package contributes no JSON schemas to VS Code (which would report
 * each schema mistake again), and in JSON files VS Code's own JSON language already reports syntax
 * errors, so ours are kept (for counts and the CLI) but not published there.
 */
import * as vscode from 'vscode';
import type { Diagnostic } from '../../model/diagnostics';
import type { SourceDocument } from '../../model/document';
import { kindOfFile } from '../../model/kinds';
import type { WorkspaceCheckOptions } from '../../model/validation/workspace-rules/context';
import { elsewhereIn, uniqueDiagnostics } from '../../model/workspace-groups';
import { loadEditingEngine, type EditingEngine } from '../lazy';
import { toVsDiagnostic } from './convert';
import type { DefinitionIndex, IndexedKind } from './definitionIndex';
import { IAC_FILE_PATTERN, mightBeIac } from '../../model/iac/detect';

export const TYPING_DEBOUNCE_MS = 300;
const PUBLISH_DEBOUNCE_MS = 50;

export class DefinitionDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('localbatch');
  private readonly fileDiagnostics = new WeakMap<SourceDocument, Diagnostic[]>();
  /** Every file's diagnostics in the model's shape (with suggestions), by uri. */
  private readonly modelDiagnostics = new Map<string, readonly Diagnostic[]>();
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
    // Parsed just after activation, not during it (the parsers are loaded on first use).
    for (const d of vscode.workspace.textDocuments) this.documentChanged(d, 1);
    void index.ready().then(() => this.schedulePublish());
  }

  /** Diagnostics of one file, as published (for tests). */
  get(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  /** Every diagnostic of one file in the model's shape, also those VS Code reports itself (for counts and quick fixes). */
  model(uri: vscode.Uri): readonly Diagnostic[] {
    return this.modelDiagnostics.get(uri.toString()) ?? [];
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
  async publish(): Promise<void> {
    const engine = await loadEditingEngine();
    const files = this.index.all();
    const byFile = new Map<string, Diagnostic[]>(files.map((f) => [f.doc.file, [...this.ownDiagnostics(engine, f.doc, f.kind.kind)]]));
    // Each workspace (a folder can hold several, each with its localbatch.yaml) is checked on its own.
    const groups = this.index.groups();
    const perGroup = groups.map((group, i) => {
      // A reference unknown here that another workspace defines says so (read only then).
      const others = groups.filter((_, j) => j !== i).map((g) => () => this.index.workspaceOfGroup(g));
      return this.workspaceDiagnostics(engine, group.map((f) => f.doc), groups.length > 1 ? { elsewhere: elsewhereIn(others) } : {});
    });
    for (const d of uniqueDiagnostics(perGroup)) byFile.get(d.file)?.push(d);
    const jsonSyntaxShown = vscode.workspace.getConfiguration('json').get<boolean>('validate.enable', true);
    this.modelDiagnostics.clear();
    for (const f of files) this.modelDiagnostics.set(f.uri.toString(), byFile.get(f.doc.file)!);
    const entries: Array<[vscode.Uri, vscode.Diagnostic[]]> = files.map((f) => [
      f.uri,
      byFile.get(f.doc.file)!.filter((d) => !(jsonSyntaxShown && f.kind.format === 'json' && isJsonParseError(d))).map(toVsDiagnostic),
    ]);
    this.collection.clear();
    this.collection.set(entries);
    this.published.fire();
  }

  /** A file's own checks; a template's are its syntax errors (its resources are checked with the workspace, which knows the parameters). */
  private ownDiagnostics(engine: EditingEngine, doc: SourceDocument, kind: IndexedKind['kind']): Diagnostic[] {
    let diags = this.fileDiagnostics.get(doc);
    if (!diags) {
      diags = kind === 'template' ? [...doc.syntaxErrors] : engine.validateDocument(doc, kind);
      this.fileDiagnostics.set(doc, diags);
    }
    return diags;
  }

  private workspaceDiagnostics(engine: EditingEngine, docs: SourceDocument[], options: WorkspaceCheckOptions): Diagnostic[] {
    try {
      return engine.checkWorkspaceRules(engine.Workspace.fromDocuments(docs), options);
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

/** A JSON parse error, which VS Code's JSON language reports at the same spot. */
function isJsonParseError(d: Diagnostic): boolean {
  return d.rule === 'syntax' && /^JSON syntax error:/.test(d.message);
}

export function isDefinitionDocument(doc: vscode.TextDocument): boolean {
  return (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled') && kindOfFile(doc.uri.path) !== undefined;
}

/** A file that may be a CloudFormation/CDK template or Terraform JSON, by its name and text. */
export function isTemplateDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && IAC_FILE_PATTERN.test(doc.uri.path) && !kindOfFile(doc.uri.path) && mightBeIac(doc.getText());
}
