/**
 * What a deploy works from: the workspace's definitions (loaded and validated like `validate` does),
 * restricted to the paths given, as Create/Register requests; and the plan against an account.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../model/diagnostics';
import { deployCommandOf, type IacTool } from '../model/iac';
import type { LocalImage, LocalSettingsFile } from '../model/types';
import type { Workspace } from '../model/workspace';
import { loadWorkspace } from '../node/load-workspace';
import { describeCurrent } from './current';
import { substituteImages } from './images';
import { toJson, type JsonObject } from '../model/definition-normalize';
import { buildPlan, type DeployPlan, type DesiredItem, type PlanOptions } from './plan';
import type { BatchClient } from '@aws-sdk/client-batch';
import { desiredStateMachines, templateStateMachines, type DesiredStateMachine } from './state-machines';

export interface DeployInput {
  /** The folder holding localbatch.yaml, else the folder searched. */
  readonly root: string;
  readonly workspace: Workspace;
  readonly diagnostics: readonly Diagnostic[];
  /** The definitions to deploy, as requests, in no particular order (the plan orders them). */
  readonly desired: readonly DesiredItem[];
  readonly localImages: readonly LocalImage[];
  /** Definitions under the paths that a template or Terraform owns: never deployed by localbatch. */
  readonly owned: readonly OwnedTemplate[];
  /** State machine files to publish to AWS Step Functions (see state-machines.ts). */
  readonly stateMachines: readonly DesiredStateMachine[];
  /** Notes for the state machines declared in templates (left to their IaC tool). */
  readonly ownedStateMachines: readonly string[];
  /** Notes for the workspaces nested in a folder given (their own localbatch.yaml): left out. */
  readonly leftOut: readonly string[];
}

export interface OwnedTemplate {
  readonly file: string;
  readonly tool: IacTool;
  /** The command that deploys them (`cdk deploy`, `terraform apply`, ...). */
  readonly command: string;
  /** `job definition report`, ... */
  readonly resources: readonly string[];
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
  const selectedFile = (f: string) => {
    const file = path.resolve(cwd, f);
    return abs.some((p) => file === p || file.startsWith(p.endsWith(path.sep) ? p : p + path.sep));
  };
  // Each workspace has its own settings (region, roles, images): one deploy is one workspace. The
  // workspaces nested in a folder given are left out (leftOut); a path inside one is refused.
  const rel = (d: string) => path.relative(cwd, d) || '.';
  const inside = loaded.nested.filter(({ folder }) => abs.some((p) => p === folder || p.startsWith(folder + path.sep)));
  if (inside.length > 0) {
    throw new DeployInputError(`${inside.map((n) => rel(n.folder)).join(', ')} ${inside.length === 1 ? 'has its' : 'have their'} own localbatch.yaml: deploy one workspace at a time (\`localbatch deploy ${rel(inside[0].folder)}\`)`);
  }
  const leftOut = loaded.nested.filter(({ folder }) => selectedFile(folder))
    .map(({ folder, settings }) => `not deployed: ${rel(folder)} has its own ${path.basename(settings)}, so it is a workspace of its own: \`localbatch deploy ${rel(folder)}\` deploys it`);
  const ws = loaded.workspace;
  const desired: DesiredItem[] = [];
  const owned = new Map<string, OwnedTemplate & { resources: string[] }>();
  for (const map of [ws.computeEnvironments, ws.jobQueues, ws.jobDefinitions]) {
    for (const e of map.values()) {
      if (!selectedFile(e.doc.file)) continue;
      if (e.origin) {
        const t = e.origin.template;
        const entry = owned.get(e.doc.file) ?? { file: e.doc.file, tool: t.tool, command: deployCommandOf(t.tool), resources: [] };
        entry.resources.push(`${KIND_WORDS[e.kind]} ${e.name}`);
        owned.set(e.doc.file, entry);
        continue;
      }
      desired.push({ kind: e.kind, name: e.name, file: e.doc.file, request: toJson(e.value) as JsonObject });
    }
  }
  const settings = ws.settings?.value as LocalSettingsFile | undefined;
  // With blocking errors nothing deploys: their diagnostics come first, not a missing role.
  const templateFiles = new Set(ws.templates.map((t) => t.doc.file));
  const blocked = loaded.diagnostics.some((d) => d.severity === 'error' && !templateFiles.has(d.file));
  const stateMachines = blocked ? [] : desiredStateMachines(ws, cwd, selectedFile);
  const ownedStateMachines = templateStateMachines(ws, selectedFile).map(
    (m) => `not deployed: state machine ${m.id} of ${m.file} is deployed with its template (\`${SM_TOOLS[m.source]}\`); localbatch deploy publishes only state machine files (*.asl.json|yaml)`,
  );
  return { root: loaded.root, workspace: ws, diagnostics: loaded.diagnostics, desired, localImages: settings?.images ?? [], owned: [...owned.values()], stateMachines, ownedStateMachines, leftOut };
}

const SM_TOOLS: Readonly<Record<string, string>> = { sam: 'sam deploy', terraform: 'terraform apply', cdk: 'cdk deploy', cloudformation: 'aws cloudformation deploy' };

const KIND_WORDS = { jobDefinition: 'job definition', jobQueue: 'job queue', computeEnvironment: 'compute environment' } as const;

/** Errors that stop a deploy: those outside the templates it leaves to their own tool. */
export function blockingErrors(input: DeployInput): Diagnostic[] {
  const templates = new Set(input.workspace.templates.map((t) => t.doc.file));
  return input.diagnostics.filter((d) => d.severity === 'error' && !templates.has(d.file));
}

/** One line per template: what localbatch leaves to the template's own tool. */
export function ownedNotes(input: DeployInput): string[] {
  return [...input.owned.map((o) => `not deployed: ${o.file} is a ${TOOL_LABELS[o.tool]}; deploy its ${o.resources.join(', ')} with \`${o.command}\``), ...input.ownedStateMachines, ...input.leftOut];
}

const TOOL_LABELS: Readonly<Record<IacTool, string>> = { cloudformation: 'CloudFormation template', cdk: 'CDK template', terraform: 'Terraform file' };

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
