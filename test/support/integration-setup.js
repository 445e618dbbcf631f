'use strict';
// Loaded by the integration configs. Before any test file runs (in mocha's main process, also under
// --parallel, before its workers start): the CLI the tests start (bin/localbatch.js runs dist/) is
// built once if it is missing or older than the sources, so no two test files build it at once
// while another one runs it.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function buildOnce() {
  const cli = path.join(ROOT, 'dist', 'cli.js');
  if (existsSync(cli) && statSync(cli).mtimeMs >= newest(path.join(ROOT, 'src'))) return;
  process.stdout.write('Building dist/ (npm run build) for the integration tests\n');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed: ${r.stderr}`);
}

module.exports = { mochaGlobalSetup: buildOnce, buildOnce };
