// Bundles the CLI, the extension and the webview with esbuild.
//
// `--production` (what `vsce package` runs through vscode:prepublish): minified, no source maps, so
// the VSIX holds no dangling `sourceMappingURL`. Without it: readable bundles with linked source maps.
//
// The extension loads fast because its main bundle (dist/extension.js) holds no AWS SDK and no
// deploy code. Two mechanisms, both in this file, keep it that way:
// - `import { X } from '@aws-sdk/…'` (and the other LAZY_PACKAGES) anywhere in the extension resolves
//   to a small stub whose exports are getters; the first use of any of them requires its bundle
//   (dist/lazy-aws-sdk.js, dist/lazy-parsers.js), synchronously. Source code imports them as usual.
//   (Top-level use of such an export would defeat this: use them inside functions only.)
// - `await import('./some/module')` of a project file in the extension becomes its own bundle,
//   dist/lazy-<module>.js, loaded on first use (e.g. the deploy flows in src/deploy/flows.ts).
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const require = createRequire(import.meta.url);

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

// jsonAsString: imported JSON (the schemas, ~300 KB) as `JSON.parse('…')`: V8 scans one string
// literal much faster than it parses the same data as an object literal, which matters at load time.
const jsonAsString = {
  name: 'json-as-string',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, async (a) => {
      const { readFile } = await import('node:fs/promises');
      const text = JSON.stringify(JSON.parse(await readFile(a.path, 'utf8')));
      return { contents: `module.exports = JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

/** Packages the extension's bundles load on first use, by the bundle that holds them. */
const LAZY_BUNDLES = {
  'lazy-aws-sdk.js': [
    '@aws-sdk/client-batch',
    '@aws-sdk/client-cloudwatch-logs',
    '@aws-sdk/client-ecr',
    // The Local view's Buckets, Rules and schedules, Topics (src/extension/views/pipeline).
    '@aws-sdk/client-eventbridge',
    '@aws-sdk/client-s3',
    '@aws-sdk/client-scheduler',
    '@aws-sdk/client-sns',
    '@aws-sdk/client-secrets-manager',
    '@aws-sdk/client-sfn',
    '@aws-sdk/client-ssm',
    '@aws-sdk/client-sts',
    '@aws-sdk/credential-providers',
    '@smithy/signature-v4',
  ],
  // The JSON and YAML parsers: needed for the first definition file, just after activation.
  'lazy-parsers.js': ['yaml', 'js-yaml', 'jsonc-parser'],
};
const LAZY_PACKAGES = Object.values(LAZY_BUNDLES).flat();
const bundleOf = (pkg) => Object.keys(LAZY_BUNDLES).find((b) => LAZY_BUNDLES[b].includes(pkg));
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The names `files` (one bundle's inputs) import from a lazy package (`import { A, B as C } from
 * 'pkg'`, type-only names left out), or undefined when one of them imports it whole (`import * as`,
 * default, `require`, `export *`). The stub exports only these: esbuild copies every export of a
 * CommonJS module into the importer's namespace object when the bundle loads, and the SDK clients
 * export hundreds of names each (measured: tens of milliseconds of activation for names never used).
 * Per bundle, as the emulator imports whole clients (for their request models) and a bundle of the
 * extension's that held none of its files would otherwise pay for them.
 */
function importedNames(pkg, files) {
  const names = new Set();
  const from = `from ['"]${escapeRe(pkg)}['"]`;
  const named = new RegExp(`(?:import|export)\\s+(type\\s+)?\\{([^}]*)\\}\\s*${from}`, 'g');
  const whole = new RegExp(`import\\s+(\\*\\s+as\\s+\\w+|\\w+)\\s*(,|${from})|export\\s*\\*.*${from}|require\\(['"]${escapeRe(pkg)}['"]\\)|import\\(['"]${escapeRe(pkg)}['"]\\)`);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes(pkg)) continue;
    if (whole.test(text)) return undefined;
    for (const m of text.matchAll(named)) {
      if (m[1]) continue;
      for (const part of m[2].split(',')) {
        const spec = part.trim();
        if (!spec || spec.startsWith('type ')) continue;
        names.add(spec.split(/\s+as\s+/)[0].trim());
      }
    }
  }
  return [...names].sort();
}

/**
 * Imports of the LAZY_PACKAGES → stubs (see the top of this file). `namesOf(pkg)`: the names the
 * stub exports, undefined for all of the package's.
 */
function lazySdk(namesOf) {
  return {
    name: 'lazy-sdk',
    setup(b) {
      const filter = new RegExp(`^(${LAZY_PACKAGES.map(escapeRe).join('|')})$`);
      b.onResolve({ filter }, (a) => ({ path: a.path, namespace: 'lazy-sdk' }));
      b.onResolve({ filter: new RegExp(`^\\./(${Object.keys(LAZY_BUNDLES).map(escapeRe).join('|')})$`) }, (a) => ({ path: a.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-sdk' }, (a) => {
        const all = Object.keys(require(a.path)).filter((n) => n !== 'default' && n !== '__esModule');
        const used = namesOf(a.path);
        const missing = used?.filter((n) => !all.includes(n)) ?? [];
        if (missing.length > 0) return { errors: [{ text: `${a.path} has no export ${missing.join(', ')}` }] };
        return {
          resolveDir: process.cwd(),
          contents: `let m;
const load = () => (m ??= require(${JSON.stringify(`./${bundleOf(a.path)}`)})[${JSON.stringify(a.path)}]);
Object.defineProperty(exports, '__esModule', { value: true });
for (const k of ${JSON.stringify(used ?? all)}) Object.defineProperty(exports, k, { enumerable: true, get: () => load()[k] });`,
        };
      });
    },
  };
}

/**
 * Builds `target` (whose `plugins(stubs)` gives its plugins around the lazy-sdk one) with stubs that
 * export what its own files import: a first pass, written nowhere, finds those files.
 */
async function buildWithStubs(target) {
  const { plugins, ...rest } = target;
  const probe = await build({ ...common, ...rest, write: false, metafile: true, plugins: plugins(lazySdk(() => undefined)) });
  const files = Object.keys(probe.metafile.inputs).filter((f) => !f.includes(':') && /\.[cm]?[jt]sx?$/.test(f));
  return build({ ...common, ...rest, plugins: plugins(lazySdk((pkg) => importedNames(pkg, files))) });
}

/**
 * The JSON Schemas (src/model/schemas/*.schema.json, ~350 KB) live in dist/lazy-schemas.js: in the
 * extension's bundles a `require` of one becomes a require of that bundle, made on first use (see
 * src/model/editing/schema-docs.ts, which requires them inside functions).
 */
const SCHEMA_FILE = /[\\/]schemas[\\/]([A-Za-z]+\.schema\.json)$/;
const lazySchemas = {
  name: 'lazy-schemas',
  setup(b) {
    b.onResolve({ filter: /\.schema\.json$/ }, (a) => {
      const m = SCHEMA_FILE.exec(a.path);
      return m ? { path: m[1], namespace: 'lazy-schemas' } : undefined;
    });
    b.onResolve({ filter: /^\.\/lazy-schemas\.js$/ }, (a) => ({ path: a.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-schemas' }, (a) => ({ resolveDir: process.cwd(), contents: `module.exports = require('./lazy-schemas.js')[${JSON.stringify(a.path)}];` }));
  },
};
const schemaFiles = readdirSync('src/model/schemas').filter((f) => f.endsWith('.schema.json'));

/** `import('./x')` of a project file → external `./lazy-x.js`, built as its own bundle afterwards. */
function lazyChunks(found) {
  return {
    name: 'lazy-chunks',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (a) => {
        if (a.kind !== 'dynamic-import') return undefined;
        const file = ['.ts', '/index.ts'].map((ext) => path.resolve(a.resolveDir, a.path) + ext).find((f) => existsSync(f));
        if (!file) return { errors: [{ text: `cannot find ${a.path} for a lazy chunk` }] };
        const name = `lazy-${path.basename(file).replace(/(\/index)?\.ts$/, '')}.js`;
        found.set(name, file);
        return { path: `./${name}`, external: true };
      });
    },
  };
}

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  mainFields: ['module', 'main'],
  legalComments: 'none',
};
const node = { platform: 'node', target: 'node20', format: 'cjs' };

// Stale source maps from a development build must not sit next to production bundles.
if (existsSync('dist')) for (const f of readdirSync('dist').filter((n) => n.endsWith('.map') || n.startsWith('lazy-'))) rmSync(`dist/${f}`);

const chunks = new Map();
const targets = [
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', ...node, plugins: [noNative, jsonAsString] },
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', ...node, external: ['vscode'], plugins: (stubs) => [noNative, lazySchemas, jsonAsString, stubs, lazyChunks(chunks)] },
  // The dependency-graph webview and its layout worker: browser code, loaded from dist/webview/.
  { entryPoints: ['webview/dag/main.ts'], outfile: 'dist/webview/dag.js', platform: 'browser', target: 'chrome114', format: 'iife', minify: true },
  { entryPoints: ['webview/dag/layout-worker.ts'], outfile: 'dist/webview/layout-worker.js', platform: 'browser', target: 'chrome114', format: 'iife', minify: true },
].filter((t) => existsSync(t.entryPoints[0]));

await Promise.all(targets.map((t) => (typeof t.plugins === 'function' ? buildWithStubs(t) : build({ ...common, ...t }))));

// The extension's lazy bundles: the lazy packages (each evaluated on first access), then every chunk
// found above (which use the SDK through the same stubs; a dynamic import inside a chunk stays in it).
const entry = (pkgs) => `module.exports = {\n${pkgs.map((p) => `  get ${JSON.stringify(p)}() { return require(${JSON.stringify(p)}); },`).join('\n')}\n};\n`;
const lazy = Object.entries(LAZY_BUNDLES).map(([file, pkgs]) => ({ stdin: { contents: entry(pkgs), resolveDir: process.cwd(), sourcefile: `${file}-entry.js` }, outfile: `dist/${file}`, ...node, plugins: [noNative] }));
for (const [name, file] of chunks) lazy.push({ entryPoints: [file], outfile: `dist/${name}`, ...node, external: ['vscode'], plugins: (stubs) => [noNative, lazySchemas, jsonAsString, stubs] });
const schemasEntry = `module.exports = {\n${schemaFiles.map((f) => `  get ${JSON.stringify(f)}() { return require(${JSON.stringify(`./src/model/schemas/${f}`)}); },`).join('\n')}\n};\n`;
lazy.push({ stdin: { contents: schemasEntry, resolveDir: process.cwd(), sourcefile: 'lazy-schemas-entry.js' }, outfile: 'dist/lazy-schemas.js', ...node, plugins: [jsonAsString] });
await Promise.all(lazy.map((t) => (typeof t.plugins === 'function' ? buildWithStubs(t) : build({ ...common, ...t }))));

// No dist/schemas: the extension contributes no JSON schemas to VS Code (its own diagnostics, hover
// and completion cover them; VS Code's would report every mistake a second time).
rmSync('dist/schemas', { recursive: true, force: true });
if (!watch) console.log(`built ${[...targets, ...lazy].map((t) => t.outfile).join(', ')}${production ? ' (production: minified, no source maps)' : ''}`);
