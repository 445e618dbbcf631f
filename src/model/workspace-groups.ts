/**
 * A folder can hold several localbatch workspaces (a monorepo: `services/a/localbatch.yaml`,
 * `services/b/localbatch.yaml`). Each file belongs to the workspace of the nearest `localbatch.yaml`
 * above it, and a template a `localbatch.yaml` lists under `templates:` belongs to that one's
 * workspace wherever it sits; files with no `localbatch.yaml` above them form one group of their own.
 * Definitions are checked and run within their group only: two workspaces may both define a `worker`,
 * and each workflow resolves to its own. Pure: paths are '/'-separated, all in one form (absolute, or
 * relative to the same folder without `..`).
 */
import type { Diagnostic } from './diagnostics';
import { kindOfFile } from './kinds';
import { asArr, asStr, prop } from './values';

export interface WorkspaceGroup {
  /** The group's localbatch.yaml; undefined for the files no localbatch.yaml governs. */
  readonly settings?: string;
  /** Its files, the settings file included, in the order given. */
  readonly files: string[];
}

const dirOf = (p: string): string => {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
};

const isUnder = (file: string, dir: string): boolean => dir === '' || dir === '.' || file.startsWith(`${dir}/`);

/**
 * Splits `files` by workspace. `listed` maps a settings file to the templates it lists (same path
 * form); a listed template joins each settings file that lists it. Without a localbatch.yaml, one group.
 */
export function workspaceGroups(files: readonly string[], listed: ReadonlyMap<string, readonly string[]> = new Map()): WorkspaceGroup[] {
  const settings = files.filter((f) => kindOfFile(f)?.kind === 'settings');
  if (settings.length === 0) return files.length === 0 ? [] : [{ files: [...files] }];
  // Deepest folder first, so the first settings file above a path is the nearest.
  const byDepth = [...settings].sort((a, b) => dirOf(b).length - dirOf(a).length);
  const groups = new Map<string | undefined, string[]>(settings.map((s) => [s, []]));
  const listedBy = new Map<string, string[]>();
  for (const s of settings) {
    for (const t of listed.get(s) ?? []) listedBy.set(t, [...(listedBy.get(t) ?? []), s]);
  }
  for (const file of files) {
    const owners = settings.includes(file) ? [file] : listedBy.get(file) ?? [byDepth.find((s) => isUnder(file, dirOf(s)))];
    for (const owner of owners) {
      if (!groups.has(owner)) groups.set(owner, []);
      groups.get(owner)!.push(file);
    }
  }
  return [...groups].filter(([, members]) => members.length > 0).map(([s, members]) => ({ settings: s, files: members }));
}

/**
 * The templates a localbatch.yaml's `templates:` lists, as paths in the settings file's own form
 * (its folder joined with each entry, `.` and `..` resolved). For the editor, whose files are paths
 * relative to the workspace folder; the CLI resolves them on disk.
 */
export function listedTemplates(settingsFile: string, settings: unknown): string[] {
  const out: string[] = [];
  for (const entry of asArr(prop(settings, 'templates')) ?? []) {
    const rel = asStr(entry);
    if (!rel) continue;
    const parts: string[] = [];
    for (const part of `${rel.startsWith('/') ? '' : dirOf(settingsFile)}/${rel}`.split('/')) {
      if (part === '..') parts.pop();
      else if (part !== '.' && part !== '') parts.push(part);
    }
    out.push((settingsFile.startsWith('/') || rel.startsWith('/') ? '/' : '') + parts.join('/'));
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
