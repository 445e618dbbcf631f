import type { RegisterJobDefinitionRequest } from '@aws-sdk/client-batch';
import * as vscode from 'vscode';
import { asStr } from '../../model/values';
import { Workspace, type DefinitionEntry } from '../../model/workspace';
import type { Ctx } from '../ctx';
import type { IndexedFile } from '../editing/definitionIndex';
import { UserError } from '../errors';
import { requireTrust } from '../trust';
import { definitionArg } from './definitionArg';
import { runOnEmulator, type LocalRun } from './runOnEmulator';

/**
 * Registers one job definition on the emulator and submits one job of it to the local queue. The
 * argument is a job definition file, or a template resource (code lens, Definitions view node:
 * `{uri, resourceId}`); with a template open in the editor, the user picks one of its job definitions.
 */
export async function runJobDefinition(ctx: Ctx, arg: unknown): Promise<void> {
  requireTrust('run jobs');
  const fromTemplate = await templateJobDefinition(ctx, arg);
  if (fromTemplate) return runEntry(ctx, fromTemplate.entry, fromTemplate.workspace);
  const file = await definitionArg(ctx, arg, 'jobDefinition', 'job definition');
  await runOnEmulator(ctx, prepareJobDefinitionRun(file));
}

/** What running a job definition file submits: one job of it (its errors stop it here). */
export function prepareJobDefinitionRun(file: IndexedFile): LocalRun {
  const value = file.doc.value as RegisterJobDefinitionRequest;
  if (!asStr(value.jobDefinitionName)) throw new UserError(`${file.doc.file} has no jobDefinitionName.`);
  const workspace = Workspace.fromDocuments([file.doc]);
  const entry = workspace.jobDefinition(value.jobDefinitionName!);
  if (!entry) throw new UserError(`${file.doc.file} is not a job definition LocalBatch can read.`);
  return prepareEntryRun(entry, workspace);
}

async function runEntry(ctx: Ctx, entry: DefinitionEntry, workspace: Workspace): Promise<void> {
  await runOnEmulator(ctx, prepareEntryRun(entry, workspace));
}

/** One job of a job definition entry (a file's, or a template resource's). */
function prepareEntryRun(entry: DefinitionEntry, workspace: Workspace): LocalRun {
  // Its errors stop the run: runOnEmulator checks the files first.
  const label = entry.origin ? `job definition ${entry.name} (${entry.origin.resource.id} in ${entry.doc.file})` : `job definition ${entry.doc.file}`;
  return {
    label,
    name: entry.origin ? `${entry.doc.file}#${entry.origin.resource.id}` : entry.doc.file,
    source: entry.doc.file,
    workflow: { jobs: { [entry.name]: { jobDefinition: entry.name } } },
    definitions: { computeEnvironments: [], jobQueues: [], jobDefinitions: [entry.value as unknown as RegisterJobDefinitionRequest] },
    files: [entry.doc.file],
    workspace,
  };
}

/** The template job definition the argument (or the active template editor) names, if any. */
async function templateJobDefinition(ctx: Ctx, arg: unknown): Promise<{ entry: DefinitionEntry; workspace: Workspace } | undefined> {
  await ctx.index.ready();
  const a = arg as { uri?: unknown; resourceId?: unknown } | undefined;
  const uri = arg instanceof vscode.Uri ? arg : a?.uri instanceof vscode.Uri ? a.uri : arg === undefined ? vscode.window.activeTextEditor?.document.uri : undefined;
  if (!uri) return undefined;
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const file = open ? (ctx.index.update(uri, open.getText()) ?? ctx.index.get(uri)) : ctx.index.get(uri);
  if (file?.kind.kind !== 'template') return undefined;
  const workspace = ctx.index.workspaceOf(file.doc.file);
  const defs = [...workspace.jobDefinitions.values()].filter((d) => d.origin && d.doc.file === file.doc.file);
  if (defs.length === 0) throw new UserError(`${file.doc.file} has no AWS Batch job definition LocalBatch can read.`);
  if (typeof a?.resourceId === 'string') {
    const entry = defs.find((d) => d.origin!.resource.id === a.resourceId);
    if (!entry) throw new UserError(`${file.doc.file} has no job definition ${a.resourceId}.`);
    return { entry, workspace };
  }
  if (defs.length === 1) return { entry: defs[0], workspace };
  const pick = await vscode.window.showQuickPick(defs.map((d) => ({ label: d.name, description: d.origin!.resource.id, entry: d })), { placeHolder: 'Which job definition?' });
  if (!pick) throw new vscode.CancellationError();
  return { entry: pick.entry, workspace };
}
