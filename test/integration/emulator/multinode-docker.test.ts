/**
 * A multi-node parallel job on a real Docker engine: the main node listens, a worker node (its own
 * node range's container) connects to AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS over the
 * attempt's private network, and the main node's exit decides the job.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { EmulatorHost } from '../../../src/emulator/host';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';

describe('Multi-node parallel job on Docker (integration)', function () {
  this.timeout(120_000);
  let docker: Docker;
  let dir: string;
  let host: EmulatorHost | undefined;

  before(async function () {
    docker = await dockerForTests(this);
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-mnp-'));
  });
  afterEach(async () => {
    await host?.close({ terminateAll: true, reason: 'test over', graceMs: 5_000 });
    host = undefined;
    const labels = { label: ['dev.localbatch.managed=true', `dev.localbatch.state-dir=${dir}`] };
    const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters: labels }), docker.listNetworks({ filters: labels })]);
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(containers.map((c) => c.Names), [], 'containers left behind');
    assert.deepEqual(networks.map((n) => n.Name), [], 'networks left behind');
  });

  it('a worker node reaches the main node over the private network', async () => {
    host = await EmulatorHost.start({ stateDir: dir, docker, persist: false, settings: { capacity: { vcpus: 4, memoryMiB: 2048 } } });
    const e = host.engine;
    const resources = [{ type: 'VCPU' as const, value: '1' }, { type: 'MEMORY' as const, value: '64' }];
    e.registerJobDefinition({
      jobDefinitionName: 'mnp',
      type: 'multinode',
      nodeProperties: {
        numNodes: 2,
        mainNode: 0,
        nodeRangeProperties: [
          { targetNodes: '0', container: { image: TEST_IMAGE, command: ['sh', '-c', 'echo "main got: $(nc -l -p 5000)"'], resourceRequirements: resources } },
          {
            targetNodes: '1',
            container: {
              image: TEST_IMAGE,
              command: ['sh', '-c', 'for i in $(seq 1 100); do echo "hello from node $AWS_BATCH_JOB_NODE_INDEX" | nc -w 2 "$AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS" 5000 && exit 0; sleep 0.1; done; exit 1'],
              resourceRequirements: resources,
            },
          },
        ],
      },
    });
    const { jobId } = e.submitJob({ jobName: 'mnp', jobQueue: 'local', jobDefinition: 'mnp' });
    const deadline = Date.now() + 90_000;
    let d = e.describeJobs([jobId])[0];
    while (d.status !== 'SUCCEEDED' && d.status !== 'FAILED' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      d = e.describeJobs([jobId])[0];
    }
    assert.equal(d.status, 'SUCCEEDED', JSON.stringify(d.attempts));
    const main = e.describeJobs([`${jobId}#0`])[0];
    assert.deepEqual(main.nodeDetails, { nodeIndex: 0, isMainNode: true });
    const lines = host.logs.events(main.container!.logStreamName!).map((ev) => ev.message);
    assert.deepEqual(lines, ['main got: hello from node 1']);
  });
});
