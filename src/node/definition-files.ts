/**
 * Finds and reads definition files on disk for the CLI (the model itself does no I/O). Directories
 * are searched recursively, skipping node_modules, .git and .localbatch and never following a
 * symlink back into a directory already visited. Reading never throws: unreadable, binary and huge
 * files become diagnostics.
 */
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { ZERO_RANGE, type Diagnostic } from '../model/diagnostics';
import { SourceDocument } from '../model/document';
import { IAC_FILE_PATTERN, mightBeIac, parseTemplateDocument, readIac } from '../model/iac';
import { kindOfFile } from '../model/kinds';
import { readTemplateStateMachines } from '../model/asl/templates';
import { FileReadError, readRegularFile } from './read-file';
import type { DefinitionSource } from '../model/validation';
import { asArr, asStr, prop } from '../model/values';
import { workspaceGroups } from '../model/workspace-groups';

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
  /**
   * Other JSON/YAML files (`.json`, `.yaml`, `.yml`, `.template`), which may be CloudFormation/CDK
   * templates or Terraform JSON: that is decided by their content.
   */
  readonly candidates: string[];
  /** Candidates given by path (not found in a folder): not being a template is then a problem. */
  readonly explicit: Set<string>;
}

export async function findDefinitionFiles(paths: readonly string[], cwd: string): Promise<FoundFiles> {
  const found = new Map<string, string>(); // real path -> path as found
  const visitedDirs = new Set<string>();
  const candidates = new Map<string, string>();
  const result: FoundFiles = { files: [], problems: [], missing: [], candidates: [], explicit: new Set() };

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
      } else if (exists && IAC_FILE_PATTERN.test(entry.name)) {
        // Maybe a CloudFormation/CDK template or Terraform JSON: read and kept only if it holds Batch resources.
        await addCandidate(full);
      }
    }
  };
  const addCandidate = async (file: string): Promise<void> => {
    const real = await fs.realpath(file).catch(() => file);
    if (!candidates.has(real)) candidates.set(real, file);
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
      await addCandidate(abs);
      result.explicit.add(abs);
    }
  }
  result.files.push(...[...found.values()].sort());
  result.candidates.push(...[...candidates.values()].filter((c) => !found.has(c)).sort());
  return result;
}

const UNKNOWN_KIND_MESSAGE = 'not a localbatch definition file: expected a name ending in .jobdef, .jobqueue, .computeenv, .workflow or .asl plus .json, .yaml or .yml, localbatch.yaml, or a CloudFormation/CDK template or Terraform show -json file with AWS Batch resources or state machines';

export interface ReadSources {
  readonly sources: DefinitionSource[];
  /** Display paths of the definition files and templates read. */
  readonly files: string[];
  readonly diagnostics: Diagnostic[];
  /** Display path of each localbatch.yaml read → display paths of the templates it lists that exist. */
  readonly listedTemplates: Map<string, string[]>;
}

/**
 * Reads what `findDefinitionFiles` found: definition files, candidates that turn out to be templates
 * (by content), and the templates a localbatch.yaml among them lists under `templates:` (relative to
 * it, found even in folders the search skips). Never throws.
 */
