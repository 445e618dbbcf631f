/**
 * Loads the definitions a command works on from disk: every definition file under a folder, plus
 * the nearest `localbatch.yaml` above it (the workspace root). Parses once, validates everything.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../model/diagnostics';
import { SourceDocument } from '../model/document';
import { kindOfFile, SETTINGS_FILE_NAME } from '../model/kinds';
import { validateWorkspace, type DefinitionSource } from '../model/validation';
import { Workspace } from '../model/workspace';
import { displayPath, findDefinitionFiles, readDefinitionFile } from './definition-files';
import { secretKeys } from './secrets-file';

export interface LoadedWorkspace {
  /** The folder holding `localbatch.yaml`, else the folder searched. */
  readonly root: string;
  readonly workspace: Workspace;
  readonly diagnostics: readonly Diagnostic[];
}

/** The nearest ancestor of `dir` (itself included) holding localbatch.yaml, stopping at a .git folder. */
export function findWorkspaceRoot(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, SETTINGS_FILE_NAME))) return d;
    if (existsSync(path.join(d, '.git')) || path.dirname(d) === d) return undefined;
  }
}

export async function loadWorkspace(folder: string, cwd: string): Promise<LoadedWorkspace> {
  const root = findWorkspaceRoot(folder) ?? path.resolve(folder);
  const searched = [folder];
  const settingsFile = path.join(root, SETTINGS_FILE_NAME);
  if (path.resolve(folder) !== root && existsSync(settingsFile)) searched.push(settingsFile);
  const found = await findDefinitionFiles(searched, cwd);
  const diagnostics: Diagnostic[] = [];
  const sources: DefinitionSource[] = [];
  for (const abs of found.files) {
    const display = displayPath(abs, cwd);
    const read = await readDefinitionFile(abs, display);
    if ('problem' in read) diagnostics.push(read.problem);
    else sources.push({ path: display, text: read.text });
  }
  diagnostics.push(...validateWorkspace(sources, { workspaceRoot: root, secretKeys: secretKeys(root) }));
  const docs = sources.map((s) => SourceDocument.parse(s.path, s.text, kindOfFile(s.path)!.format));
  return { root, workspace: Workspace.fromDocuments(docs), diagnostics };
}
