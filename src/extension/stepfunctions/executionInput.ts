/**
 * The input of "Run State Machine Locally with Input…": JSON text, or `@path` naming a JSON file
 * (relative to the workspace folder of the state machine file, as `localbatch run --input @file` takes
 * it relative to where it runs). The box opens with the input last given for that state machine.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../errors';

const KEY = 'localbatch.stateMachineInputs';

/** Why `text` is not JSON, or undefined when it is. */
export function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    return `Not JSON: ${(err as Error).message}. Give JSON (e.g. {"items": [1, 2]}) or @file.json.`;
  }
}

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
    validateInput: (text) => (text.trim().startsWith('@') ? undefined : jsonProblem(text)),
  });
  if (given === undefined) return undefined;
  const input = given.trim().startsWith('@') ? await readInputFile(folder, given.trim().slice(1)) : given;
  await state.update(KEY, { ...remembered, [file]: given });
  return input;
}

async function readInputFile(folder: string, name: string): Promise<string> {
  const file = path.resolve(folder, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(`Cannot read the input file ${name}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const problem = jsonProblem(text);
  if (problem) throw new UserError(`The input file ${name} is ${problem.replace(/^Not JSON/, 'not JSON').replace(/ Give JSON.*$/, '')}`);
  return text;
}
