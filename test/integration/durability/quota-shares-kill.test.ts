/**
 * Acknowledged means durable for quota shares: through a real `localbatch serve` (the scripted
 * runtime: no Docker needed), a service environment, a quota-share scheduling policy, a
 * SAGEMAKER_TRAINING queue, two quota shares, their updates, service jobs and a priority change
 * each answered just before a SIGKILL are all there after the restart on the same state folder;
 * so is a DeleteQuotaShare, and a clientToken still names the job it created. `localbatch stop
 * --terminate-all` terminates the service jobs too (it used to leave them, and the server running).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  BatchClient,
  CreateJobQueueCommand,
  CreateQuotaShareCommand,
  CreateSchedulingPolicyCommand,
  CreateServiceEnvironmentCommand,
  DeleteQuotaShareCommand,
  DescribeJobQueuesCommand,
  DescribeQuotaShareCommand,
  DescribeSchedulingPoliciesCommand,
  DescribeServiceEnvironmentsCommand,
  DescribeServiceJobCommand,
  ListQuotaSharesCommand,
  SubmitServiceJobCommand,
  UpdateQuotaShareCommand,
  UpdateServiceJobCommand,
  type DescribeQuotaShareCommandOutput,
} from '@aws-sdk/client-batch';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { killServe, runCli, startServe, type ServeChild } from '../../support/serve-process';

const TYPE = 'ml.m5.large';

function client(e: EmulatorEndpoint): BatchClient {
  return new BatchClient({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 });
}

/** DescribeQuotaShare without the SDK's $metadata (what the server stored). */
function shareOf(r: DescribeQuotaShareCommandOutput): Omit<DescribeQuotaShareCommandOutput, '$metadata'> {
  const { $metadata: _m, ...rest } = r;
  return rest;
}

