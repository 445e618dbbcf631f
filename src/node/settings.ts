/** Reads `localbatch.yaml` (local-only settings) from a workspace root, validated like every definition file. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { formatDiagnostic } from '../model/diagnostics';
import { SETTINGS_FILE_NAME } from '../model/kinds';
import type { LocalSettingsFile } from '../model/types';
import { validateSource } from '../model/validation';
import { SourceDocument } from '../model/document';
import { MAX_FILE_BYTES } from './definition-files';
import { FileReadError, readRegularFileSync } from './read-file';

export class SettingsError extends Error {}

/** The settings in `<root>/localbatch.yaml`, or undefined when there is no such file. Throws SettingsError on errors. */
export function readSettings(root: string, cwd = process.cwd()): LocalSettingsFile | undefined {
  const file = path.join(root, SETTINGS_FILE_NAME);
  if (!existsSync(file)) return undefined;
  const shown = path.relative(cwd, file) || file;
  let text: string;
  try {
    text = readRegularFileSync(file, MAX_FILE_BYTES).toString('utf8');
  } catch (err) {
    throw new SettingsError(`${shown}: ${err instanceof FileReadError ? err.detail : String(err)}`);
  }
  const errors = validateSource({ path: shown, text }).filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new SettingsError(`${shown} has errors:\n${errors.map(formatDiagnostic).join('\n')}`);
  return SourceDocument.parse(shown, text, 'yaml').value as LocalSettingsFile;
}
