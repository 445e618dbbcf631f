/**
 * One emulator per state directory: `serve.lock` names the serving process from before the journal
 * is opened until after it is closed. endpoint.json alone left a window: two emulators started
 * together (the editor's and a terminal's `localbatch serve`), or one started while another was
 * still opening its journal, both found no endpoint and both wrote the same journal, so either could
 * overwrite what the other had acknowledged.
 *
 * A lock whose process is gone (killed: SIGKILL, a crash, a power cut) is stale and taken over at
 * once, so a restart after a crash needs no wait. On Linux the lock also holds the boot id and the
 * process's start time, so a pid given to another process since (after a reboot, in a restarted
 * container whose emulator is pid 1 again) does not keep it; elsewhere only the pid is known, and
 * the refusal says which file to remove if that process is no emulator.
 *
 * Node has no flock without native modules, so the lock is a file linked into place whole (link(2)
 * fails if the name exists, and the file is never seen half written; where the file system has no
 * hard links it is created with O_EXCL instead). A stale lock is removed only under
 * `serve.lock.takeover` (itself created exclusively), after reading it again there, so two
 * processes taking over the same stale lock cannot remove each other's new one.
 */
import { linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const SERVE_LOCK_FILE = 'serve.lock';
const TAKEOVER_SUFFIX = '.takeover';
/** A takeover mutex older than this was left by a crash in the middle of a takeover. */
const TAKEOVER_STALE_MS = 10_000;

/** The state directory is locked by a live process (`pid`). */
export class StateDirLockedError extends Error {
  constructor(
    readonly pid: number,
    readonly stateDir: string,
    /** Set when the holder is of another host (its process cannot be checked from here). */
    readonly host?: string,
  ) {
    super(`an emulator (pid ${pid}${host ? ` on ${host}` : ''}) is starting or serving ${stateDir}`);
    this.name = 'StateDirLockedError';
  }
}

export interface ServeLock {
  /** Removes the lock if it is still this one. Idempotent. */
  release(): void;
}

/** Who holds a lock: what liveness is judged by. */
interface Holder {
  readonly pid: number;
  readonly host?: string;
  /** Linux: /proc/sys/kernel/random/boot_id and the process's start time (/proc/<pid>/stat field 22). */
  readonly boot?: string;
  readonly start?: string;
}

/** Takes `stateDir`'s serve lock for this process, or throws StateDirLockedError naming its holder. */
export async function acquireServeLock(stateDir: string, pid = process.pid): Promise<ServeLock> {
  const file = join(stateDir, SERVE_LOCK_FILE);
  if (heldHere.has(file)) throw new StateDirLockedError(pid, stateDir);
  const me: Holder = { pid, host: hostname(), ...linuxIdentity(pid) };
  const content = `${JSON.stringify({ ...me, since: new Date().toISOString() })}\n`;
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (createWhole(file, content)) {
      heldHere.add(file);
      return lockOf(file, content);
    }
    const held = readLock(file);
    if (held === undefined) continue; // removed meanwhile: try again
    if (held.holder && isLive(held.holder, pid)) throw new StateDirLockedError(held.holder.pid, stateDir, held.holder.host !== undefined && held.holder.host !== hostname() ? held.holder.host : undefined);
    // Unreadable and new: being written (where there are no hard links, the file is created, then written).
    if (!held.holder && (ageMs(file) ?? Infinity) < 2_000) {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    await removeStale(file, held.raw);
  }
  throw new Error(`could not take ${file}: it kept changing; is another emulator starting on ${stateDir}?`);
}

/** The live process holding `stateDir`'s lock, if any (stale locks name none). */
export function serveLockHolder(stateDir: string): number | undefined {
  const held = readLock(join(stateDir, SERVE_LOCK_FILE));
  return held?.holder && isLive(held.holder, -1) ? held.holder.pid : undefined;
}

/** Creates `file` holding `content`, appearing whole; false if it exists. */
function createWhole(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // No hard links here (FAT, some network and FUSE file systems): exclusive create instead.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw err;
    try {
      writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Removes the stale lock `raw` under the takeover mutex, if it still says `raw` there. */
async function removeStale(file: string, raw: string): Promise<void> {
  const mutex = `${file}${TAKEOVER_SUFFIX}`;
  for (let wait = 0; wait < 50; wait++) {
    if (createWhole(mutex, `${process.pid}\n`)) {
      try {
        if (readLock(file)?.raw === raw) rmSync(file, { force: true });
      } finally {
        rmSync(mutex, { force: true });
      }
      return;
    }
    // Another process is taking over; one that crashed doing so left its mutex behind.
    const age = ageMs(mutex);
    if (age !== undefined && age > TAKEOVER_STALE_MS) clearStaleMutex(mutex);
    else await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Clears a takeover mutex a crash left: renamed aside first (only one of several clearing it at once
 * succeeds), removed if what was moved is still old, put back if it was another's fresh one.
 */
function clearStaleMutex(mutex: string): void {
  const aside = `${mutex}.${process.pid}.${Math.random().toString(36).slice(2)}.stale`;
  try {
    renameSync(mutex, aside);
  } catch {
    return; // gone meanwhile: another cleared it
  }
  const age = ageMs(aside);
  if (age !== undefined && age <= TAKEOVER_STALE_MS) {
    try {
      linkSync(aside, mutex);
    } catch {
      // a newer one is there
    }
  }
  rmSync(aside, { force: true });
}

function ageMs(file: string): number | undefined {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
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

function readLock(file: string): { raw: string; holder: Holder | undefined } | undefined {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    const pid = v.pid;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return { raw, holder: undefined };
    const text = (k: string) => (typeof v[k] === 'string' ? { [k]: v[k] as string } : {});
    return { raw, holder: { pid, ...text('host'), ...text('boot'), ...text('start') } };
  } catch {
    // Torn or empty (a crash while it was written by hand or on a file system without links).
    return { raw, holder: undefined };
  }
}

/**
 * Whether the lock's holder still runs. `self`: this process's pid: a lock naming it that this
 * process does not hold was left by an earlier process with the same id (a restarted container).
 */
function isLive(holder: Holder, self: number): boolean {
  // Another host's (a shared folder, another container): its processes cannot be checked from here.
  if (holder.host !== undefined && holder.host !== hostname()) return true;
  if (holder.pid === self) return false;
  if (!processAlive(holder.pid)) return false;
  if (holder.boot !== undefined && holder.start !== undefined) {
    const now = linuxIdentity(holder.pid);
    if (now.boot !== undefined && (now.boot !== holder.boot || now.start !== holder.start)) return false;
  }
  return true;
}

/** Linux: the boot id and `pid`'s start time, which a reused pid does not share. */
function linuxIdentity(pid: number): { boot?: string; start?: string } {
  if (process.platform !== 'linux') return {};
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ppid ...": fields after the command; the start time is field 22 overall.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return boot && start ? { boot, start } : {};
  } catch {
    return {};
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
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
