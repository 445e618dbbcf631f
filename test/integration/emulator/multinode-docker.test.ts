/**
 * A multi-node parallel job on a real Docker engine: the main node listens, a worker node (its own
 * node range's container) connects to AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS over the
 * attempt's private network, and the main node's exit decides the job.
 */
import assert from 'node:assert/strict';
import { TEST_IMAGE } from '../../support/docker';
import { dockerHostSuite } from '../../support/docker-host';

describe('Multi-node parallel job on Docker (integration)', function () {
  this.timeout(120_000);
  const suite = dockerHostSuite('lb-mnp-');

  it('a worker node reaches the main node over the private network', async () => {
    const host = await suite.start();
    const e = host.engine;
    const resources = [{ type: 'VCPU' as const, value: '1' }, { type: 'MEMORY' as const, value: '64' }];
    e.registerJobDefinition({
      jobDefinitionName: 'mnp',
      type: 'multinode',
      nodeProperties: {
        numNodes: 2,
        mainNode: 0,
        nodeRangeProperties: [
          // busybox nc can hand over a connection whose bytes never arrive (CI saw "main got: " once):
          // the main node listens until a message comes, and the worker sends until the main node
          // has stopped listening after taking one.
          { targetNodes: '0', container: { image: TEST_IMAGE, command: ['sh', '-c', 'm=""; while [ -z "$m" ]; do m=$(nc -l -p 5000); done; echo "main got: $m"'], resourceRequirements: resources } },
          {
            targetNodes: '1',
            container: {
              image: TEST_IMAGE,
              command: ['sh', '-c', 'sent=0; for i in $(seq 1 100); do if echo "hello from node $AWS_BATCH_JOB_NODE_INDEX" | nc -w 2 "$AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS" 5000; then sent=1; elif [ $sent = 1 ]; then exit 0; fi; sleep 0.1; done; exit 1'],
              resourceRequirements: resources,
            },
          },
        ],
      },
    });
    const { jobId } = e.submitJob({ jobName: 'mnp', jobQueue: 'local', jobDefinition: 'mnp' });
    const d = await suite.finished(host, jobId);
    assert.equal(d.status, 'SUCCEEDED', JSON.stringify(d.attempts));
    const main = e.describeJobs([`${jobId}#0`])[0];
    assert.deepEqual(main.nodeDetails, { nodeIndex: 0, isMainNode: true });
    const lines = host.logs.events(main.container!.logStreamName!).map((ev) => ev.message);
    assert.deepEqual(lines, ['main got: hello from node 1']);
  });
});
