/**
 * An EKS (eksProperties) job run locally on a real Docker engine through the emulator host: its
 * init container runs and succeeds first, then the pod's two containers run sharing one network
 * namespace: one reaches the other on localhost, as in a pod. Kubernetes `command`
 * replaces the entrypoint, `args` the command; cpu/memory quantities become limits.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_IMAGE } from '../../support/docker';
import { dockerHostSuite } from '../../support/docker-host';

describe('EKS job on Docker (integration)', function () {
  this.timeout(120_000);
  const suite = dockerHostSuite('lb-eks-');

  it('runs the init container before the containers, which talk to each other over localhost', async () => {
    const host = await suite.start();
    const e = host.engine;
    const resources = { limits: { cpu: '500m', memory: '64Mi' } };
    e.registerJobDefinition({
      jobDefinitionName: 'pod',
      type: 'container',
      eksProperties: {
        podProperties: {
          // Its hostname is Docker's short id of its container (it has a network namespace of its own).
          initContainers: [{ name: 'prepare', image: TEST_IMAGE, command: ['sh', '-c'], args: ['echo prepared; hostname'], resources }],
          containers: [
            // busybox nc can hand over a connection whose bytes never arrive (as in multinode-docker.test.ts):
            // the server listens until a message comes, and the client sends until the server has
            // stopped listening after taking one.
            { name: 'server', image: TEST_IMAGE, command: ['sh', '-c'], args: ['m=""; while [ -z "$m" ]; do m=$(nc -l -p 7000); done; echo "server got: $m"'], resources },
            {
              name: 'client',
              image: TEST_IMAGE,
              command: ['sh', '-c'],
              args: ['sent=0; for i in $(seq 1 100); do if echo "hi from $GREETING" | nc -w 2 localhost 7000 2>/dev/null; then sent=1; elif [ $sent = 1 ]; then echo sent; exit 0; fi; sleep 0.1; done; exit 1'],
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
    const [prepared, shortId] = log('prepare');
    assert.equal(prepared, 'prepared');
    assert.deepEqual(log('client'), ['sent']);
    // eksAttempts name each container by its Docker id, and say where the pod ran (a local compute environment).
    const [attempt] = d.eksAttempts!;
    const ids = [...attempt.initContainers!, ...attempt.containers!].map((c) => c.containerID ?? '');
    assert.ok(ids.every((id) => /^[0-9a-f]{64}$/.test(id)), ids.join(' '));
    assert.equal(new Set(ids).size, 3);
    assert.ok(ids[0].startsWith(shortId), `prepare's containerID ${ids[0]} is the container whose hostname is ${shortId}`);
    assert.deepEqual([attempt.podNamespace, attempt.eksClusterArn], ['default', undefined]);
    assert.ok(host.logs.events(byName.get('prepare')!.logStreamName!)[0].timestamp <= host.logs.events(byName.get('client')!.logStreamName!)[0].timestamp, 'init ran first');
  });

  it('shares an emptyDir from the init container, mounts a secret volume, gives the service account its role, and ends when every container has', async () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'lb-eks-ws-'));
    try {
      mkdirSync(path.join(workspace, '.localbatch'));
      writeFileSync(path.join(workspace, '.localbatch', 'secrets.yaml'), 'kubernetes/db:\n  password: pod-s3cret\n');
      const host = await suite.start({ capacity: { vcpus: 4, memoryMiB: 2048 }, serviceAccounts: { trainer: 'arn:aws:iam::123456789012:role/trainer' } }, workspace);
      const e = host.engine;
      const resources = { limits: { cpu: '500m', memory: '64Mi' } };
      const work = { name: 'work', mountPath: '/work' };
      e.registerJobDefinition({
        jobDefinitionName: 'pod-volumes',
        type: 'container',
        eksProperties: {
          podProperties: {
            serviceAccountName: 'trainer',
            initContainers: [{ name: 'fetch', image: TEST_IMAGE, command: ['sh', '-c'], args: ['echo greeting-from-init > /work/msg'], resources, volumeMounts: [work] }],
            containers: [
              {
                name: 'server',
                image: TEST_IMAGE,
                command: ['sh', '-c'],
                // Still running when the client has exited: the pod waits for it. The connection is
                // read by `-e cat`, not nc's own copy loop: busybox nc quits at its stdin's EOF (a
                // container's stdin is empty), which raced the client's bytes and printed nothing.
                args: ['nc -l -p 7001 -e sh -c "cat > /work/got"; echo "server got: $(cat /work/got)"; sleep 1; echo "server saw $(cat /work/msg) and $(cat /creds/password)"; echo "creds ${AWS_CONTAINER_CREDENTIALS_FULL_URI:+yes}"; touch /creds/x 2>/dev/null || echo secret is read-only'],
                resources,
                volumeMounts: [{ name: 'work', mountPath: '/shared', readOnly: true }, { name: 'creds', mountPath: '/creds' }, work],
              },
              { name: 'client', image: TEST_IMAGE, command: ['sh', '-c'], args: ['for i in $(seq 1 100); do cat /work/msg | nc -w 2 localhost 7001 && exit 0; sleep 0.1; done; exit 1'], resources, volumeMounts: [work] },
            ],
            volumes: [{ name: 'work', emptyDir: {} }, { name: 'creds', secret: { secretName: 'db' } }],
          },
        },
      });
      const { jobId } = e.submitJob({ jobName: 'pod-volumes', jobQueue: 'local', jobDefinition: 'pod-volumes' });
      const d = await suite.finished(host, jobId);
      assert.equal(d.status, 'SUCCEEDED', JSON.stringify(d.attempts));
      const server = d.attempts![0].taskProperties![0].containers!.find((c) => c.name === 'server')!;
      assert.deepEqual(host.logs.events(server.logStreamName!).map((x) => x.message), ['server got: greeting-from-init', 'server saw greeting-from-init and pod-s3cret', 'creds yes', 'secret is read-only']);
      assert.deepEqual(d.eksAttempts?.[0].containers?.map((c) => [c.name, c.exitCode]), [['server', 0], ['client', 0]]);
      assert.deepEqual([d.eksProperties?.podProperties?.podName, d.eksProperties?.podProperties?.nodeName], [`aws-batch.${jobId}`, 'localbatch']);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  it('makes each emptyDir as the kubelet does: empty over the image\'s folder, and writable (mode 0777) by a container of another user, also with a read-only root or mount', async () => {
    const host = await suite.start({ capacity: { vcpus: 4, memoryMiB: 2048 } });
    const resources = { limits: { cpu: '500m', memory: '64Mi' } };
    // /etc holds the image's mtab: a Docker volume would start as a copy of it.
    const script = 'for d in /etc /ram; do echo "$d $(stat -c %a $d) $(ls -A $d | grep -c mtab) $(id -u)"; echo x > $d/w && echo "$d written"; done';
    host.engine.registerJobDefinition({
      jobDefinitionName: 'pod-emptydir-mode',
      type: 'container',
      eksProperties: {
        podProperties: {
          containers: [
            // Started with main: whichever of the two makes the shared volume, both see it made. It
            // owns the pod's network namespace and exits at once: main, too late to join it, owns
            // one in its place (it used to fail to start).
            { name: 'reader', image: TEST_IMAGE, command: ['sh', '-c', 'echo "/shared $(stat -c %a /shared)"'], resources, securityContext: { runAsUser: 2000 }, volumeMounts: [{ name: 'disk', mountPath: '/shared', readOnly: true }] },
            { name: 'main', image: TEST_IMAGE, command: ['sh', '-c', script], resources, securityContext: { runAsUser: 1000, readOnlyRootFilesystem: true }, volumeMounts: [{ name: 'disk', mountPath: '/etc' }, { name: 'ram', mountPath: '/ram' }] },
          ],
          volumes: [{ name: 'disk', emptyDir: {} }, { name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }],
        },
      },
    });
    const { jobId } = host.engine.submitJob({ jobName: 'pod-emptydir-mode', jobQueue: 'local', jobDefinition: 'pod-emptydir-mode' });
    const d = await suite.finished(host, jobId);
    const [reader, main] = d.attempts![0].taskProperties![0].containers!;
    assert.deepEqual(host.logs.events(main.logStreamName!).map((x) => x.message), ['/etc 777 0 1000', '/etc written', '/ram 777 0 1000', '/ram written'], JSON.stringify(d.attempts));
    assert.deepEqual(host.logs.events(reader.logStreamName!).map((x) => x.message), ['/shared 777'], JSON.stringify(d.attempts![0].taskProperties));
    assert.equal(d.status, 'SUCCEEDED');
  });

  it('fails to start a pod whose secret volume has no local value, saying where to add it', async () => {
    const host = await suite.start();
    host.engine.registerJobDefinition({
      jobDefinitionName: 'nosecret',
      type: 'container',
      eksProperties: {
        podProperties: {
          containers: [{ name: 'main', image: TEST_IMAGE, command: ['sh', '-c', 'echo ran'], resources: { requests: { cpu: '0.5', memory: '32Mi' } }, volumeMounts: [{ name: 's', mountPath: '/s' }] }],
          volumes: [{ name: 's', secret: { secretName: 'absent-lb-test' } }],
        },
      },
    });
    const { jobId } = host.engine.submitJob({ jobName: 'nosecret', jobQueue: 'local', jobDefinition: 'nosecret' });
    const d = await suite.finished(host, jobId);
    assert.equal(d.status, 'FAILED');
    assert.equal(d.statusReason, 'Task failed to start');
    assert.match(d.attempts![0].container!.reason!, /secret "absent-lb-test" not found \(add kubernetes\/absent-lb-test to \.localbatch\/secrets\.yaml/);
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

  it('an ECS multi-container task shares localhost the same way (awsvpc)', async () => {
    const host = await suite.start();
    const e = host.engine;
    const res = [{ type: 'VCPU' as const, value: '0.5' }, { type: 'MEMORY' as const, value: '32' }];
    e.registerJobDefinition({
      jobDefinitionName: 'ecs-localhost',
      type: 'container',
      ecsProperties: {
        taskProperties: [{
          containers: [
            // (listens until a message comes, and sends until the listener has stopped: see the pod above)
            { name: 'web', essential: false, image: TEST_IMAGE, command: ['sh', '-c', 'm=""; while [ -z "$m" ]; do m=$(nc -l -p 6100); done; echo "web got: $m"'], resourceRequirements: res },
            { name: 'app', image: TEST_IMAGE, command: ['sh', '-c', 'sent=0; for i in $(seq 1 100); do if echo ping | nc -w 2 127.0.0.1 6100 2>/dev/null; then sent=1; elif [ $sent = 1 ]; then echo sent; exit 0; fi; sleep 0.1; done; exit 1'], resourceRequirements: res },
          ],
        }],
      },
    });
    const { jobId } = e.submitJob({ jobName: 'ecs-localhost', jobQueue: 'local', jobDefinition: 'ecs-localhost' });
    const d = await suite.finished(host, jobId);
    assert.equal(d.status, 'SUCCEEDED', JSON.stringify(d.attempts));
    const web = d.attempts![0].taskProperties![0].containers!.find((c) => c.name === 'web')!;
    assert.deepEqual(host.logs.events(web.logStreamName!).map((x) => x.message), ['web got: ping']);
  });
});
