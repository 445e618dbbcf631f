/**
 * The attempt preparer port: what it adds reaches the container spec; a failure fails the attempt
 * before any pull or container with `Task failed to start`; `release` is called once per attempt.
 * The preparer here is a fake (FakePreparer); the runtime is the scripted one.
 */
import assert from 'node:assert/strict';
import { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import type { AttemptPreparation, AttemptPreparer, AttemptToPrepare } from '../../../../src/emulator/batch/core/ports';
import { efsVolumeName } from '../../../../src/emulator/batch/core/plan';
import { FakeClock } from '../../../../src/emulator/clock/testing/fakeClock';
import { ScriptedRuntime } from '../../../../src/emulator/runtime/scripted';
import { MemoryLogSink } from '../../../support/runtime-conformance';

class FakePreparer implements AttemptPreparer {
  readonly seen: AttemptToPrepare[] = [];
  readonly released: string[] = [];
  constructor(private readonly answer: (a: AttemptToPrepare) => AttemptPreparation) {}
  async prepare(a: AttemptToPrepare): Promise<AttemptPreparation> {
    this.seen.push(a);
    return this.answer(a);
  }
  release(jobId: string, attempt: number): void {
    this.released.push(`${jobId}#${attempt}`);
  }
}

async function setup(preparer: FakePreparer) {
  const clock = new FakeClock();
  const logs = new MemoryLogSink();
  const runtime = new ScriptedRuntime({ clock, logs });
  const engine = new BatchEngine({ clock, runtime, preparer });
  engine.createComputeEnvironment({ computeEnvironmentName: 'ce', type: 'UNMANAGED' }, { vcpus: 2, memoryMiB: 2048 });
  engine.createJobQueue({ jobQueueName: 'q', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] });
  await clock.settle();
  const def = engine.registerJobDefinition({
    jobDefinitionName: 'd',
    type: 'container',
    retryStrategy: { attempts: 2 },
    containerProperties: {
      image: 'img',
      command: ['sh', '-c', 'echo "v=$ADDED"'],
      resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }],
      jobRoleArn: 'arn:aws:iam::1:role/r',
      volumes: [{ name: 'e', efsVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: 'a/b/' } }],
      mountPoints: [{ sourceVolume: 'e', containerPath: '/e' }],
    },
  }).jobDefinitionArn;
  const run = async () => {
    const { jobId } = engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: def });
    for (let i = 0; i < 50 && !['SUCCEEDED', 'FAILED'].includes(engine.describeJobs([jobId])[0].status!); i++) await clock.advance(1000);
    return engine.describeJobs([jobId])[0];
  };
  return { runtime, logs, run };
}

describe('attempt preparer port', () => {
  it('adds environment, mounts and network to the container, and releases the attempt when it ends', async () => {
    const fake = new FakePreparer(() => ({ ok: true, environment: { ADDED: 'yes' }, network: 'net-x' }));
    const { runtime, logs, run } = await setup(fake);
    const d = await run();
    assert.equal(d.status, 'SUCCEEDED');
    assert.deepEqual(logs.lines(d.container!.logStreamName!), ['v=yes']);
    assert.equal(runtime.started[0].network, 'net-x');
    assert.equal(fake.seen[0].container.jobRoleArn, 'arn:aws:iam::1:role/r');
    assert.deepEqual(fake.seen[0].mounts, [{ containerPath: '/e', readOnly: false, volumeName: efsVolumeName('fs-1', '/a/b'), efs: { fileSystemId: 'fs-1', rootDirectory: '/a/b' } }]);
    assert.deepEqual(fake.released, [`${d.jobId}#1`]);
    assert.ok(!JSON.stringify(d).includes('"ADDED"'), 'what the preparer adds is not shown by DescribeJobs');
  });

  it('a failure fails the attempt before any container starts, with Task failed to start, and is retried', async () => {
    const fake = new FakePreparer(() => ({ ok: false, reason: 'ResourceInitializationError: unable to pull secrets or registry auth: x' }));
    const { runtime, run } = await setup(fake);
    const d = await run();
    assert.equal(d.status, 'FAILED');
    assert.equal(d.statusReason, 'Task failed to start');
    assert.equal(d.attempts?.length, 2);
    assert.equal(d.attempts?.[0].container?.reason, 'ResourceInitializationError: unable to pull secrets or registry auth: x');
    assert.equal(d.attempts?.[0].startedAt, undefined);
    assert.equal(runtime.started.length, 0);
    assert.deepEqual(fake.released, [`${d.jobId}#1`, `${d.jobId}#2`]);
  });

  it('shows the preparer an S3 Files volume as a named volume with its file system ARN and root directory', async () => {
    const fake = new FakePreparer(() => ({ ok: true }));
    const clock = new FakeClock();
    const engine = new BatchEngine({ clock, runtime: new ScriptedRuntime({ clock, logs: new MemoryLogSink() }), preparer: fake });
    engine.createComputeEnvironment({ computeEnvironmentName: 'ce', type: 'UNMANAGED' }, { vcpus: 2, memoryMiB: 2048 });
    engine.createJobQueue({ jobQueueName: 'q', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'ce' }] });
    await clock.settle();
    const arn = 'arn:aws:s3files:us-east-1:123456789012:file-system/fs-0abc';
    engine.registerJobDefinition({
      jobDefinitionName: 's3f',
      type: 'container',
      containerProperties: {
        image: 'img',
        resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '64' }],
        volumes: [{ name: 's', s3filesVolumeConfiguration: { fileSystemArn: arn, rootDirectory: 'runs/' } }],
        mountPoints: [{ sourceVolume: 's', containerPath: '/mnt/s3', readOnly: true }],
      },
    });
    engine.submitJob({ jobName: 'j', jobQueue: 'q', jobDefinition: 's3f' });
    await clock.advance(1000);
    const [m] = fake.seen[0].mounts;
    assert.deepEqual(m.s3files, { fileSystemArn: arn, rootDirectory: '/runs' });
    assert.match(m.volumeName ?? '', /^localbatch-s3files-fs-0abc-[0-9a-f]{8}$/);
    assert.deepEqual([m.containerPath, m.readOnly], ['/mnt/s3', true]);
  });

  it('names EFS volumes by file system and root directory', () => {
    assert.equal(efsVolumeName('fs-12345678'), 'localbatch-efs-fs-12345678');
    assert.match(efsVolumeName('fs-12345678', '/data'), /^localbatch-efs-fs-12345678-[0-9a-f]{8}$/);
    assert.notEqual(efsVolumeName('fs-1', '/a'), efsVolumeName('fs-1', '/b'));
    assert.equal(efsVolumeName('fs-1', '/a'), efsVolumeName('fs-1', '/a'));
  });
});
