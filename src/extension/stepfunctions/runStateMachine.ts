/**
 * "Run State Machine Locally": the `.asl.json|yaml|yml` file's definition becomes a state machine on the
 * local emulator (created, or updated when the name is taken), the images localbatch.yaml lists and
 * the CDK image assets of the job definitions its Batch Tasks name are built, those job definitions
 * and queues are registered, an execution starts (input `{}`, or what "Run with Input…" was given),
 * and the graph view follows it.
 * Trusted workspaces only (its Tasks run containers).
 */
import { registerDefinitions } from '../../client/register';
import { taskDefinitionEntries, taskDefinitions } from '../../client/state-machine-definitions';
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

/** The role the local state machines get (the emulator does not check it; AWS requires one). */
const LOCAL_ROLE = 'arn:aws:iam::000000000000:role/localbatch-state-machine';

/** The ASL file a command was invoked on: a URI (explorer, CodeLens) or the active editor. */
export function aslFileArg(arg: unknown): vscode.Uri {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri || !isAslFile(uri.path)) throw new UserError('Open a state machine file (*.asl.json, *.asl.yaml or *.asl.yml) first.');
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

export async function runStateMachine(ctx: Ctx, arg: unknown, input = '{}'): Promise<string> {
  requireTrust('run state machines');
  const uri = aslFileArg(arg);
  const { definition } = await readAslFile(uri);
  const file = vscode.workspace.asRelativePath(uri, false);
  // Errors the editor shows for the file stop the run, as for workflows (once ASL files are indexed).
  await blockOnErrors(ctx, [file], file);
  if (ctx.emulator.state !== 'running') await ctx.emulator.start(readSettings(), vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
  const conn = ctx.emulator.requireConnection();
  const executionArn = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Running ${file} locally` }, async (progress) => {
    const ws = ctx.index.workspaceOf(ctx.index.get(uri)?.doc.file ?? file);
    // The images localbatch.yaml lists are built first, as `localbatch run` does (a Task's job may run one).
    await buildListedImages(ctx, ws, file, progress);
    await buildCdkAssets(ctx, taskDefinitionEntries(ws, definition).jobDefinitions.map((e) => e.doc.file), file, progress);
    progress.report({ message: 'registering definitions' });
    const registered = await registerDefinitions(conn.batch, taskDefinitions(ws, definition));
    for (const a of registered.actions) ctx.output.info(a);
    const sfn = sfnClientOf(conn);
    const stateMachineArn = await putStateMachine(sfn, stateMachineNameFor(file), JSON.stringify(definition));
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
    ctx.output.info(`started execution ${started.executionArn} of ${file}`);
    return started.executionArn!;
  });
  ctx.views.local.executions.remember(executionArn, file);
  // The graph opens beside the file; the focus stays in the file (to edit and run again).
  DagPanel.createOrShow(ctx, { kind: 'stateMachine', file, executionArn }, undefined, true);
  return executionArn;
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
