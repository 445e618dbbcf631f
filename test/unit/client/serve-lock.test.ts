import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { acquireServeLock, processAlive, SERVE_LOCK_FILE, serveLockHolder, StateDirLockedError } from '../../../src/client/serve-lock';

/** The id of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

const linux = process.platform === 'linux';

describe('serve.lock: one emulator per state directory', () => {
  let dir: string;
  const lockFile = () => path.join(dir, SERVE_LOCK_FILE);
  const lockOf = () => JSON.parse(readFileSync(lockFile(), 'utf8')) as { pid: number; host?: string; boot?: string; start?: string };
  const holder = () => lockOf().pid;
  /** The lock the parent process (live) would write. */
  const parentsLock = () => {
    const me = lockOf();
    return { ...me, pid: process.ppid, start: linux ? readFileSync(`/proc/${process.ppid}/stat`, 'utf8').split(') ')[1].split(' ')[19] : undefined };
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is taken with this process\'s id (and host, and on Linux its boot and start time), removed on release, leaving no temporary file', async () => {
    const lock = await acquireServeLock(dir);
    const held = lockOf();
    assert.equal(held.pid, process.pid);
    assert.equal(held.host, hostname());
    if (linux) assert.ok(held.boot && held.start, JSON.stringify(held));
    assert.deepEqual(readdirSync(dir), [SERVE_LOCK_FILE]);
    assert.equal(serveLockHolder(dir), process.pid);
    lock.release();
    lock.release();
    assert.deepEqual(readdirSync(dir), []);
  });

  it('refuses while a live process holds it, naming that process', async () => {
    const lock = await acquireServeLock(dir);
    const parent = parentsLock();
    lock.release();
    writeFileSync(lockFile(), JSON.stringify(parent));
    await assert.rejects(acquireServeLock(dir), (err: unknown) => err instanceof StateDirLockedError && err.pid === process.ppid && err.message.includes(dir));
    assert.equal(holder(), process.ppid, 'the holder\'s lock is left alone');
    assert.equal(serveLockHolder(dir), process.ppid);
  });

  it('refuses a second take in the same process until the first is released', async () => {
    const first = await acquireServeLock(dir);
    await assert.rejects(acquireServeLock(dir), StateDirLockedError);
    first.release();
    (await acquireServeLock(dir)).release();
  });

  it('takes over a lock whose process is gone (killed), or that is torn, at once', async () => {
    const gone = deadPid();
    assert.equal(processAlive(gone), false);
    writeFileSync(lockFile(), JSON.stringify({ pid: gone }));
    assert.equal(serveLockHolder(dir), undefined);
    const lock = await acquireServeLock(dir);
    assert.equal(holder(), process.pid);
    lock.release();
    writeFileSync(lockFile(), '{"pid": 12');
    (await acquireServeLock(dir)).release();
  });

  it('takes over a lock whose pid now belongs to another process (reused after a reboot or a restart)', async function () {
    if (!linux) this.skip();
    const lock = await acquireServeLock(dir);
    const parent = parentsLock();
    lock.release();
    // The parent's pid, but another start time (or another boot): the process that wrote it is gone.
    writeFileSync(lockFile(), JSON.stringify({ ...parent, start: '1' }));
    assert.equal(serveLockHolder(dir), undefined);
    (await acquireServeLock(dir)).release();
    writeFileSync(lockFile(), JSON.stringify({ ...parent, boot: 'another-boot' }));
    (await acquireServeLock(dir)).release();
  });

  it('takes over a lock naming this process\'s id that this process does not hold (a restarted container\'s pid 1), not another host\'s', async () => {
    writeFileSync(lockFile(), JSON.stringify({ pid: process.pid, host: hostname(), since: 'before the restart' }));
    const lock = await acquireServeLock(dir);
    assert.equal(readFileSync(lockFile(), 'utf8').includes('before the restart'), false);
    lock.release();
    writeFileSync(lockFile(), JSON.stringify({ pid: process.pid, host: 'another-container' }));
    await assert.rejects(acquireServeLock(dir), StateDirLockedError);
  });

  it('two processes taking over one stale lock at once: exactly one wins', async function () {
    this.timeout(60_000);
    const module = path.resolve(__dirname, '../../../src/client/serve-lock.ts');
    // Each waits for the go file, takes the lock, says whether it won, and holds it a while.
    const script = `
      const { acquireServeLock } = require(${JSON.stringify(module)});
      const { existsSync } = require('node:fs');
      const go = ${JSON.stringify(path.join(dir, 'go'))};
      (async () => {
        while (!existsSync(go)) await new Promise((r) => setTimeout(r, 5));
        try { const l = await acquireServeLock(${JSON.stringify(dir)}); process.stdout.write('won'); await new Promise((r) => setTimeout(r, 1500)); l.release(); }
        catch (e) { process.stdout.write(e.name); }
      })();`;
    for (let round = 0; round < 3; round++) {
      writeFileSync(lockFile(), JSON.stringify({ pid: deadPid(), host: hostname() }));
      rmSync(path.join(dir, 'go'), { force: true });
      const { spawn } = await import('node:child_process');
      const racers = [0, 1].map(() => spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: path.resolve(__dirname, '../../..'), stdio: ['ignore', 'pipe', 'inherit'] }));
      const outs = racers.map((c) => new Promise<string>((resolve) => {
        let out = '';
        c.stdout!.on('data', (b: Buffer) => (out += b.toString()));
        c.once('exit', () => resolve(out));
      }));
      await new Promise((r) => setTimeout(r, 1500)); // both loaded and polling
      writeFileSync(path.join(dir, 'go'), '');
      assert.deepEqual((await Promise.all(outs)).sort(), ['StateDirLockedError', 'won'], `round ${round}`);
    }
  });

  it('a takeover mutex left by a crash is cleared once old', async () => {
    writeFileSync(lockFile(), JSON.stringify({ pid: deadPid() }));
    const mutex = `${lockFile()}.takeover`;
    writeFileSync(mutex, '1\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(mutex, old, old);
    const lock = await acquireServeLock(dir);
    assert.equal(holder(), process.pid);
    assert.equal(existsSync(mutex), false);
    lock.release();
  });

  it('an unreadable lock is waited on while new (being written), taken over once old', async () => {
    const lock = await acquireServeLock(dir);
    const parent = parentsLock();
    lock.release();
    writeFileSync(lockFile(), '');
    // Its writer finishes 200 ms later: the lock is then a live holder's, so the take is refused.
    setTimeout(() => writeFileSync(lockFile(), JSON.stringify(parent)), 200);
    await assert.rejects(acquireServeLock(dir), StateDirLockedError);
    writeFileSync(lockFile(), '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFile(), old, old);
    (await acquireServeLock(dir)).release();
  });

  it('a release leaves alone a lock another process has taken since', async () => {
    const lock = await acquireServeLock(dir);
    writeFileSync(lockFile(), JSON.stringify({ pid: process.ppid }));
    lock.release();
    assert.equal(existsSync(lockFile()), true);
    assert.equal(holder(), process.ppid);
  });

  it('processAlive: this process is, an exited one is not, nor one exited but not yet reaped (a zombie)', async function () {
    assert.equal(processAlive(process.pid), true);
    assert.equal(processAlive(deadPid()), false);
    if (!linux) return;
    // A child that exits while this process's event loop is blocked stays a zombie until it runs again
    // (as an emulator does whose parent waits in spawnSync: \`localbatch stop\` waited on it for 60 s).
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    const pid = child.pid!;
    const wait = new Int32Array(new SharedArrayBuffer(4));
    let zombie = false;
    for (let i = 0; i < 200 && !zombie; i++) {
      Atomics.wait(wait, 0, 0, 25);
      zombie = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
    }
    assert.ok(zombie, 'the child became a zombie');
    assert.equal(processAlive(pid), false);
    await new Promise((r) => child.once('exit', r));
  });
});
