/**
 * The scheduler core driving real Docker containers. The clock is a fake one, so AWS's 60-second
 * minimum timeout and the 30-second SIGTERM→SIGKILL grace take no wall time; the containers are real.
 */
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { BatchEngine } from '../../../src/emulator/batch/core/engine';
import type { JobStateChangeEvent } from '../../../src/emulator/batch/core/events';
import { FakeClock } from '../../../src/emulator/clock/testing/fakeClock';
import { DockerRuntime } from '../../../src/emulator/runtime/docker';
import { MemoryLogSink } from '../../support/runtime-conformance';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';

const LABEL = 'dev.localbatch.test-run';

describe('BatchEngine on Docker (integration)', function () {
  this.timeout(120_000);
  let docker: Docker;
  let clock: FakeClock;
  let logs: MemoryLogSink;
  let engine: BatchEngine;
  let events: JobStateChangeEvent[];
  const runId = `engine-docker-${process.pid}`;

  before(async function () {
    docker = await dockerForTests(this);
  });

  beforeEach(async () => {
    clock = new FakeClock();
    logs = new MemoryLogSink();
    engine = new BatchEngine({ clock, runtime: new DockerRuntime(docker, logs), containerLabels: { [LABEL]: runId } });
    engine.createComputeEnvironment({ computeEnvironmentName: 'ce', type: 'UNMANAGED' }, { vcpus: 2, memoryMiB: 2048 });
    engine.createJobQueue({ jobQueueName: 'q', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] });
    events = [];
    engine.subscribe((e) => events.push(e));
    await clock.settle();
  });

  afterEach(async () => {
    await until(() => engine.quiescent, 'containers to be removed');
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL}=${runId}`] } });
    assert.deepEqual(left.map((c) => c.Names), [], 'containers left behind');
  });

  function define(name: string, command: string[], extra: Record<string, unknown> = {}): string {
    return engine.registerJobDefinition({
      jobDefinitionName: name,
      type: 'container',
      containerProperties: {
        image: TEST_IMAGE,
        command,
        resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }],
        linuxParameters: { initProcessEnabled: true },
        ...extra,
      },
    }).jobDefinitionArn;
  }

  /** Waits (in real time, the containers being real) until `pred` holds, nudging the fake clock by 0. */
  async function until(pred: () => boolean, what: string, deadlineMs = 60_000): Promise<void> {
    const end = Date.now() + deadlineMs;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await clock.settle();
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const status = (id: string) => engine.describeJobs([id])[0]?.status;
  const done = (id: string) => status(id) === 'SUCCEEDED' || status(id) === 'FAILED';

  it('runs an array job: each child sees its own AWS_BATCH_JOB_ARRAY_INDEX and the AWS_BATCH_* variables', async () => {
    const def = define('echo-index', ['sh', '-c', 'echo "index=$AWS_BATCH_JOB_ARRAY_INDEX attempt=$AWS_BATCH_JOB_ATTEMPT queue=$AWS_BATCH_JQ_NAME ce=$AWS_BATCH_CE_NAME id=$AWS_BATCH_JOB_ID"']);
    const { jobId } = engine.submitJob({ jobName: 'fan', jobQueue: 'q', jobDefinition: def, arrayProperties: { size: 3 } });
    await until(() => done(jobId), 'the array to finish');
    assert.equal(status(jobId), 'SUCCEEDED');
    for (let i = 0; i < 3; i++) {
      const child = engine.describeJobs([`${jobId}:${i}`])[0];
      const lines = logs.lines(child.container!.logStreamName!);
      assert.deepEqual(lines, [`index=${i} attempt=1 queue=q ce=ce id=${jobId}:${i}`]);
    }
  });

  it('retries by evaluateOnExit and records every attempt; the default for no match is to retry', async () => {
    const def = define('second-time-lucky', ['sh', '-c', 'echo attempt $AWS_BATCH_JOB_ATTEMPT; [ "$AWS_BATCH_JOB_ATTEMPT" -ge 2 ] || exit 3']);
    const { jobId } = engine.submitJob({ jobName: 'retry', jobQueue: 'q', jobDefinition: def, retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: '9*', action: 'EXIT' }] } });
    await until(() => done(jobId), 'the retried job');
    const job = engine.describeJobs([jobId])[0];
    assert.equal(job.status, 'SUCCEEDED');
    assert.deepEqual(job.attempts!.map((a) => a.container?.exitCode), [3, 0]);
    assert.deepEqual(logs.lines(job.attempts![1].container!.logStreamName!), ['attempt 2']);
  });

  it('fails dependents of a failed job with "Dependent Job failed"', async () => {
    const bad = define('bad', ['sh', '-c', 'exit 4']);
    const ok = define('ok', ['true']);
    const a = engine.submitJob({ jobName: 'a', jobQueue: 'q', jobDefinition: bad, retryStrategy: { attempts: 2, evaluateOnExit: [{ onExitCode: '4', action: 'exit' as 'EXIT' /* AWS accepts any case */ }] } });
    const b = engine.submitJob({ jobName: 'b', jobQueue: 'q', jobDefinition: ok, dependsOn: [{ jobId: a.jobId }] });
    await until(() => done(b.jobId), 'the dependent to fail');
    const [ja, jb] = engine.describeJobs([a.jobId, b.jobId]);
    assert.equal(ja.status, 'FAILED');
    assert.equal(ja.attempts!.length, 1, 'EXIT matched: no retry');
    assert.equal(jb.status, 'FAILED');
    assert.equal(jb.statusReason, 'Dependent Job failed');
    assert.equal(jb.attempts?.length ?? 0, 0);
  });

  it('times an attempt out after attemptDurationSeconds (SIGTERM) and does not retry it', async () => {
    const def = define('sleeper', ['sleep', '600']);
    const { jobId } = engine.submitJob({ jobName: 'slow', jobQueue: 'q', jobDefinition: def, timeout: { attemptDurationSeconds: 60 }, retryStrategy: { attempts: 3 } });
    await until(() => status(jobId) === 'RUNNING', 'the job to run');
    await clock.advance(60_000);
    await until(() => done(jobId), 'the timeout');
    const job = engine.describeJobs([jobId])[0];
    assert.equal(job.status, 'FAILED');
    assert.equal(job.statusReason, 'Job attempt duration exceeded timeout');
    assert.equal(job.attempts!.length, 1);
  });

  it('kills a container that ignores SIGTERM with SIGKILL after the grace period', async () => {
    const def = define('stubborn', ['sh', '-c', 'trap "" TERM; echo started; while true; do sleep 1; done']);
    const { jobId } = engine.submitJob({ jobName: 'stubborn', jobQueue: 'q', jobDefinition: def, timeout: { attemptDurationSeconds: 60 } });
    await until(() => status(jobId) === 'RUNNING' && logs.lines(engine.describeJobs([jobId])[0].container!.logStreamName!).length > 0, 'the trap to be set');
    await clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(status(jobId), 'RUNNING', 'SIGTERM is ignored');
    await clock.advance(30_000);
    await until(() => done(jobId), 'the SIGKILL');
    assert.equal(engine.describeJobs([jobId])[0].container?.exitCode, 137);
  });

  it('reports an out-of-memory kill as AWS does', async () => {
    const def = define('hog', ['sh', '-c', 'tail /dev/zero'], { resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '16' }] });
    const { jobId } = engine.submitJob({ jobName: 'hog', jobQueue: 'q', jobDefinition: def });
    await until(() => done(jobId), 'the OOM kill');
    const job = engine.describeJobs([jobId])[0];
    assert.equal(job.status, 'FAILED');
    assert.equal(job.container?.exitCode, 137);
    assert.match(job.container?.reason ?? '', /OutOfMemoryError/);
  });
});
