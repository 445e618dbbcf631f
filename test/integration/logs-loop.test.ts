/**
 * `localbatch logs` as `run` leaves it to the user (issue 24 item 3), through the real CLI bundled
 * from src with the scripted container runtime (the runtime is not what is tested): the command a
 * failed run prints works from the same folder; `--follow` ends quietly (exit 0) when the job ends
 * or the emulator goes away, waits for a job that has not started, and array parents, jobs that
 * never started and out-of-range children each get a message saying what they are.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundledCli, startServe } from '../support/serve-process';

interface Running {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stdout(): string;
}

async function start(cwd: string, args: string[]): Promise<Running> {
  const bundle = await bundledCli();
  const runner = `require(${JSON.stringify(bundle)}).main(process.argv.slice(1)).then((c)=>{process.exitCode=c},(e)=>{console.error(e);process.exitCode=1})`;
  const child = spawn(process.execPath, ['-e', runner, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done, stdout: () => stdout };
}

const cli = async (cwd: string, args: string[]) => (await start(cwd, args)).done;

async function until<T>(what: string, probe: () => T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const JOBDEF = (name: string, script: string) => `jobDefinitionName: ${name}
type: container
containerProperties:
  image: busybox
  command: [sh, -c, "${script}"]
  resourceRequirements: [{ type: VCPU, value: "1" }, { type: MEMORY, value: "128" }]
`;

describe('localbatch logs works as run prints it (integration)', function () {
  this.timeout(180_000);
  let dir: string;
  let proj: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-logs-loop-'));
    proj = path.join(dir, 'proj');
    mkdirSync(proj);
    writeFileSync(path.join(proj, 'localbatch.yaml'), 'capacity: { vcpus: 4, memoryMiB: 4096 }\n');
    writeFileSync(path.join(proj, 'fail.jobdef.yaml'), JOBDEF('fail', 'echo boom; exit 3'));
    writeFileSync(path.join(proj, 'slow.jobdef.yaml'), JOBDEF('slow', 'echo first; sleep 2; echo last'));
    writeFileSync(path.join(proj, 'hello.jobdef.yaml'), JOBDEF('hello', 'echo hello $AWS_BATCH_JOB_ARRAY_INDEX'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the `localbatch logs` command a failed run prints works from the same folder, and the others say what they are', async () => {
    writeFileSync(
      path.join(proj, 'flow.workflow.yaml'),
      'jobs:\n  fail: { jobDefinition: fail }\n  after: { jobDefinition: hello, dependsOn: [{ job: fail }] }\n  fan: { jobDefinition: hello, arrayProperties: { size: 2 } }\n',
    );
    const r = await cli(dir, ['run', 'proj/flow.workflow.yaml', '--runtime', 'scripted']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const printed = /— localbatch (logs \S+)/.exec(r.stdout);
    assert.ok(printed, r.stdout);
    const logs = await cli(dir, printed[1].split(' '));
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, 'boom\n');

    const id = (name: string) => new RegExp(`${name} SUBMITTED \\((\\S+)\\)`).exec(r.stdout)![1];
    const parent = await cli(dir, ['logs', id('fan')]);
    assert.equal(parent.code, 1);
    assert.match(parent.stderr, new RegExp(`${id('fan')} is an array job: its 2 children ran the work and hold the logs; see one with \`localbatch logs ${id('fan')}:0\``));
    assert.equal((await cli(dir, ['logs', `${id('fan')}:1`])).stdout, 'hello 1\n');
    const outOfRange = await cli(dir, ['logs', `${id('fan')}:5`]);
    assert.equal(outOfRange.code, 1);
    assert.match(outOfRange.stderr, new RegExp(`${id('fan')}:5 is not a child of the array job ${id('fan')}: it has 2 children, ${id('fan')}:0 to ${id('fan')}:1`));
    const never = await cli(dir, ['logs', id('after')]);
    assert.equal(never.code, 1);
    assert.match(never.stderr, new RegExp(`job ${id('after')} FAILED without starting a container \\(Dependent Job failed\\), so it has no log`));
    for (const x of [parent, outOfRange, never]) assert.doesNotMatch(x.stderr, /unexpected error|no job/);
  });

  it('--follow during a run prints every line and ends with exit 0 when the run ends, also for a job that had not started yet', async () => {
    writeFileSync(path.join(proj, 'flow.workflow.yaml'), 'jobs:\n  slow: { jobDefinition: slow }\n  next: { jobDefinition: slow, dependsOn: [{ job: slow }] }\n');
    const run = await start(proj, ['run', 'flow.workflow.yaml', '--runtime', 'scripted']);
    const ids = await until('both jobs submitted', () => {
      const m = [...run.stdout().matchAll(/(slow|next) SUBMITTED \((\S+)\)/g)];
      return m.length === 2 ? Object.fromEntries(m.map((x) => [x[1], x[2]])) : undefined;
    });
    const [first, second] = await Promise.all([cli(proj, ['logs', '--follow', ids.slow]), cli(proj, ['logs', '--follow', ids.next])]);
    const ran = await run.done;
    assert.equal(ran.code, 0, ran.stdout + ran.stderr);
    for (const f of [first, second]) {
      assert.equal(f.code, 0, f.stderr);
      assert.equal(f.stdout, 'first\nlast\n');
      assert.doesNotMatch(f.stderr, /unexpected error|ECONNREFUSED|at /);
    }
  });

  it('--follow ends quietly with exit 0 when the emulator stops under it', async () => {
    writeFileSync(path.join(proj, 'long.jobdef.yaml'), JOBDEF('long', 'echo started; sleep 60; echo never'));
    writeFileSync(path.join(proj, 'flow.workflow.yaml'), 'jobs:\n  long: { jobDefinition: long }\n');
    const serve = await startServe(['--runtime', 'scripted', '--port', '0'], proj, path.join(proj, '.localbatch'));
    const run = await start(proj, ['run', 'flow.workflow.yaml', '--runtime', 'scripted']);
    try {
      const id = await until('the job submitted', () => /long SUBMITTED \((\S+)\)/.exec(run.stdout())?.[1]);
      const follow = await start(dir, ['logs', '--follow', id]);
      await until('the first line', () => (follow.stdout().includes('started') ? true : undefined));
      serve.child.kill('SIGTERM');
      const f = await follow.done;
      assert.equal(f.code, 0, f.stderr);
      assert.equal(f.stdout, 'started\n');
      assert.doesNotMatch(f.stderr, /unexpected error|ECONNREFUSED/);
    } finally {
      serve.child.kill('SIGKILL');
      run.child.kill('SIGKILL');
      await run.done;
    }
  });
});
