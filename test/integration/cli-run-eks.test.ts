/**
 * `localbatch run` of an EKS job definition file (issue 24 item 6): a pod job runs on the real Docker
 * engine and ends with the logs command; a multi-node EKS job, which localbatch cannot run, gets one
 * clear line and exit 1, never a stack trace.
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

const pod = (command: string) => ({ containers: [{ name: 'main', image: TEST_IMAGE, command: ['sh', '-c'], args: [command], env: [{ name: 'STAGE', value: 'dev' }], resources: { limits: { cpu: '1', memory: '128Mi' } } }] });

describe('localbatch run of an EKS job definition (integration)', function () {
  this.timeout(240_000);
  let dir: string;

  before(async function () {
    await dockerForTests(this);
    if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  });
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'lb-run-eks-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a pod job definition as a pod and its logs hold the container output', () => {
    writeFileSync(path.join(dir, 'hello.jobdef.json'), JSON.stringify({ jobDefinitionName: 'eks-hello', type: 'container', eksProperties: { podProperties: pod('echo hello from the pod $STAGE') } }));
    const r = cli(dir, ['run', 'hello.jobdef.json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const id = /Output: localbatch logs <job id>, job ids: eks-hello (\S+)/.exec(r.stdout)?.[1];
    assert.ok(id, r.stdout);
    const logs = cli(dir, ['logs', id]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /hello from the pod dev/);
  });

  it('a multi-node EKS job definition gets one clear line and exit 1, not a stack trace', () => {
    writeFileSync(path.join(dir, 'mnp.jobdef.json'), JSON.stringify({
      jobDefinitionName: 'mnp-eks', type: 'multinode',
      nodeProperties: { numNodes: 2, mainNode: 0, nodeRangeProperties: [{ targetNodes: '0:', instanceTypes: ['m5.xlarge'], eksProperties: { podProperties: pod('hostname') } }] },
    }));
    const r = cli(dir, ['run', 'mnp.jobdef.json']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at /);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('localbatch run:'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /mnp-eks/);
    assert.match(lines[0], /multi-node EKS/);
  });
});
