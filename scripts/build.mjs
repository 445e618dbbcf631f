// Bundles the CLI (and, as they arrive, the extension and the webview) with esbuild.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
// mainFields: prefer ESM builds; jsonc-parser's UMD main uses a dynamic require esbuild cannot bundle.
const common = { bundle: true, sourcemap: true, logLevel: 'warning', minify: false, mainFields: ['module', 'main'] };

const targets = [
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', target: 'node20', format: 'cjs' },
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'] },
].filter((t) => existsSync(t.entryPoints[0]));

await Promise.all(targets.map((t) => build({ ...common, ...t })));
// The JSON schemas, for the extension's `jsonValidation` contributions (./dist/schemas/*.schema.json).
mkdirSync('dist/schemas', { recursive: true });
for (const f of readdirSync('src/model/schemas').filter((n) => n.endsWith('.schema.json'))) {
  copyFileSync(`src/model/schemas/${f}`, `dist/schemas/${f}`);
}
if (!watch) console.log(`built ${targets.map((t) => t.outfile).join(', ')}`);
