/** What a command says about the workspaces nested in the folder it loaded, which it left out. */
import path from 'node:path';
import type { LoadedWorkspace } from '../node/load-workspace';

/** One line per nested workspace: where it is, and `howTo` (given its path from here) work on it. */
export function nestedWorkspaceLines(loaded: LoadedWorkspace, howTo: (rel: string) => string): string[] {
  return loaded.nested.map(({ folder, settings }) => {
    const rel = path.relative(process.cwd(), folder) || '.';
    return `note: left out ${rel}: it has its own ${path.basename(settings)}, so it is a workspace of its own (${howTo(rel)})`;
  });
}
