/**
 * Loads the definitions a command works on from disk: every definition file under a folder, plus
 * the nearest `localbatch.yaml` above it (the workspace root). Parses once, validates everything.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../model/diagnostics';
import { SETTINGS_FILE_NAME } from '../model/kinds';
import { indexAndValidate } from '../model/validation';
import type { Workspace } from '../model/workspace';
import { findDefinitionFiles, readSources } from './definition-files';
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
  const read = await readSources(found, cwd);
  const { workspace, diagnostics } = indexAndValidate(read.sources, { workspaceRoot: root, secretKeys: secretKeys(root) });
  return { root, workspace, diagnostics: [...read.diagnostics, ...diagnostics] };
}
