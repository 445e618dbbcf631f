/**
 * The input of "Run State Machine Locally with Input…": JSON text, or `@path` naming a JSON file
 * (relative to the workspace folder of the state machine file, as `localbatch run --input @file` takes
 * it relative to where it runs; src/client/execution-input.ts reads both). The box opens with the
 * input last given for that state machine.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { ExecutionInputError, jsonProblem, readExecutionInput } from '../../client/execution-input';
import { UserError } from '../errors';

const KEY = 'localbatch.stateMachineInputs';

/** The execution input the user gives for a state machine (undefined when the box is dismissed); remembered per state machine. */
export async function askExecutionInput(state: vscode.Memento, target: { readonly uri: vscode.Uri; readonly machine?: string }): Promise<string | undefined> {
  const { uri } = target;
  const file = target.machine ? `${target.machine} of ${vscode.workspace.asRelativePath(uri, false)}` : vscode.workspace.asRelativePath(uri, false);
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
  const remembered = state.get<Record<string, string>>(KEY) ?? {};
  const given = await vscode.window.showInputBox({
    title: `Run ${file} locally with input`,
    prompt: 'The execution input: JSON, or @ and a JSON file relative to the workspace folder',
    value: remembered[file] ?? '{}',
    ignoreFocusOut: true,
    validateInput: (text) => {
      if (text.trim().startsWith('@')) return undefined;
      const problem = jsonProblem(text);
      return problem && `Not JSON: ${problem}. Give JSON (e.g. {"items": [1, 2]}) or @file.json.`;
    },
  });
  if (given === undefined) return undefined;
  let input: string;
  try {
    input = await readExecutionInput(given, folder);
  } catch (err) {
    if (err instanceof ExecutionInputError) throw new UserError(`Cannot run ${file}: ${err.message}`);
    throw err;
  }
  await state.update(KEY, { ...remembered, [file]: given });
  return input;
}
