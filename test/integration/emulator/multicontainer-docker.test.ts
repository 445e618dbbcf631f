/**
 * A multi-container (ecsProperties) job on a real Docker engine: an init container that must
 * COMPLETE first, a non-essential sidecar the app reaches by its container name, and the
 * essential app whose exit ends the task (the sidecar is stopped).
 */
import assert from 'node:assert/strict';
import { TEST_IMAGE } from '../../support/docker';
import { dockerHostSuite } from '../../support/docker-host';

describe('Multi-container job on Docker (integration)', function () {
  this.timeout(120_000);
  const suite = dockerHostSuite('lb-mc-');

  it('runs init (COMPLETE) before the app, which reaches its sidecar by name; the app\'s exit ends the task', async () => {
    const host = await suite.start();
    const e = host.engine;
    const res = [{ type: 'VCPU' as const, value: '1' }, { type: 'MEMORY' as const, value: '64' }];
    e.registerJobDefinition({
      jobDefinitionName: 'mc',
      type: 'container',
      ecsProperties: {
        taskProperties: [{
          containers: [
            { name: 'init', essential: false, image: TEST_IMAGE, command: ['sh', '-c', 'sleep 3; echo init done'], resourceRequirements: res,
              // Started once the sidecar runs, so the app's START condition on the sidecar already holds
              // while init runs: only init's COMPLETE condition keeps the app waiting.
              dependsOn: [{ containerName: 'sidecar', condition: 'START' }] },
            { name: 'sidecar', essential: false, image: TEST_IMAGE, command: ['sh', '-c', 'm=""; while [ -z "$m" ]; do m=$(nc -l -p 6000); done; echo "sidecar got: $m"; sleep 60'], resourceRequirements: res, linuxParameters: { initProcessEnabled: true } },
            {
              name: 'app',
              image: TEST_IMAGE,
              // (busybox nc can hand over a connection whose bytes never arrive: the sidecar listens until a
              // message comes, and the app sends until the sidecar has stopped listening after taking one)
              command: ['sh', '-c', 'echo app up; sent=0; for i in $(seq 1 100); do if echo "hello sidecar" | nc -w 2 sidecar 6000 2>/dev/null; then sent=1; elif [ $sent = 1 ]; then echo sent; exit 0; fi; sleep 0.1; done; exit 1'],
              resourceRequirements: res,
              dependsOn: [{ containerName: 'init', condition: 'COMPLETE' }, { containerName: 'sidecar', condition: 'START' }],
            },
          ],
        }],
      },
    });
    const { jobId } = e.submitJob({ jobName: 'mc', jobQueue: 'local', jobDefinition: 'mc' });
    const d = await suite.finished(host, jobId);
    assert.equal(d.status, 'SUCCEEDED', JSON.stringify(d.attempts));
    const byName = new Map(d.attempts![0].taskProperties![0].containers!.map((c) => [c.name!, c]));
    assert.deepEqual([byName.get('init')!.exitCode, byName.get('app')!.exitCode], [0, 0]);
    assert.notEqual(byName.get('sidecar')!.exitCode, 0, 'the sidecar was stopped when the essential app exited');
    const log = (name: string) => host.logs.events(byName.get(name)!.logStreamName!);
    assert.deepEqual(log('init').map((x) => x.message), ['init done']);
    assert.deepEqual(log('app').map((x) => x.message), ['app up', 'sent']);
    assert.deepEqual(log('sidecar').map((x) => x.message), ['sidecar got: hello sidecar']);
    // init prints only after 3 s, the app as it starts: an app started beside init (order not enforced) prints first.
    assert.ok(log('init')[0].timestamp <= log('app')[0].timestamp, `init completed (${log('init')[0].timestamp}) before the app started (${log('app')[0].timestamp})`);
  });
});
