/**
 * A folder can hold several localbatch workspaces (a monorepo: `services/a/localbatch.yaml`,
 * `services/b/localbatch.yaml`). Each file belongs to the workspace of the nearest `localbatch.yaml`
 * (or `localbatch.yml`) above it, and a template a `localbatch.yaml` lists under `templates:` belongs
 * to that one's workspace wherever it sits; files with no `localbatch.yaml` above them form one group
 * of their own. Definitions are checked and run within their group only: two workspaces may both
 * define a `worker`, and each workflow resolves to its own. Pure: paths are '/'-separated, all in one
 * form (absolute, or relative to the same folder without `..`).
 */
import type { Diagnostic } from './diagnostics';
import { isUnder, normalizePosix } from './host-access';
import { kindOfFile, SETTINGS_FILE_NAME } from './kinds';
import type { WorkspaceCheckOptions } from './validation/workspace-rules/context';
import { asArr, asStr, prop } from './values';
import type { Workspace } from './workspace';

export interface WorkspaceGroup {
  /** The folder of the group's localbatch.yaml (in the files' form, '' for a relative top); undefined for the files none governs. */
  readonly folder?: string;
  /** The group's localbatch.yaml (`localbatch.yaml` before `localbatch.yml` when a folder has both). */
  readonly settings?: string;
  /** Its files, its settings files included, in the order given. */
  readonly files: string[];
}

/** A relative path as an absolute one under `/`. */
const asAbsolute = (p: string): string => (p.startsWith('/') ? p : `/${p}`);

/** The folder of a path, as an absolute one (`/` for a relative path's top). */
const folderOf = (p: string): string => {
  const abs = asAbsolute(p);
  return abs.slice(0, abs.lastIndexOf('/')) || '/';
};

/**
 * Splits `files` by workspace. `listed` maps a settings file to the templates it lists (same path
 * form); a listed template joins each workspace that lists it. Without a localbatch.yaml, one group.
 */
export function workspaceGroups(files: readonly string[], listed: ReadonlyMap<string, readonly string[]> = new Map()): WorkspaceGroup[] {
  const settingsFiles = files.filter((f) => kindOfFile(f)?.kind === 'settings');
  // One workspace per folder; its settings file is localbatch.yaml when the folder has both names.
  const byFolder = new Map<string, { settings: string; files: string[] }>();
  for (const s of settingsFiles) {
    const group = byFolder.get(folderOf(s));
    if (!group || s.endsWith(`/${SETTINGS_FILE_NAME}`) || s === SETTINGS_FILE_NAME) byFolder.set(folderOf(s), { settings: s, files: [] });
  }
  // Deepest folder first, so the first one above a path is the nearest.
  const folders = [...byFolder.keys()].sort((a, b) => b.length - a.length);
  const listedBy = new Map<string, string[]>();
  for (const s of settingsFiles) {
    const folder = folderOf(s);
    for (const t of listed.get(s) ?? []) if (!listedBy.get(t)?.includes(folder)) listedBy.set(t, [...(listedBy.get(t) ?? []), folder]);
  }
  const loose: string[] = [];
  for (const file of files) {
    const owners = kindOfFile(file)?.kind === 'settings' ? [folderOf(file)] : listedBy.get(file) ?? [folders.find((d) => isUnder(asAbsolute(file), d))];
    for (const owner of owners) (owner === undefined ? loose : byFolder.get(owner)!.files).push(file);
  }
  const groups: WorkspaceGroup[] = [...byFolder].map(([folder, g]) => ({
    folder: files[0].startsWith('/') ? folder : folder.slice(1),
    settings: g.settings,
    files: g.files,
  }));
  return loose.length > 0 ? [...groups, { files: loose }] : groups;
}

/**
 * The templates a localbatch.yaml's `templates:` lists, as paths in the settings file's own form
 * (its folder joined with each entry, `.` and `..` resolved). For the editor, whose files are paths
 * relative to the workspace folder (an entry that leads out of it, or an absolute one, names no file
 * there and is left out); the CLI resolves them on disk.
 */
export function listedTemplates(settingsFile: string, settings: unknown): string[] {
  const relative = !settingsFile.startsWith('/');
  // The relative form is resolved under a marker folder, so that a path leading out of the top shows.
  const top = '/\0top';
  const folder = folderOf(settingsFile);
  const base = relative ? `${top}${folder}` : folder;
  const out: string[] = [];
  for (const entry of asArr(prop(settings, 'templates')) ?? []) {
    const rel = asStr(entry);
    if (!rel) continue;
    const resolved = normalizePosix(rel, base);
    if (!relative) out.push(resolved);
    else if (resolved.startsWith(`${top}/`)) out.push(resolved.slice(top.length + 1));
  }
  return out;
}

/** The diagnostics of several groups' checks, a problem of a file two groups share (a listed template) once. */
export function uniqueDiagnostics(lists: Iterable<readonly Diagnostic[]>): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const list of lists) {
    for (const d of list) {
      const key = JSON.stringify([d.file, d.range, d.rule, d.message]);
      if (!seen.has(key)) out.push(d);
      seen.add(key);
    }
  }
  return out;
}

/**
 * The `elsewhere` check option of one workspace among several: the file of the first of the `others`
 * (read only when a name is unknown here) that defines the name.
 */
export function elsewhereIn(others: ReadonlyArray<() => Workspace>): NonNullable<WorkspaceCheckOptions['elsewhere']> {
  return (kind, name) => {
    for (const workspace of others) {
      const ws = workspace();
      const entry = kind === 'jobDefinition' ? ws.jobDefinition(name) : kind === 'jobQueue' ? ws.jobQueue(name) : ws.computeEnvironment(name);
      if (entry) return entry.doc.file;
    }
    return undefined;
  };
}
