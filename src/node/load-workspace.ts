/**
 * Loads the definitions a command works on from disk: every definition file under a folder, plus
 * the nearest `localbatch.yaml` above it (the workspace root), leaving out the workspaces nested in
 * it (subfolders with their own localbatch.yaml). Parses once, validates everything.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../model/diagnostics';
import { SETTINGS_FILE_NAME } from '../model/kinds';
import { indexAndValidate } from '../model/validation';
import type { Workspace } from '../model/workspace';
import { findDefinitionFiles, readGroups, readSources, type ReadSources } from './definition-files';
import { secretKeys } from './secrets-file';

export interface LoadedWorkspace {
  /** The folder holding `localbatch.yaml`, else the folder searched. */
  readonly root: string;
  readonly workspace: Workspace;
  readonly diagnostics: readonly Diagnostic[];
  /** The workspaces nested in the folder loaded (a folder with its own localbatch.yaml): left out. */
  readonly nested: readonly NestedWorkspace[];
}

export interface NestedWorkspace {
  readonly folder: string;
  /** Its localbatch.yaml (or localbatch.yml). */
  readonly settings: string;
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
  const read = ownWorkspace(await readSources(found, cwd), cwd, root);
  const { workspace, diagnostics } = indexAndValidate(read.sources, { workspaceRoot: root, secretKeys: secretKeys(root) });
  return { root, workspace, diagnostics: [...read.diagnostics, ...diagnostics], nested: read.nested };
}

/**
 * What was read, without the workspaces nested in the folder searched (subfolders with their own
 * localbatch.yaml, see model/workspace-groups.ts): only the root's workspace (the files no
 * localbatch.yaml governs when the root has none).
 */
function ownWorkspace(read: ReadSources, cwd: string, root: string): Pick<ReadSources, 'sources' | 'diagnostics'> & { nested: NestedWorkspace[] } {
  const groups = readGroups(read, cwd);
  const own = groups.find((g) => g.folder === root) ?? groups.find((g) => g.folder === undefined);
  const mine = (file: string) => own?.files.has(file) ?? false;
  const nested = groups.filter((g) => g.folder !== undefined && g.folder !== root).map((g) => ({ folder: g.folder!, settings: g.settings! }));
  return { sources: read.sources.filter((s) => mine(s.path)), diagnostics: read.diagnostics.filter((d) => mine(d.file)), nested };
}
