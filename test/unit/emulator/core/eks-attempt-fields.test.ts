/**
 * eksAttempts[] fields of where a pod ran: each container's runtime id (containerID), the pod's
 * namespace and the EKS cluster, from the compute environment's eksConfiguration (or the local
 * defaults), kept across a restart through the journal.
 */
import assert from 'node:assert/strict';
import type { JobDetail } from '@aws-sdk/client-batch';
import type { BatchEngine } from '../../../../src/emulator/batch/core/engine';
import { harness } from '../../../support/engineHarness';
import { journaledWorld, restart } from '../../../support/journal-replay';

const CLUSTER = 'arn:aws:eks:us-east-1:123456789012:cluster/batch-cluster';
const resources = { limits: { cpu: '1', memory: '64Mi' } };

function registerPod(e: BatchEngine, name: string, namespace?: string): void {
  e.registerJobDefinition({
    jobDefinitionName: name,
    type: 'container',
    eksProperties: {
      podProperties: {
        ...(namespace ? { metadata: { namespace } } : {}),
        initContainers: [{ name: 'init', image: 'img', args: ['sh', '-c', 'exit 0'], resources }],
        containers: [
          { name: 'app', image: 'img', args: ['sh', '-c', 'sleep 3; exit 4'], resources },
          { name: 'side', image: 'img', args: ['sh', '-c', 'sleep 1'], resources },
        ],
      },
    },
    retryStrategy: { attempts: 2 },
  });
}

function idsOf(a: NonNullable<JobDetail['eksAttempts']>[number]): Array<[string | undefined, string | undefined]> {
  return [...(a.initContainers ?? []), ...(a.containers ?? [])].map((c) => [c.name, c.containerID]);
}

