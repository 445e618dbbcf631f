/**
 * The `localbatch` launcher the extension puts on its terminals' PATH: written to global storage,
 * its folder prepended to PATH, and it really runs the bundled CLI (here with this Node as
 * "VS Code's runtime"). The extension context is a fake with just the members the code uses.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { offerCliInTerminals } from '../../../src/extension/terminalCli';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('extension: the CLI in integrated terminals', () => {
  let dir: string;
  before(function () {
    this.timeout(60_000);
    if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  });
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'lb-term-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a launcher, prepends its folder to PATH, and the launcher runs the bundled CLI', function () {
    this.timeout(30_000);
    const prepended: Array<[string, string]> = [];
    const fakeContext = {
      globalStorageUri: { fsPath: path.join(dir, 'storage') },
      asAbsolutePath: (rel: string) => path.join(ROOT, rel),
      environmentVariableCollection: { description: undefined as unknown, prepend: (name: string, value: string) => prepended.push([name, value]) },
    } as unknown as vscode.ExtensionContext;
    const warnings: string[] = [];
    const log = { warn: (m: string) => warnings.push(m) } as unknown as vscode.LogOutputChannel;
    const bin = offerCliInTerminals(fakeContext, log);
    assert.deepEqual(warnings, []);
    assert.equal(bin, path.join(dir, 'storage', 'bin'));
    assert.deepEqual(prepended, [['PATH', bin + path.delimiter]]);
    assert.ok((statSync(path.join(bin!, 'localbatch')).mode & 0o111) !== 0, 'executable');
    // A terminal's shell finds `localbatch` on PATH, from any folder.
    const r = spawnSync('sh', ['-c', 'localbatch --version && localbatch validate --format json'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
    });
    assert.equal(r.status, 0, r.stderr);
    const [version, json] = r.stdout.split('\n', 2);
    assert.match(version, /^\d+\.\d+\.\d+$/);
    assert.equal((JSON.parse(r.stdout.slice(version.length + 1)) as { summary: { errors: number } }).summary.errors, 0, json);
    // Written again unchanged on the next activation.
    assert.equal(offerCliInTerminals(fakeContext, log), bin);
  });
});
