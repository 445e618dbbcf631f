/**
 * Where a command without a file (`logs`, `interrupt`) looks for the state `run` kept: `run <file>`
 * keeps it in `.localbatch` of the file's workspace root (the folder of the nearest localbatch.yaml),
 * which is not always the folder the user stands in (`run examples/x.workflow.yaml` from the
 * repository root keeps it in examples/.localbatch). So: the workspace root of the current folder
 * first, then every folder below it holding localbatch.yaml (a few levels deep, skipping
 * node_modules, .git and .localbatch), each with its `.localbatch`.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SETTINGS_FILE_NAME } from '../model/kinds';
import { DEFAULT_STATE_DIR_NAME } from '../emulator/store/state-dir';
import { SKIPPED_DIRECTORIES } from './definition-files';
import { findWorkspaceRoot } from './load-workspace';

const MAX_DEPTH = 3;
const MAX_DIRS = 2_000;

/** Candidate state directories for `cwd`, most likely first; the first is the default. */
export function stateDirCandidates(cwd: string): string[] {
  const out = [path.join(findWorkspaceRoot(cwd) ?? cwd, DEFAULT_STATE_DIR_NAME)];
  let visited = 0;
  const walk = (dir: string, depth: number): void => {
    if (depth > MAX_DEPTH || visited++ > MAX_DIRS) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (depth > 0 && entries.some((e) => e.name === SETTINGS_FILE_NAME && e.isFile())) {
      const state = path.join(dir, DEFAULT_STATE_DIR_NAME);
      if (existsSync(state) && !out.includes(state)) out.push(state);
    }
    for (const e of entries) if (e.isDirectory() && !SKIPPED_DIRECTORIES.has(e.name)) walk(path.join(dir, e.name), depth + 1);
  };
  walk(cwd, 0);
  return out;
}