describe('EKS attempts: containerID, podNamespace, eksClusterArn (unit, scripted runtime)', () => {
  it('show each container\'s runtime id, and the default namespace and no cluster on a compute environment without eksConfiguration', async () => {
    const h = await harness({ vcpus: 8 });
    registerPod(h.engine, 'pod');
    const { jobId } = h.engine.submitJob({ jobName: 'p', jobQueue: 'q', jobDefinition: 'pod' });
    await h.clock.advance(30_000);
    const d = h.describe(jobId);
    assert.equal(d.status, 'FAILED');
    assert.equal(h.runtime.started.length, 6, 'two attempts of three containers');
    // The scripted runtime numbers its containers scripted-1, scripted-2, ... in start order.
    const started = h.runtime.started.map((_, i) => `scripted-${i + 1}`);
    assert.equal(h.runtime.started[2].networkMode, `container:${d.eksAttempts?.[0].containers?.[0].containerID}`, 'side joined the namespace of the container app reports');
    assert.deepEqual(d.eksAttempts?.map(idsOf), [
      [['init', started[0]], ['app', started[1]], ['side', started[2]]],
      [['init', started[3]], ['app', started[4]], ['side', started[5]]],
    ]);
    assert.deepEqual(d.eksAttempts?.map((a) => [a.podNamespace, a.eksClusterArn, a.podName]), [
      ['default', undefined, `aws-batch.${jobId}`],
      ['default', undefined, `aws-batch.${jobId}-2`],
    ]);
    assert.ok(!('eksClusterArn' in d.eksAttempts![0]), 'no cluster ARN key at all');
    assert.equal(d.eksAttempts?.[0].containers?.[0].exitCode, 4);
  });

  it('take the namespace and cluster from the compute environment\'s eksConfiguration; the pod\'s metadata.namespace (or its override) wins', async () => {
    const h = await harness({ vcpus: 8 });
    const ce = h.engine.createComputeEnvironment(
      { computeEnvironmentName: 'eks', type: 'MANAGED', computeResources: { type: 'EC2', maxvCpus: 8, subnets: [] }, eksConfiguration: { eksClusterArn: CLUSTER, kubernetesNamespace: 'batch-jobs' } },
      { memoryMiB: 8192 },
    );
    assert.ok(ce.computeEnvironmentArn);
    h.engine.createJobQueue({ jobQueueName: 'eq', priority: 1, computeEnvironmentOrder: [{ order: 1, computeEnvironment: 'eks' }] });
    await h.clock.settle();
    const [detail] = h.engine.describeComputeEnvironments(['eks']);
    assert.deepEqual([detail.containerOrchestrationType, detail.eksConfiguration], ['EKS', { eksClusterArn: CLUSTER, kubernetesNamespace: 'batch-jobs' }]);
    assert.equal(h.engine.describeComputeEnvironments(['ce'])[0].containerOrchestrationType, 'ECS');
    registerPod(h.engine, 'pod');
    registerPod(h.engine, 'pod-ns', 'team-a');
    const plain = h.engine.submitJob({ jobName: 'a', jobQueue: 'eq', jobDefinition: 'pod' });
    const own = h.engine.submitJob({ jobName: 'b', jobQueue: 'eq', jobDefinition: 'pod-ns' });
    const over = h.engine.submitJob({ jobName: 'c', jobQueue: 'eq', jobDefinition: 'pod-ns', eksPropertiesOverride: { podProperties: { metadata: { namespace: 'team-b' } } } });
    await h.clock.advance(30_000);
    const shown = (id: string) => h.describe(id).eksAttempts?.map((a) => [a.podNamespace, a.eksClusterArn]);
    assert.deepEqual(shown(plain.jobId), [['batch-jobs', CLUSTER], ['batch-jobs', CLUSTER]]);
    assert.deepEqual(shown(own.jobId), [['team-a', CLUSTER], ['team-a', CLUSTER]]);
    assert.deepEqual(shown(over.jobId), [['team-b', CLUSTER], ['team-b', CLUSTER]]);
  });

  it('refuse an eksConfiguration AWS refuses (namespace "default" or kube-*, not a cluster ARN)', async () => {
    const h = await harness();
    const create = (eksConfiguration: { eksClusterArn: string; kubernetesNamespace: string }) => () =>
      h.engine.createComputeEnvironment({ computeEnvironmentName: 'x', type: 'MANAGED', computeResources: { type: 'EC2', maxvCpus: 1, subnets: [] }, eksConfiguration });
    assert.throws(create({ eksClusterArn: CLUSTER, kubernetesNamespace: 'default' }), /kubernetesNamespace must be/);
    assert.throws(create({ eksClusterArn: CLUSTER, kubernetesNamespace: 'kube-system' }), /kubernetesNamespace must be/);
    assert.throws(create({ eksClusterArn: CLUSTER, kubernetesNamespace: 'Upper' }), /kubernetesNamespace must be/);
    assert.throws(create({ eksClusterArn: 'my-cluster', kubernetesNamespace: 'ok' }), /eksClusterArn must be an EKS cluster ARN/);
    assert.deepEqual(h.engine.describeComputeEnvironments(['x']), []);
  });

  it('keep them across a restart: a finished attempt replayed from the journal, a running one re-attached and finished after', async () => {
    const w = await journaledWorld({ vcpus: 8, computeEnvironment: { computeEnvironmentName: 'eks', eksConfiguration: { eksClusterArn: CLUSTER, kubernetesNamespace: 'batch-jobs' } } });
    const { clock, runtime } = w;
    registerPod(w.engine, 'pod');
    const { jobId } = w.engine.submitJob({ jobName: 'p', jobQueue: 'q', jobDefinition: 'pod' });
    // The first attempt ends (app exits 4); the second is running when the server goes.
    await clock.advance(5_000);
    const before = w.engine.describeJobs([jobId])[0];
    assert.equal(before.status, 'RUNNING');
    assert.equal(before.eksAttempts?.length, 1);
    const engine = await restart(w);
    assert.deepEqual(engine.describeJobs([jobId])[0].eksAttempts, before.eksAttempts, 'the finished attempt as it was');
    await clock.advance(30_000);
    const d = engine.describeJobs([jobId])[0];
    assert.equal(d.status, 'FAILED');
    assert.equal(runtime.started.length, 6, 'nothing started twice');
    const started = runtime.started.map((_, i) => `scripted-${i + 1}`);
    assert.deepEqual(d.eksAttempts?.map(idsOf), [
      [['init', started[0]], ['app', started[1]], ['side', started[2]]],
      [['init', started[3]], ['app', started[4]], ['side', started[5]]],
    ]);
    assert.deepEqual(d.eksAttempts?.map((a) => [a.podNamespace, a.eksClusterArn]), [['batch-jobs', CLUSTER], ['batch-jobs', CLUSTER]]);
    assert.deepEqual(engine.describeComputeEnvironments(['eks'])[0].eksConfiguration, { eksClusterArn: CLUSTER, kubernetesNamespace: 'batch-jobs' });
  });
});
