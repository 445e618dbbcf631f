import assert from 'node:assert/strict';
import { listJobs } from '../../../../src/emulator/batch/api/list-jobs';
import { cpuOf, memoryOf } from '../../../../src/emulator/batch/core/eksPod';
import { harness } from '../../../support/engineHarness';

describe('EKS pods as local tasks (unit)', () => {
  it('read Kubernetes quantities', () => {
    assert.deepEqual([cpuOf('500m'), cpuOf('2'), cpuOf('0.25')], [0.5, 2, 0.25]);
    assert.deepEqual([memoryOf('512Mi'), memoryOf('1Gi'), memoryOf('1G'), memoryOf('1048576')], [512, 1024, 954, 1]);
    assert.throws(() => cpuOf('two'), /Kubernetes quantity/);
    assert.throws(() => memoryOf('1GB'), /Kubernetes quantity/);
  });

  it('a container\'s securityContext runAsUser with runAsGroup runs as uid:gid (runAsGroup alone leaves the image\'s user)', async () => {
    const h = await harness({ vcpus: 8, memoryMiB: 8192 });
    const pod = (securityContext: Record<string, number>) => ({ podProperties: { containers: [{ name: 'main', image: 'img', command: ['true'], securityContext }] } });
    h.engine.registerJobDefinition({ jobDefinitionName: 'both', type: 'container', eksProperties: pod({ runAsUser: 1000, runAsGroup: 2000 }) });
    h.engine.registerJobDefinition({ jobDefinitionName: 'user', type: 'container', eksProperties: pod({ runAsUser: 1000 }) });
    h.engine.registerJobDefinition({ jobDefinitionName: 'group', type: 'container', eksProperties: pod({ runAsGroup: 2000 }) });
    for (const d of ['both', 'user', 'group']) h.engine.submitJob({ jobName: d, jobQueue: 'q', jobDefinition: d });
    await h.clock.advance(10_000);
    assert.deepEqual(h.runtime.started.map((s) => s.user), ['1000:2000', '1000', undefined]);
  });

  it('start init containers in order, then the containers; command is the entrypoint, args the command; overrides by name', async () => {
    const h = await harness({ vcpus: 8, memoryMiB: 8192 });
    h.engine.registerJobDefinition({
      jobDefinitionName: 'pod',
      type: 'container',
      eksProperties: {
        podProperties: {
          initContainers: [
            { name: 'i1', image: 'img', command: ['sh', '-c'], args: ['exit 0'], resources: { limits: { cpu: '250m', memory: '64Mi' } } },
            { name: 'i2', image: 'img', command: ['sh', '-c'], args: ['exit 0'], resources: { requests: { cpu: '1', memory: '32Mi' } } },
          ],
          containers: [{ name: 'main', image: 'img', command: ['sh', '-c'], args: ['sleep 1'], env: [{ name: 'A', value: '1' }], resources: { limits: { cpu: '2', memory: '1Gi' } } }],
        },
      },
    });
    const { jobId } = h.engine.submitJob({ jobName: 'p', jobQueue: 'q', jobDefinition: 'pod', eksPropertiesOverride: { podProperties: { containers: [{ name: 'main', args: ['sleep 2'], env: [{ name: 'B', value: '2' }] }] } } });
    await h.clock.advance(10_000);
    const started = h.runtime.started;
    assert.deepEqual(started.map((s) => [s.entrypoint, s.command, s.vcpus, s.memoryMiB]), [
      [['sh', '-c'], ['exit 0'], 0.25, 64],
      [['sh', '-c'], ['exit 0'], 1, 32],
      [['sh', '-c'], ['sleep 2'], 2, 1024],
    ]);
    assert.equal(started[2].environment.A, '1');
    assert.equal(started[2].environment.B, '2');
    assert.equal(started[2].environment.AWS_BATCH_JOB_ID, jobId);
    const d = h.describe(jobId);
    assert.equal(d.status, 'SUCCEEDED');
    assert.deepEqual(d.eksAttempts?.map((a) => [a.podName, a.nodeName, a.initContainers?.map((c) => [c.name, c.exitCode]), a.containers?.map((c) => [c.name, c.exitCode])]), [
      [`aws-batch.${jobId}`, 'localbatch', [['i1', 0], ['i2', 0]], [['main', 0]]],
    ]);
    const pod = d.eksProperties?.podProperties;
    assert.deepEqual([pod?.podName, pod?.nodeName, pod?.containers?.[0].exitCode, pod?.initContainers?.map((c) => c.exitCode)], [`aws-batch.${jobId}`, 'localbatch', 0, [0, 0]]);
  });

  it('share one network namespace between the containers (init containers keep their own)', async () => {
    const h = await harness({ vcpus: 8, memoryMiB: 8192 });
    const resources = { limits: { cpu: '1', memory: '64Mi' } };
    h.engine.registerJobDefinition({
      jobDefinitionName: 'pod2',
      type: 'container',
      eksProperties: {
        podProperties: {
          initContainers: [{ name: 'init', image: 'img', args: ['sh', '-c', 'exit 0'], resources }],
          containers: [
            { name: 'a', image: 'img', args: ['sh', '-c', 'sleep 5'], resources },
            { name: 'b', image: 'img', args: ['sh', '-c', 'sleep 1'], resources, volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }] },
          ],
          volumes: [{ name: 'data', hostPath: { path: '/srv/data' } }],
        },
      },
    });
    h.engine.submitJob({ jobName: 'p', jobQueue: 'q', jobDefinition: 'pod2' });
    await h.clock.advance(1000);
    const [init, a, b] = h.runtime.started;
    assert.deepEqual([init.networkMode, init.networkAliases], [undefined, ['init']]);
    assert.ok(a.network, 'the owner is on the attempt network');
    assert.deepEqual([a.networkMode, a.networkAliases], [undefined, ['a', 'b']]);
    assert.equal(b.network, undefined);
    assert.match(b.networkMode ?? '', /^container:scripted-\d+$/);
    assert.equal(b.networkMode, `container:scripted-2`);
    assert.deepEqual(b.mounts, [{ containerPath: '/data', readOnly: true, hostPath: '/srv/data' }]);
    assert.deepEqual(a.mounts, []);
    const [summary] = listJobs(h.engine, { jobQueue: 'q', filters: [{ name: 'JOB_NAME', values: ['p'] }] }).jobSummaryList;
    assert.deepEqual(summary.capacityUsage, [{ capacityUnit: 'cpu', quantity: 3 }]);
  });
});

