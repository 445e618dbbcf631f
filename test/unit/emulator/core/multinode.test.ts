import assert from 'node:assert/strict';
import { listJobs } from '../../../../src/emulator/batch/api/list-jobs';
import { nodeRange } from '../../../../src/emulator/batch/core/nodes';
import { harness } from '../../../support/engineHarness';

describe('Multi-node parallel jobs (unit)', () => {
  it('runs each node range\'s own container on a private network, the main node first, its address given to the others', async () => {
    const h = await harness({ vcpus: 8 });
    h.engine.registerJobDefinition({
      jobDefinitionName: 'mpi',
      type: 'multinode',
      nodeProperties: {
        numNodes: 3,
        mainNode: 1,
        nodeRangeProperties: [
          { targetNodes: '0:', container: { image: 'worker', command: ['sh', '-c', 'sleep 5'], resourceRequirements: [{ type: 'VCPU', value: '2' }, { type: 'MEMORY', value: '256' }] } },
          { targetNodes: '1', container: { image: 'main', command: ['sh', '-c', 'sleep 3'], resourceRequirements: [{ type: 'VCPU', value: '1' }, { type: 'MEMORY', value: '128' }] } },
        ],
      },
    });
    const r = h.engine.submitJob({ jobName: 'm', jobQueue: 'q', jobDefinition: 'mpi', nodeOverrides: { nodePropertyOverrides: [{ targetNodes: '2', containerOverrides: { command: ['sh', '-c', 'echo node2; sleep 5'] } }] } });
    await h.clock.advance(1_000);
    const started = h.runtime.started;
    assert.deepEqual(started.map((s) => [s.image, s.environment.AWS_BATCH_JOB_NODE_INDEX]), [['main', '1'], ['worker', '0'], ['worker', '2']], 'main node first, then the others');
    const network = started[0].network;
    assert.ok(network && started.every((s) => s.network === network), 'one private network for the attempt');
    assert.equal(started[0].environment.AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS, undefined, 'not on the main node');
    assert.match(started[1].environment.AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS, /^10\.99\.0\.\d+$/);
    assert.equal(started[1].environment.AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS, started[2].environment.AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS);
    assert.deepEqual(started[2].command, ['sh', '-c', 'echo node2; sleep 5'], 'node override for node 2 only');
    assert.deepEqual(started[1].command, ['sh', '-c', 'sleep 5']);
    assert.equal(started.reduce((n, s) => n + s.vcpus, 0), 5, 'capacity counts every node');

    const [node2] = h.engine.describeJobs([`${r.jobId}#2`]);
    assert.deepEqual([node2.jobId, node2.nodeDetails, node2.container?.image], [`${r.jobId}#2`, { nodeIndex: 2, isMainNode: false }, 'worker']);
    assert.deepEqual(h.engine.describeJobs([`${r.jobId}#1`])[0].nodeDetails, { nodeIndex: 1, isMainNode: true });
    assert.deepEqual(h.engine.describeJobs([`${r.jobId}#3`]), [], 'no such node');
    const listed = listJobs(h.engine, { multiNodeJobId: r.jobId }).jobSummaryList;
    assert.deepEqual(listed.map((s) => s.jobId), [0, 1, 2].map((i) => `${r.jobId}#${i}`));

    await h.clock.advance(3_000);
    assert.equal(h.describe(r.jobId).status, 'SUCCEEDED', 'the main node (3 s) decides; the others are stopped');
    assert.equal(h.runtime.networkNames.size, 0, 'the network is removed with the containers');
  });

  it('reads targetNodes ranges as AWS writes them', () => {
    assert.deepEqual(nodeRange('0', 4), [0, 0]);
    assert.deepEqual(nodeRange('1:3', 4), [1, 3]);
    assert.deepEqual(nodeRange('2:', 4), [2, 3]);
    assert.deepEqual(nodeRange(':1', 4), [0, 1]);
    assert.throws(() => nodeRange('3:1', 4), /outside/);
    assert.throws(() => nodeRange('0:4', 4), /outside/);
    assert.throws(() => nodeRange('x', 4), /not a node index/);
  });
});
