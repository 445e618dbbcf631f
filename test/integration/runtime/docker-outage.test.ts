/**
 * A Docker outage, made by killing a unix-socket proxy in front of the real engine (never the engine
 * itself) while jobs run, then starting it again 2-3 s later. The emulator connects through the
 * proxy (DOCKER_HOST=unix://<proxy>). Checked: a container that kept running is followed again and
 * its job succeeds with one attempt and its whole log once; one that exited meanwhile is recorded
 * with its exit code; one that vanished fails its attempt as host-terminated and is retried; a job
 * submitted during the outage waits RUNNABLE with the outage reason and then runs as attempt 1; and
 * `localbatch run` finishes across an outage.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeJobsCommand, RegisterJobDefinitionCommand, SubmitJobCommand, type JobDetail } from '@aws-sdk/client-batch';
import Docker from 'dockerode';
import { clientsFor } from '../../../src/cli/run/session';
import { LocalService } from '../../../src/emulator/service';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';
import { SocketProxy } from '../../support/socket-proxy';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin', 'localbatch.js');
const OUTAGE_MS = 2_500;

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, deadlineMs = 60_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function jobdef(name: string, script: string, attempts = 1) {
  return {
    jobDefinitionName: name,
    type: 'container',
    containerProperties: { image: TEST_IMAGE, command: ['sh', '-c', script], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '32' }] },
    retryStrategy: { attempts },
  };
}

describe('Docker outage through a socket proxy (integration)', function () {
  this.timeout(180_000);
  let docker: Docker;
  let dir: string;
  let proxy: SocketProxy;

  before(async function () {
    docker = await dockerForTests(this);
    if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  });
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-outage-'));
    proxy = new SocketProxy(path.join(dir, 'docker.sock'));
    await proxy.start();
  });
  afterEach(async () => {
    await proxy.kill();
    const left = await docker.listContainers({ all: true, filters: { label: [`dev.localbatch.state-dir=${path.join(dir, 'state')}`] } });
    for (const c of left) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(left.map((c) => c.Names), [], 'containers were left behind');
  });

  it('reconciles running containers after the outage and holds new jobs RUNNABLE without using their attempts', async () => {
    const service = await LocalService.start({
      stateDir: path.join(dir, 'state'),
      docker: new Docker({ socketPath: proxy.path }),
      settings: { capacity: { vcpus: 4, memoryMiB: 2048 } },
      log: () => undefined,
    });
    const { batch } = clientsFor(service.endpoint);
    try {
      const describe = async (id: string): Promise<JobDetail> => (await batch.send(new DescribeJobsCommand({ jobs: [id] }))).jobs![0];
      const submit = async (name: string, script: string, attempts = 1): Promise<string> => {
        await batch.send(new RegisterJobDefinitionCommand(jobdef(name, script, attempts) as never));
        return (await batch.send(new SubmitJobCommand({ jobName: name, jobDefinition: name, jobQueue: 'local' }))).jobId!;
      };
      const survivor = await submit('survivor', 'echo survivor-start; sleep 8; echo survivor-end');
      const exiter = await submit('exiter', 'sleep 2; exit 3');
      const vanisher = await submit('vanisher', 'if [ "$AWS_BATCH_JOB_ATTEMPT" = 1 ]; then sleep 120; fi; echo vanisher-ok', 2);
      await until('all three RUNNING', async () => {
        const s = await Promise.all([survivor, exiter, vanisher].map(describe));
        return s.every((j) => j.status === 'RUNNING') || undefined;
      });

      await proxy.kill();
      const killedAt = Date.now();
      // While Docker is away: one container vanishes, a new job is submitted.
      const [victim] = await docker.listContainers({ all: true, filters: { label: [`dev.localbatch.job-id=${vanisher}`] } });
      await docker.getContainer(victim.Id).remove({ force: true });
      const late = await submit('late', 'echo late-attempt-$AWS_BATCH_JOB_ATTEMPT', 3);
      const held = await until('the late job RUNNABLE with the outage reason', async () => {
        const j = await describe(late);
        assert.notEqual(j.status, 'FAILED', `the late job failed during the outage: ${j.statusReason}`);
        return j.status === 'RUNNABLE' && /DOCKER_UNREACHABLE/.test(j.statusReason ?? '') ? j : undefined;
      });
      assert.match(held.statusReason!, /^CAPACITY:DOCKER_UNREACHABLE - the Docker engine at unix:\/\/.+ is not reachable; jobs start when it is back$/);
      assert.equal((await describe(survivor)).status, 'RUNNING');
      await until('the outage to last', () => Date.now() - killedAt >= OUTAGE_MS || undefined);
      assert.equal((await describe(late)).status, 'RUNNABLE');
      assert.equal((await describe(late)).attempts?.length ?? 0, 0);
      await proxy.start();

      const done = await until('every job finished', async () => {
        const all = await Promise.all([survivor, exiter, vanisher, late].map(describe));
        return all.every((j) => j.status === 'SUCCEEDED' || j.status === 'FAILED') ? all : undefined;
      });
      const [s, e, v, l] = done;
      assert.equal(s.status, 'SUCCEEDED', s.statusReason);
      assert.equal(s.attempts?.length, 1);
      const lines = service.host.logs.events(s.container!.logStreamName!).map((x) => x.message);
      assert.deepEqual(lines, ['survivor-start', 'survivor-end']);

      assert.equal(e.status, 'FAILED');
      assert.equal(e.attempts?.length, 1);
      assert.equal(e.container?.exitCode, 3);

      assert.equal(v.status, 'SUCCEEDED', v.statusReason);
      assert.equal(v.attempts?.length, 2);
      assert.match(v.attempts![0].statusReason!, /^Host EC2 \(instance i-[0-9a-f]{17}\) terminated\.$/);

      assert.equal(l.status, 'SUCCEEDED', l.statusReason);
      assert.equal(l.attempts?.length, 1);
      assert.deepEqual(service.host.logs.events(l.container!.logStreamName!).map((x) => x.message), ['late-attempt-1']);
      assert.equal(l.statusReason, 'Essential container in task exited');
    } finally {
      batch.destroy();
      await service.close();
    }
  });

  it('lets `localbatch run` finish across an outage', async () => {
    const work = path.join(dir, 'work');
    execFileSync('mkdir', ['-p', work]);
    writeFileSync(path.join(work, 'slow.jobdef.json'), JSON.stringify(jobdef('slow', 'echo slow-start; sleep 5; echo slow-end')));
    writeFileSync(path.join(work, 'after.jobdef.json'), JSON.stringify(jobdef('after', 'echo after')));
    writeFileSync(path.join(work, 'flow.workflow.yaml'), 'jobs:\n  slow:\n    jobDefinition: slow\n  after:\n    jobDefinition: after\n    dependsOn: [{ job: slow }]\n');
    const child = spawn(process.execPath, [BIN, 'run', 'flow.workflow.yaml', '--state-dir', path.join(dir, 'state')], {
      cwd: work,
      env: { ...process.env, CI: '1', DOCKER_HOST: proxy.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    try {
      await until('the slow job RUNNING', () => /slow RUNNING/.test(out) || undefined);
      await proxy.kill();
      const killedAt = Date.now();
      await until('the outage to last', () => Date.now() - killedAt >= OUTAGE_MS || undefined);
      await proxy.start();
      const code = await Promise.race([exited, until('the run to end', () => undefined, 90_000).catch(() => -2)]);
      assert.equal(code, 0, out);
      assert.match(out, /after\s+SUCCEEDED/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
