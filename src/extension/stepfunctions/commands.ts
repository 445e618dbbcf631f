/**
 * The state machine commands: Run and Run with Input… (from the file, its CodeLens or the editor title), Show Graph (of a
 * file, or of an execution in the Local view), and the execution actions Re-run, Redrive and Stop.
 */
import { DescribeExecutionCommand, RedriveExecutionCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import * as vscode from 'vscode';
import { stateMachineNameFor } from '../../model/asl-text';
import type { CommandHandler } from '../commands/command';
import type { Ctx } from '../ctx';
import { DagPanel } from '../dag/panel';
import { UserError } from '../errors';
import { requireTrust } from '../trust';
import { isExecutionNode, type ExecutionNode, type StateMachineRef } from '../views/executionNodes';
import { sfnClientOf } from './client';
import { askExecutionInput } from './executionInput';
import { prepareTasks, runStateMachine, stateMachineArg } from './runStateMachine';

function executionArg(arg: unknown): ExecutionNode {
  if (!isExecutionNode(arg)) throw new UserError('Pick a state machine execution in the Local view.');
  return arg;
}

/**
 * Where an execution's state machine comes from: the file (or template state machine) it was run
 * from, else a template state machine of that name, else the ASL file named like it.
 */
async function fileOf(ctx: Ctx, node: ExecutionNode): Promise<StateMachineRef | undefined> {
  const known = ctx.views.local.executions.fileOf(node.execution.executionArn!);
  if (known) return known;
  const name = node.execution.stateMachineArn?.split(':').at(-1);
  await ctx.index.ready();
  const declared = ctx.index.workspace().stateMachines.find((e) => e.source !== 'file' && e.name === name);
  if (declared) return { file: declared.file, machine: declared.id };
  const files = await vscode.workspace.findFiles('**/*.asl.{json,yaml,yml}', '**/node_modules/**', 200);
  const match = files.map((u) => vscode.workspace.asRelativePath(u, false)).find((f) => stateMachineNameFor(f) === name);
  return match ? { file: match } : undefined;
}

const runStateMachineWithInput: CommandHandler = async (ctx, arg) => {
  requireTrust('run state machines');
  const target = await stateMachineArg(ctx, arg);
  const input = await askExecutionInput(ctx.extension.workspaceState, target);
  if (input !== undefined) await runStateMachine(ctx, target.machine ? { kind: 'templateStateMachine', uri: target.uri, machine: target.machine } : target.uri, input);
};

const showStateMachineGraph: CommandHandler = async (ctx, arg) => {
  const target = await stateMachineArg(ctx, arg);
  DagPanel.createOrShow(ctx, { kind: 'stateMachine', file: vscode.workspace.asRelativePath(target.uri, false), ...(target.machine ? { machine: target.machine } : {}) });
};

const showExecutionGraph: CommandHandler = async (ctx, arg) => {
  const node = executionArg(arg);
  const source = await fileOf(ctx, node);
  if (!source) throw new UserError(`No *.asl.json/yaml file or template in this workspace declares the state machine of ${node.execution.name}.`);
  DagPanel.createOrShow(ctx, { kind: 'stateMachine', ...source, executionArn: node.execution.executionArn });
};

const rerunExecution: CommandHandler = async (ctx, arg) => {
  requireTrust('run state machines');
  const node = executionArg(arg);
  const sfn = sfnClientOf(ctx.emulator.requireConnection());
  const previous = await sfn.send(new DescribeExecutionCommand({ executionArn: node.execution.executionArn }));
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: previous.stateMachineArn, input: previous.input }));
  const source = await fileOf(ctx, node);
  if (source) {
    ctx.views.local.executions.remember(started.executionArn!, source);
    DagPanel.createOrShow(ctx, { kind: 'stateMachine', ...source, executionArn: started.executionArn });
  } else {
    ctx.views.local.executions.changed();
  }
};

/**
 * RedriveExecution of a failed, timed out or stopped execution: it goes on from its unsuccessful
 * states (those that had ended are not run again), with the definition it ran with. What its Tasks
 * need is built and registered again first, as Run does, so a job definition fixed since is the one
 * its Tasks' jobs run (they name it without a revision). Its graph shows it running again.
 */
const redriveExecution: CommandHandler = async (ctx, arg) => {
  requireTrust('run state machines');
  const node = executionArg(arg);
  const sfn = sfnClientOf(ctx.emulator.requireConnection());
  const source = await fileOf(ctx, node);
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (source && root) {
    const target = { uri: vscode.Uri.joinPath(root, source.file), ...(source.machine ? { machine: source.machine } : {}) };
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Redriving ${node.execution.name}` }, (progress) => prepareTasks(ctx, target, progress));
  }
  try {
    await sfn.send(new RedriveExecutionCommand({ executionArn: node.execution.executionArn }));
  } catch (err) {
    if ((err as { name?: string }).name === 'ExecutionNotRedrivable') throw new UserError(`${node.execution.name} cannot be redriven: ${(err as Error).message.replace(/^.*cannot be redriven: /, '')}`);
    throw err;
  }
  if (source) DagPanel.createOrShow(ctx, { kind: 'stateMachine', ...source, executionArn: node.execution.executionArn });
  ctx.views.local.executions.changed();
};

const stopExecution: CommandHandler = async (ctx, arg) => {
  const node = executionArg(arg);
  const sfn = sfnClientOf(ctx.emulator.requireConnection());
  await sfn.send(new StopExecutionCommand({ executionArn: node.execution.executionArn, error: 'Stopped', cause: 'Stopped from VS Code' }));
  ctx.views.local.executions.changed();
};

export const STATE_MACHINE_COMMANDS: ReadonlyArray<[string, CommandHandler]> = [
  ['localbatch.runStateMachine', (ctx, arg) => runStateMachine(ctx, arg)],
  ['localbatch.runStateMachineWithInput', runStateMachineWithInput],
  ['localbatch.showStateMachineGraph', showStateMachineGraph],
  ['localbatch.showExecutionGraph', showExecutionGraph],
  ['localbatch.rerunExecution', rerunExecution],
  ['localbatch.redriveExecution', redriveExecution],
  ['localbatch.stopExecution', stopExecution],
];
