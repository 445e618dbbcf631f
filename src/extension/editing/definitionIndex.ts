/**
 * Every definition file of the workspace, parsed: open documents from their live text, the others
 * from disk. Kept current from document edits (debounced by the caller) and a file watcher, and used
 * by diagnostics, completion, the Definitions view and runs.
 */
import * as vscode from 'vscode';
import { SourceDocument } from '../../model/document';
import { kindOfFile, type FileKind } from '../../model/kinds';
import { MAX_FILE_BYTES } from '../../node/definition-files';
import { FileReadError, readRegularFile } from '../../node/read-file';

export const DEFINITION_GLOBS = ['**/*.{jobdef,jobqueue,computeenv,workflow}.{json,yaml,yml}', '**/localbatch.{yaml,yml}'];
export const EXCLUDE_GLOB = '**/{node_modules,.git,.localbatch}/**';
const MAX_FILES = 5000;

export interface IndexedFile {
  readonly uri: vscode.Uri;
  readonly kind: FileKind;
  /** Parsed with `file` set to the workspace-relative path, which is what messages show. */
  readonly doc: SourceDocument;
}

export class DefinitionIndex implements vscode.Disposable {
  private readonly files = new Map<string, IndexedFile>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private loaded: Promise<void> | undefined;
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    for (const glob of DEFINITION_GLOBS) {
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

  get(uri: vscode.Uri): IndexedFile | undefined {
    return this.files.get(uri.toString());
  }

  /** Uri of a document by the relative path its diagnostics carry. */
  uriOf(file: string): vscode.Uri | undefined {
    return this.all().find((f) => f.doc.file === file)?.uri;
  }

  /** Replaces a file's entry with this text (an open document's live content). */
  update(uri: vscode.Uri, text: string): IndexedFile | undefined {
    const kind = kindOfFile(uri.path);
    if (!kind || isExcluded(uri)) return undefined;
    const entry: IndexedFile = { uri, kind, doc: SourceDocument.parse(vscode.workspace.asRelativePath(uri), text, kind.format) };
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
      this.update(uri, new TextDecoder().decode(await readDefinitionBytes(uri)));
    } catch (err) {
      // A FIFO, a device, a directory or a huge file under a definition name is skipped, not read.
      if (err instanceof FileReadError) this.log.warn(`not indexed: ${err.message}`);
      this.remove(uri);
    }
  }

  private async scan(): Promise<void> {
    const found = await Promise.all(DEFINITION_GLOBS.map((g) => vscode.workspace.findFiles(g, EXCLUDE_GLOB, MAX_FILES)));
    const uris = found.flat();
    await Promise.all(uris.map((u) => this.reload(u)));
    this.log.info(`indexed ${this.files.size} definition file(s)`);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** A definition file's bytes: only a regular file, at most MAX_FILE_BYTES (local files never block on a FIFO). */
async function readDefinitionBytes(uri: vscode.Uri): Promise<Uint8Array> {
  if (uri.scheme === 'file') return readRegularFile(uri.fsPath, MAX_FILE_BYTES);
  const stat = await vscode.workspace.fs.stat(uri);
  if ((stat.type & vscode.FileType.File) === 0) throw new FileReadError(uri.toString(), 'not-regular', 'this is not a regular file; only regular files are read');
  if (stat.size > MAX_FILE_BYTES) throw new FileReadError(uri.toString(), 'too-large', `the file is too large to read (limit ${MAX_FILE_BYTES} bytes)`);
  return vscode.workspace.fs.readFile(uri);
}

function isExcluded(uri: vscode.Uri): boolean {
  return /\/(node_modules|\.git|\.localbatch)\//.test(uri.path);
}
