/**
 * Quota shares through @aws-sdk/client-batch against the served emulator on real Docker: a job of a
 * LEND_AND_BORROW share runs on instances it borrows from a LEND share; when the lender's job
 * arrives, the borrower is preempted (its container stopped and gone), returns to RUNNABLE with a
 * preemptionSummary, and succeeds once the lender's job is done.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  BatchClient,
  CreateJobQueueCommand,
  CreateQuotaShareCommand,
  CreateSchedulingPolicyCommand,
  CreateServiceEnvironmentCommand,
  DescribeServiceJobCommand,
  GetJobQueueSnapshotCommand,
  ListServiceJobsCommand,
  SubmitServiceJobCommand,
  type DescribeServiceJobCommandOutput,
} from '@aws-sdk/client-batch';
import type Docker from 'dockerode';
import { LocalService } from '../../../src/emulator/service';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';

const IMAGE = `localbatch-test-quota-training:${process.pid}`;

/**
 * Trains until the test releases it (a file named after the job in the bound `ctl` channel), then
 * writes a model; stops on SIGTERM. Released by the test, not by a sleep: a preemption that lands
 * before the shell has set its trap (PID 1 ignores SIGTERM then) is ended by the runner's SIGKILL,
 * never by the job finishing first.
 */
const TRAIN = `#!/bin/sh
trap 'exit 143' TERM
while [ ! -e "/opt/ml/input/data/ctl/$TRAINING_JOB_NAME" ]; do sleep 0.2; done
echo "trained $TRAINING_JOB_NAME" > /opt/ml/model/model.txt
`;

