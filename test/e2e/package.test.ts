/**
 * The packaged extension, checked where it exists: the e2e suite runs after `npm run package`
 * (npm run test:e2e), so these never skip. The built bundle activates without loading the AWS SDK,
 * the deploy flows or the validators, and the VSIX holds only runtime files.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { allowedInVsix } from '../support/vsix-files';
import { REPO_ROOT as ROOT } from './support/env';
import { extensionVsix } from './support/vsix';

describe('the packaged extension (e2e)', function () {
  this.timeout(240_000);
  let vsix: string;
  before(() => {
    // Packages when the VSIX is missing outside CI; under CI a missing VSIX is a failure.
    vsix = extensionVsix();
  });

  it('the built extension bundle loads without the AWS SDK, the deploy flows or the validators ', () => {
    const main = path.join(ROOT, 'dist', 'extension.js');
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

  it("each bundle's SDK stubs list only the names its own files import", () => {
    // The emulator imports whole clients for their request models (client-batch: ~400 exports); a
    // stub listing them all costs activation time (scripts/build.mjs, importedNames).
    let stubs = 0;
    for (const bundle of ['extension.js', 'lazy-flows.js']) {
      const text = readFileSync(path.join(ROOT, 'dist', bundle), 'utf8');
      for (const m of text.matchAll(/lazy-aws-sdk\.js"\)\["([^"]+)"\]/g)) {
        const list = /of\s*(\[[^\]]*\])/.exec(text.slice(m.index, m.index + 2_000));
        assert.ok(list, `${bundle}: the stub of ${m[1]} lists its names`);
        const names = JSON.parse(list[1]!) as string[];
        assert.ok(names.length > 0 && names.length < 60, `${bundle}: the stub of ${m[1]} lists ${names.length} names`);
        stubs += 1;
      }
    }
    assert.ok(stubs >= 10, `found ${stubs} stubs`);
  });

  it('the packaged VSIX holds only runtime files', () => {
    const r = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const entries = r.stdout.split('\n').filter(Boolean);
    const inside = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
    assert.deepEqual(entries.filter((e) => !e.startsWith('extension/') && !/^(extension\.vsixmanifest|\[Content_Types\]\.xml)$/.test(e)), []);
    assert.deepEqual(inside.filter((f) => !allowedInVsix(f)), []);
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
