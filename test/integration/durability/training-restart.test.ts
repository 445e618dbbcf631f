/**
 * Finished work is not failed by a restart, for SageMaker training service jobs too: through a real
 * `localbatch serve` on real Docker, a training job running when the server is SIGKILLed (and one
 * running at a graceful stop) is followed again after the restart, its container kept, and ends as
 * its container does, its model packed under the output path. A job whose container is gone by the
 * restart ends as failed, as before.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BatchClient, CreateJobQueueCommand, CreateServiceEnvironmentCommand, DescribeServiceJobCommand, SubmitServiceJobCommand, type DescribeServiceJobCommandOutput } from '@aws-sdk/client-batch';
import type Docker from 'dockerode';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';
import { killServe, runCli, startServe, type ServeChild } from '../../support/serve-process';

const IMAGE = `localbatch-test-training-restart:${process.pid}`;
/** Waits for /go (touched by the test after the restart), then writes its model. */
const TRAIN = '#!/bin/sh\nwhile [ ! -f /go ]; do sleep 0.2; done\necho trained > /opt/ml/model/model.txt\necho done\n';

describe('training service jobs across a restart (integration, localbatch serve, Docker)', function () {
  this.timeout(240_000);
  let docker: Docker;
  let dir: string;
  let stateDir: string;
  let serve: (ServeChild & { endpoint: EmulatorEndpoint }) | undefined;
  let batch: BatchClient;

  before(async function () {
    docker = await dockerForTests(this);
    const ctx = mkdtempSync(path.join(tmpdir(), 'lb-train-restart-img-'));
    writeFileSync(path.join(ctx, 'train'), TRAIN, { mode: 0o755 });
    writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY train /usr/local/bin/train\n`);
    execFileSync('docker', ['build', '-q', '-t', IMAGE, ctx], { stdio: 'ignore' });
    rmSync(ctx, { recursive: true, force: true });
    dir = mkdtempSync(path.join(tmpdir(), 'lb-train-restart-'));
    writeFileSync(path.join(dir, 'localbatch.yaml'), 'region: us-east-1\n');
    mkdirSync(path.join(dir, 'out'));
    stateDir = path.join(dir, '.localbatch');
  });
  after(async () => {
    batch?.destroy();
    if (serve) {
      await runCli(['stop', '--terminate-all', '--state-dir', stateDir], dir);
      await serve.exit;
    }
    await docker?.getImage(IMAGE).remove({ force: true }).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => {
    serve = await startServe(['--port', '0'], dir, stateDir);
    batch?.destroy();
    const e = serve.endpoint;
    batch = new BatchClient({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 });
  };
  const payload = (name: string) =>
    JSON.stringify({
      TrainingJobName: name,
      AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
      OutputDataConfig: { S3OutputPath: pathToFileURL(path.join(dir, 'out')).href },
      ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 1 },
    });
  const describe = (jobId: string) => batch.send(new DescribeServiceJobCommand({ jobId }));
  async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if (await probe().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${what}\n${serve?.output() ?? ''}`);
  }
  const containersOf = (jobId: string) => docker.listContainers({ all: true, filters: { label: [`localbatch.training-job=${jobId}`] } });
  async function go(jobId: string): Promise<void> {
    for (const c of await containersOf(jobId)) {
      const exec = await docker.getContainer(c.Id).exec({ Cmd: ['touch', '/go'] });
      const stream = await exec.start({});
      await new Promise((r) => (stream.on('end', r), stream.on('error', r), stream.resume()));
    }
  }
  const ended = async (jobId: string): Promise<DescribeServiceJobCommandOutput> => {
    let d: DescribeServiceJobCommandOutput | undefined;
    await until(`job ${jobId} to end`, async () => ((d = await describe(jobId)).status === 'SUCCEEDED' || d.status === 'FAILED'));
    return d!;
  };

  it('a training job running at a SIGKILL, and one at a graceful stop, are followed again and end as their containers do', async () => {
    await start();
    await batch.send(new CreateServiceEnvironmentCommand({ serviceEnvironmentName: 'sm', serviceEnvironmentType: 'SAGEMAKER_TRAINING', capacityLimits: [{ maxCapacity: 4, capacityUnit: 'NUM_INSTANCES' }] }));
    await batch.send(new CreateJobQueueCommand({ jobQueueName: 'train', priority: 1, jobQueueType: 'SAGEMAKER_TRAINING', serviceEnvironmentOrder: [{ order: 1, serviceEnvironment: 'sm' }] }));
    const submit = async (name: string) => (await batch.send(new SubmitServiceJobCommand({ jobName: name, jobQueue: 'train', serviceJobType: 'SAGEMAKER_TRAINING', serviceRequestPayload: payload(name) }))).jobId!;

    const killed = await submit('killed');
    await until('the job to run', async () => (await describe(killed)).status === 'RUNNING');
    await killServe(serve!);
    serve = undefined;
    await start();
    assert.equal((await containersOf(killed)).length, 1, 'its container was kept by the restart');
    await go(killed);
    const k = await ended(killed);
    assert.deepEqual([k.status, k.statusReason], ['SUCCEEDED', 'Received status from SageMaker: Training job completed'], serve!.output());
    assert.ok(existsSync(path.join(dir, 'out', 'killed', 'output', 'model.tar.gz')), 'its model was packed');

    const stopped = await submit('stopped');
    await until('the second job to run', async () => (await describe(stopped)).status === 'RUNNING');
    await runCli(['stop', '--state-dir', stateDir], dir);
    await serve!.exit;
    serve = undefined;
    await start();
    await go(stopped);
    const s = await ended(stopped);
    assert.equal(s.status, 'SUCCEEDED', serve!.output());
    assert.ok(existsSync(path.join(dir, 'out', 'stopped', 'output', 'model.tar.gz')));
    await until('the containers removed', async () => (await containersOf(killed)).length + (await containersOf(stopped)).length === 0);
  });

  it('a job whose container is gone by the restart ends as failed, and its retry strategy decides', async () => {
    const gone = (await batch.send(new SubmitServiceJobCommand({ jobName: 'gone', jobQueue: 'train', serviceJobType: 'SAGEMAKER_TRAINING', serviceRequestPayload: payload('gone') }))).jobId!;
    await until('the job to run', async () => (await describe(gone)).status === 'RUNNING');
    await killServe(serve!);
    serve = undefined;
    for (const c of await containersOf(gone)) await docker.getContainer(c.Id).remove({ force: true });
    await start();
    const d = await ended(gone);
    assert.deepEqual([d.status, d.statusReason], ['FAILED', 'Received status from SageMaker: InternalServerError: localbatch restarted during the training job']);
  });
});
