/**
 * An EKS (eksProperties) job run locally on a real Docker engine through the emulator host: its
 * init container runs and succeeds first, then the pod's two containers run; one reaches the other
 * by its container name (not yet on localhost: see the README's Limits). Kubernetes `command`
 * replaces the entrypoint, `args` the command; cpu/memory quantities become limits.
 */
import assert from 'node:assert/strict';
import { TEST_IMAGE } from '../../support/docker';
import { dockerHostSuite } from '../../support/docker-host';

describe('EKS job on Docker (integration)', function () {
  this.timeout(120_000);
  const suite = dockerHostSuite('lb-eks-');

  it('runs the init container before the containers, which talk to each other', async () => {
    const host = await suite.start();
    const e = host.engine;
    const resources = { limits: { cpu: '500m', memory: '64Mi' } };
    e.registerJobDefinition({
      jobDefinitionName: 'pod',
      type: 'container',
      eksProperties: {
        podProperties: {
          initContainers: [{ name: 'prepare', image: TEST_IMAGE, command: ['sh', '-c'], args: ['echo prepared'], resources }],
          containers: [
            { name: 'server', image: TEST_IMAGE, command: ['sh', '-c'], args: ['echo "server got: $(nc -l -p 7000)"'], resources },
            {
              name: 'client',
              image: TEST_IMAGE,
              command: ['sh', '-c'],
              args: ['for i in $(seq 1 100); do echo "hi from $GREETING" | nc -w 2 server 7000 && echo sent && exit 0; sleep 0.1; done; exit 1'],
              env: [{ name: 'GREETING', value: 'client' }],
              resources,
            },
          ],
        },
      },
    });
    const { jobId } = e.submitJob({ jobName: 'pod', jobQueue: 'local', jobDefinition: 'pod' });
    const d = await suite.finished(host, jobId);
    assert.equal(d.status, 'SUCCEEDED', JSON.stringify(d.attempts));
    const byName = new Map(d.attempts![0].taskProperties![0].containers!.map((c) => [c.name!, c]));
    assert.deepEqual([...byName.keys()], ['prepare', 'server', 'client']);
    const log = (name: string) => host.logs.events(byName.get(name)!.logStreamName!).map((x) => x.message);
    assert.deepEqual(log('prepare'), ['prepared']);
    assert.deepEqual(log('client'), ['sent']);
    assert.ok(host.logs.events(byName.get('prepare')!.logStreamName!)[0].timestamp <= host.logs.events(byName.get('client')!.logStreamName!)[0].timestamp, 'init ran first');
  });

  it('fails the job when the init container fails, and the containers never start', async () => {
    const host = await suite.start();
    const e = host.engine;
    e.registerJobDefinition({
      jobDefinitionName: 'badinit',
      type: 'container',
      eksProperties: {
        podProperties: {
          initContainers: [{ name: 'prepare', image: TEST_IMAGE, command: ['sh', '-c', 'exit 4'], resources: { requests: { cpu: '0.5', memory: '32Mi' } } }],
          containers: [{ name: 'main', image: TEST_IMAGE, command: ['sh', '-c', 'echo ran'], resources: { requests: { cpu: '0.5', memory: '32Mi' } } }],
        },
      },
    });
    const { jobId } = e.submitJob({ jobName: 'badinit', jobQueue: 'local', jobDefinition: 'badinit' });
    const d = await suite.finished(host, jobId);
    assert.equal(d.status, 'FAILED');
    const byName = new Map(d.attempts![0].taskProperties![0].containers!.map((c) => [c.name!, c]));
    assert.equal(byName.get('prepare')!.exitCode, 4);
    assert.equal(host.logs.events(byName.get('main')!.logStreamName!).length, 0, 'main never ran');
    assert.deepEqual(d.eksAttempts?.[0].initContainers?.map((c) => [c.name, c.exitCode]), [['prepare', 4]]);
    assert.equal(d.eksProperties?.podProperties?.initContainers?.[0].exitCode, 4);
  });
});
