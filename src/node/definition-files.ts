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
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const stat = await fs.stat(full).catch(() => undefined); // broken links are skipped
        isDir = stat?.isDirectory() ?? false;
        isFile = stat?.isFile() ?? false;
      }
      if (isDir && !SKIPPED_DIRECTORIES.has(entry.name)) await walk(full);
      else if (isFile && kindOfFile(entry.name)) await add(full);
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
    const stat = await fs.stat(abs);
    if (stat.size > MAX_FILE_BYTES) return problem('file-too-large', `the file is ${formatBytes(stat.size)}; definition files larger than ${formatBytes(MAX_FILE_BYTES)} are not read`);
    bytes = await fs.readFile(abs);
  } catch (err) {
    return problem('unreadable-file', `cannot read this file: ${errorText(err)}`);
  }
  if (bytes.length > MAX_FILE_BYTES) return problem('file-too-large', `definition files larger than ${formatBytes(MAX_FILE_BYTES)} are not read`);
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

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${n} bytes`;
}

function errorText(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : String(err);
}
