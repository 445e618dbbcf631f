/**
 * "Why is this job stuck?" against an AWS Batch API (moto_server, an AWS emulator written by others):
 * the job, its queue and the queue's compute environments are read over the wire as the AWS view
 * reads them (src/client/stuck-input.ts) and explained (src/model/stuck.ts).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { CreateComputeEnvironmentCommand, CreateJobQueueCommand, RegisterJobDefinitionCommand, SubmitJobCommand, type BatchClient } from '@aws-sdk/client-batch';
import { readStuckInput } from '../../src/client/stuck-input';
import { explainStuck, stuckMarkdown } from '../../src/model/stuck';
import { startMoto, type Moto } from '../support/moto';

describe('why a job is stuck, read from an AWS Batch API (integration, moto_server)', function () {
  this.timeout(120_000);
  let moto: Moto | undefined;
  let batch: BatchClient;
  /** moto runs a submitted job in a Docker container of its own, named <job name>-<job id>, and leaves it behind. */
  let jobContainer: string | undefined;

  before(async function () {
    moto = await startMoto(this);
    batch = moto.batch();
  });

  after(async () => {
    batch?.destroy();
    await moto?.stop();
    if (jobContainer) {
      try {
        execFileSync('docker', ['rm', '-f', jobContainer], { stdio: 'ignore', timeout: 30_000 });
      } catch {
        // (no container: moto had not started one, or there is no Docker)
      }
    }
  });

  it('reads the job, its queue and compute environments in order, and explains a job only a DISABLED environment could take', async () => {
    const m = moto!;
    const resources = (maxvCpus: number) => ({ type: 'FARGATE' as const, maxvCpus, subnets: [m.subnetId], securityGroupIds: [m.securityGroupId] });
    await batch.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'stuck-small', type: 'MANAGED', state: 'ENABLED', serviceRole: m.roleArn, computeResources: resources(4) }));
    await batch.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'stuck-off', type: 'MANAGED', state: 'DISABLED', serviceRole: m.roleArn, computeResources: resources(256) }));
    await batch.send(new CreateJobQueueCommand({ jobQueueName: 'stuck-cpu', priority: 1, state: 'ENABLED', computeEnvironmentOrder: [{ order: 2, computeEnvironment: 'stuck-off' }, { order: 1, computeEnvironment: 'stuck-small' }] }));
    await batch.send(new RegisterJobDefinitionCommand({ jobDefinitionName: 'stuck-big', type: 'container', platformCapabilities: ['FARGATE'], containerProperties: {
      image: 'localbatch-busybox:latest', command: ['true'], executionRoleArn: m.roleArn, resourceRequirements: [{ type: 'VCPU', value: '8' }, { type: 'MEMORY', value: '16384' }],
    } }));
    const { jobId } = await batch.send(new SubmitJobCommand({ jobName: 'crunch', jobQueue: 'stuck-cpu', jobDefinition: 'stuck-big' }));
    jobContainer = `crunch-${jobId}`;

    const input = await readStuckInput(batch, jobId!, 'aws');
    assert.ok(input, 'the job was found');
    assert.equal(input.job.jobId, jobId);
    assert.equal(input.queue?.jobQueueName, 'stuck-cpu');
    assert.deepEqual(input.computeEnvironments.map((c) => c.computeEnvironmentName).sort(), ['stuck-off', 'stuck-small']);
    assert.equal(await readStuckInput(batch, '00000000-0000-0000-0000-000000000000', 'aws'), undefined);
    console.log(`      moto reports the job as ${input.job.status}`);

    // moto moves jobs on in its own way (SUBMITTED, RUNNABLE, …) and leaves resources and platform
    // out of DescribeJobs (the job definition supplies them): explain the job as AWS shows it while
    // it waits, with everything else as moto returned it.
    const e = explainStuck({ ...input, job: { ...input.job, status: 'RUNNABLE' } });
    assert.deepEqual(e.environments.map((c) => [c.order, c.name, c.fits, c.usable]), [[1, 'stuck-small', false, true], [2, 'stuck-off', true, false]]);
    assert.match(e.environments[0].problems[0], /needs 8 vCPU, but maxvCpus is 4/);
    assert.equal(e.verdict, 'blocked');
    assert.equal(e.fixes[0], "Enable compute environment 'stuck-off' (UpdateComputeEnvironment --state ENABLED).");
    assert.match(stuckMarkdown(e, 'aws'), /\(AWS\) is \*\*RUNNABLE\*\*/);
  });
});
