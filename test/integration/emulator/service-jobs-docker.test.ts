/**
 * SageMaker training service jobs through @aws-sdk/client-batch against the real emulator on real
 * Docker: a training image built from localbatch-busybox reads its hyperparameters and channel and
 * writes a model (packed as model.tar.gz under the file:// output path, or read from and written to
 * the local S3 with s3:// URIs); a failure file becomes the
 * reason; two instances reach each other by host name.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  BatchClient,
  CreateJobQueueCommand,
  CreateServiceEnvironmentCommand,
  DeleteServiceEnvironmentCommand,
  DescribeJobQueuesCommand,
  DescribeServiceEnvironmentsCommand,
  DescribeServiceJobCommand,
  ListServiceJobsCommand,
  SubmitServiceJobCommand,
  UpdateServiceEnvironmentCommand,
  type DescribeServiceJobCommandOutput,
} from '@aws-sdk/client-batch';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type Docker from 'dockerode';
import { LocalService } from '../../../src/emulator/service';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';

const IMAGE = `localbatch-test-training:${process.pid}`;

/** The algorithm: `train` on PATH, as SageMaker runs it. */
const TRAIN = `#!/bin/sh
set -e
hp=/opt/ml/input/config/hyperparameters.json
host=$(sed -n 's/.*"current_host":"\\([^"]*\\)".*/\\1/p' /opt/ml/input/config/resourceconfig.json)
epochs=$(sed -n 's/.*"epochs":"\\([^"]*\\)".*/\\1/p' $hp)
if [ "$epochs" = "fail" ]; then echo "epochs must be a number" > /opt/ml/output/failure; exit 3; fi
if [ -d /opt/ml/input/data/train ]; then
  lines=$(cat /opt/ml/input/data/train/*.csv | wc -l)
  echo "epochs=$epochs lines=$lines job=$TRAINING_JOB_NAME arn=$TRAINING_JOB_ARN greeting=$GREETING" > /opt/ml/model/model.txt
fi
if [ "$host" = "algo-1" ] && grep -q algo-2 /opt/ml/input/config/resourceconfig.json; then
  # (busybox nc can hand over a connection whose bytes never arrive: send until algo-2 stops listening after taking one)
  i=0; sent=0; while :; do if echo "hello from algo-1" | nc algo-2 7000 2>/dev/null; then sent=1; elif [ $sent = 1 ]; then break; fi; i=$((i+1)); [ $i -gt 100 ] && exit 9; sleep 0.2; done
  echo sent > /opt/ml/model/algo-1.txt
fi
if [ "$host" = "algo-2" ]; then m=""; while [ -z "$m" ]; do m=$(nc -l -p 7000); done; echo "$m" > /opt/ml/model/algo-2-received.txt; fi
echo "trained on $host"
`;

