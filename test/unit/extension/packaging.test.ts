/**
 * The extension's manifest and package: lazy activation, an engine the tests' VS Code (1.100) accepts,
 * and a VSIX holding only the runtime files (dist bundles, schemas, media, manifest, README, LICENSE).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string; version: string; main: string; engines: { vscode: string }; activationEvents: string[];
};

/** What a VSIX may hold, as paths relative to the extension root. */
const ALLOWED = [/^package\.json$/, /^README\.md$/i, /^readme\.md$/, /^LICENSE(\.txt)?$/, /^media\/[^/]+$/, /^dist\/[\w-]+\.js$/, /^dist\/webview\/[\w.-]+\.(js|css)$/, /^dist\/schemas\/[\w]+\.schema\.json$/];
const allowed = (f: string): boolean => ALLOWED.some((re) => re.test(f));

describe('extension packaging', () => {
  it('activates lazily: no "*" and no onStartupFinished', () => {
    assert.ok(pkg.activationEvents.length > 0);
    assert.deepEqual(pkg.activationEvents.filter((e) => e === '*' || e === 'onStartupFinished'), []);
    for (const e of pkg.activationEvents) assert.match(e, /^(workspaceContains|onView|onCommand|onLanguage|onWebviewPanel|onCustomEditor|onUri):/, e);
  });

  it('asks for a VS Code no newer than 1.100 and points main at the bundle', () => {
    const m = /^[\^~>=]*(\d+)\.(\d+)\./.exec(pkg.engines.vscode);
    assert.ok(m, pkg.engines.vscode);
    assert.ok(Number(m[1]) === 1 && Number(m[2]) <= 100, `engines.vscode ${pkg.engines.vscode}`);
    assert.equal(pkg.main, './dist/extension.js');
  });

  it('lists only runtime files for the VSIX (vsce ls), the CLI bundle included', function () {
    this.timeout(120_000);
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    assert.deepEqual(files.filter((f) => !allowed(f)), [], 'files that do not belong in the VSIX');
    for (const f of ['package.json', 'LICENSE', 'dist/extension.js', 'dist/cli.js']) assert.ok(files.includes(f), `${f} in ${JSON.stringify(files)}`);
  });

  it('the packaged VSIX (when built) holds only runtime files', function () {
    const vsix = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
    if (!existsSync(vsix)) this.skip();
    const r = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const entries = r.stdout.split('\n').filter(Boolean);
    const inside = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
    assert.deepEqual(entries.filter((e) => !e.startsWith('extension/') && !/^(extension\.vsixmanifest|\[Content_Types\]\.xml)$/.test(e)), []);
    assert.deepEqual(inside.filter((f) => !allowed(f)), []);
    assert.ok(inside.includes('dist/cli.js'), 'the emulator CLI the extension starts');
  });
});
