import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'localbatch.js');

function run(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'validate', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function write(dir: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}

const JOBDEF = JSON.stringify({ jobDefinitionName: 'hello', type: 'container', containerProperties: { image: 'busybox', command: ['echo', 'hi'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } }, null, 2);

describe('localbatch validate CLI (integration)', () => {
  let dir: string;

  before(function () {
    if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) {
      this.timeout(120000);
      execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    }
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-validate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 with a summary for valid files (default path: cwd)', () => {
    write(dir, 'defs/hello.jobdef.json', JOBDEF);
    write(dir, 'flow.workflow.yaml', 'jobs:\n  a:\n    jobDefinition: hello\n');
    const r = run(dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '0 errors, 0 warnings in 2 files\n');
  });

  it('prints path:line:column: severity: message [rule], sorted, and exits 1 on errors', () => {
    write(dir, 'defs/hello.jobdef.json', JOBDEF);
    write(dir, 'b.workflow.yaml', 'jobs:\n  a:\n    jobDefinition: helo\n  b:\n    jobDefinition: hello\n    dependsOn: [{job: nope}]\n');
    write(dir, 'a.workflow.yaml', 'jobs:\n  x:\n    jobDefinition: hello\n    jobQueue: gpu\n');
    const r = run(dir, '.');
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.deepEqual(lines, [
      "a.workflow.yaml:4:15: error: Job 'x' uses the job queue 'gpu', which is not defined in the workspace [unknown-job-queue]",
      "b.workflow.yaml:3:20: error: Job 'a' uses the job definition 'helo', which is not defined in the workspace (did you mean 'hello'?) [unknown-job-definition]",
      "b.workflow.yaml:6:23: error: Job 'b' depends on 'nope', which is not a job of this workflow [unknown-dependency]",
      '3 errors, 0 warnings in 3 files',
    ]);
  });

  it('exits 0 with warnings only', () => {
    const withRef = JOBDEF.replace('"hi"', '"Ref::who"');
    write(dir, 'hello.jobdef.json', withRef);
    const r = run(dir);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^hello\.jobdef\.json:\d+:\d+: warning: .*\[parameter-no-default\]$/m);
    assert.match(r.stdout, /0 errors, 1 warning in 1 file\n$/);
  });

  it('prints JSON with one-based positions', () => {
    write(dir, 'flow.workflow.yaml', 'jobs:\n  a:\n    jobDefinition: missing\n');
    const r = run(dir, '--format', 'json');
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.files, ['flow.workflow.yaml']);
    assert.equal(out.diagnostics.length, 1);
    assert.deepEqual({ ...out.diagnostics[0], message: undefined }, { file: 'flow.workflow.yaml', line: 3, column: 20, endLine: 3, endColumn: 27, severity: 'error', message: undefined, rule: 'unknown-job-definition' });
    assert.deepEqual(out.summary, { errors: 1, warnings: 0, files: 1 });
  });

  it('searches recursively, skipping node_modules, .git and .localbatch, and survives symlink loops', () => {
    write(dir, 'deep/er/hello.jobdef.json', JOBDEF);
    for (const skipped of ['node_modules/pkg', '.git', '.localbatch/runs']) write(dir, `${skipped}/broken.jobdef.json`, '{');
    symlinkSync('..', path.join(dir, 'deep', 'loop'));
    const r = run(dir);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.stdout, '0 errors, 0 warnings in 1 file\n');
  });

  it('validates explicit files and reports files of unknown kind, binary and syntax errors as diagnostics', () => {
    write(dir, 'notes.txt', 'hello');
    write(dir, 'junk.jobdef.json', '\u0000\u0001binary');
    write(dir, 'bad.jobqueue.yaml', 'jobQueueName: [\n');
    const r = run(dir, 'notes.txt', 'junk.jobdef.json', 'bad.jobqueue.yaml');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^notes\.txt:1:1: error: not a localbatch definition file.*\[unknown-file-kind\]$/m);
    assert.match(r.stdout, /^junk\.jobdef\.json:1:1: error: .*binary.*\[binary-file\]$/m);
    assert.match(r.stdout, /^bad\.jobqueue\.yaml:\d+:\d+: error: YAML syntax error.*\[syntax\]$/m);
  });

  it('a file that is no definition gets its error alone, not "no definition files found" and a note on other files', () => {
    write(dir, 'notes.txt', 'hello');
    write(dir, 'broken.jobdef.yaml', 'jobDefinitionName: broken\ntype: container\n');
    const r = run(dir, 'notes.txt');
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2, r.stdout);
    assert.match(lines[0], /^notes\.txt:1:1: error: not a localbatch definition file/);
    assert.equal(lines[1], '1 error, 0 warnings in 0 files');
  });

  it('exits 2 on usage errors', () => {
    assert.equal(run(dir, '--format', 'xml').code, 2);
    assert.equal(run(dir, '--nope').code, 2);
    const missing = run(dir, 'does-not-exist');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or directory: does-not-exist/);
    const help = run(dir, '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: localbatch validate/);
  });

  it('validates the examples with no problems', () => {
    const r = run(ROOT, 'examples');
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^0 errors, 0 warnings in \d+ files\n$/);
  });
});
