/** The state directory: created private with a .gitignore; an existing one left as it is; a shared one refused. */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureStateDir, StateDirError } from '../../../../src/emulator/store/state-dir';

describe('ensureStateDir', function () {
  if (process.platform === 'win32') return;
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'lb-state-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a missing one (and its parents) private, with a .gitignore of everything', () => {
    const state = ensureStateDir(path.join(dir, 'a', 'b', 'state'));
    assert.equal(statSync(state).mode & 0o777, 0o700);
    assert.match(readFileSync(path.join(state, '.gitignore'), 'utf8'), /^\*$/m);
  });

  it('uses an existing folder as it is: no chmod, no .gitignore written', () => {
    const mine = path.join(dir, 'mine');
    mkdirSync(mine);
    chmodSync(mine, 0o755);
    assert.equal(ensureStateDir(mine), mine);
    assert.equal(statSync(mine).mode & 0o777, 0o755);
    assert.equal(existsSync(path.join(mine, '.gitignore')), false);
  });

  it('refuses /tmp itself and any world-writable or sticky folder', () => {
    assert.throws(() => ensureStateDir(tmpdir()), (e: unknown) => e instanceof StateDirError && /shared folder/.test(e.message));
    const open = path.join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    assert.throws(() => ensureStateDir(open), StateDirError);
    assert.equal(statSync(open).mode & 0o777, 0o777, 'a refused folder is not re-moded either');
    const sticky = path.join(dir, 'sticky');
    mkdirSync(sticky);
    chmodSync(sticky, 0o1755);
    assert.throws(() => ensureStateDir(sticky), StateDirError);
  });

  it('creates a folder of its own inside a shared one', () => {
    const open = path.join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o1777);
    const state = ensureStateDir(path.join(open, 'state'));
    assert.equal(statSync(state).mode & 0o777, 0o700);
  });

  it('refuses a file and a dangling symlink', () => {
    writeFileSync(path.join(dir, 'file'), '');
    assert.throws(() => ensureStateDir(path.join(dir, 'file')), /is not a directory/);
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
    assert.throws(() => ensureStateDir(path.join(dir, 'dangling')), /symlink to nothing/);
  });
});
