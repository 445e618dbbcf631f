/**
 * A state machine execution's input as `localbatch run --input` and the editor's "Run with Input…"
 * take it: JSON text, or `@` and a JSON file's path (relative to `baseDir`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export class ExecutionInputError extends Error {}

/** Why `text` is not JSON (JSON.parse's words), or undefined when it is. */
export function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The input text `given` stands for; ExecutionInputError when the file cannot be read or the text is not JSON. */
export async function readExecutionInput(given: string, baseDir: string): Promise<string> {
  const trimmed = given.trim();
  let text = given;
  let what = 'the input';
  if (trimmed.startsWith('@')) {
    const name = trimmed.slice(1);
    what = `the input file ${name}`;
    try {
      text = await readFile(path.resolve(baseDir, name), 'utf8');
    } catch (err) {
      throw new ExecutionInputError(`cannot read ${what} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  const problem = jsonProblem(text);
  if (problem) throw new ExecutionInputError(`${what} is not JSON: ${problem}; give JSON text (e.g. {"items": [1, 2]}) or @file`);
  return text;
}
