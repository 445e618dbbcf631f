/**
 * The editor's service-job client (src/client/service-jobs.ts, used by the Local and AWS views and
 * the queue's graph) against the real emulator's HTTP API through @aws-sdk/client-batch: only the
 * SAGEMAKER_TRAINING queue counts as a service queue, its jobs come newest first page by page with
 * "more", DescribeServiceJob's answer (undefined for an unknown job), TerminateServiceJob's reason.
 * The scripted container runtime stands in for Docker; the first job needs more instances than the
 * service environment has, so it blocks the queue and every job stays unfinished.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateJobQueueCommand, CreateServiceEnvironmentCommand, SubmitServiceJobCommand, type BatchClient } from '@aws-sdk/client-batch';
import { listQueues } from '../../src/client/jobs';
import { describeServiceJob, isServiceQueue, listServiceJobs, terminateServiceJob } from '../../src/client/service-jobs';
import { clientsFor } from '../../src/cli/run/session';
import { systemClock } from '../../src/emulator/clock/clock';
import { ScriptedRuntime } from '../../src/emulator/runtime/scripted';
import { LocalService } from '../../src/emulator/service';

describe('the editor\'s service-job client on the emulator API (integration)', function () {
  this.timeout(60_000);
  let dir: string;
  let service: LocalService;
  let batch: BatchClient;
  const ids: string[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-svc-client-'));
    service = await LocalService.start({ stateDir: dir, runtime: (store) => new ScriptedRuntime({ clock: systemClock(), logs: store, record: false }), log: () => undefined });
    ({ batch } = clientsFor(service.endpoint));
    await batch.send(new CreateServiceEnvironmentCommand({ serviceEnvironmentName: 'sm', serviceEnvironmentType: 'SAGEMAKER_TRAINING', capacityLimits: [{ maxCapacity: 1, capacityUnit: 'NUM_INSTANCES' }] }));
    await batch.send(new CreateJobQueueCommand({ jobQueueName: 'train', priority: 1, jobQueueType: 'SAGEMAKER_TRAINING', serviceEnvironmentOrder: [{ order: 1, serviceEnvironment: 'sm' }] }));
    for (const name of ['first', 'second', 'third']) {
      const payload = JSON.stringify({ TrainingJobName: name, AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' }, ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: name === 'first' ? 2 : 1 } });
      ids.push((await batch.send(new SubmitServiceJobCommand({ jobName: name, jobQueue: 'train', serviceJobType: 'SAGEMAKER_TRAINING', serviceRequestPayload: payload }))).jobId!);
      await new Promise((r) => setTimeout(r, 5));
    }
  });

  after(async () => {
    batch?.destroy();
    await service?.close({ terminateAll: true, graceMs: 1000 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('tells the training queue from the container queue', async () => {
    const queues = await listQueues(batch);
    assert.deepEqual(queues.filter(isServiceQueue).map((q) => q.jobQueueName), ['train']);
    assert.ok(queues.some((q) => !isServiceQueue(q)), 'the default container queue is not a service queue');
  });

  it('lists a queue\'s service jobs of every status newest first, a page at a time', async () => {
    const all = await listServiceJobs(batch, 'train', 50);
    assert.deepEqual([all.jobs.map((j) => j.jobName), all.more], [['third', 'second', 'first'], false]);
    const page = await listServiceJobs(batch, 'train', 2);
    assert.deepEqual([page.jobs.map((j) => j.jobName), page.more], [['third', 'second'], true]);
    assert.deepEqual((await listServiceJobs(batch, 'local', 50)).jobs, [], 'the container queue has none');
  });

  it('describes a job (undefined when unknown) and terminates it with the reason given', async () => {
    const d = await describeServiceJob(batch, ids[1]);
    assert.deepEqual([d?.jobName, d?.serviceJobType, d?.status, '$metadata' in (d ?? {})], ['second', 'SAGEMAKER_TRAINING', 'RUNNABLE', false]);
    assert.equal(await describeServiceJob(batch, '00000000-0000-0000-0000-000000000000'), undefined);
    await terminateServiceJob(batch, ids[2], 'Terminated from VS Code');
    for (let i = 0; i < 100 && (await describeServiceJob(batch, ids[2]))?.status !== 'FAILED'; i++) await new Promise((r) => setTimeout(r, 50));
    const t = await describeServiceJob(batch, ids[2]);
    assert.deepEqual([t?.status, t?.isTerminated, t?.statusReason], ['FAILED', true, 'Terminated from VS Code']);
  });
});
