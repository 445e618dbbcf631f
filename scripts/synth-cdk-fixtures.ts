/**
 * Regenerates the committed CDK fixtures: each app under test/fixtures/cdk/<app>/app.ts is synthesized
 * (aws-cdk-lib in-process, offline, with the context `cdk synth` gives an app) into
 * test/fixtures/cdk/<app>/cdk.out, replacing what was there. `npm run fixtures:cdk`.
 * test/integration/cdk-fixtures.test.ts synthesizes them again into a temporary folder and fails when
 * the committed cdk.out differs: after upgrading aws-cdk-lib or editing an app, run this and commit.
 */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';

export const FIXTURES_DIR = path.resolve(__dirname, '..', 'test', 'fixtures', 'cdk');

/** The fixture apps: folders of test/fixtures/cdk holding an app.ts. */
export function fixtureApps(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((name) => statSync(path.join(FIXTURES_DIR, name)).isDirectory())
    .filter((name) => readdirSync(path.join(FIXTURES_DIR, name)).includes('app.ts'))
    .sort();
}

/**
 * What the CDK CLI puts in an app's context for `cdk synth` (its defaults): construct paths and asset
 * metadata on resources, version reporting (the CDKMetadata resource), bundle every stack.
 */
const CLI_CONTEXT = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
  // Stack traces name this machine's paths: left out (localbatch reads no *.metadata.json).
  'aws:cdk:disable-stack-trace': true,
  'aws:cdk:disable-creation-stack-traces': true,
};

/** Synthesizes fixture `name` into `outdir` (emptied first). */
export function synthFixture(name: string, outdir: string): void {
  rmSync(outdir, { recursive: true, force: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(FIXTURES_DIR, name, 'app.ts')) as { build?: (app: App) => void };
  if (typeof mod.build !== 'function') throw new Error(`test/fixtures/cdk/${name}/app.ts exports no build(app) function`);
  const app = new App({ outdir, context: CLI_CONTEXT });
  mod.build(app);
  app.synth();
  dropTraces(outdir);
}

/**
 * aws-cdk-lib records some metadata (acknowledged validation rules) with the stack trace of the synth
 * whatever the context says, naming this machine's paths: *.metadata.json (which localbatch does not
 * read; the CDK CLI shows it in messages) is written without `trace` fields, so a synth elsewhere matches.
 */
function dropTraces(outdir: string): void {
  for (const file of readdirSync(outdir).filter((f) => f.endsWith('.metadata.json'))) {
    const full = path.join(outdir, file);
    const json = JSON.parse(readFileSync(full, 'utf8'), (key, value: unknown) => (key === 'trace' ? undefined : value)) as unknown;
    writeFileSync(full, JSON.stringify(json, undefined, 2));
  }
}

/** Every file under `dir`, relative, sorted, mapped to its content. */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else out.set(child.split(path.sep).join('/'), readFileSync(path.join(dir, child)));
    }
  };
  walk('');
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

if (require.main === module) {
  for (const name of fixtureApps()) {
    const outdir = path.join(FIXTURES_DIR, name, 'cdk.out');
    synthFixture(name, outdir);
    console.log(`${path.relative(process.cwd(), outdir)}: ${readTree(outdir).size} files`);
  }
}
