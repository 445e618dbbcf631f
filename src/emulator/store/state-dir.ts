import { lstatSync, mkdirSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const DEFAULT_STATE_DIR_NAME = '.localbatch';

/** A state directory that cannot be used; its message says why and what to do. */
export class StateDirError extends Error {
  /** Printed as is by the CLI (no stack trace). */
  readonly userFacing = true;
  constructor(message: string) {
    super(message);
    this.name = 'StateDirError';
  }
}

/**
 * Makes sure the state directory (which holds credentials and logs) can be used, and returns its
 * absolute path. One that localbatch creates is made private (0700) with a `.gitignore` that
 * ignores everything in it, so it is never committed by accident. An existing one is used as it
 * is: never re-moded, nothing written into it here. A shared one (world-writable or sticky, like
 * /tmp, or owned by another user) is refused: others could read or replace what is in it.
 */
export function ensureStateDir(dir: string): string {
  const abs = resolve(dir);
  const existing = statOrUndefined(abs);
  if (existing) {
    checkUsable(abs, existing);
    return abs;
  }
  mkdirSync(dirname(abs), { recursive: true });
  try {
    mkdirSync(abs, { mode: 0o700 });
  } catch (err) {
    // Created meanwhile by someone else (e.g. a second localbatch): then it is an existing one.
    if ((err as { code?: string }).code !== 'EEXIST') throw err;
    checkUsable(abs, statSync(abs));
    return abs;
  }
  writeFileSync(join(abs, '.gitignore'), '# Created by localbatch: local emulator state, never commit it.\n*\n', { flag: 'wx' });
  return abs;
}

function checkUsable(abs: string, st: Stats): void {
  if (!st.isDirectory()) throw new StateDirError(`the state directory ${abs} exists and is not a directory`);
  if (process.platform === 'win32') return;
  const uid = process.getuid?.();
  const shared = (st.mode & 0o002) !== 0 || (st.mode & 0o1000) !== 0;
  const foreign = uid !== undefined && uid !== 0 && st.uid !== uid;
  if (shared || foreign) {
    const why = shared ? 'a shared folder (writable by every user, like /tmp)' : 'owned by another user';
    throw new StateDirError(
      `the state directory ${abs} is ${why}; emulator state and credentials must not live there. ` +
        `Use a folder of your own (e.g. --state-dir ${join(abs, 'localbatch-state')}, which localbatch creates private).`,
    );
  }
}

function statOrUndefined(abs: string): Stats | undefined {
  try {
    return statSync(abs);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'ENOENT') throw new StateDirError(`cannot use the state directory ${abs}: ${code ?? String(err)}`);
  }
  // Missing, unless it is a dangling symlink: refuse rather than create something at its target.
  if (lstatOrUndefined(abs)) throw new StateDirError(`the state directory ${abs} is a symlink to nothing`);
  return undefined;
}

function lstatOrUndefined(abs: string): Stats | undefined {
  try {
    return lstatSync(abs);
  } catch {
    return undefined;
  }
}
