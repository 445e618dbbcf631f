import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchClient, DescribeJobsCommand } from '@aws-sdk/client-batch';
import { readEndpoint } from '../../../src/client/endpoint';
import { cli, ROOT, write } from './moto-workspace';

/** Our own `localbatch serve` as a second deploy target, reached with its credentials file through the standard chain. */
describe('localbatch deploy against localbatch serve (integration)', function () {
  this.timeout(180_000);
  let dir: string;
  let child: ChildProcess | undefined;
  let args: string[];
  let env: Record<string, string>;
  let state: string;

  before(async function () {
    this.timeout(120_000);
    if (!existsSync(path.join(ROOT, 'dist/cli.js'))) throw new Error('run `npm run build` first: this test starts bin/localbatch.js');
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-deploy-serve-'));
    state = path.join(dir, 'state');
    child = spawn(process.execPath, [path.join(ROOT, 'bin/localbatch.js'), 'serve', '--runtime', 'scripted', '--port', '0', '--state-dir', state], { stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    while (!existsSync(path.join(state, 'endpoint.json')) || !existsSync(path.join(state, 'credentials'))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('localbatch serve did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const info = JSON.parse(readFileSync(path.join(state, 'endpoint.json'), 'utf8')) as { url: string; region?: string };
    args = ['--region', info.region ?? 'us-east-1', '--endpoint-url', info.url, '--profile', 'localbatch'];
    env = { AWS_SHARED_CREDENTIALS_FILE: path.join(state, 'credentials'), AWS_CONFIG_FILE: path.join(dir, 'no-config'), AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
    write(dir, {
      'ws/local.computeenv.yaml': 'computeEnvironmentName: local-ce\ntype: UNMANAGED\nunmanagedvCpus: 4\n',
      'ws/work.jobqueue.yaml': 'jobQueueName: work\npriority: 5\ncomputeEnvironmentOrder:\n  - { order: 1, computeEnvironment: local-ce }\n',
      'ws/hello.jobdef.yaml': 'jobDefinitionName: hello\ntype: container\ncontainerProperties:\n  image: busybox\n  command: [echo, hi]\n  resourceRequirements:\n    - { type: VCPU, value: "1" }\n    - { type: MEMORY, value: "128" }\n',
      'ws/run.workflow.yaml': 'jobs:\n  a: { jobDefinition: hello, jobQueue: work }\n  b: { jobDefinition: hello, jobQueue: work, dependsOn: [{ job: a }] }\n',
    });
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates, then reports no changes, then registers one revision for a change; submit maps ids', async () => {
    const ws = path.join(dir, 'ws');
    const first = cli(ws, ['deploy', ...args, '--yes'], env);
    assert.equal(first.status, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /done: created compute environment local-ce\n {2}done: created job queue work\n {2}done: registered job definition hello revision 1/);
    const second = cli(ws, ['deploy', ...args, '--yes'], env);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /No changes/);
    write(dir, { 'ws/hello.jobdef.yaml': readFileSync(path.join(ws, 'hello.jobdef.yaml'), 'utf8').replace('[echo, hi]', '[echo, bye]') });
    const third = cli(ws, ['deploy', ...args, '--yes'], env);
    assert.match(third.stdout, /register revision 2 \(latest ACTIVE: 1\)/);
    assert.match(third.stdout, /Plan: 0 to create, 0 to update, 1 new revision, 2 unchanged/);
    const sub = cli(ws, ['submit', 'run.workflow.yaml', ...args, '--yes', '--json'], env);
    assert.equal(sub.status, 0, sub.stderr);
    const jobs = JSON.parse(sub.stdout) as Array<{ name: string; jobId: string }>;
    assert.deepEqual(jobs.map((j) => j.name), ['a', 'b']);
    // The ids are the submitted jobs': each names its workflow job, runs the new revision, and b
    // depends on a's id (the workflow's dependsOn mapped to the job id SubmitJob returned for a).
    const endpoint = await readEndpoint(state);
    const batch = new BatchClient({ endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials, maxAttempts: 1 });
    try {
      const { jobs: described = [] } = await batch.send(new DescribeJobsCommand({ jobs: jobs.map((j) => j.jobId) }));
      const byId = new Map(described.map((d) => [d.jobId!, d]));
      assert.deepEqual(jobs.map((j) => [j.name, byId.get(j.jobId)?.jobName, byId.get(j.jobId)?.jobDefinition?.replace(/^.*:job-definition\//, '')]),
        [['a', 'a', 'hello:2'], ['b', 'b', 'hello:2']]);
      assert.deepEqual(byId.get(jobs[1].jobId)?.dependsOn?.map((d) => d.jobId), [jobs[0].jobId]);
    } finally {
      batch.destroy();
    }
  });
});