describe('Quota shares survive SIGKILL (integration, localbatch serve)', function () {
  this.timeout(180_000);
  let dir: string;
  let stateDir: string;
  let serve: (ServeChild & { endpoint: EmulatorEndpoint }) | undefined;
  const opened: BatchClient[] = [];
  const args = ['--runtime', 'scripted', '--port', '0'];

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-quota-kill-'));
    stateDir = path.join(dir, 'state');
  });
  after(async () => {
    for (const c of opened.splice(0)) c.destroy();
    if (serve) {
      await runCli(['stop', '--terminate-all', '--state-dir', stateDir], dir);
      await serve.exit;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<BatchClient> {
    serve = await startServe(args, dir, stateDir);
    const c = client(serve.endpoint);
    opened.push(c);
    return c;
  }

  async function kill(): Promise<void> {
    await killServe(serve!);
    serve = undefined;
  }

  /** A training request whose "training" runs long (the scripted runtime runs `sh -c` scripts). */
  function payload(name: string): string {
    return JSON.stringify({
      TrainingJobName: name,
      RoleArn: 'arn:aws:iam::123456789012:role/sm',
      AlgorithmSpecification: { TrainingImage: 'trainer:latest', TrainingInputMode: 'File', ContainerEntrypoint: ['sh', '-c'], ContainerArguments: ['sleep 600'] },
      OutputDataConfig: { S3OutputPath: pathToFileURL(path.join(dir, 'out')).href },
      ResourceConfig: { InstanceType: TYPE, InstanceCount: 1, VolumeSizeInGB: 1 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    });
  }

  it('keeps the environment, policy, queue, shares, their updates and the service jobs answered just before the kill', async () => {
    const c1 = await start();
    await c1.send(new CreateServiceEnvironmentCommand({ serviceEnvironmentName: 'env', serviceEnvironmentType: 'SAGEMAKER_TRAINING', capacityLimits: [{ maxCapacity: 2, capacityUnit: TYPE }] }));
    const policy = await c1.send(new CreateSchedulingPolicyCommand({ name: 'qp', quotaSharePolicy: { idleResourceAssignmentStrategy: 'FIFO' } }));
    await c1.send(new CreateJobQueueCommand({ jobQueueName: 'qm', priority: 1, jobQueueType: 'SAGEMAKER_TRAINING', schedulingPolicyArn: policy.arn, serviceEnvironmentOrder: [{ order: 1, serviceEnvironment: 'env' }] }));
    const research = await c1.send(new CreateQuotaShareCommand({
      quotaShareName: 'research',
      jobQueue: 'qm',
      capacityLimits: [{ maxCapacity: 1, capacityUnit: TYPE }],
      resourceSharingConfiguration: { strategy: 'LEND' },
      preemptionConfiguration: { inSharePreemption: 'DISABLED' },
      tags: { team: 'research' },
    }));
    const batch = await c1.send(new CreateQuotaShareCommand({
      quotaShareName: 'batch',
      jobQueue: 'qm',
      capacityLimits: [{ maxCapacity: 1, capacityUnit: TYPE }],
      resourceSharingConfiguration: { strategy: 'LEND_AND_BORROW', borrowLimit: 100 },
      preemptionConfiguration: { inSharePreemption: 'ENABLED' },
    }));
    // Every field of one share changed at once.
    await c1.send(new UpdateQuotaShareCommand({
      quotaShareArn: batch.quotaShareArn,
      capacityLimits: [{ maxCapacity: 1, capacityUnit: TYPE }, { maxCapacity: 3, capacityUnit: 'ml.g5.xlarge' }],
      resourceSharingConfiguration: { strategy: 'LEND_AND_BORROW', borrowLimit: 50 },
      preemptionConfiguration: { inSharePreemption: 'DISABLED' },
    }));
    const submit = async (name: string, share: string, extra: { schedulingPriority?: number; clientToken?: string } = {}) =>
      (await c1.send(new SubmitServiceJobCommand({ jobName: name, jobQueue: 'qm', serviceJobType: 'SAGEMAKER_TRAINING', quotaShareName: share, serviceRequestPayload: payload(name), ...extra }))).jobId!;
    const a = await submit('a', 'research');
    const b = await submit('b', 'batch', { schedulingPriority: 1 });
    const w = await submit('w', 'batch', { schedulingPriority: 1, clientToken: 'token-w' });
    await c1.send(new UpdateServiceJobCommand({ jobId: w, schedulingPriority: 7 }));
    // The last change, answered just before the kill.
    await c1.send(new UpdateQuotaShareCommand({ quotaShareArn: research.quotaShareArn, state: 'DISABLED' }));
    const before = {
      research: shareOf(await c1.send(new DescribeQuotaShareCommand({ quotaShareArn: research.quotaShareArn }))),
      batch: shareOf(await c1.send(new DescribeQuotaShareCommand({ quotaShareArn: batch.quotaShareArn }))),
      jobs: await Promise.all([a, b, w].map(async (jobId) => c1.send(new DescribeServiceJobCommand({ jobId })))),
    };
    assert.equal(before.research.state, 'DISABLED');
    assert.deepEqual(before.batch.capacityLimits?.map((l) => l.maxCapacity), [1, 3]);
    await kill();

    const c2 = await start();
    assert.deepEqual(shareOf(await c2.send(new DescribeQuotaShareCommand({ quotaShareArn: research.quotaShareArn }))), before.research);
    assert.deepEqual(shareOf(await c2.send(new DescribeQuotaShareCommand({ quotaShareArn: batch.quotaShareArn }))), before.batch);
    const { tags: _t, ...researchListed } = before.research;
    const listed = await c2.send(new ListQuotaSharesCommand({ jobQueue: 'qm' }));
    assert.deepEqual(
      [...(listed.quotaShares ?? [])].sort((x, y) => x.quotaShareName!.localeCompare(y.quotaShareName!)),
      [before.batch, researchListed],
    );
    assert.equal((await c2.send(new DescribeServiceEnvironmentsCommand({ serviceEnvironments: ['env'] }))).serviceEnvironments?.[0]?.capacityLimits?.[0]?.maxCapacity, 2);
    assert.deepEqual((await c2.send(new DescribeSchedulingPoliciesCommand({ arns: [policy.arn!] }))).schedulingPolicies?.[0]?.quotaSharePolicy, { idleResourceAssignmentStrategy: 'FIFO' });
    assert.equal((await c2.send(new DescribeJobQueuesCommand({ jobQueues: ['qm'] }))).jobQueues?.[0]?.schedulingPolicyArn, policy.arn);
    for (const was of before.jobs) {
      const now = await c2.send(new DescribeServiceJobCommand({ jobId: was.jobId }));
      assert.deepEqual(
        [now.jobName, now.jobArn, now.quotaShareName, now.schedulingPriority, now.createdAt, now.serviceRequestPayload],
        [was.jobName, was.jobArn, was.quotaShareName, was.schedulingPriority, was.createdAt, was.serviceRequestPayload],
        `service job ${String(was.jobName)}`,
      );
    }
    assert.equal(before.jobs[2].schedulingPriority, 7, 'the priority change was answered before the kill');

    // A delete and a submit answered just before the next kill.
    await c2.send(new DeleteQuotaShareCommand({ quotaShareArn: research.quotaShareArn }));
    const late = (await c2.send(new SubmitServiceJobCommand({ jobName: 'late', jobQueue: 'qm', serviceJobType: 'SAGEMAKER_TRAINING', quotaShareName: 'batch', serviceRequestPayload: payload('late'), clientToken: 'token-late' }))).jobId!;
    await kill();

    const c3 = await start();
    await assert.rejects(c3.send(new DescribeQuotaShareCommand({ quotaShareArn: research.quotaShareArn })), /does not exist/);
    assert.deepEqual((await c3.send(new ListQuotaSharesCommand({ jobQueue: 'qm' }))).quotaShares?.map((s) => s.quotaShareName), ['batch']);
    assert.equal((await c3.send(new DescribeServiceJobCommand({ jobId: late }))).jobName, 'late');
    // The clientTokens still name the jobs they created: the same request gets the same job.
    const again = await c3.send(new SubmitServiceJobCommand({ jobName: 'late', jobQueue: 'qm', serviceJobType: 'SAGEMAKER_TRAINING', quotaShareName: 'batch', serviceRequestPayload: payload('late'), clientToken: 'token-late' }));
    assert.equal(again.jobId, late);
    const wAgain = await c3.send(new SubmitServiceJobCommand({ jobName: 'w', jobQueue: 'qm', serviceJobType: 'SAGEMAKER_TRAINING', quotaShareName: 'batch', serviceRequestPayload: payload('w'), schedulingPriority: 1, clientToken: 'token-w' }));
    assert.equal(wAgain.jobId, w);

    // `stop --terminate-all` terminates the service jobs too, and the server then exits.
    const unfinished = [];
    for (const jobId of [a, b, w, late]) {
      const d = await c3.send(new DescribeServiceJobCommand({ jobId }));
      if (d.status !== 'SUCCEEDED' && d.status !== 'FAILED') unfinished.push(jobId);
    }
    assert.ok(unfinished.length > 0, 'some service job is still unfinished');
    const stop = await runCli(['stop', '--terminate-all', '--state-dir', stateDir], dir);
    assert.equal(stop.code, 0, stop.output);
    assert.match(stop.output, new RegExp(`terminating ${unfinished.length} unfinished job`));
    assert.equal(await serve!.exit, 0);
    serve = undefined;
    const c4 = await start();
    for (const jobId of unfinished) {
      const d = await c4.send(new DescribeServiceJobCommand({ jobId }));
      assert.deepEqual([d.status, d.isTerminated, d.statusReason], ['FAILED', true, 'Terminated by the user (terminate all)'], `service job ${String(d.jobName)}`);
    }
  });
});
