/**
 * Every definition file of the workspace, parsed: open documents from their live text, the others
 * from disk. Kept current from document edits (debounced by the caller) and a file watcher, and used
 * by diagnostics, completion, the Definitions view and runs.
 */
import * as vscode from 'vscode';
import { SourceDocument } from '../../model/document';
// Not '../../model/iac': its readers (and the JSON Schemas) load with the editing engine, not at activation.
import { IAC_FILE_PATTERN, mightBeIac } from '../../model/iac/detect';
import { parseTemplateDocument } from '../../model/iac/template-document';
import { kindOfFile, type FileKind, type SourceFormat } from '../../model/kinds';
import { Workspace } from '../../model/workspace';
import { listedTemplates, workspaceGroups } from '../../model/workspace-groups';
import { MAX_FILE_BYTES } from '../../node/definition-files';
import { FileReadError, readRegularFile } from '../../node/read-file';

export const DEFINITION_GLOBS = ['**/*.{jobdef,jobqueue,computeenv,workflow,asl}.{json,yaml,yml}', '**/localbatch.{yaml,yml}'];
/** Files that may be CloudFormation/CDK templates or Terraform JSON (cdk.out included): kept when their content says so. */
export const TEMPLATE_GLOB = '**/*.{json,yaml,yml,template}';
/** Larger candidates are not read as templates. */
const MAX_TEMPLATE_BYTES = 5 * 1024 * 1024;
export const EXCLUDE_GLOB = '**/{node_modules,.git,.localbatch}/**';
const MAX_FILES = 5000;

/** A definition file by its name, or a template (or Terraform JSON) by its content. */
export type IndexedKind = FileKind | { readonly kind: 'template'; readonly format: SourceFormat };

export interface IndexedFile {
  readonly uri: vscode.Uri;
  readonly kind: IndexedKind;
  /** Parsed with `file` set to the workspace-relative path, which is what messages show. */
  readonly doc: SourceDocument;
}

