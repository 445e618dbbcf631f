/**
 * What a deploy works from: the workspace's definitions (loaded and validated like `validate` does),
 * restricted to the paths given, as Create/Register requests; and the plan against an account.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../model/diagnostics';
import type { LocalImage, LocalSettingsFile } from '../model/types';
import type { DefinitionEntry, Workspace } from '../model/workspace';
import { loadWorkspace } from '../node/load-workspace';
import { describeCurrent } from './current';
import { substituteImages } from './images';
import { toJson, type JsonObject } from '../model/definition-normalize';
import { buildPlan, type DeployPlan, type DesiredItem, type PlanOptions } from './plan';
import type { BatchClient } from '@aws-sdk/client-batch';

export interface DeployInput {
  /** The folder holding localbatch.yaml, else the folder searched. */
  readonly root: string;
  readonly workspace: Workspace;
  readonly diagnostics: readonly Diagnostic[];
  /** The definitions to deploy, as requests, in no particular order (the plan orders them). */
  readonly desired: readonly DesiredItem[];
  readonly localImages: readonly LocalImage[];
}

export class DeployInputError extends Error {}

/** Loads and validates the workspace around `paths` (files or folders), keeping the definitions under them. */
export async function loadDeployInput(paths: readonly string[], cwd: string): Promise<DeployInput> {
  const abs = (paths.length > 0 ? paths : ['.']).map((p) => path.resolve(cwd, p));
  const dirs: string[] = [];
  for (const p of abs) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new DeployInputError(`no such file or directory: ${path.relative(cwd, p) || p}`);
    }
    dirs.push(isDir ? p : path.dirname(p));
  }
  const loaded = await loadWorkspace(commonAncestor(dirs), cwd);
  const selected = (e: DefinitionEntry) => {
    const file = path.resolve(cwd, e.doc.file);
    return abs.some((p) => file === p || file.startsWith(p.endsWith(path.sep) ? p : p + path.sep));
  };
  const ws = loaded.workspace;
  const desired: DesiredItem[] = [];
  for (const map of [ws.computeEnvironments, ws.jobQueues, ws.jobDefinitions]) {
    for (const e of map.values()) if (selected(e)) desired.push({ kind: e.kind, name: e.name, file: e.doc.file, request: toJson(e.value) as JsonObject });
  }
  const settings = ws.settings?.value as LocalSettingsFile | undefined;
  return { root: loaded.root, workspace: ws, diagnostics: loaded.diagnostics, desired, localImages: settings?.images ?? [] };
}

function commonAncestor(dirs: readonly string[]): string {
  let common = dirs[0];
  for (const d of dirs.slice(1)) {
    while (!(d === common || d.startsWith(common.endsWith(path.sep) ? common : common + path.sep))) common = path.dirname(common);
  }
  return common;
}

/** The desired items with pushed image URIs substituted into job definitions. */
export function withImages(desired: readonly DesiredItem[], pushed: ReadonlyMap<string, string>): DesiredItem[] {
  if (pushed.size === 0) return [...desired];
  return desired.map((d) => (d.kind === 'jobDefinition' ? { ...d, request: substituteImages(d.request, pushed) } : d));
}

/** Describes what the account holds for the desired names and plans the deploy. */
export async function planDeploy(batch: BatchClient, desired: readonly DesiredItem[], options: PlanOptions = {}): Promise<DeployPlan> {
  const names = (k: DesiredItem['kind']) => desired.filter((d) => d.kind === k).map((d) => d.name);
  const current = await describeCurrent(batch, { computeEnvironments: names('computeEnvironment'), jobQueues: names('jobQueue'), jobDefinitions: names('jobDefinition') });
  return buildPlan(desired, current, options);
}
