/**
 * What the editor needs of a state machine file before the full ASL readers (src/model/asl) are wired
 * in: is it one (`*.asl.json`, `*.asl.yaml`, `*.asl.yml`, the AWS Toolkit's convention), its definition
 * (JSON or YAML text → object), the name its state machine gets on the emulator, and the Batch job
 * definitions and queues its Tasks name (to register them from the workspace before a run). Pure.
 */
import { parse } from 'yaml';

const ASL_FILE = /\.asl\.(json|ya?ml)$/i;

export function isAslFile(file: string): boolean {
  return ASL_FILE.test(file);
}

/** The definition in a state machine file's text, or why it cannot be read. */
export function parseAslText(text: string): { definition: unknown } | { error: string } {
  try {
    // YAML 1.2 reads JSON too; one parser for both kinds of file.
    const definition: unknown = parse(text, { prettyErrors: false });
    if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) return { error: 'the file does not hold a state machine definition (an object with StartAt and States)' };
    return { definition };
  } catch (err) {
    return { error: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

/** A state machine name (1-80 of letters, digits, `-` and `_`) from the file's name: `pipeline.asl.json` → `pipeline`. */
export function stateMachineNameFor(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const name = base.replace(ASL_FILE, '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
  return name || 'state-machine';
}
