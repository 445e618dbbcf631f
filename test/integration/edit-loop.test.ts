/**
 * The edit-run loop on one state directory, through the real CLI (bundled from src; the scripted
 * container runtime, since what is tested is what the emulator holds, not Docker): a compute
 * environment or queue edited between two runs takes effect on the next run, with and without a
 * `localbatch serve` running, and the run says what it changed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundledCli, startServe } from '../support/serve-process';

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(cwd: string, args: string[]): Promise<CliResult> {
  const bundle = await bundledCli();
  const runner = `require(${JSON.stringify(bundle)}).main(process.argv.slice(1)).then((c)=>{process.exitCode=c},(e)=>{console.error(e);process.exitCode=1})`;
  const child = spawn(process.execPath, ['-e', runner, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

const CE = (name: string, maxvCpus: number) => `computeEnvironmentName: ${name}
type: MANAGED
computeResources: { type: EC2, maxvCpus: ${maxvCpus}, minvCpus: 0, instanceTypes: [optimal], subnets: [subnet-0a1b2c3d], securityGroupIds: [sg-0a1b2c3d], instanceRole: ecsInstanceRole }
`;
const QUEUE = (ce: string) => `jobQueueName: work
priority: 1
computeEnvironmentOrder: [{ order: 1, computeEnvironment: ${ce} }]
`;
const JOBDEF = (vcpus: number) => `jobDefinitionName: big
type: container
containerProperties:
  image: busybox
  command: [echo, hi]
  resourceRequirements: [{ type: VCPU, value: "${vcpus}" }, { type: MEMORY, value: "128" }]
`;

describe('edited compute environments and queues take effect on the next run (integration)', function () {
  this.timeout(180_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-edit-loop-'));
    writeFileSync(path.join(dir, 'localbatch.yaml'), 'capacity: { vcpus: 16, memoryMiB: 8192 }\n');
    writeFileSync(path.join(dir, 'small.computeenv.yaml'), CE('small', 2));
    writeFileSync(path.join(dir, 'large.computeenv.yaml'), CE('large', 8));
    writeFileSync(path.join(dir, 'work.jobqueue.yaml'), QUEUE('small'));
    writeFileSync(path.join(dir, 'big.jobdef.yaml'), JOBDEF(1));
    writeFileSync(path.join(dir, 'flow.workflow.yaml'), 'jobs:\n  big: { jobDefinition: big, jobQueue: work }\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = () => cli(dir, ['run', 'flow.workflow.yaml', '--runtime', 'scripted']);

  it('a raised maxvCpus is applied to the emulator before the next run, which says so', async () => {
    const first = await run();
    assert.equal(first.code, 0, first.stdout + first.stderr);
    writeFileSync(path.join(dir, 'small.computeenv.yaml'), CE('small', 6));
    writeFileSync(path.join(dir, 'big.jobdef.yaml'), JOBDEF(4));
    const second = await run();
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /Updated compute environment small: computeResources\.maxvCpus 2 → 6/);
    assert.doesNotMatch(second.stdout, /MISCONFIGURATION/);
    // Unchanged files: nothing to update, nothing said.
    const third = await run();
    assert.equal(third.code, 0, third.stdout + third.stderr);
    assert.doesNotMatch(third.stdout, /Updated/);
  });

  it('a queue pointed at another compute environment uses it on the next run', async () => {
    assert.equal((await run()).code, 0);
    writeFileSync(path.join(dir, 'work.jobqueue.yaml'), QUEUE('large'));
    writeFileSync(path.join(dir, 'big.jobdef.yaml'), JOBDEF(6));
    const second = await run();
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /Updated job queue work: computeEnvironmentOrder small → large/);
  });

  it('a change AWS cannot make in place stops the run with what to do instead', async () => {
    assert.equal((await run()).code, 0);
    writeFileSync(path.join(dir, 'small.computeenv.yaml'), CE('small', 2).replace('type: EC2', 'type: SPOT, allocationStrategy: SPOT_PRICE_CAPACITY_OPTIMIZED'));
    const second = await run();
    assert.equal(second.code, 1, second.stdout + second.stderr);
    assert.match(second.stderr, /compute environment small on the emulator differs from its file \(.*computeResources\.type EC2 → SPOT\).*cannot change in place.*new --state-dir/);
    assert.doesNotMatch(second.stderr, /unexpected error/);
  });

  it('with `localbatch serve` running on the state directory, the edit reaches the server', async () => {
    const state = path.join(dir, '.localbatch');
    const serve = await startServe(['--runtime', 'scripted', '--port', '0'], dir, state);
    try {
      assert.equal((await run()).code, 0);
      writeFileSync(path.join(dir, 'small.computeenv.yaml'), CE('small', 6));
      writeFileSync(path.join(dir, 'big.jobdef.yaml'), JOBDEF(4));
      const second = await run();
      assert.equal(second.code, 0, second.stdout + second.stderr);
      assert.match(second.stdout, /Updated compute environment small: computeResources\.maxvCpus 2 → 6/);
      assert.equal(JSON.parse(readFileSync(path.join(state, 'endpoint.json'), 'utf8')).pid, serve.child.pid);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exit;
    }
  });
});

describe('run says which emulator it uses (integration)', function () {
  this.timeout(180_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-which-emulator-'));
    writeFileSync(path.join(dir, 'localbatch.yaml'), 'capacity: { vcpus: 4, memoryMiB: 4096 }\n');
    writeFileSync(path.join(dir, 'big.jobdef.yaml'), JOBDEF(1));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = () => cli(dir, ['run', 'big.jobdef.yaml', '--runtime', 'scripted']);

  it('its own emulator, or the serve on its state directory, warning when localbatch.yaml changed after that server started', async () => {
    const own = await run();
    assert.equal(own.code, 0, own.stdout + own.stderr);
    assert.match(own.stderr, /^Emulator: this run's own, until it ends \(no localbatch serve runs on \.localbatch\); state in \.localbatch$/m);
    const serve = await startServe(['--runtime', 'scripted', '--port', '0'], dir, path.join(dir, '.localbatch'));
    try {
      const attached = await run();
      assert.equal(attached.code, 0, attached.stdout + attached.stderr);
      assert.match(attached.stderr, new RegExp(`^Emulator: localbatch serve at ${serve.endpoint.url} \\(pid ${serve.child.pid}\\), state in \\.localbatch$`, 'm'));
      assert.doesNotMatch(attached.stderr, /changed after that server started/);
      const later = new Date(Date.now() + 5_000);
      writeFileSync(path.join(dir, 'localbatch.yaml'), 'capacity: { vcpus: 4, memoryMiB: 4096 }\nimageOverrides: { busybox: localbatch-busybox:latest }\n');
      utimesSync(path.join(dir, 'localbatch.yaml'), later, later);
      const stale = await run();
      assert.match(stale.stderr, /warning: localbatch\.yaml changed after that server started; it still uses the settings it read then .*Restart it to apply them: localbatch stop, then localbatch serve/);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exit;
    }
  });

  it('a serve on another state directory on the port localbatch.yaml names is reported', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'lb-which-other-'));
    const serve = await startServe(['--runtime', 'scripted', '--port', '0'], other, path.join(other, 'state'));
    try {
      writeFileSync(path.join(dir, 'localbatch.yaml'), `port: ${new URL(serve.endpoint.url).port}\n`);
      const r = await run();
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`note: a server answers on port ${new URL(serve.endpoint.url).port} \\(the port localbatch\\.yaml names\\), but not for \\.localbatch: this run does not use it`));
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exit;
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('run warns about --param names no job uses (integration)', function () {
  this.timeout(120_000);
  it('names the closest Ref:: name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lb-param-'));
    try {
      writeFileSync(path.join(dir, 'p.jobdef.yaml'), 'jobDefinitionName: p\ntype: container\nparameters: { greeting: hi }\ncontainerProperties:\n  image: busybox\n  command: [echo, Ref::greeting]\n  resourceRequirements: [{ type: VCPU, value: "1" }, { type: MEMORY, value: "128" }]\n');
      const r = await cli(dir, ['run', 'p.jobdef.yaml', '--runtime', 'scripted', '--param', 'greting=hello', '--param', 'greeting=x']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stderr, /warning: --param greting is used by no job of this run \(no Ref::greting in its job definitions\); did you mean 'greeting'\?/);
      assert.doesNotMatch(r.stderr, /--param greeting is used/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