export async function readSources(found: FoundFiles, cwd: string): Promise<ReadSources> {
  const out: ReadSources = { sources: [], files: [], diagnostics: [], listedTemplates: new Map() };
  const seen = new Set<string>();
  const listed = new Set<string>();
  for (const abs of found.files) {
    const display = displayPath(abs, cwd);
    seen.add(path.resolve(abs));
    out.files.push(display);
    const read = await readDefinitionFile(abs, display);
    if ('problem' in read) {
      out.diagnostics.push(read.problem);
      continue;
    }
    out.sources.push({ path: display, text: read.text });
    if (kindOfFile(abs)?.kind === 'settings') {
      const settings = SourceDocument.parse(display, read.text, 'yaml');
      for (const [i, entry] of (asArr(prop(settings.value, 'templates')) ?? []).entries()) {
        const rel = asStr(entry);
        if (!rel) continue;
        const target = path.resolve(path.dirname(abs), rel);
        const stat = await fs.stat(target).catch(() => undefined);
        if (!stat?.isFile()) {
          out.diagnostics.push({ file: display, range: settings.rangeOf(['templates', i]), severity: 'error', rule: 'template-not-found', message: `the template '${rel}' does not exist (paths are relative to this file)` });
          continue;
        }
        listed.add(target);
        out.listedTemplates.set(display, [...(out.listedTemplates.get(display) ?? []), displayPath(target, cwd)]);
      }
      // The images it builds: their context folder and Dockerfile must exist (run would stop there).
      for (const [i, entry] of (asArr(prop(settings.value, 'images')) ?? []).entries()) {
        const context = asStr(prop(entry, 'context'));
        if (context === undefined) continue;
        const folder = path.resolve(path.dirname(abs), context);
        const dockerfile = asStr(prop(entry, 'dockerfile')) ?? 'Dockerfile';
        const where = (key: string) => settings.rangeOf(['images', i, key]);
        if (!(await fs.stat(folder).catch(() => undefined))?.isDirectory()) {
          out.diagnostics.push({ file: display, range: where('context'), severity: 'error', rule: 'image-context-not-found', message: `the build context '${context}' is not a folder (paths are relative to this file)` });
        } else if (!(await fs.stat(path.resolve(folder, dockerfile)).catch(() => undefined))?.isFile()) {
          out.diagnostics.push({ file: display, range: prop(entry, 'dockerfile') !== undefined ? where('dockerfile') : where('context'), severity: 'error', rule: 'image-context-not-found', message: `the Dockerfile '${dockerfile}' is not in the build context '${context}'` });
        }
      }
    }
  }
  const candidates = [...new Set([...found.candidates.map((c) => path.resolve(c)), ...listed])].filter((c) => !seen.has(c)).sort();
  for (const abs of candidates) {
    const display = displayPath(abs, cwd);
    const explicit = found.explicit.has(abs) || listed.has(abs);
    const read = await readDefinitionFile(abs, display);
    if ('problem' in read) {
      if (explicit) out.diagnostics.push(read.problem);
      continue;
    }
    const isIac = mightBeIac(read.text) && (!explicit || isIacText(display, read.text));
    if (!isIac) {
      if (explicit) out.diagnostics.push({ file: display, range: ZERO_RANGE, severity: 'error', rule: 'unknown-file-kind', message: UNKNOWN_KIND_MESSAGE });
      continue;
    }
    out.files.push(display);
    out.sources.push({ path: display, text: read.text });
  }
  out.files.sort();
  return out;
}

/** Whether the text parses as a template or Terraform JSON with Batch resources (a syntax error counts: it is reported). */
function isIacText(display: string, text: string): boolean {
  const doc = parseTemplateDocument(display, text);
  return doc.syntaxErrors.length > 0 || readIac(doc) !== undefined || readTemplateStateMachines(doc, undefined, {}, () => undefined).length > 0;
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

/** A workspace among what was read (see model/workspace-groups.ts), in display paths. */
export interface ReadGroup {
  /** The folder of its localbatch.yaml (an absolute path); undefined for the files none governs. */
  readonly folder?: string;
  /** Its localbatch.yaml (or localbatch.yml), an absolute path. */
  readonly settings?: string;
  /** Display paths of its files: sources, and files only a diagnostic names (unreadable ones). */
  readonly files: ReadonlySet<string>;
}

/** What was read, split by workspace: a folder can hold several, each with its localbatch.yaml. */
export function readGroups(read: ReadSources, cwd: string): ReadGroup[] {
  const toAbs = (display: string) => path.resolve(cwd, display).split(path.sep).join('/');
  const display = new Map<string, string>();
  for (const f of [...read.sources.map((s) => s.path), ...read.diagnostics.map((d) => d.file)]) display.set(toAbs(f), f);
  const listed = new Map([...read.listedTemplates].map(([s, ts]) => [toAbs(s), ts.map(toAbs)]));
  return workspaceGroups([...display.keys()], listed).map((g) => ({
    folder: g.folder === undefined ? undefined : path.resolve(g.folder),
    settings: g.settings === undefined ? undefined : path.resolve(g.settings),
    files: new Set(g.files.map((f) => display.get(f)!)),
  }));
}
