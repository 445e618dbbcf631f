import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_STATE_DIR_NAME = '.localbatch';

/**
 * Creates the state directory (mode 0700: it holds credentials and logs) with a `.gitignore`
 * that ignores everything in it, so it is never committed by accident. Returns its absolute path.
 */
export function ensureStateDir(dir: string): string {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true, mode: 0o700 });
  chmodSync(abs, 0o700);
  const ignore = join(abs, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '# Created by localbatch: local emulator state, never commit it.\n*\n');
  return abs;
}
