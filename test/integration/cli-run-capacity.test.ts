/**
 * A run whose job needs more memory than `capacity.memoryMiB` (issue 24 item 6): `validate` warns at
 * the job definition, and the run stops with a reason that names capacity.memoryMiB, as the job's
 * own statusReason too (what `describe-jobs` and the summary show), not only AWS's generic wording.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dockerForTests, TEST_IMAGE } from '../support/docker';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'localbatch.js');

function cli(cwd: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 180_000, env: { ...process.env, CI: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('localbatch run of a job bigger than capacity.memoryMiB (integration)', function () {
  this.timeout(240_000);
  let dir: string;

  before(async function () {
    await dockerForTests(this);
    if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  });
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'lb-run-capacity-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('validate warns and the run stops naming capacity.memoryMiB', () => {
    writeFileSync(path.join(dir, 'localbatch.yaml'), 'capacity:\n  vcpus: 2\n  memoryMiB: 512\n');
    writeFileSync(path.join(dir, 'big.jobdef.json'), JSON.stringify({ jobDefinitionName: 'big', type: 'container', containerProperties: { image: TEST_IMAGE, command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '1024' }] } }));
    const v = cli(dir, ['validate']);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout + v.stderr, /big\.jobdef\.json:1:\d+: warning: Job definition 'big' needs 1024 MiB of memory, more than capacity\.memoryMiB: 512/);
    const r = cli(dir, ['run', 'big.jobdef.json']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /The run cannot go on: big: RUNNABLE with MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT/);
    assert.match(r.stdout, /capacity\.memoryMiB \(512 MiB in localbatch\.yaml\): raise capacity\.memoryMiB/);
    // The job's final reason (the summary line) names the setting too.
    assert.match(r.stdout, /big \(\S+\): Run stopped by localbatch: .*raise capacity\.memoryMiB in localbatch\.yaml/);
  });
});
