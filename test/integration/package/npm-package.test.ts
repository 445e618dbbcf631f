/**
 * The CLI as a user installs it in their own project: `npm pack` of this checkout, then the tarball
 * installed into an empty folder outside the repository, both globally (`npm install -g` into a
 * prefix) and as a dev dependency, offline. The package must bring no dependencies and no install
 * scripts, and the installed `localbatch` must validate and run a workflow there on real Docker.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobDetail } from '@aws-sdk/client-batch';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';

const ROOT = path.resolve(__dirname, '../../..');

function sh(cwd: string, file: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(file, args, { cwd, encoding: 'utf8', timeout: 180_000, env: { ...process.env, CI: '1' } });
}

describe('npm package of the CLI, installed outside the repository (integration)', function () {
  this.timeout(300_000);
  let dir: string;
  let tarball: string;

  before(function () {
    this.timeout(120_000);
    dir = mkdtempSync(path.join(tmpdir(), 'lb-npm-package-'));
    // prepack builds the bundle first (its output precedes npm's JSON).
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const packed = JSON.parse(out.slice(out.search(/^\[/m))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(dir, packed[0].filename);
    assert.ok(packed[0].files.some((f) => f.path === 'dist/cli.js'), 'the bundle is in the package');
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has no dependencies and no install scripts', () => {
    const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Record<string, Record<string, string> | undefined>;
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies']) assert.deepEqual(Object.keys(pkg[field] ?? {}), [], field);
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(pkg.scripts?.[script], undefined, script);
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    assert.deepEqual(files.filter((f) => !/^package\/(package\.json|README\.md|LICENSE|bin\/localbatch\.js|dist\/cli\.js)$/.test(f)), []);
  });

  it('installs globally and as a dev dependency with nothing fetched, and validates and runs a workflow there', async function () {
    const docker = await dockerForTests(this);
    void docker;
    const prefix = path.join(dir, 'prefix');
    const g = sh(dir, 'npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball]);
    assert.equal(g.status, 0, g.stderr);
    assert.doesNotMatch(g.stderr, /install-scripts|allow-scripts/, 'npm reports no install scripts');
    const installed = path.join(prefix, 'lib', 'node_modules', 'localbatch');
    assert.equal(existsSync(path.join(installed, 'node_modules')), false, 'nothing installed besides the package');

    const project = path.join(dir, 'my-project');
    mkdirSync(path.join(project, 'jobs'), { recursive: true });
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-project', version: '1.0.0', private: true }));
    writeFileSync(path.join(project, 'jobs', 'hello.jobdef.yaml'), `jobDefinitionName: hello\ntype: container\ncontainerProperties:\n  image: ${TEST_IMAGE}\n  command: [sh, -c, 'echo hello from $AWS_BATCH_JOB_ATTEMPT']\n  resourceRequirements:\n    - {type: VCPU, value: "1"}\n    - {type: MEMORY, value: "64"}\n`);
    writeFileSync(path.join(project, 'localbatch.yaml'), 'capacity: { vcpus: 2, memoryMiB: 1024 }\n');
    writeFileSync(path.join(project, 'jobs', 'flow.workflow.yaml'), 'jobs:\n  first: {jobDefinition: hello}\n  second: {jobDefinition: hello, dependsOn: [{job: first}]}\n');

    const bin = path.join(prefix, 'bin', 'localbatch');
    const v = sh(project, bin, ['validate']);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /0 errors, 0 warnings in 3 files/);
    const r = sh(project, bin, ['run', 'jobs/flow.workflow.yaml', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const jobs = JSON.parse(r.stdout) as JobDetail[];
    assert.deepEqual(jobs.map((j) => [j.jobName, j.status]), [['first', 'SUCCEEDED'], ['second', 'SUCCEEDED']]);
    assert.equal(sh(project, bin, ['logs', jobs[1].jobId!]).stdout, 'hello from 1\n');

    // As a dev dependency of the project: `npx localbatch` runs the installed copy.
    const d = sh(project, 'npm', ['install', '-D', '--offline', '--no-audit', '--no-fund', tarball]);
    assert.equal(d.status, 0, d.stderr);
    assert.deepEqual(readdirSync(path.join(project, 'node_modules')).filter((n) => !n.startsWith('.')), ['localbatch']);
    const npx = sh(project, 'npx', ['--offline', 'localbatch', 'validate', 'jobs', '--format', 'json']);
    assert.equal(npx.status, 0, npx.stderr);
    assert.deepEqual((JSON.parse(npx.stdout) as { summary: unknown }).summary, { errors: 0, warnings: 0, files: 2 });
    // It is a command, not a library: `require('localbatch')` says so (package.json's `main` is the
    // VSIX's extension, which this package does not carry); its package.json can be read.
    const req = sh(project, process.execPath, ['-e', `try { require('localbatch'); } catch (e) { console.log(e.code); } console.log(require('localbatch/package.json').version);`]);
    assert.equal(req.status, 0, req.stderr);
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual(req.stdout.trim().split('\n'), ['ERR_PACKAGE_PATH_NOT_EXPORTED', version]);
  });
});
