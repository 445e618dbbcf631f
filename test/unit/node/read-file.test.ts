/** readRegularFile: only regular files, capped; FIFOs, devices and directories refused without blocking. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileReadError, readRegularFile, readRegularFileSync } from '../../../src/node/read-file';

describe('readRegularFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'lb-read-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const refused = async (file: string, reason: FileReadError['reason'], detail: RegExp) => {
    for (const read of [() => readRegularFile(file, 1024), async () => readRegularFileSync(file, 1024)]) {
      await assert.rejects(read, (e: unknown) => e instanceof FileReadError && e.reason === reason && detail.test(e.detail));
    }
  };

  it('reads a regular file, also through a symlink', async () => {
    writeFileSync(path.join(dir, 'a'), 'hello');
    symlinkSync(path.join(dir, 'a'), path.join(dir, 'link'));
    assert.equal((await readRegularFile(path.join(dir, 'link'), 5)).toString(), 'hello');
    assert.equal(readRegularFileSync(path.join(dir, 'a'), 5).toString(), 'hello');
  });

  it('refuses a FIFO with no writer at once instead of blocking (POSIX: skipped on other platforms)', async function () {
    if (process.platform === 'win32') this.skip();
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    await refused(path.join(dir, 'fifo'), 'not-regular', /FIFO/);
  });

  it('refuses a symlink to /dev/zero without reading it (POSIX: skipped on other platforms)', async function () {
    if (process.platform === 'win32') this.skip();
    symlinkSync('/dev/zero', path.join(dir, 'zero'));
    await refused(path.join(dir, 'zero'), 'not-regular', /character device/);
  });

  it('refuses a directory', async () => {
    mkdirSync(path.join(dir, 'd'));
    await refused(path.join(dir, 'd'), 'not-regular', /directory/);
  });

  it('refuses a file over the cap before reading it (a sparse 1 GiB file)', async () => {
    writeFileSync(path.join(dir, 'big'), '');
    truncateSync(path.join(dir, 'big'), 1024 ** 3);
    await refused(path.join(dir, 'big'), 'too-large', /too large.*1024.0 MiB.*1.0 KiB/);
  });

  it('says plainly when a file is missing', async () => {
    await refused(path.join(dir, 'nope'), 'unreadable', /ENOENT/);
  });
});
