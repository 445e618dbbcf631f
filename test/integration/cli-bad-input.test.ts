/**
 * Bad input through the CLI as users meet it: files that are not regular files, huge files and a
 * 1,000-deep YAML file never crash, hang or eat memory in `validate` and `run`; a shared state
 * directory is refused; malformed job ids are usage errors; two Ctrl-C stop `run` within seconds.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { dockerForTests, TEST_IMAGE } from '../support/docker';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'localbatch.js');

function cli(cwd: string, args: string[], timeout = 30_000): { code: number | null; stdout: string; stderr: string; signal: NodeJS.Signals | null } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout, env: { ...process.env, CI: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

describe('bad input through the CLI (integration)', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  });
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'lb-bad-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('validate and run refuse a 2 KB `- - - ... x` nested 1,000 deep with a diagnostic', () => {
    writeFileSync(path.join(dir, 'deep.workflow.yaml'), '- '.repeat(1000) + 'x\n');
    for (const args of [['validate', 'deep.workflow.yaml'], ['run', 'deep.workflow.yaml', '--runtime', 'scripted']]) {
      const r = cli(dir, args);
      assert.equal(r.signal, null, `${args[0]} was killed`);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /deep\.workflow\.yaml:1:1: error: the document is nested more than 200 levels deep/);
    }
  });

  it('validate and run report a FIFO, a symlink to /dev/zero and a huge file, and return at once (POSIX: skipped on other platforms)', function () {
    if (process.platform === 'win32') this.skip();
    execFileSync('mkfifo', [path.join(dir, 'fifo.jobdef.yaml')]);
    symlinkSync('/dev/zero', path.join(dir, 'zero.jobdef.yaml'));
    writeFileSync(path.join(dir, 'huge.jobdef.yaml'), '');
    truncateSync(path.join(dir, 'huge.jobdef.yaml'), 64 * 1024 * 1024);
    mkdirSync(path.join(dir, 'folder.jobdef.yaml'));
    writeFileSync(path.join(dir, 'flow.workflow.yaml'), 'jobs:\n  a:\n    jobDefinition: nothing\n');
    for (const args of [['validate'], ['validate', 'fifo.jobdef.yaml', 'zero.jobdef.yaml'], ['run', 'flow.workflow.yaml', '--runtime', 'scripted']]) {
      const r = cli(dir, args, 20_000);
      assert.equal(r.signal, null, `${args.join(' ')} did not return`);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const out = r.stdout + r.stderr;
      assert.match(out, /fifo\.jobdef\.yaml:1:1: error: this is a FIFO \(named pipe\), not a regular file/);
      assert.match(out, /zero\.jobdef\.yaml:1:1: error: this is a character device, not a regular file/);
    }
    const all = cli(dir, ['validate']);
    assert.match(all.stdout, /huge\.jobdef\.yaml:1:1: error: the file is too large to read \(64\.0 MiB; the limit is 5\.0 MiB\) \[file-too-large\]/);
  });

  it('refuses a localbatch.yaml that is a FIFO (POSIX: skipped on other platforms)', function () {
    if (process.platform === 'win32') this.skip();
    execFileSync('mkfifo', [path.join(dir, 'localbatch.yaml')]);
    const r = cli(dir, ['validate'], 20_000);
    assert.equal(r.signal, null);
    assert.match(r.stdout, /localbatch\.yaml:1:1: error: this is a FIFO/);
  });

  it('refuses a shared state directory (/tmp) and leaves an existing one as it is', () => {
    writeFileSync(path.join(dir, 'one.jobdef.json'), JSON.stringify({ jobDefinitionName: 'one', type: 'container', containerProperties: { image: TEST_IMAGE, command: ['true'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } }));
    for (const args of [['run', 'one.jobdef.json', '--runtime', 'scripted', '--state-dir', tmpdir()], ['serve', '--runtime', 'scripted', '--state-dir', tmpdir()]]) {
      const r = cli(dir, args);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /the state directory \/tmp is a shared folder \(writable by every user, like \/tmp\)/);
      assert.doesNotMatch(r.stderr, /unexpected error|at .*\.js:\d+/);
    }
    const own = path.join(dir, 'own');
    mkdirSync(own, { mode: 0o755 });
    const r = cli(dir, ['run', 'one.jobdef.json', '--runtime', 'scripted', '--state-dir', own]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(existsSync(path.join(own, '.gitignore')), false);
    assert.equal((execFileSync('stat', ['-c', '%a', own]).toString().trim()), '755');
  });

  it('rejects malformed <id>:<index> and --attempt values as usage errors', () => {
    for (const id of ['abc:1.5', 'abc: 1', 'abc:01', 'abc:-1']) {
      const r = cli(dir, ['logs', id, '--state-dir', path.join(dir, 'state')]);
      assert.equal(r.code, 2, `${id}: ${r.stderr}`);
      assert.match(r.stderr, /is not a job id: an array child is <array-job-id>:<index>/);
    }
    const r = cli(dir, ['logs', 'abc', '--attempt', '1.0', '--state-dir', path.join(dir, 'state')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--attempt takes a whole number from 1/);
  });

  describe('with Docker', () => {
    let docker: Docker;
    before(async function () {
      docker = await dockerForTests(this);
    });

    it('stops `run` within seconds on a second Ctrl-C, removing its containers, exit 130', async () => {
      const state = path.join(dir, 'state');
      writeFileSync(path.join(dir, 'stubborn.jobdef.json'), JSON.stringify({ jobDefinitionName: 'stubborn', type: 'container', containerProperties: { image: TEST_IMAGE, command: ['sh', '-c', "trap '' TERM; echo started; sleep 300"], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } }));
      const child = spawn(process.execPath, [BIN, 'run', 'stubborn.jobdef.json', '--state-dir', state], { cwd: dir, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const until = async (what: string, ok: () => boolean, ms = 60_000) => {
        const deadline = Date.now() + ms;
        while (!ok()) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${out}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      try {
        await until('the job RUNNING', () => /stubborn RUNNING/.test(out));
        child.kill('SIGINT');
        await until('the first interrupt to be taken', () => /Interrupted: terminating/.test(out), 10_000);
        const second = Date.now();
        child.kill('SIGINT');
        let code: number | null | undefined;
        void exited.then((c) => (code = c));
        await until('the run to exit', () => code !== undefined, 10_000);
        assert.equal(code, 130, out);
        assert.ok(Date.now() - second < 8_000, `took ${Date.now() - second} ms`);
        const left = await docker.listContainers({ all: true, filters: { label: [`dev.localbatch.state-dir=${state}`] } });
        assert.deepEqual(left.map((c) => c.Names), []);
      } finally {
        child.kill('SIGKILL');
        const left = await docker.listContainers({ all: true, filters: { label: [`dev.localbatch.state-dir=${state}`] } });
        for (const c of left) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      }
    });
  });
});
