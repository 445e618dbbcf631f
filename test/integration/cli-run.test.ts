/**
 * `localbatch run` and `localbatch logs` as users run them: the built CLI, a real Docker engine,
 * the bundled examples and small workflows written for each rule.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobDetail } from '@aws-sdk/client-batch';
import type Docker from 'dockerode';
import { dockerForTests, TEST_IMAGE } from '../support/docker';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'localbatch.js');
const MANAGED = 'dev.localbatch.managed=true';

function cli(cwd: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 180_000, env: { ...process.env, CI: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI started in the background: its stdout and stderr as they come, and its exit code. */
function spawnCli(cwd: string, args: string[]): { child: ChildProcess; exited: Promise<number | null>; out: () => string; err: () => string; text: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: '1' } });
  let out = '';
  let err = '';
  let text = '';
  child.stdout!.on('data', (d) => ((out += d), (text += d)));
  child.stderr!.on('data', (d) => ((err += d), (text += d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => out, err: () => err, text: () => text };
}

/** Polls `done` every 100 ms for up to a minute. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/** `localbatch serve` on a free port in `dir`, once its endpoint.json is written. */
async function serveIn(dir: string, ...flags: string[]): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...flags], { cwd: dir, env: { ...process.env, CI: '1' }, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await until(() => existsSync(path.join(dir, '.localbatch', 'endpoint.json')));
  return { child, exited };
}

function jobdef(name: string, command: string[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    jobDefinitionName: name,
    type: 'container',
    containerProperties: { image: TEST_IMAGE, command, resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }], linuxParameters: { initProcessEnabled: true } },
    ...extra,
  });
}

