/**
 * The VSIXs the e2e tests install: the extension packaged by `npm run package`, and the companion
 * extension-host test extension (test/extension-host), bundled with esbuild and packaged with vsce
 * here, only for tests.
 */
import { build, type Plugin } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, isCI } from './env';

export const EXTENSION_ID = 'localbatch.localbatch';
export const TEST_EXTENSION_ID = 'localbatch.localbatch-extension-host-tests';
const TEST_EXTENSION_DIR = path.join(REPO_ROOT, 'test', 'extension-host');
const VSCE = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

/**
 * The extension's VSIX in the repo root (`npm run test:e2e` packages it first). Packages it when
 * missing outside CI; under CI a missing VSIX means the packaging step was skipped: an error.
 */
export function extensionVsix(): string {
  const { name, version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const file = path.join(REPO_ROOT, `${name}-${version}.vsix`);
  if (!existsSync(file)) {
    if (isCI()) throw new Error(`${file} is missing: run \`npm run package\` first (npm run test:e2e does)`);
    run('npm', ['run', 'package'], REPO_ROOT);
  }
  return file;
}

/** Entry point of the test extension's bundle (also the `@vscode/test-electron` tests module). */
export const TEST_EXTENSION_ENTRY = path.join(TEST_EXTENSION_DIR, 'src', 'extension.ts');

const SUITE_DIR = path.join(TEST_EXTENSION_DIR, 'src', 'suite');

/** Replaces src/suites.ts with lazy imports of every src/suite/*.test.ts, in name order. */
const discoverSuites: Plugin = {
  name: 'discover-extension-host-suites',
  setup(b) {
    b.onLoad({ filter: /[\\/]test[\\/]extension-host[\\/]src[\\/]suites\.ts$/ }, () => {
      const files = readdirSync(SUITE_DIR).filter((f) => f.endsWith('.test.ts')).sort();
      const imports = files.map((f) => `  () => import(${JSON.stringify(`./suite/${f.replace(/\.ts$/, '')}`)}),`);
      return { contents: `export const SUITES = [\n${imports.join('\n')}\n];\n`, loader: 'ts', resolveDir: path.dirname(SUITE_DIR) };
    });
  },
};

/** Bundles the test extension (mocha included, `vscode` external) into `outfile`. */
export async function bundleTestExtension(outfile: string): Promise<void> {
  await build({
    plugins: [discoverSuites],
    entryPoints: [TEST_EXTENSION_ENTRY], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    external: ['vscode'], sourcemap: 'inline', logLevel: 'error',
    // mocha's parallel mode (never used here) resolves worker files at run time.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
}

/**
 * Builds the test extension's VSIX from test/extension-host in a staging directory outside the repo
 * (so `eslint .` never sees the bundle) and returns its path.
 */
export async function testExtensionVsix(): Promise<string> {
  const stage = path.join(os.tmpdir(), 'localbatch-extension-host-tests');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(path.join(stage, 'dist'), { recursive: true });
  await bundleTestExtension(path.join(stage, 'dist', 'extension.js'));
  copyFileSync(path.join(TEST_EXTENSION_DIR, 'package.json'), path.join(stage, 'package.json'));
  copyFileSync(path.join(REPO_ROOT, 'LICENSE'), path.join(stage, 'LICENSE'));
  writeFileSync(path.join(stage, 'README.md'), '# LocalBatch extension-host tests\n\nBuilt only for tests; never published.\n');
  const out = path.join(stage, 'localbatch-extension-host-tests.vsix');
  run(VSCE, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], stage);
  return out;
}