export class DefinitionIndex implements vscode.Disposable {
  private readonly files = new Map<string, IndexedFile>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private loaded: Promise<void> | undefined;
  private workspaceCache: Workspace | undefined;
  private groupsCache: { groups: IndexedFile[][]; groupOf: Map<string, IndexedFile[]>; workspaces: Map<IndexedFile[], Workspace> } | undefined;
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(this.changed.event(() => {
      this.workspaceCache = undefined;
      this.groupsCache = undefined;
    }));
    for (const glob of [...DEFINITION_GLOBS, TEMPLATE_GLOB]) {
      const watcher = vscode.workspace.createFileSystemWatcher(glob);
      this.disposables.push(
        watcher,
        watcher.onDidCreate((uri) => void this.reload(uri)),
        watcher.onDidChange((uri) => void this.reload(uri)),
        watcher.onDidDelete((uri) => this.remove(uri)),
      );
    }
  }

  /** Scans the workspace once; later calls wait for the same scan. */
  ready(): Promise<void> {
    return (this.loaded ??= this.scan());
  }

  all(): IndexedFile[] {
    return [...this.files.values()].sort((a, b) => (a.doc.file < b.doc.file ? -1 : a.doc.file > b.doc.file ? 1 : 0));
  }

  /** The workspace model of every indexed file (templates read with the settings), rebuilt after a change. */
  workspace(): Workspace {
    return (this.workspaceCache ??= Workspace.fromDocuments(this.all().map((f) => f.doc)));
  }

  /**
   * The indexed files by workspace: a folder holding several localbatch.yaml is several workspaces,
   * each file in the one of the nearest localbatch.yaml above it (model/workspace-groups.ts).
   */
  groups(): IndexedFile[][] {
    if (!this.groupsCache) {
      const files = this.all();
      const byFile = new Map(files.map((f) => [f.doc.file, f]));
      const listed = new Map(files.filter((f) => f.kind.kind === 'settings').map((f) => [f.doc.file, listedTemplates(f.doc.file, f.doc.value)]));
      const groups = workspaceGroups(files.map((f) => f.doc.file), listed).map((g) => g.files.map((f) => byFile.get(f)!));
      const groupOf = new Map<string, IndexedFile[]>();
      for (const g of groups) for (const f of g) if (!groupOf.has(f.doc.file)) groupOf.set(f.doc.file, g);
      this.groupsCache = { groups, groupOf, workspaces: new Map() };
    }
    return this.groupsCache.groups;
  }

  /** The workspace model of the files `file` (a workspace-relative path) is checked and run with: its group's. */
  workspaceOf(file: string): Workspace {
    const groups = this.groups();
    if (groups.length <= 1) return this.workspace();
    const group = this.groupsCache!.groupOf.get(file);
    return group ? this.workspaceOfGroup(group) : this.workspace();
  }

  /** The workspace model of one of `groups()`, cached until the next change. */
  workspaceOfGroup(group: IndexedFile[]): Workspace {
    const cache = this.groups().length > 1 ? this.groupsCache!.workspaces : undefined;
    if (!cache) return this.workspace();
    let ws = cache.get(group);
    if (!ws) cache.set(group, (ws = Workspace.fromDocuments(group.map((f) => f.doc))));
    return ws;
  }

  get(uri: vscode.Uri): IndexedFile | undefined {
    return this.files.get(uri.toString());
  }

  /** Uri of a document by the relative path its diagnostics carry. */
  uriOf(file: string): vscode.Uri | undefined {
    return this.all().find((f) => f.doc.file === file)?.uri;
  }

  /**
   * Replaces a file's entry with this text (an open document's live content). A file of no
   * definition kind is kept as a template while its text mentions AWS Batch resource types.
   */
  update(uri: vscode.Uri, text: string): IndexedFile | undefined {
    if (isExcluded(uri)) return undefined;
    const kind = kindOfFile(uri.path);
    const file = vscode.workspace.asRelativePath(uri);
    let entry: IndexedFile | undefined;
    if (kind) entry = { uri, kind, doc: SourceDocument.parse(file, text, kind.format) };
    else if (IAC_FILE_PATTERN.test(uri.path) && mightBeIac(text)) {
      const doc = parseTemplateDocument(file, text);
      entry = { uri, kind: { kind: 'template', format: doc.format }, doc };
    }
    if (!entry) {
      this.remove(uri);
      return undefined;
    }
    this.files.set(uri.toString(), entry);
    this.changed.fire();
    return entry;
  }

  remove(uri: vscode.Uri): void {
    if (this.files.delete(uri.toString())) this.changed.fire();
  }

  /** Re-reads a file: from its open document when there is one, else from disk. */
  async reload(uri: vscode.Uri): Promise<void> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) {
      this.update(uri, open.getText());
      return;
    }
    try {
      // Templates are found by content, so only files of a template's size are read.
      const limit = kindOfFile(uri.path) ? MAX_FILE_BYTES : Math.min(MAX_FILE_BYTES, MAX_TEMPLATE_BYTES);
      this.update(uri, new TextDecoder().decode(await readDefinitionBytes(uri, limit)));
    } catch (err) {
      // A FIFO, a device, a directory or a huge file under a definition name is skipped, not read.
      if (err instanceof FileReadError && kindOfFile(uri.path)) this.log.warn(`not indexed: ${err.message}`);
      this.remove(uri);
    }
  }

  private async scan(): Promise<void> {
    const uris = await findCandidates();
    await Promise.all(uris.map((u) => this.reload(u)));
    const templates = this.all().filter((f) => f.kind.kind === 'template').length;
    this.log.info(`indexed ${this.files.size - templates} definition file(s) and ${templates} template(s)`);
  }

  /**
   * Reads the workspace's files again (a Refresh of the Definitions view): a file the watcher missed
   * is added (VS Code's watcher can miss files written into a folder just created, as a checkout
   * or a copy does), one gone without an event is dropped. Open documents keep their live text.
   */
  async rescan(): Promise<void> {
    await this.ready();
    const uris = await findCandidates();
    const found = new Set(uris.map((u) => u.toString()));
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    for (const f of this.all()) if (f.uri.scheme === 'file' && !found.has(f.uri.toString()) && !open.has(f.uri.toString())) this.remove(f.uri);
    await Promise.all(uris.map((u) => this.reload(u)));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The workspace files that may be definition files or templates. */
async function findCandidates(): Promise<vscode.Uri[]> {
  const found = await Promise.all([...DEFINITION_GLOBS, TEMPLATE_GLOB].map((g) => vscode.workspace.findFiles(g, EXCLUDE_GLOB, MAX_FILES)));
  return found.flat();
}

/** A definition file's bytes: only a regular file, at most MAX_FILE_BYTES (local files never block on a FIFO). */
async function readDefinitionBytes(uri: vscode.Uri, limit = MAX_FILE_BYTES): Promise<Uint8Array> {
  if (uri.scheme === 'file') return readRegularFile(uri.fsPath, limit);
  const stat = await vscode.workspace.fs.stat(uri);
  if ((stat.type & vscode.FileType.File) === 0) throw new FileReadError(uri.toString(), 'not-regular', 'this is not a regular file; only regular files are read');
  if (stat.size > limit) throw new FileReadError(uri.toString(), 'too-large', `the file is too large to read (limit ${limit} bytes)`);
  return vscode.workspace.fs.readFile(uri);
}

function isExcluded(uri: vscode.Uri): boolean {
  return /\/(node_modules|\.git|\.localbatch)\//.test(uri.path);
}
