// Bundles the CLI (and, as they arrive, the extension and the webview) with esbuild.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
// mainFields: prefer ESM builds; jsonc-parser's UMD main uses a dynamic require esbuild cannot bundle.
// noNative: dockerode -> ssh2 optionally requires native addons (cpu-features, sshcrypto.node) inside
// try/catch; bundle a stub that throws instead, so ssh2 uses its pure-JS fallbacks and no native
// module is ever loaded (the extension runs in VS Code's Electron).
const noNative = {
  name: 'no-native',
  setup(b) {
    b.onResolve({ filter: /^cpu-features$|\.node$/ }, (a) => ({ path: a.path, namespace: 'no-native' }));
    b.onLoad({ filter: /.*/, namespace: 'no-native' }, (a) => ({ contents: `throw new Error(${JSON.stringify(`native module not bundled: ${a.path}`)});` }));
  },
};
const common = { bundle: true, sourcemap: true, logLevel: 'warning', minify: false, mainFields: ['module', 'main'], plugins: [noNative] };

const targets = [
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', target: 'node20', format: 'cjs' },
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'] },
  // The dependency-graph webview and its layout worker: browser code, loaded from dist/webview/.
  { entryPoints: ['webview/dag/main.ts'], outfile: 'dist/webview/dag.js', platform: 'browser', target: 'chrome114', format: 'iife', minify: true },
  { entryPoints: ['webview/dag/layout-worker.ts'], outfile: 'dist/webview/layout-worker.js', platform: 'browser', target: 'chrome114', format: 'iife', minify: true },
].filter((t) => existsSync(t.entryPoints[0]));

await Promise.all(targets.map((t) => build({ ...common, ...t })));
// The JSON schemas, for the extension's `jsonValidation` contributions (./dist/schemas/*.schema.json).
mkdirSync('dist/schemas', { recursive: true });
for (const f of readdirSync('src/model/schemas').filter((n) => n.endsWith('.schema.json'))) {
  copyFileSync(`src/model/schemas/${f}`, `dist/schemas/${f}`);
}
if (!watch) console.log(`built ${targets.map((t) => t.outfile).join(', ')}`);
