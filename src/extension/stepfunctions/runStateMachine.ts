/**
 * "Run State Machine Locally": the definition of a `.asl.json|yaml|yml` file (or of a template's
 * state machine, by its id) becomes a state machine on the local emulator (created, or updated when
 * the name is taken), the images localbatch.yaml lists and the CDK image assets of the job
 * definitions its Batch Tasks name are built, those job definitions and queues are registered (and
 * the Tasks' references mapped to them), an execution starts (input `{}`, or what "Run with Input…"
 * was given), and the graph view follows it.
 * Trusted workspaces only (its Tasks run containers).
 */
import { registerDefinitions, type Registered } from '../../client/register';
import { localDefinition, taskDefinitionEntries, taskDefinitions } from '../../client/state-machine-definitions';
import { CreateStateMachineCommand, StartExecutionCommand, UpdateStateMachineCommand, type SFNClient } from '@aws-sdk/client-sfn';
import * as vscode from 'vscode';
import { isAslFile, parseAslText, stateMachineNameFor } from '../../model/asl-text';
import { readSettings } from '../config';
import type { Ctx } from '../ctx';
import { blockOnErrors, buildCdkAssets, buildListedImages } from '../commands/runOnEmulator';
import { DagPanel } from '../dag/panel';
import { UserError } from '../errors';
import { requireTrust } from '../trust';
import { sfnClientOf } from './client';
import { templateStateMachine } from './templateMachine';

/** The role the local state machines get (the emulator does not check it; AWS requires one). */
const LOCAL_ROLE = 'arn:aws:iam::000000000000:role/localbatch-state-machine';

/** A state machine the editor runs or draws: an ASL file, or a template's (`machine`: its id there). */
export interface StateMachineTarget {
  readonly uri: vscode.Uri;
  readonly machine?: string;
}

/** The argument of a template state machine's code lenses. */
export interface TemplateStateMachineArg {
  readonly kind: 'templateStateMachine';
  readonly uri: vscode.Uri;
  readonly machine: string;
}

function isTemplateArg(arg: unknown): arg is TemplateStateMachineArg {
  return typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === 'templateStateMachine' && (arg as { uri?: unknown }).uri instanceof vscode.Uri && typeof (arg as { machine?: unknown }).machine === 'string';
}

/**
 * The state machine a command was invoked on: a template's (its lens), an ASL file (a URI, or the
 * active editor's), or a state machine of the template in the active editor (asked which when it
 * declares several).
 */
export async function stateMachineArg(ctx: Ctx, arg: unknown): Promise<StateMachineTarget> {
  if (isTemplateArg(arg)) return { uri: arg.uri, machine: arg.machine };
  const uri = arg instanceof vscode.Uri ? arg : (fileNodeUri(arg) ?? vscode.window.activeTextEditor?.document.uri);
  if (uri && !isAslFile(uri.path)) {
    await ctx.index.ready();
    const file = ctx.index.get(uri)?.doc.file;
    const machines = file ? ctx.index.workspaceOf(file).stateMachines.filter((m) => m.source !== 'file' && m.file === file) : [];
    if (machines.length === 1) return { uri, machine: machines[0].id };
    if (machines.length > 1) {
      const picked = await vscode.window.showQuickPick(machines.map((m) => ({ label: m.id, description: m.name === m.id ? undefined : m.name })), { title: `Which state machine of ${file}?` });
      if (!picked) throw new UserError('No state machine chosen.');
      return { uri, machine: picked.label };
    }
  }
  return { uri: aslFileArg(arg) };
}

/** A Definitions view file row's URI. */
function fileNodeUri(arg: unknown): vscode.Uri | undefined {
  const node = arg as { kind?: unknown; uri?: unknown } | undefined;
  return node?.kind === 'file' && node.uri instanceof vscode.Uri ? node.uri : undefined;
}

/** The ASL file a command was invoked on: a URI (explorer, CodeLens, a Definitions view row) or the active editor. */
export function aslFileArg(arg: unknown): vscode.Uri {
  const uri = arg instanceof vscode.Uri ? arg : (fileNodeUri(arg) ?? vscode.window.activeTextEditor?.document.uri);
  if (!uri || !isAslFile(uri.path)) throw new UserError('Open a state machine file (*.asl.json, *.asl.yaml or *.asl.yml), or a template that declares one, first.');
  return uri;
}

/** The definition text of an ASL file (the editor's unsaved text when it is open). */
export async function readAslFile(uri: vscode.Uri): Promise<{ text: string; definition: unknown }> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const text = doc.getText();
  const parsed = parseAslText(text);
  if ('error' in parsed) throw new UserError(`Cannot read ${vscode.workspace.asRelativePath(uri)}: ${parsed.error}`);
  return { text, definition: parsed.definition };
}

