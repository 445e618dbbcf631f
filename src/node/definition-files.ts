/**
 * Finds and reads definition files on disk for the CLI (the model itself does no I/O). Directories
 * are searched recursively, skipping node_modules, .git and .localbatch and never following a
 * symlink back into a directory already visited. Reading never throws: unreadable, binary and huge
 * files become diagnostics.
 */
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { ZERO_RANGE, type Diagnostic } from '../model/diagnostics';
import { kindOfFile } from '../model/kinds';
import { FileReadError, readRegularFile } from './read-file';

export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', '.git', '.localbatch']);
/** Larger files are reported, not parsed (a job definition may be at most 24 KiB on AWS). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface FoundFiles {
  /** Absolute paths of definition files, sorted, without duplicates. */
  readonly files: string[];
  /** Problems met while searching (explicit files of unknown kind, unreadable directories). */
  readonly problems: Array<{ path: string; rule: string; message: string }>;
  /** Given paths that do not exist. */
  readonly missing: string[];
}

export async function findDefinitionFiles(paths: readonly string[], cwd: string): Promise<FoundFiles> {
  const found = new Map<string, string>(); // real path -> path as found
  const visitedDirs = new Set<string>();
  const result: FoundFiles = { files: [], problems: [], missing: [] };

  const walk = async (dir: string): Promise<void> => {
    const real = await fs.realpath(dir).catch(() => dir);
    if (visitedDirs.has(real)) return;
    visitedDirs.add(real);
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      result.problems.push({ path: dir, rule: 'unreadable-file', message: `cannot read this directory: ${errorText(err)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let exists = true;
      if (entry.isSymbolicLink()) {
        const stat = await fs.stat(full).catch(() => undefined); // broken links are skipped
        isDir = stat?.isDirectory() ?? false;
        exists = stat !== undefined;
      }
      if (isDir) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) await walk(full);
      } else if (exists && kindOfFile(entry.name)) {
        // FIFOs and devices under a definition name are listed too: reading them reports why not.
        await add(full);
      }
    }
  };
  const add = async (file: string): Promise<void> => {
    const real = await fs.realpath(file).catch(() => file);
    if (!found.has(real)) found.set(real, file);
  };

  for (const given of paths) {
    const abs = path.resolve(cwd, given);
    const stat = await fs.stat(abs).catch(() => undefined);
    if (!stat) result.missing.push(given);
    else if (stat.isDirectory()) await walk(abs);
    else if (kindOfFile(abs)) await add(abs);
    else {
      result.problems.push({
        path: abs,
        rule: 'unknown-file-kind',
        message: 'not a localbatch definition file: expected a name ending in .jobdef, .jobqueue, .computeenv or .workflow plus .json, .yaml or .yml, or localbatch.yaml',
      });
    }
  }
  result.files.push(...[...found.values()].sort());
  return result;
}

/** The text of a definition file, or a diagnostic saying why it cannot be validated. */
export async function readDefinitionFile(abs: string, display: string): Promise<{ text: string } | { problem: Diagnostic }> {
  const problem = (rule: string, message: string) => ({ problem: { file: display, range: ZERO_RANGE, severity: 'error' as const, rule, message } });
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(abs, MAX_FILE_BYTES);
  } catch (err) {
    const e = err instanceof FileReadError ? err : undefined;
    return problem(e?.reason === 'too-large' ? 'file-too-large' : 'unreadable-file', e?.detail ?? `cannot read this file: ${errorText(err)}`);
  }
  if (bytes.includes(0)) return problem('binary-file', 'this is a binary file, not JSON or YAML text');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return problem('binary-file', 'this file is not UTF-8 text');
  }
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

/** A path as shown to the user: relative to cwd, with forward slashes. */
export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs) || path.basename(abs);
  return rel.split(path.sep).join('/');
}

function errorText(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : String(err);
}