describe('EKS pods: volumes and lifecycle (unit, scripted runtime)', () => {
  const resources = { limits: { cpu: '1', memory: '64Mi' } };

  it('share an emptyDir between init and main containers as one volume of the attempt, removed when it ends; secret volumes are read-only', async () => {
    const h = await harness({ vcpus: 8, memoryMiB: 8192 });
    h.engine.registerJobDefinition({
      jobDefinitionName: 'vols',
      type: 'container',
      eksProperties: {
        podProperties: {
          initContainers: [{ name: 'init', image: 'img', args: ['sh', '-c', 'exit 0'], resources, volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
          containers: [
            { name: 'a', image: 'img', args: ['sh', '-c', 'sleep 1'], resources, volumeMounts: [{ name: 'work', mountPath: '/in' }, { name: 'cache', mountPath: '/cache' }] },
            { name: 'b', image: 'img', args: ['sh', '-c', 'sleep 1'], resources, volumeMounts: [{ name: 'creds', mountPath: '/creds' }] },
          ],
          volumes: [{ name: 'work', emptyDir: {} }, { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }, { name: 'creds', secret: { secretName: 'db', optional: true } }],
        },
      },
    });
    const { jobId } = h.engine.submitJob({ jobName: 'v', jobQueue: 'q', jobDefinition: 'vols' });
    await h.clock.advance(1000);
    const [init, a, b] = h.runtime.started;
    assert.ok(init.mounts?.[0].volumeName, 'the init container mounts a named volume');
    assert.equal(init.mounts?.[0].volumeName, a.mounts?.[0].volumeName, 'init and main share the emptyDir');
    assert.deepEqual([init.mounts?.[0].containerPath, a.mounts?.[0].containerPath], ['/work', '/in']);
    assert.deepEqual(a.mounts?.[1].emptyDir, { name: 'cache', memory: true, sizeMiB: 64 });
    assert.notEqual(a.mounts?.[1].volumeName, a.mounts?.[0].volumeName);
    assert.deepEqual([b.mounts?.[0].containerPath, b.mounts?.[0].readOnly, b.mounts?.[0].secret], ['/creds', true, { secretName: 'db', optional: true }]);
    await h.clock.advance(10_000);
    assert.equal(h.describe(jobId).status, 'SUCCEEDED');
    await h.clock.settle();
    const taskId = h.describe(jobId).attempts![0].container!.taskArn!.split('/').pop();
    assert.deepEqual(h.runtime.removedVolumes.sort(), [`localbatch-${taskId}-cache`, `localbatch-${taskId}-work`]);
    assert.equal(a.mounts?.[0].volumeName, `localbatch-${taskId}-work`);
  });

  it('end when every container has exited (not when the first does), the first failure deciding; podName shows while it runs', async () => {
    const h = await harness({ vcpus: 8, memoryMiB: 8192 });
    h.engine.registerJobDefinition({
      jobDefinitionName: 'life',
      type: 'container',
      eksProperties: {
        podProperties: {
          containers: [
            { name: 'quick', image: 'img', args: ['sh', '-c', 'sleep 1; exit 3'], resources },
            { name: 'slow', image: 'img', args: ['sh', '-c', 'sleep 5; echo slow done'], resources },
          ],
        },
      },
    });
    const { jobId } = h.engine.submitJob({ jobName: 'l', jobQueue: 'q', jobDefinition: 'life' });
    await h.clock.advance(500);
    const running = h.describe(jobId);
    assert.equal(running.status, 'RUNNING');
    assert.equal(running.eksProperties?.podProperties?.podName, `aws-batch.${jobId}`);
    await h.clock.advance(2000);
    assert.equal(h.describe(jobId).status, 'RUNNING', 'the pod runs on after its first container exits');
    assert.deepEqual(h.runtime.signals, [], 'nothing was stopped');
    await h.clock.advance(5000);
    const d = h.describe(jobId);
    assert.equal(d.status, 'FAILED');
    assert.deepEqual(d.eksAttempts?.[0].containers?.map((c) => [c.name, c.exitCode]), [['quick', 3], ['slow', 0]]);
    assert.equal(d.attempts?.[0].container?.exitCode, 3);
    const slow = d.attempts![0].taskProperties![0].containers!.find((c) => c.name === 'slow')!;
    assert.deepEqual(h.logs.lines(slow.logStreamName!), ['slow done']);
  });
  it('a container without cpu or memory requests reserves none and runs without limits (only the first container gets the defaults)', async () => {
    const h = await harness({ vcpus: 4, memoryMiB: 4096 });
    h.engine.registerJobDefinition({
      jobDefinitionName: 'sparse',
      type: 'container',
      eksProperties: {
        podProperties: {
          initContainers: [{ name: 'setup', image: 'img', command: ['sh', '-c'], args: ['exit 0'] }],
          containers: [
            { name: 'main', image: 'img', command: ['sh', '-c'], args: ['sleep 1'], resources: { requests: { cpu: '500m', memory: '64Mi' } } },
            { name: 'side', image: 'img', command: ['sh', '-c'], args: ['sleep 1'] },
          ],
        },
      },
    });
    const { jobId } = h.engine.submitJob({ jobName: 's', jobQueue: 'q', jobDefinition: 'sparse' });
    await h.clock.advance(10_000);
    assert.equal(h.describe(jobId).status, 'SUCCEEDED', JSON.stringify(h.describe(jobId).statusReason));
    assert.deepEqual(h.runtime.started.map((c) => [c.vcpus, c.memoryMiB]), [[0, 0], [0.5, 64], [0, 0]]);
  });
  it('RegisterJobDefinition refuses what AWS refuses there: bad quantities, duplicate names, undefined volumes, a second kind of properties', async () => {
    const h = await harness({ vcpus: 4, memoryMiB: 4096 });
    const pod = (containers: unknown[], extra: Record<string, unknown> = {}) => () =>
      h.engine.registerJobDefinition({ jobDefinitionName: 'bad', type: 'container', eksProperties: { podProperties: { containers, ...extra } }, ...(extra.also as object ?? {}) } as never);
    const c = (resources?: unknown, more: Record<string, unknown> = {}) => ({ name: 'c', image: 'img', ...(resources ? { resources } : {}), ...more });
    assert.throws(pod([c({ limits: { cpu: 'abc' } })]), /cpu abc is not a Kubernetes quantity/);
    assert.throws(pod([c({ requests: { memory: '1Gb' } })]), /memory 1Gb is not a Kubernetes quantity/);
    assert.throws(pod([c({ limits: { cpu: '0.3' } })]), /multiple of 0\.25 vCPU/);
    assert.throws(pod([c({ limits: { memory: '2Mi' } })]), /at least 4 MiB/);
    assert.throws(pod([c({ limits: { memory: '1Gi' }, requests: { memory: '512Mi' } })]), /limits\.memory \(1Gi\) must equal requests\.memory/);
    assert.throws(pod([c(), c()]), /Container name c is used twice/);
    assert.throws(pod([]), /at least one container/);
    assert.throws(pod([c(undefined, { volumeMounts: [{ name: 'data', mountPath: '/d' }] })]), /mounts volume data, which the pod does not define/);
    assert.throws(() => h.engine.registerJobDefinition({ jobDefinitionName: 'both', type: 'container', containerProperties: { image: 'img' }, eksProperties: { podProperties: { containers: [c()] } } }), /one of containerProperties, ecsProperties and eksProperties/);
    const ok = h.engine.registerJobDefinition({ jobDefinitionName: 'ok', type: 'container', eksProperties: { podProperties: { containers: [c({ limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m', memory: '64Mi' } })] } } });
    assert.equal(ok.revision, 1);
  });
});
