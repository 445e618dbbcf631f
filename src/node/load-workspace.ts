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
import { workspaceGroups } from '../model/workspace-groups';
import { findDefinitionFiles, readSources, type ReadSources } from './definition-files';
import { secretKeys } from './secrets-file';

export interface LoadedWorkspace {
  /** The folder holding `localbatch.yaml`, else the folder searched. */
  readonly root: string;
  readonly workspace: Workspace;
  readonly diagnostics: readonly Diagnostic[];
  /** The folders of the workspaces nested in the folder loaded (their own localbatch.yaml): left out. */
  readonly nested: readonly string[];
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
  const read = ownWorkspace(await readSources(found, cwd), cwd, existsSync(settingsFile) ? settingsFile : undefined);
  const { workspace, diagnostics } = indexAndValidate(read.sources, { workspaceRoot: root, secretKeys: secretKeys(root) });
  return { root, workspace, diagnostics: [...read.diagnostics, ...diagnostics], nested: read.nested };
}

/**
 * What was read, without the workspaces nested in the folder searched (subfolders with their own
 * localbatch.yaml, see model/workspace-groups.ts): only `settingsFile`'s group (the files no
 * localbatch.yaml governs when there is none).
 */
function ownWorkspace(read: ReadSources, cwd: string, settingsFile: string | undefined): Pick<ReadSources, 'sources' | 'diagnostics'> & { nested: string[] } {
  const abs = (display: string) => path.resolve(cwd, display).split(path.sep).join('/');
  const files = [...new Set([...read.sources.map((s) => abs(s.path)), ...read.diagnostics.map((d) => abs(d.file))])];
  const listed = new Map([...read.listedTemplates].map(([s, ts]) => [abs(s), ts.map(abs)]));
  const groups = workspaceGroups(files, listed);
  const mine = settingsFile && abs(settingsFile);
  const own = new Set(groups.find((g) => g.settings === mine)?.files ?? []);
  const nested = groups.filter((g) => g.settings !== undefined && g.settings !== mine).map((g) => path.dirname(path.resolve(g.settings!)));
  return { sources: read.sources.filter((s) => own.has(abs(s.path))), diagnostics: read.diagnostics.filter((d) => own.has(abs(d.file))), nested };
}