/** Files of a .tar.gz (ustar), name → content. */
function untar(file: string): Map<string, string> {
  const buf = gunzipSync(readFileSync(file));
  const out = new Map<string, string>();
  for (let off = 0; off + 512 <= buf.length; ) {
    const name = buf.subarray(off, off + 100).toString('utf8').replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(buf.subarray(off + 124, off + 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
    if (buf[off + 156] === 0x30) out.set(name, buf.subarray(off + 512, off + 512 + size).toString('utf8'));
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

describe('SageMaker training service jobs on Docker (integration)', function () {
  this.timeout(180_000);
  let docker: Docker;
  let workspace: string;
  let service: LocalService;
  let batch: BatchClient;

  before(async function () {
    docker = await dockerForTests(this);
    const ctx = mkdtempSync(path.join(os.tmpdir(), 'lb-train-img-'));
    writeFileSync(path.join(ctx, 'train'), TRAIN, { mode: 0o755 });
    writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY train /usr/local/bin/train\n`);
    execFileSync('docker', ['build', '-q', '-t', IMAGE, ctx], { stdio: 'ignore' });
    rmSync(ctx, { recursive: true, force: true });
    workspace = mkdtempSync(path.join(os.tmpdir(), 'lb-train-'));
    mkdirSync(path.join(workspace, 'data'));
    writeFileSync(path.join(workspace, 'data', 'part.csv'), 'a,1\nb,2\nc,3\n');
    service = await LocalService.start({ stateDir: path.join(workspace, '.localbatch'), workspaceRoot: workspace, log: () => undefined });
    const e = service.endpoint;
    batch = new BatchClient({ endpoint: e.url, region: e.region, credentials: e.credentials });
    await batch.send(new CreateServiceEnvironmentCommand({ serviceEnvironmentName: 'sm', serviceEnvironmentType: 'SAGEMAKER_TRAINING', capacityLimits: [{ maxCapacity: 2, capacityUnit: 'NUM_INSTANCES' }] }));
    await batch.send(new CreateJobQueueCommand({ jobQueueName: 'train', priority: 1, jobQueueType: 'SAGEMAKER_TRAINING', serviceEnvironmentOrder: [{ order: 1, serviceEnvironment: 'sm' }] }));
  });

  after(async () => {
    await service?.close({ terminateAll: true, graceMs: 5000 });
    await docker?.getImage(IMAGE).remove().catch(() => undefined);
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  function payload(name: string, extra: Record<string, unknown> = {}): string {
    return JSON.stringify({
      TrainingJobName: name,
      RoleArn: 'arn:aws:iam::123456789012:role/sm',
      AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
      HyperParameters: { epochs: '3' },
      InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: pathToFileURL(path.join(workspace, 'data')).href } } }],
      OutputDataConfig: { S3OutputPath: pathToFileURL(path.join(workspace, 'out')).href },
      ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 1 },
      StoppingCondition: { MaxRuntimeInSeconds: 600 },
      Environment: { GREETING: 'hi' },
      ...extra,
    });
  }

  async function finished(jobId: string): Promise<DescribeServiceJobCommandOutput> {
    for (let i = 0; i < 600; i++) {
      const d = await batch.send(new DescribeServiceJobCommand({ jobId }));
      if (d.status === 'SUCCEEDED' || d.status === 'FAILED') return d;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`job ${jobId} did not finish`);
  }

  it('shows the environment VALID and the queue with computeEnvironmentOrder []', async () => {
    const envs = await batch.send(new DescribeServiceEnvironmentsCommand({ serviceEnvironments: ['sm'] }));
    assert.equal(envs.serviceEnvironments?.[0].status, 'VALID');
    const q = (await batch.send(new DescribeJobQueuesCommand({ jobQueues: ['train'] }))).jobQueues?.[0];
    assert.deepEqual([q?.jobQueueType, q?.computeEnvironmentOrder, q?.serviceEnvironmentOrder?.[0].serviceEnvironment], ['SAGEMAKER_TRAINING', [], envs.serviceEnvironments?.[0].serviceEnvironmentArn]);
    await assert.rejects(batch.send(new DeleteServiceEnvironmentCommand({ serviceEnvironment: 'sm' })), /disable it first/);
    await batch.send(new UpdateServiceEnvironmentCommand({ serviceEnvironment: 'sm', state: 'DISABLED' }));
    await assert.rejects(batch.send(new DeleteServiceEnvironmentCommand({ serviceEnvironment: 'sm' })), /still associated with a job queue/);
    await batch.send(new UpdateServiceEnvironmentCommand({ serviceEnvironment: 'sm', state: 'ENABLED' }));
  });

  it('trains: hyperparameters and the channel read, the model packed as <output>/<name>/output/model.tar.gz; clientToken honoured', async () => {
    const req = { jobName: 'fit', jobQueue: 'train', serviceJobType: 'SAGEMAKER_TRAINING' as const, serviceRequestPayload: payload('fit-1'), clientToken: 'tok-1' };
    const r = await batch.send(new SubmitServiceJobCommand(req));
    const again = await batch.send(new SubmitServiceJobCommand(req));
    assert.equal(again.jobId, r.jobId, 'the same clientToken gives the same job');
    const d = await finished(r.jobId!);
    assert.equal(d.status, 'SUCCEEDED', d.statusReason);
    assert.equal(d.attempts?.length, 1);
    assert.equal(d.latestAttempt?.serviceResourceId?.name, 'TrainingJobArn');
    assert.ok(d.scheduledAt && d.startedAt && d.stoppedAt);
    const files = untar(path.join(workspace, 'out', 'fit-1', 'output', 'model.tar.gz'));
    assert.equal(files.get('model.txt')?.trim(), `epochs=3 lines=3 job=fit-1 arn=${d.latestAttempt?.serviceResourceId?.value} greeting=hi`);
    const listed = await batch.send(new ListServiceJobsCommand({ jobQueue: 'train', filters: [{ name: 'JOB_NAME', values: ['fi*'] }] }));
    assert.deepEqual(listed.jobSummaryList?.map((s) => [s.jobId, s.status]), [[r.jobId, 'SUCCEEDED']]);
  });

  it('reads an s3:// channel from the local S3 and writes the model to an s3:// output path', async () => {
    const e = service.endpoint;
    const s3 = new S3Client({ endpoint: e.url, region: e.region, credentials: e.credentials, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'training' }));
    await s3.send(new PutObjectCommand({ Bucket: 'training', Key: 'datasets/iris/a.csv', Body: 'a,1\nb,2\n' }));
    await s3.send(new PutObjectCommand({ Bucket: 'training', Key: 'datasets/iris/b.csv', Body: 'c,3\nd,4\ne,5\n' }));
    await s3.send(new PutObjectCommand({ Bucket: 'training', Key: 'datasets/other/c.csv', Body: 'not,this\n' }));
    const s3Payload = (name: string, channel: string) =>
      payload(name, {
        InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: channel } } }],
        OutputDataConfig: { S3OutputPath: 's3://training/models' },
      });
    const r = await batch.send(new SubmitServiceJobCommand({ jobName: 's3fit', jobQueue: 'train', serviceJobType: 'SAGEMAKER_TRAINING', serviceRequestPayload: s3Payload('s3fit-1', 's3://training/datasets/iris') }));
    const d = await finished(r.jobId!);
    assert.equal(d.status, 'SUCCEEDED', d.statusReason);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'training', Key: 'models/s3fit-1/output/model.tar.gz' }));
    const tgz = path.join(workspace, 's3fit-model.tar.gz');
    writeFileSync(tgz, await got.Body!.transformToByteArray());
    assert.equal(untar(tgz).get('model.txt')?.trim(), `epochs=3 lines=5 job=s3fit-1 arn=${d.latestAttempt?.serviceResourceId?.value} greeting=hi`);

    const missing = await batch.send(new SubmitServiceJobCommand({ jobName: 's3none', jobQueue: 'train', serviceJobType: 'SAGEMAKER_TRAINING', serviceRequestPayload: s3Payload('s3none-1', 's3://training/nothing-here/') }));
    const m = await finished(missing.jobId!);
    assert.equal(m.status, 'FAILED');
    assert.match(m.statusReason ?? '', /ClientError: no objects under s3:\/\/training\/nothing-here\/ in the local S3/);
    s3.destroy();
  });

  it('a failure file becomes the reason; the retry strategy retries on the status reason', async () => {
    const r = await batch.send(
      new SubmitServiceJobCommand({
        jobName: 'bad',
        jobQueue: 'train',
        serviceJobType: 'SAGEMAKER_TRAINING',
        serviceRequestPayload: payload('bad-1', { HyperParameters: { epochs: 'fail' } }),
        retryStrategy: { attempts: 2, evaluateOnExit: [{ action: 'RETRY', onStatusReason: 'Received status from SageMaker: AlgorithmError*' }] },
      }),
    );
    const d = await finished(r.jobId!);
    assert.equal(d.status, 'FAILED');
    assert.equal(d.statusReason, 'Received status from SageMaker: AlgorithmError: epochs must be a number');
    assert.equal(d.attempts?.length, 2, 'retried once');
  });

  it('two instances run as algo-1 and algo-2 on one network and reach each other by name', async () => {
    const r = await batch.send(
      new SubmitServiceJobCommand({
        jobName: 'pair',
        jobQueue: 'train',
        serviceJobType: 'SAGEMAKER_TRAINING',
        serviceRequestPayload: payload('pair-1', { ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 2, VolumeSizeInGB: 1 } }),
      }),
    );
    const d = await finished(r.jobId!);
    assert.equal(d.status, 'SUCCEEDED', d.statusReason);
    assert.deepEqual(d.capacityUsage, [{ capacityUnit: 'ml.m5.large', quantity: 2 }], 'the instance type, as the API documents for service jobs');
    const files = untar(path.join(workspace, 'out', 'pair-1', 'output', 'model.tar.gz'));
    assert.equal(files.get('algo-2-received.txt')?.trim(), 'hello from algo-1');
    assert.equal(files.get('algo-1.txt')?.trim(), 'sent');
  });
});
