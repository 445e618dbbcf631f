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
  name: string; version: string; main: string; icon?: string; engines: { vscode: string }; activationEvents: string[];
  contributes: { jsonValidation?: unknown[]; yamlValidation?: unknown[]; viewsContainers: { activitybar: Array<{ icon: string }> } };
};

/** What a VSIX may hold, as paths relative to the extension root. */
const ALLOWED = [/^package\.json$/, /^README\.md$/i, /^readme\.md$/, /^LICENSE(\.txt)?$/, /^media\/[^/]+$/, /^dist\/[\w-]+\.js$/, /^dist\/webview\/[\w.-]+\.(js|css)$/];
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

  it('the built extension bundle loads without the AWS SDK, the deploy flows or the validators (when built)', function () {
    const main = path.join(ROOT, 'dist', 'extension.js');
    if (!existsSync(main) || !existsSync(path.join(ROOT, 'dist', 'lazy-aws-sdk.js'))) this.skip();
    // Loaded in a child process with a stand-in `vscode` module (a proxy that accepts any use).
    const probe = `
      const Module = require('node:module');
      const load = Module._load;
      const stub = new Proxy(function () {}, { get: (t, k) => (k === '__esModule' ? false : stub), apply: () => stub, construct: () => stub });
      Module._load = function (req, ...rest) { return req === 'vscode' ? stub : load.call(this, req, ...rest); };
      require(${JSON.stringify(main)});
      console.log(JSON.stringify(Object.keys(require.cache).map((k) => require('node:path').relative(${JSON.stringify(ROOT)}, k))));`;
    const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const loaded = JSON.parse(r.stdout.trim().split('\n').pop()!) as string[];
    assert.deepEqual(loaded, ['dist/extension.js']);
    // The JSON Schemas live in dist/lazy-schemas.js, required on first use (scripts/build.mjs).
    assert.equal(readFileSync(main, 'utf8').includes('json-schema.org'), false, 'no JSON Schema text in the main bundle');
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
    for (const f of ['dist/lazy-aws-sdk.js', 'dist/lazy-flows.js', 'dist/lazy-engine.js', 'dist/lazy-schemas.js', 'media/icon.png']) assert.ok(inside.includes(f), `${f} in the VSIX`);
    // Minified bundles without a source-map reference to a file the VSIX does not hold.
    for (const f of inside.filter((x) => x.endsWith('.js'))) {
      const js = spawnSync('unzip', ['-p', vsix, `extension/${f}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout;
      const map = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(js)?.[1];
      assert.ok(!map || map.startsWith('data:') || inside.includes(path.posix.join(path.posix.dirname(f), map)), `${f} refers to ${map}, which is not in the VSIX`);
    }
  });
});
