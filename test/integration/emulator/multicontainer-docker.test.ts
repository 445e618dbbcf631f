/**
 * A multi-container (ecsProperties) job on a real Docker engine: an init container that must
 * COMPLETE first, a non-essential sidecar the app reaches by its container name, and the
 * essential app whose exit ends the task (the sidecar is stopped).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { EmulatorHost } from '../../../src/emulator/host';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';

describe('Multi-container job on Docker (integration)', function () {
  this.timeout(120_000);
  let docker: Docker;
  let dir: string;
  let host: EmulatorHost | undefined;

  before(async function () {
    docker = await dockerForTests(this);
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lb-mc-'));
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

  it('runs init (COMPLETE) before the app, which reaches its sidecar by name; the app\'s exit ends the task', async () => {
    host = await EmulatorHost.start({ stateDir: dir, docker, persist: false, settings: { capacity: { vcpus: 4, memoryMiB: 2048 } } });
    const e = host.engine;
    const res = [{ type: 'VCPU' as const, value: '1' }, { type: 'MEMORY' as const, value: '64' }];
    e.registerJobDefinition({
      jobDefinitionName: 'mc',
      type: 'container',
      ecsProperties: {
        taskProperties: [{
          containers: [
            { name: 'init', essential: false, image: TEST_IMAGE, command: ['sh', '-c', 'echo init done'], resourceRequirements: res },
            { name: 'sidecar', essential: false, image: TEST_IMAGE, command: ['sh', '-c', 'echo "sidecar got: $(nc -l -p 6000)"; sleep 60'], resourceRequirements: res, linuxParameters: { initProcessEnabled: true } },
            {
              name: 'app',
              image: TEST_IMAGE,
              command: ['sh', '-c', 'for i in $(seq 1 100); do echo "hello sidecar" | nc -w 2 sidecar 6000 && echo sent && exit 0; sleep 0.1; done; exit 1'],
              resourceRequirements: res,
              dependsOn: [{ containerName: 'init', condition: 'COMPLETE' }, { containerName: 'sidecar', condition: 'START' }],
            },
          ],
        }],
      },
    });
    const { jobId } = e.submitJob({ jobName: 'mc', jobQueue: 'local', jobDefinition: 'mc' });
    const deadline = Date.now() + 90_000;
    let d = e.describeJobs([jobId])[0];
    while (d.status !== 'SUCCEEDED' && d.status !== 'FAILED' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      d = e.describeJobs([jobId])[0];
    }
    assert.equal(d.status, 'SUCCEEDED', JSON.stringify(d.attempts));
    const byName = new Map(d.attempts![0].taskProperties![0].containers!.map((c) => [c.name!, c]));
    assert.deepEqual([byName.get('init')!.exitCode, byName.get('app')!.exitCode], [0, 0]);
    assert.notEqual(byName.get('sidecar')!.exitCode, 0, 'the sidecar was stopped when the essential app exited');
    const log = (name: string) => host!.logs.events(byName.get(name)!.logStreamName!);
    assert.deepEqual(log('init').map((x) => x.message), ['init done']);
    assert.deepEqual(log('app').map((x) => x.message), ['sent']);
    assert.deepEqual(log('sidecar').map((x) => x.message), ['sidecar got: hello sidecar']);
    assert.ok(log('init')[0].timestamp <= log('app')[0].timestamp, 'init completed before the app ran');
  });
});
