/**
 * The host-access policy for training jobs' file:// channels and outputs: the same rule as a job
 * definition's host volumes (inside the workspace, or allowed by `allowHostAccess`).
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { hostPathProblem, resolvePolicy } from '../../model/host-access';
import type { LocalSettingsFile } from '../../model/types';

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** A checker returning why a host folder is refused, or undefined when it may be used. */
export function trainingPathCheck(settings: LocalSettingsFile | undefined, workspaceRoot: string): (folder: string) => string | undefined {
  const root = real(path.resolve(workspaceRoot));
  const resolved = resolvePolicy(settings, root);
  const policy = { ...resolved, allowHostAccess: resolved.allowHostAccess.map(real) };
  return (folder) => {
    const problem = hostPathProblem(real(path.resolve(root, folder)), policy);
    return problem ? `localbatch refused host access: ${problem.message}` : undefined;
  };
}