describe('Quota-share preemption on Docker (integration)', function () {
  this.timeout(180_000);
  let docker: Docker;
  let workspace: string;
  let service: LocalService;
  let batch: BatchClient;

  before(async function () {
    docker = await dockerForTests(this);
    const ctx = mkdtempSync(path.join(os.tmpdir(), 'lb-quota-img-'));
    writeFileSync(path.join(ctx, 'train'), TRAIN, { mode: 0o755 });
    writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY train /usr/local/bin/train\n`);
    execFileSync('docker', ['build', '-q', '-t', IMAGE, ctx], { stdio: 'ignore' });
    rmSync(ctx, { recursive: true, force: true });
    workspace = mkdtempSync(path.join(os.tmpdir(), 'lb-quota-'));
    mkdirSync(path.join(workspace, 'ctl'));
    service = await LocalService.start({ stateDir: path.join(workspace, '.localbatch'), workspaceRoot: workspace, log: () => undefined });
    const e = service.endpoint;
    batch = new BatchClient({ endpoint: e.url, region: e.region, credentials: e.credentials });
  });

  after(async () => {
    await service?.close({ terminateAll: true, graceMs: 5000 });
    await docker?.getImage(IMAGE).remove().catch(() => undefined);
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  const release = (name: string) => writeFileSync(path.join(workspace, 'ctl', name), '');

  function payload(name: string): string {
    return JSON.stringify({
      TrainingJobName: name,
      RoleArn: 'arn:aws:iam::123456789012:role/sm',
      AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
      InputDataConfig: [{ ChannelName: 'ctl', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: pathToFileURL(path.join(workspace, 'ctl')).href } } }],
      OutputDataConfig: { S3OutputPath: pathToFileURL(path.join(workspace, 'out')).href },
      ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 1 },
      StoppingCondition: { MaxRuntimeInSeconds: 600 },
    });
  }

  async function until(jobId: string, ok: (d: DescribeServiceJobCommandOutput) => boolean, what: string): Promise<DescribeServiceJobCommandOutput> {
    let last: DescribeServiceJobCommandOutput | undefined;
    for (let i = 0; i < 900; i++) {
      last = await batch.send(new DescribeServiceJobCommand({ jobId }));
      if (ok(last)) return last;
      if (last.status === 'SUCCEEDED' || last.status === 'FAILED') break; // finished otherwise
      await new Promise((r) => setTimeout(r, 100));
    }
    // Every job's state in the message: which job ran instead is what a failure here needs.
    const all: string[] = [];
    for (const jobStatus of ['RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED'] as const) {
      for (const j of (await batch.send(new ListServiceJobsCommand({ jobQueue: 'qm', jobStatus }))).jobSummaryList ?? []) all.push(`${String(j.jobName)} ${jobStatus}`);
    }
    throw new Error(`job ${jobId} never became ${what}: ${String(last?.status)} ${String(last?.statusReason)} (jobs: ${all.join(', ')})`);
  }

  it('the lender’s job preempts the borrowing job, which returns to RUNNABLE and later succeeds', async () => {
    await batch.send(new CreateServiceEnvironmentCommand({ serviceEnvironmentName: 'qm-env', serviceEnvironmentType: 'SAGEMAKER_TRAINING', capacityLimits: [{ maxCapacity: 2, capacityUnit: 'ml.m5.large' }] }));
    const policy = await batch.send(new CreateSchedulingPolicyCommand({ name: 'qm-policy', quotaSharePolicy: { idleResourceAssignmentStrategy: 'FIFO' } }));
    await batch.send(new CreateJobQueueCommand({ jobQueueName: 'qm', priority: 1, jobQueueType: 'SAGEMAKER_TRAINING', schedulingPolicyArn: policy.arn, serviceEnvironmentOrder: [{ order: 1, serviceEnvironment: 'qm-env' }] }));
    const limits = [{ maxCapacity: 1, capacityUnit: 'ml.m5.large' }];
    await batch.send(new CreateQuotaShareCommand({ quotaShareName: 'research', jobQueue: 'qm', capacityLimits: limits, resourceSharingConfiguration: { strategy: 'LEND' }, preemptionConfiguration: { inSharePreemption: 'DISABLED' } }));
    await batch.send(new CreateQuotaShareCommand({ quotaShareName: 'batch', jobQueue: 'qm', capacityLimits: limits, resourceSharingConfiguration: { strategy: 'LEND_AND_BORROW', borrowLimit: 100 }, preemptionConfiguration: { inSharePreemption: 'DISABLED' } }));
    await assert.rejects(batch.send(new SubmitServiceJobCommand({ jobName: 'no-share', jobQueue: 'qm', serviceJobType: 'SAGEMAKER_TRAINING', serviceRequestPayload: payload('no-share') })), /quotaShareName is required/);

    const submit = async (name: string, share: string) =>
      (await batch.send(new SubmitServiceJobCommand({ jobName: name, jobQueue: 'qm', serviceJobType: 'SAGEMAKER_TRAINING', quotaShareName: share, serviceRequestPayload: payload(name) }))).jobId!;
    const own = await submit('own', 'batch');
    const borrower = await submit('borrower', 'batch');
    await until(own, (d) => d.status === 'RUNNING', 'RUNNING');
    await until(borrower, (d) => d.status === 'RUNNING', 'RUNNING (on borrowed capacity)');

    release('lender');
    const lender = await submit('lender', 'research');
    const preempted = await until(borrower, (d) => d.status === 'RUNNABLE', 'RUNNABLE after preemption');
    assert.equal(preempted.statusReason, `Preempted: quota share research reclaimed capacity that quota share batch borrowed, for job ${lender}`);
    assert.equal(preempted.preemptionSummary?.preemptedAttemptCount, 1);
    const left = await docker.listContainers({ all: true, filters: { label: [`localbatch.training-job=${borrower}`] } });
    assert.deepEqual(left, [], 'the preempted attempt’s container is stopped and removed');
    const snapshot = await batch.send(new GetJobQueueSnapshotCommand({ jobQueue: 'qm' }));
    assert.match(snapshot.frontOfQuotaShares?.quotaShares?.batch?.[0]?.jobArn ?? '', new RegExp(`${borrower}$`));
    assert.equal((await batch.send(new DescribeServiceJobCommand({ jobId: own }))).status, 'RUNNING', 'the job within its own share’s limit is not preempted');

    release('borrower');
    release('own');
    const l = await until(lender, (d) => d.status === 'SUCCEEDED' || d.status === 'FAILED', 'finished');
    assert.equal(l.status, 'SUCCEEDED', l.statusReason);
    const done = await until(borrower, (d) => d.status === 'SUCCEEDED' || d.status === 'FAILED', 'finished');
    assert.equal(done.status, 'SUCCEEDED', done.statusReason);
    assert.equal(done.attempts?.length, 1, 'the preempted attempt is in preemptionSummary, not attempts');
    assert.equal(done.preemptionSummary?.recentPreemptedAttempts?.[0]?.statusReason, preempted.statusReason);
    assert.ok(existsSync(path.join(workspace, 'out', 'borrower', 'output', 'model.tar.gz')));
  });
});