/** A state machine's definition as the workspace has it now (its file's text, or its template's). */
async function definitionOf(ctx: Ctx, target: StateMachineTarget): Promise<{ file: string; definition: unknown; name: string; label: string }> {
  const file = vscode.workspace.asRelativePath(target.uri, false);
  const read = target.machine ? await templateMachine(ctx, target.uri, target.machine) : { ...(await readAslFile(target.uri)), name: stateMachineNameFor(file), label: file };
  return { file, ...read };
}

/**
 * What a state machine's Tasks need on the emulator, as the workspace has it now: the images
 * localbatch.yaml lists and the CDK assets of its job definitions built, its job definitions and
 * queues registered. Errors the editor shows for its file stop it (checked by the caller that
 * gives what it read, `known`).
 */
export async function prepareTasks(ctx: Ctx, target: StateMachineTarget, progress: vscode.Progress<{ message?: string }>, known?: Awaited<ReturnType<typeof definitionOf>>): Promise<Registered> {
  const { file, definition, label } = known ?? (await definitionOf(ctx, target));
  if (!known) await blockOnErrors(ctx, [file], label);
  const conn = ctx.emulator.requireConnection();
  const ws = ctx.index.workspaceOf(ctx.index.get(target.uri)?.doc.file ?? file);
  // The images localbatch.yaml lists are built first, as `localbatch run` does (a Task's job may run one).
  await buildListedImages(ctx, ws, label, progress);
  await buildCdkAssets(ctx, taskDefinitionEntries(ws, definition).jobDefinitions.map((e) => e.doc.file), label, progress);
  progress.report({ message: 'registering definitions' });
  const registered = await registerDefinitions(conn.batch, taskDefinitions(ws, definition));
  for (const a of registered.actions) ctx.output.info(a);
  return registered;
}

export async function runStateMachine(ctx: Ctx, arg: unknown, input = '{}'): Promise<string> {
  requireTrust('run state machines');
  const target = await stateMachineArg(ctx, arg);
  const { uri } = target;
  const read = await definitionOf(ctx, target);
  const { file, definition, name, label } = read;
  // Errors the editor shows for the file stop the run, as for workflows (once ASL files are indexed).
  await blockOnErrors(ctx, [file], label);
  if (ctx.emulator.state !== 'running') await ctx.emulator.start(readSettings(), vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
  const conn = ctx.emulator.requireConnection();
  const executionArn = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Running ${label} locally` }, async (progress) => {
    const ws = ctx.index.workspaceOf(ctx.index.get(uri)?.doc.file ?? file);
    const registered = await prepareTasks(ctx, target, progress, read);
    const sfn = sfnClientOf(conn);
    const stateMachineArn = await putStateMachine(sfn, name, JSON.stringify(localDefinition(ws, definition as Record<string, unknown>, registered)));
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
    ctx.output.info(`started execution ${started.executionArn} of ${label}`);
    return started.executionArn!;
  });
  const source = { file, ...(target.machine ? { machine: target.machine } : {}) };
  ctx.views.local.executions.remember(executionArn, source);
  // The graph opens beside the file; the focus stays in the file (to edit and run again).
  DagPanel.createOrShow(ctx, { kind: 'stateMachine', ...source, executionArn }, undefined, true);
  return executionArn;
}

/** A template's state machine as the workspace reads it (intrinsics resolved), by its id. */
async function templateMachine(ctx: Ctx, uri: vscode.Uri, id: string): Promise<{ definition: unknown; name: string; label: string }> {
  await ctx.index.ready();
  const file = ctx.index.get(uri)?.doc.file ?? vscode.workspace.asRelativePath(uri, false);
  const entry = templateStateMachine(ctx.index, file, id);
  const label = `${id} of ${file}`;
  if (!entry) throw new UserError(`${file} declares no state machine ${id} (any more).`);
  if (!entry.definition) throw new UserError(`Cannot run ${label}: its definition cannot be read (see Problems).`);
  return { definition: entry.definition, name: entry.name, label };
}

/** Creates the state machine, or updates its definition when one of that name exists; returns its ARN. */
async function putStateMachine(sfn: SFNClient, name: string, definition: string): Promise<string> {
  try {
    return (await sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: LOCAL_ROLE }))).stateMachineArn!;
  } catch (err) {
    const arn = /'(arn:[^']+)'/.exec(err instanceof Error ? err.message : '')?.[1];
    if ((err as { name?: string }).name !== 'StateMachineAlreadyExists' || !arn) throw err;
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition }));
    return arn;
  }
}
