import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { acquireServeLock, processAlive, SERVE_LOCK_FILE, StateDirLockedError } from '../../../../src/emulator/store/serve-lock';

/** The id of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('serve.lock: one emulator per state directory', () => {
  let dir: string;
  const lockFile = () => path.join(dir, SERVE_LOCK_FILE);
  const holder = () => (JSON.parse(readFileSync(lockFile(), 'utf8')) as { pid: number }).pid;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is taken with this process\'s id and removed on release, leaving no temporary file', () => {
    const lock = acquireServeLock(dir);
    assert.equal(holder(), process.pid);
    assert.deepEqual(readdirSync(dir), [SERVE_LOCK_FILE]);
    lock.release();
    lock.release();
    assert.deepEqual(readdirSync(dir), []);
  });

  it('refuses while a live process holds it, naming that process', () => {
    writeFileSync(lockFile(), JSON.stringify({ pid: process.ppid }));
    assert.throws(() => acquireServeLock(dir), (err: unknown) => err instanceof StateDirLockedError && err.pid === process.ppid && err.message.includes(dir));
    assert.equal(holder(), process.ppid, 'the holder\'s lock is left alone');
  });

  it('refuses a second take in the same process until the first is released', () => {
    const first = acquireServeLock(dir);
    assert.throws(() => acquireServeLock(dir), StateDirLockedError);
    first.release();
    acquireServeLock(dir).release();
  });

  it('takes over a lock whose process is gone (killed), or that is torn, at once', () => {
    const gone = deadPid();
    assert.equal(processAlive(gone), false);
    writeFileSync(lockFile(), JSON.stringify({ pid: gone }));
    const lock = acquireServeLock(dir);
    assert.equal(holder(), process.pid);
    lock.release();
    writeFileSync(lockFile(), '{"pid": 12');
    acquireServeLock(dir).release();
  });

  it('takes over a lock naming this process\'s id that this process does not hold (a restarted container\'s pid 1)', () => {
    writeFileSync(lockFile(), JSON.stringify({ pid: process.pid, since: 'before the restart' }));
    const lock = acquireServeLock(dir);
    assert.notEqual(readFileSync(lockFile(), 'utf8').includes('before the restart'), true);
    lock.release();
  });

  it('a release leaves alone a lock another process has taken since', () => {
    const lock = acquireServeLock(dir);
    writeFileSync(lockFile(), JSON.stringify({ pid: process.ppid }));
    lock.release();
    assert.equal(existsSync(lockFile()), true);
    assert.equal(holder(), process.ppid);
  });

  it('processAlive: this process is, an exited one is not', () => {
    assert.equal(processAlive(process.pid), true);
    assert.equal(processAlive(deadPid()), false);
  });
});
