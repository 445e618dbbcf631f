/**
 * The extension's manifest and package: lazy activation, an engine the tests' VS Code (1.100) accepts,
 * and `vsce ls` listing only the runtime files. The built VSIX's contents are checked in the e2e suite
 * (test/e2e/vsix-contents.test.ts), which runs after `npm run package`.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { allowedInVsix } from '../../support/vsix-files';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string; version: string; main: string; icon?: string; engines: { vscode: string }; activationEvents: string[];
  contributes: { jsonValidation?: unknown[]; yamlValidation?: unknown[]; viewsContainers: { activitybar: Array<{ icon: string }> } };
};

const allowed = allowedInVsix;

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

  it('contributes no JSON/YAML schemas to VS Code (its validation would report each mistake a second time)', () => {
    assert.equal(pkg.contributes.jsonValidation, undefined);
    assert.equal(pkg.contributes.yamlValidation, undefined);
  });

  it('has a 128x128 PNG extension icon and its own monochrome 24x24 activity-bar icon', () => {
    assert.equal(pkg.icon, 'media/icon.png');
    const png = readFileSync(path.join(ROOT, pkg.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
    const svg = readFileSync(path.join(ROOT, pkg.contributes.viewsContainers.activitybar[0].icon), 'utf8');
    assert.match(svg, /viewBox="0 0 24 24"/);
    // Monochrome: drawn in currentColor only, so the workbench can tint it.
    assert.deepEqual([...svg.matchAll(/(?:fill|stroke)="([^"]+)"/g)].map((m) => m[1]).filter((c) => c !== 'currentColor' && c !== 'none'), []);
  });

  it('lists only runtime files for the VSIX (vsce ls), the CLI bundle included', function () {
    this.timeout(120_000);
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    assert.deepEqual(files.filter((f) => !allowed(f)), [], 'files that do not belong in the VSIX');
    for (const f of ['package.json', 'LICENSE', 'dist/extension.js', 'dist/cli.js']) assert.ok(files.includes(f), `${f} in ${JSON.stringify(files)}`);
  });

});
