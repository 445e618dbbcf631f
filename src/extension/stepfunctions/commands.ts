/**
 * The state machine commands: Run and Run with Input… (from the file, its CodeLens or the editor title), Show Graph (of a
 * file, or of an execution in the Local view), and the execution actions Re-run and Stop.
 */
import { DescribeExecutionCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import * as vscode from 'vscode';
import { stateMachineNameFor } from '../../model/asl-text';
import type { CommandHandler } from '../commands/command';
import type { Ctx } from '../ctx';
import { DagPanel } from '../dag/panel';
import { UserError } from '../errors';
import { requireTrust } from '../trust';
import { isExecutionNode, type ExecutionNode } from '../views/executionNodes';
import { sfnClientOf } from './client';
import { askExecutionInput } from './executionInput';
import { aslFileArg, runStateMachine } from './runStateMachine';

function executionArg(arg: unknown): ExecutionNode {
  if (!isExecutionNode(arg)) throw new UserError('Pick a state machine execution in the Local view.');
  return arg;
}

/** The workspace file an execution's state machine comes from: the one it was run from, else the file named like it. */
async function fileOf(ctx: Ctx, node: ExecutionNode): Promise<string | undefined> {
  const known = ctx.views.local.executions.fileOf(node.execution.executionArn!);
  if (known) return known;
  const name = node.execution.stateMachineArn?.split(':').at(-1);
  const files = await vscode.workspace.findFiles('**/*.asl.{json,yaml,yml}', '**/node_modules/**', 200);
  const match = files.map((u) => vscode.workspace.asRelativePath(u, false)).find((f) => stateMachineNameFor(f) === name);
  return match;
}

const runStateMachineWithInput: CommandHandler = async (ctx, arg) => {
  requireTrust('run state machines');
  const uri = aslFileArg(arg);
  const input = await askExecutionInput(ctx.extension.workspaceState, uri);
  if (input !== undefined) await runStateMachine(ctx, uri, input);
};

const showStateMachineGraph: CommandHandler = (ctx, arg) => {
  const file = vscode.workspace.asRelativePath(aslFileArg(arg), false);
  DagPanel.createOrShow(ctx, { kind: 'stateMachine', file });
};

const showExecutionGraph: CommandHandler = async (ctx, arg) => {
  const node = executionArg(arg);
  const file = await fileOf(ctx, node);
  if (!file) throw new UserError(`No *.asl.json/yaml file in this workspace is named for the state machine of ${node.execution.name}.`);
  DagPanel.createOrShow(ctx, { kind: 'stateMachine', file, executionArn: node.execution.executionArn });
};

const rerunExecution: CommandHandler = async (ctx, arg) => {
  requireTrust('run state machines');
  const node = executionArg(arg);
  const sfn = sfnClientOf(ctx.emulator.requireConnection());
  const previous = await sfn.send(new DescribeExecutionCommand({ executionArn: node.execution.executionArn }));
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: previous.stateMachineArn, input: previous.input }));
  const file = await fileOf(ctx, node);
  if (file) {
    ctx.views.local.executions.remember(started.executionArn!, file);
    DagPanel.createOrShow(ctx, { kind: 'stateMachine', file, executionArn: started.executionArn });
  } else {
    ctx.views.local.executions.changed();
  }
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
  ['localbatch.stopExecution', stopExecution],
];