describe('localbatch run (integration)', function () {
  this.timeout(240_000);
  let docker: Docker;
  let dir: string;

  before(async function () {
    docker = await dockerForTests(this);
    if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-run-'));
  });
  afterEach(async () => {
    const left = await docker.listContainers({ all: true, filters: { label: [MANAGED, `dev.localbatch.state-dir=${path.join(dir, '.localbatch')}`] } });
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(left.map((c) => c.Names), [], 'containers were left behind');
  });

  it('runs the bundled example pipeline: arrays, N_TO_N, SEQUENTIAL, parameters, logs per child', () => {
    cpSync(path.join(ROOT, 'examples'), dir, { recursive: true });
    const r = cli(dir, ['run', 'montecarlo.workflow.yaml', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const jobs = JSON.parse(r.stdout) as JobDetail[];
    assert.equal(jobs.length, 1 + 9 + 9 + 1 + 5);
    assert.deepEqual([...new Set(jobs.map((j) => j.status))], ['SUCCEEDED']);
    // the progress lines are in time order (a job's events that came before its SubmitJob answered are not held back)
    const times = r.stderr.split('\n').filter((l) => /^\d\d:\d\d:\d\d /.test(l)).map((l) => l.slice(0, 8));
    assert.ok(times.length >= 25, r.stderr);
    assert.deepEqual(times, [...times].sort(), r.stderr);
    const byName = (n: string) => jobs.filter((j) => j.jobName === n);
    const children = (n: string) => byName(n).filter((j) => j.arrayProperties?.index !== undefined).sort((a, b) => a.arrayProperties!.index! - b.arrayProperties!.index!);
    // N_TO_N: postprocess child i starts after simulate child i stopped.
    const sim = children('simulate');
    const post = children('postprocess');
    for (let i = 0; i < 8; i++) assert.ok(post[i].startedAt! >= sim[i].stoppedAt!, `postprocess[${i}] waited for simulate[${i}]`);
    // SEQUENTIAL: each frame starts after the previous one stopped.
    const frames = children('render-frames');
    for (let i = 1; i < 4; i++) assert.ok(frames[i].startedAt! >= frames[i - 1].stoppedAt!, `frame ${i} ran after frame ${i - 1}`);
    // Plain dependency on an array: aggregate starts after every postprocess child.
    const aggregate = byName('aggregate')[0];
    assert.ok(post.every((p) => aggregate.startedAt! >= p.stoppedAt!));
    // Each child's log names its own index; the workflow's parameter wins over the definition's default.
    for (const child of [sim[0], sim[5]]) {
      assert.match(child.container?.logStreamName ?? '', /^montecarlo-simulate\/default\//);
      const logs = cli(dir, ['logs', child.jobId!]);
      assert.equal(logs.code, 0, logs.stderr);
      assert.equal(logs.stdout, `simulate chunk ${child.arrayProperties!.index} with 500 iterations\n`);
    }
  });

  it('retries as evaluateOnExit says, fails dependents, and exits 1', () => {
    writeFileSync(path.join(dir, 'flaky.jobdef.json'), jobdef('flaky', ['sh', '-c', 'echo try $AWS_BATCH_JOB_ATTEMPT; exit 3'], { retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: '3', action: 'RETRY' }] } }));
    writeFileSync(path.join(dir, 'quitter.jobdef.json'), jobdef('quitter', ['sh', '-c', 'exit 4'], { retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: '4', action: 'EXIT' }] } }));
    writeFileSync(path.join(dir, 'ok.jobdef.json'), jobdef('ok', ['true']));
    writeFileSync(path.join(dir, 'flow.workflow.yaml'), 'jobs:\n  flaky: {jobDefinition: flaky}\n  quitter: {jobDefinition: quitter}\n  after: {jobDefinition: ok, dependsOn: [{job: flaky}]}\n');
    const r = cli(dir, ['run', 'flow.workflow.yaml', '--json']);
    assert.equal(r.code, 1, r.stderr);
    const jobs = JSON.parse(r.stdout) as JobDetail[];
    const get = (n: string) => jobs.find((j) => j.jobName === n)!;
    assert.equal(get('flaky').status, 'FAILED');
    assert.deepEqual(get('flaky').attempts!.map((a) => a.container?.exitCode), [3, 3, 3]);
    assert.equal(get('quitter').attempts!.length, 1);
    assert.equal(get('after').status, 'FAILED');
    assert.equal(get('after').statusReason, 'Dependent Job failed');
    const second = cli(dir, ['logs', get('flaky').jobId!, '--attempt', '2']);
    assert.equal(second.stdout, 'try 2\n');
  });

  it('builds the images localbatch.yaml lists before the run, and runs a job definition file alone', async () => {
    const tag = `lb-test-built-${process.pid}:dev`;
    mkdirSync(path.join(dir, 'app'), { recursive: true });
    writeFileSync(path.join(dir, 'app', 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo "built for $(cat /etc/hostname 2>/dev/null | wc -c) bytes" > /greeting\nCMD ["cat", "/greeting"]\n`);
    writeFileSync(path.join(dir, 'localbatch.yaml'), `images:\n  - name: ${tag}\n    context: ./app\n`);
    writeFileSync(path.join(dir, 'app.jobdef.json'), JSON.stringify({ jobDefinitionName: 'app', type: 'container', containerProperties: { image: tag, resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }] } }));
    try {
      const r = cli(dir, ['run', 'app.jobdef.json', '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`Building image ${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      const [job] = JSON.parse(r.stdout) as JobDetail[];
      assert.equal(job.jobName, 'app');
      assert.match(cli(dir, ['logs', job.jobId!]).stdout, /^built for \d+ bytes\n$/);
    } finally {
      await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    }
  });

  it('refuses to run definitions with errors, showing them', () => {
    writeFileSync(path.join(dir, 'bad.jobdef.json'), jobdef('bad', ['true'], { retryStrategy: { attempts: 11 } }));
    writeFileSync(path.join(dir, 'flow.workflow.json'), JSON.stringify({ jobs: { a: { jobDefinition: 'bad' } } }));
    const r = cli(dir, ['run', 'flow.workflow.json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.jobdef\.json:1:\d+: error: .*\[retry-attempts-range\]/);
    assert.match(r.stderr, /nothing was run/);
  });

  it('stops cleanly on Ctrl-C: exit 130, jobs terminated, no container left', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'sleepy.jobdef.json'), jobdef('sleepy', ['sleep', '300']));
    const run = spawnCli(dir, ['run', 'sleepy.jobdef.json', '--json']);
    await until(() => /sleepy RUNNING/.test(run.err()));
    assert.match(run.err(), /sleepy RUNNING/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 130, run.err());
    const jobs = JSON.parse(run.out()) as JobDetail[];
    assert.equal(jobs[0].status, 'FAILED');
    assert.equal(jobs[0].statusReason, 'Run interrupted by the user');
  });

  it('two runs at once: the second waits for the first\'s own emulator to end, then runs with its own; stop refuses a run\'s emulator', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'first.jobdef.json'), jobdef('first', ['sleep', '12']));
    writeFileSync(path.join(dir, 'second.jobdef.json'), jobdef('second', ['echo', 'second done']));
    const first = spawnCli(dir, ['run', 'first.jobdef.json']);
    await until(() => /first RUNNING/.test(first.text()));
    assert.match(first.text(), /first RUNNING/);
    // Its emulator is the run's own: stop does not interrupt the run.
    const stop = cli(dir, ['stop']);
    assert.equal(stop.code, 1, stop.stderr);
    assert.match(stop.stderr, /is a localbatch run's own \(pid \d+\): it stops when that run ends/);
    const second = spawnCli(dir, ['run', 'second.jobdef.json']);
    assert.equal(await first.exited, 0, first.text());
    assert.equal(await second.exited, 0, second.text());
    assert.match(second.text(), /another localbatch run \(pid \d+\) is using .* with its own emulator until its run ends; waiting/);
    assert.match(second.text(), /The job SUCCEEDED/);
  });

  it('a run on a serve that is stopped mid-run waits for one to serve again (on another port), then follows its job to the end; Ctrl-C while it waits keeps the job', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'slow.jobdef.json'), jobdef('slow', ['sh', '-c', 'sleep 5; echo slow done']));
    writeFileSync(path.join(dir, 'slower.jobdef.json'), jobdef('slower', ['sleep', '300']));
    let server = await serveIn(dir);
    try {
      const run = spawnCli(dir, ['run', 'slow.jobdef.json']);
      await until(() => /slow RUNNING/.test(run.text()));
      const text = () => run.text();
      assert.match(text(), /Emulator: localbatch serve at/);
      const firstUrl = /localbatch serve at (http:\/\/127\.0\.0\.1:\d+)/.exec(text())?.[1];
      const stop = cli(dir, ['stop']);
      assert.equal(stop.code, 0, stop.stderr);
      await server.exited;
      await until(() => /Waiting up to 5 min for an emulator to serve/.test(text()));
      assert.match(text(), /The emulator at http:\/\/127\.0\.0\.1:\d+ stopped while the run was in progress \(.*\); its 1 unfinished job is kept\. Waiting up to 5 min/);
      assert.equal(run.child.exitCode, null, 'still waiting');
      // The job's container runs on and ends while no emulator serves; the next one finds it ended.
      await new Promise((r) => setTimeout(r, 6_000));
      server = await serveIn(dir);
      assert.equal(await run.exited, 0, text());
      const back = /The emulator is back at (http:\/\/127\.0\.0\.1:\d+): following the run again/.exec(text());
      assert.ok(back, text());
      assert.notEqual(back[1], firstUrl, 'another port');
      assert.match(text().slice(back.index), /slow SUCCEEDED/);
      assert.match(text(), /The job SUCCEEDED/);
      assert.doesNotMatch(text(), /unexpected error|\n\s+at /);

      // Ctrl-C while it waits: exit 130, the job kept (nothing can terminate it with no emulator).
      const second = spawnCli(dir, ['run', 'slower.jobdef.json']);
      await until(() => /slower RUNNING/.test(second.text()));
      assert.equal(cli(dir, ['stop']).code, 0);
      await server.exited;
      await until(() => /Waiting up to 5 min/.test(second.text()));
      second.child.kill('SIGINT');
      assert.equal(await second.exited, 130, second.text());
      assert.match(second.text(), /Interrupted: no longer waiting for the emulator \(the jobs are kept\)/);
      assert.doesNotMatch(second.text(), /terminating the run's jobs/);
      assert.match(second.text(), /stopped while the run was in progress \(.*\) and the waiting for it was stopped; its 1 unfinished job is kept: start it again/);
      assert.doesNotMatch(second.text(), /unexpected error|\n\s+at /);
    } finally {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
      await server.exited;
      // The kept job: a serve started again re-attaches it; end it so that no container is left.
      const again = await serveIn(dir, '--terminate-all-on-exit');
      again.child.kill('SIGTERM');
      await again.exited;
    }
  });

  it('a state machine run on a serve that is stopped mid-run waits for one to serve again and follows the execution to its end', async () => {
    mkdirSync(dir, { recursive: true });
    // Two branches at once: the restarted emulator replays the execution and writes its history
    // again (new ids, branches perhaps in another order); each line is still shown once.
    const branch = (name: string) => ({ StartAt: name, States: { [name]: { Type: 'Wait', Seconds: 6, Next: `${name}Done` }, [`${name}Done`]: { Type: 'Pass', End: true } } });
    writeFileSync(path.join(dir, 'pause.asl.json'), JSON.stringify({ StartAt: 'Both', States: { Both: { Type: 'Parallel', Branches: [branch('Left'), branch('Right')], Next: 'After' }, After: { Type: 'Pass', End: true } } }));
    let server = await serveIn(dir);
    try {
      const run = spawnCli(dir, ['run', 'pause.asl.json']);
      await until(() => /Left entered \(Wait\)/.test(run.text()) && /Right entered \(Wait\)/.test(run.text()));
      assert.equal(cli(dir, ['stop']).code, 0);
      await server.exited;
      await until(() => /Waiting up to 5 min/.test(run.text()));
      assert.match(run.text(), /The emulator at http:\/\/127\.0\.0\.1:\d+ stopped while the run was in progress \(.*\); the execution is kept\. Waiting up to 5 min/);
      server = await serveIn(dir);
      assert.equal(await run.exited, 0, run.text());
      const back = run.text().indexOf('The emulator is back at');
      assert.ok(back > 0, run.text());
      assert.match(run.text().slice(back), /After exited[\s\S]*Execution SUCCEEDED/);
      const times = (re: RegExp) => run.text().match(new RegExp(re, 'g'))?.length ?? 0;
      for (const line of [/Both entered \(Parallel\)/, /Left entered \(Wait\)/, /Right entered \(Wait\)/, /LeftDone exited/, /RightDone exited/, /After exited/]) assert.equal(times(line), 1, `${line} once: ${run.text()}`);
      assert.doesNotMatch(run.text(), /unexpected error|\n\s+at /);
    } finally {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('a --redrive run on a serve that is stopped mid-redrive shows only what the redrive adds, each line once', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'mend.jobdef.json'), jobdef('mend', ['sh', '-c', 'exit 3']));
    writeFileSync(path.join(dir, 'mend.asl.json'), JSON.stringify({
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Next: 'Mend' },
        Mend: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { JobName: 'mend', JobDefinition: 'mend', JobQueue: 'local' }, Next: 'Hold' },
        Hold: { Type: 'Wait', Seconds: 6, Next: 'After' },
        After: { Type: 'Pass', End: true },
      },
    }));
    let server = await serveIn(dir);
    try {
      const failed = cli(dir, ['run', 'mend.asl.json']);
      assert.equal(failed.code, 1, failed.stderr);
      writeFileSync(path.join(dir, 'mend.jobdef.json'), jobdef('mend', ['sh', '-c', 'echo mended']));
      const run = spawnCli(dir, ['run', 'mend.asl.json', '--redrive']);
      await until(() => /Hold entered \(Wait\)/.test(run.text()));
      assert.equal(cli(dir, ['stop']).code, 0);
      await server.exited;
      await until(() => /Waiting up to 5 min/.test(run.text()));
      server = await serveIn(dir);
      assert.equal(await run.exited, 0, run.text());
      assert.match(run.text(), /The emulator is back at[\s\S]*After exited[\s\S]*Execution SUCCEEDED/);
      const times = (re: RegExp) => run.text().match(new RegExp(re, 'g'))?.length ?? 0;
      assert.equal(times(/Prepare entered/), 0, `the states before the redrive are not shown: ${run.text()}`);
      assert.equal(times(/task failed/), 0, run.text());
      for (const line of [/Mend entered \(Task\)/, /Hold entered \(Wait\)/, /After exited/]) assert.equal(times(line), 1, `${line} once: ${run.text()}`);
    } finally {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});

describe('localbatch run without Docker (integration)', () => {
  it('says in one line that Docker is unreachable and how to fix it, exit 1, no stack trace', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lb-nodocker-'));
    try {
      if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
      writeFileSync(path.join(dir, 'ok.jobdef.json'), jobdef('ok', ['true']));
      const r = spawnSync(process.execPath, [BIN, 'run', 'ok.jobdef.json'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DOCKER_HOST: `unix://${path.join(dir, 'no-docker.sock')}` } });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^localbatch run: Docker is not reachable at unix:\/\/.*no-docker\.sock .*Start Docker/m);
      assert.doesNotMatch(r.stderr, /^\s+at /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
