/**
 * The Node support policy (README "Node.js and the AWS SDK"): the CLI and the extension run on
 * Node 20 (VS Code 1.100's extension host), and everything they run is bundled from the lockfile at
 * build time. Every package that ends up in the CLI's or the extension's bundles must admit the
 * lowest Node our package.json declares, so a dependency bump to a Node-22-only release (the AWS SDK
 * for JavaScript v3 after the first week of January 2027) fails here instead of in a user's editor.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/** npm's own range semantics (semver, already installed with npm's tooling; it ships no types). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string; major: number } | null };

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string; vscode: string }; devDependencies: Record<string, string> };

/** The package folders (node_modules/…/name) whose files esbuild put in the bundles of these entries. */
async function bundledPackages(entryPoints: string[]): Promise<string[]> {
  const { metafile } = await build({
    absWorkingDir: ROOT, entryPoints, outdir: path.join(ROOT, 'dist-node-support-check'), write: false, metafile: true, bundle: true,
    platform: 'node', target: 'node20', format: 'cjs', mainFields: ['module', 'main'], external: ['vscode', 'cpu-features', '*.node'], logLevel: 'error',
  });
  const dirs = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(m[1]);
  }
  return [...dirs].sort();
}

describe('Node support policy (integration: the real bundles\' dependencies)', function () {
  this.timeout(180_000);
  const lowest = semver.minVersion(pkg.engines.node)!;

  it('declares Node 20 for the CLI, VS Code 1.100 for the extension', () => {
    assert.equal(lowest.major, 20, `engines.node ${pkg.engines.node}: VS Code 1.100's extension host runs Node 20`);
    assert.equal(semver.minVersion(pkg.engines.vscode)!.version, '1.100.0');
  });

  it('every package bundled into the CLI or the extension admits that Node', async () => {
    const dirs = await bundledPackages(['src/cli/main.ts', 'src/extension/extension.ts']);
    assert.ok(dirs.some((d) => d.endsWith('node_modules/@aws-sdk/client-batch')), 'the AWS SDK is among them');
    const refused: string[] = [];
    for (const dir of dirs) {
      const p = JSON.parse(readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as { name: string; version: string; engines?: { node?: string } };
      const range = p.engines?.node;
      if (range && !semver.satisfies(lowest.version, range)) refused.push(`${p.name}@${p.version} needs node ${range}`);
    }
    assert.deepEqual(refused, [], `bundled packages that do not run on Node ${lowest.version}; pin them below that release (see README "Node.js and the AWS SDK")`);
  });

  it('pins the AWS SDK to a minor line (~), since it drops a Node version in a minor release', () => {
    const loose = Object.entries(pkg.devDependencies).filter(([name, range]) => name.startsWith('@aws-sdk/') && !range.startsWith('~'));
    assert.deepEqual(loose, []);
  });
});
