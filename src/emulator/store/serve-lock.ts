/**
 * One emulator per state directory: `serve.lock` holds the serving process's id from before the
 * journal is opened until after it is closed. endpoint.json alone left a window: two emulators
 * started together (the editor's and a terminal's `localbatch serve`), or one started while another
 * was still opening its journal, both found no endpoint and both wrote the same journal, so either
 * could overwrite what the other had acknowledged.
 *
 * A lock whose process is gone (killed: SIGKILL, a crash, a power cut) is stale and taken over at
 * once, so a restart after a crash needs no wait. Node has no flock without native modules, so the
 * lock is a file linked into place whole (link(2) fails if the name exists, and the file is never
 * seen half written); taking over a stale one re-reads it just before removing it, so only a lock
 * still naming the dead process is removed. A lock naming this process's own id is stale too (a
 * container's emulator is pid 1 again after a restart) unless this process holds it.
 */
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SERVE_LOCK_FILE = 'serve.lock';

/** The state directory is locked by a live process (`pid`). */
export class StateDirLockedError extends Error {
  constructor(
    readonly pid: number,
    readonly stateDir: string,
  ) {
    super(`an emulator (pid ${pid}) is starting or serving ${stateDir}`);
    this.name = 'StateDirLockedError';
  }
}

export interface ServeLock {
  /** Removes the lock if it is still this one. Idempotent. */
  release(): void;
}

/** Takes `stateDir`'s serve lock for this process, or throws StateDirLockedError naming its holder. */
export function acquireServeLock(stateDir: string, pid = process.pid): ServeLock {
  const file = join(stateDir, SERVE_LOCK_FILE);
  if (heldHere.has(file)) throw new StateDirLockedError(pid, stateDir);
  const content = `${JSON.stringify({ pid, since: new Date().toISOString() })}\n`;
  const tmp = `${file}.${pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, file);
        heldHere.add(file);
        return lockOf(file, content);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const held = readLock(file);
      if (held === undefined) continue; // removed meanwhile: try again
      if (held.pid !== undefined && held.pid !== pid && processAlive(held.pid)) throw new StateDirLockedError(held.pid, stateDir);
      // Stale: remove it only if it still says what was just read.
      if (readLock(file)?.raw === held.raw) rmSync(file, { force: true });
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  throw new Error(`could not take ${file}: it kept changing; is another emulator starting on ${stateDir}?`);
}

/** The lock files this process holds. */
const heldHere = new Set<string>();

function lockOf(file: string, content: string): ServeLock {
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      heldHere.delete(file);
      if (readLock(file)?.raw === content) rmSync(file, { force: true });
    },
  };
}

function readLock(file: string): { raw: string; pid: number | undefined } | undefined {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const pid = (JSON.parse(raw) as { pid?: unknown }).pid;
    return { raw, pid: typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : undefined };
  } catch {
    // Torn or empty (a crash while it was written): it names no live holder.
    return { raw, pid: undefined };
  }
}

/** Whether `pid` is a live process; a zombie (exited, not yet reaped by its parent) is not. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    // /proc/<pid>/stat: "pid (comm) S ...", the state after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
