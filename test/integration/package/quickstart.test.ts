/**
 * The README's quick start as a new user meets it: a fresh clone of the repository (this checkout's
 * HEAD), the example's image and its seeded base removed, then the README's first command run
 * exactly as written. Every example job must end SUCCEEDED, with the image built from
 * examples/localbatch.yaml's `images:` (its base seeded from the host's busybox when no registry
 * answers, as on these machines).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { SEED_LABEL } from '../../../src/emulator/runtime/seed';
import { loadState } from '../../../src/emulator/store/durable-store';
import { dockerForTests } from '../../support/docker';

const ROOT = path.resolve(__dirname, '../../..');
const EXAMPLE_IMAGE = 'localbatch-example-montecarlo:latest';
const SEED = 'busybox:latest';

/** The first `npx localbatch ...` command of the README's "Quick start" section, without its comment. */
export function quickStartCommand(readme: string): string {
  const start = readme.indexOf('## Quick start');
  assert.ok(start >= 0, 'README has a Quick start section');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const line = section.split('\n').find((l) => /^( {4}|\t)npx localbatch /.test(l));
  assert.ok(line, 'the Quick start section shows an `npx localbatch` command');
  return line.trim().replace(/\s+#.*$/, '');
}

describe('README quick start in a fresh clone (integration)', function () {
  this.timeout(300_000);
  let docker: Docker;
  let dir: string;

  before(async function () {
    docker = await dockerForTests(this);
    dir = mkdtempSync(path.join(tmpdir(), 'lb-quickstart-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the example pipeline to SUCCEEDED with the command the README shows', async () => {
    const clone = path.join(dir, 'localbatch');
    execFileSync('git', ['clone', '--quiet', ROOT, clone]);
    // `npm ci` without the network: the installed dependencies, then the build `npm run build` does.
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
    execFileSync('npm', ['run', 'build'], { cwd: clone, stdio: 'ignore' });

    // As on a fresh machine: no example image, and no seeded base (a real, pulled busybox is left alone).
    await docker.getImage(EXAMPLE_IMAGE).remove({ force: true }).catch(() => undefined);
    const seeded = await docker.getImage(SEED).inspect().then((i) => i.Config?.Labels?.[SEED_LABEL], () => undefined);
    if (seeded !== undefined) await docker.getImage(SEED).remove({ force: true });
    const baseMissing = !(await docker.getImage(SEED).inspect().then(() => true, () => false));

    const command = quickStartCommand(readFileSync(path.join(clone, 'README.md'), 'utf8'));
    assert.equal(command, 'npx localbatch run examples/montecarlo.workflow.yaml');
    const r = spawnSync('sh', ['-c', command], { cwd: clone, encoding: 'utf8', timeout: 240_000, env: { ...process.env, CI: '1' } });
    assert.equal(r.status, 0, `${command} failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, new RegExp(`Building image ${EXAMPLE_IMAGE.replace(/[.]/g, '\\.')} from image`));
    if (baseMissing) assert.match(r.stdout, /busybox:latest cannot be pulled .*: building it from this machine's busybox/);
    assert.match(r.stdout, /All 5 jobs SUCCEEDED\./);

    // Every job and array child, as the emulator saved them.
    const state = loadState(path.join(clone, 'examples', '.localbatch')).loaded.snapshot;
    assert.ok(state, 'the run saved its state');
    assert.deepEqual(state.jobs.map((j) => j.request.jobName).sort(), ['aggregate', 'postprocess', 'preprocess', 'render-frames', 'simulate']);
    for (const j of state.jobs) {
      assert.equal(j.status, 'SUCCEEDED', j.request.jobName);
      for (const c of j.children ?? []) assert.equal(c.status, 'SUCCEEDED', `${j.request.jobName} child`);
    }
    assert.deepEqual(state.jobs.map((j) => j.children?.length ?? 0).sort(), [0, 0, 4, 8, 8]);
    // The jobs ran the example's own image: aggregate calls the script the Dockerfile copies in.
    const aggregate = spawnSync('sh', ['-c', `npx localbatch logs ${state.jobs.find((j) => j.request.jobName === 'aggregate')!.id}`], { cwd: path.join(clone, 'examples'), encoding: 'utf8', env: { ...process.env, CI: '1' } });
    assert.equal(aggregate.stdout, 'aggregate 8 chunks into estimate.txt\n', aggregate.stderr);
    assert.ok(existsSync(path.join(clone, 'examples', 'image', 'Dockerfile')));
  });

  it('localbatch images seed makes a working base image offline, and a missing base stops a build with the fix', async () => {
    const bin = path.join(ROOT, 'bin', 'localbatch.js');
    if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const name = `localbatch-it-seed-${process.pid}:test`;
    try {
      const seed = spawnSync(process.execPath, [bin, 'images', 'seed', '--name', name], { cwd: dir, encoding: 'utf8' });
      assert.equal(seed.status, 0, seed.stderr);
      assert.match(seed.stdout, new RegExp(`${name} is ready \\((pulled|built)\\)`));
      const info = await docker.getImage(name).inspect();
      if (/built/.test(seed.stdout)) assert.equal(info.Config?.Labels?.[SEED_LABEL], 'busybox-static');
      const again = spawnSync(process.execPath, [bin, 'images', 'seed', '--name', name], { cwd: dir, encoding: 'utf8' });
      assert.match(again.stdout, /is already available/);
      const dynamic = spawnSync(process.execPath, [bin, 'images', 'seed', '--name', name, '--force', '--busybox', process.execPath], { cwd: dir, encoding: 'utf8' });
      assert.equal(dynamic.status, 1);
      assert.match(dynamic.stderr, /is dynamically linked .*busybox-static/);
    } finally {
      await docker.getImage(name).remove({ force: true }).catch(() => undefined);
    }

    const ws = path.join(dir, 'missing-base');
    const base = `localbatch-it-absent-${process.pid}:1`;
    execFileSync('mkdir', ['-p', path.join(ws, 'app')]);
    writeFileSync(path.join(ws, 'app', 'Dockerfile'), `FROM ${base}\n`);
    writeFileSync(path.join(ws, 'localbatch.yaml'), 'images:\n  - { name: my-app:dev, context: app }\n');
    const build = spawnSync(process.execPath, [bin, 'images', 'build'], { cwd: ws, encoding: 'utf8' });
    assert.equal(build.status, 1, build.stdout);
    assert.match(build.stderr, new RegExp(`Cannot build image my-app:dev: its base image ${base.replace(/[.]/g, '\\.')} \\(FROM in app/Dockerfile\\) is not in the local Docker engine and cannot be pulled`));
    assert.match(build.stderr, /docker pull .*under images: in localbatch\.yaml.*localbatch images seed/);
  });
});
