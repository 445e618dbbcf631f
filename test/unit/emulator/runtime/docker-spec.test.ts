import assert from 'node:assert/strict';
import type { ContainerSpec } from '../../../../src/emulator/batch/core/ports';
import { labelFilters, toCreateOptions, toNanoCpus, withDefaultTag } from '../../../../src/emulator/runtime/docker-spec';
import { DockerStreamDemuxer } from '../../../../src/emulator/runtime/docker-logs';
import { dockerignoreMatcher } from '../../../../src/emulator/runtime/images';
import { dockerMessage } from '../../../../src/emulator/runtime/docker';

const base: ContainerSpec = {
  name: 'lb-job-1',
  image: 'img:1',
  command: [],
  environment: {},
  vcpus: 1,
  memoryMiB: 128,
  gpus: 0,
  labels: {},
  logStreamName: 'jd/default/x',
};

describe('Docker spec mapping (unit)', () => {
  it('maps the minimal spec: name, image, no Cmd (image CMD kept), hard memory limit without swap, managed label', () => {
    const o = toCreateOptions(base, { hostCpus: 8 });
    assert.equal(o.name, 'lb-job-1');
    assert.equal(o.Image, 'img:1');
    assert.equal(o.Cmd, undefined);
    assert.equal(o.Entrypoint, undefined, 'ENTRYPOINT is never touched');
    assert.deepEqual(o.Env, []);
    assert.deepEqual(o.Labels, { 'dev.localbatch.managed': 'true' });
    assert.equal(o.Tty, false);
    assert.deepEqual(o.HostConfig, { NanoCpus: 1e9, Memory: 128 * 1024 * 1024, MemorySwap: 128 * 1024 * 1024 });
  });

  it('maps command, environment, user, working directory and labels', () => {
    const o = toCreateOptions(
      { ...base, command: ['sh', '-c', 'echo $A'], environment: { A: 'x=y', B: '' }, user: '1000:1000', workingDir: '/w', labels: { 'localbatch.job-id': 'j1' } },
      { hostCpus: 8 },
    );
    assert.deepEqual(o.Cmd, ['sh', '-c', 'echo $A']);
    assert.deepEqual(o.Env, ['A=x=y', 'B=']);
    assert.equal(o.User, '1000:1000');
    assert.equal(o.WorkingDir, '/w');
    assert.deepEqual(o.Labels, { 'localbatch.job-id': 'j1', 'dev.localbatch.managed': 'true' });
  });

  it('clamps vCPUs to the host and keeps fractions', () => {
    assert.equal(toNanoCpus(16, 2), 2e9);
    assert.equal(toNanoCpus(0.25, 2), 250_000_000);
    assert.equal(toNanoCpus(0, 2), undefined);
    assert.equal(toCreateOptions({ ...base, vcpus: 4 }, { hostCpus: 2 }).HostConfig?.NanoCpus, 2e9);
  });

  it('requests GPUs only when more than zero', () => {
    assert.equal(toCreateOptions(base, { hostCpus: 2 }).HostConfig?.DeviceRequests, undefined);
    assert.deepEqual(toCreateOptions({ ...base, gpus: 2 }, { hostCpus: 2 }).HostConfig?.DeviceRequests, [
      { Driver: '', Count: 2, Capabilities: [['gpu']] },
    ]);
  });

  it('maps read-only root, privileged, ulimits, init and shared memory', () => {
    const h = toCreateOptions(
      {
        ...base,
        readonlyRootFilesystem: true,
        privileged: true,
        ulimits: [{ name: 'nofile', soft: 1024, hard: 4096 }],
        initProcessEnabled: true,
        sharedMemoryMiB: 64,
      },
      { hostCpus: 2 },
    ).HostConfig;
    assert.equal(h?.ReadonlyRootfs, true);
    assert.equal(h?.Privileged, true);
    assert.deepEqual(h?.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 4096 }]);
    assert.equal(h?.Init, true);
    assert.equal(h?.ShmSize, 64 * 1024 * 1024);
  });

  it('maps host mounts to Binds and the others to anonymous volumes; tmpfs and devices', () => {
    const h = toCreateOptions(
      {
        ...base,
        mounts: [
          { hostPath: '/data', containerPath: '/in', readOnly: true },
          { hostPath: '/out', containerPath: '/out', readOnly: false },
          { containerPath: '/scratch', readOnly: false },
        ],
        tmpfs: [{ containerPath: '/tmp', sizeMiB: 10, mountOptions: ['noexec', 'nosuid'] }],
        devices: [{ hostPath: '/dev/fuse' }, { hostPath: '/dev/sda', containerPath: '/dev/xvda', permissions: 'r' }],
      },
      { hostCpus: 2 },
    ).HostConfig;
    assert.deepEqual(h?.Binds, ['/data:/in:ro', '/out:/out:rw']);
    assert.deepEqual(h?.Mounts, [{ Type: 'volume', Source: '', Target: '/scratch', ReadOnly: false }]);
    assert.deepEqual(h?.Tmpfs, { '/tmp': 'size=10m,noexec,nosuid' });
    assert.deepEqual(h?.Devices, [
      { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' },
      { PathOnHost: '/dev/sda', PathInContainer: '/dev/xvda', CgroupPermissions: 'r' },
    ]);
  });

  it('builds label filters that always include the managed label', () => {
    assert.deepEqual(labelFilters(), { label: ['dev.localbatch.managed=true'] });
    assert.deepEqual(labelFilters({ run: 'r1' }), { label: ['dev.localbatch.managed=true', 'run=r1'] });
  });

  it('adds :latest only to image references without tag or digest', () => {
    assert.equal(withDefaultTag('busybox'), 'busybox:latest');
    assert.equal(withDefaultTag('localhost:5000/team/app'), 'localhost:5000/team/app:latest');
    assert.equal(withDefaultTag('localhost:5000/team/app:v2'), 'localhost:5000/team/app:v2');
    assert.equal(withDefaultTag('app@sha256:abc'), 'app@sha256:abc');
  });

  it("extracts the engine's reason from a dockerode error", () => {
    assert.equal(dockerMessage(new Error('(HTTP code 404) no such container - No such image: x:1 ')), 'No such image: x:1');
    assert.equal(dockerMessage({ json: { message: 'pull access denied' } }), 'pull access denied');
  });
});

describe('Docker stream demultiplexing (unit)', () => {
  const frame = (type: number, text: string | Buffer): Buffer => {
    const payload = typeof text === 'string' ? Buffer.from(text) : text;
    const header = Buffer.alloc(8);
    header[0] = type;
    header.writeUInt32BE(payload.length, 4);
    return Buffer.concat([header, payload]);
  };

  it('splits frames into lines per stream, across chunk and frame boundaries', () => {
    const d = new DockerStreamDemuxer();
    const all = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'err\r\n'), frame(1, 'o\nthree')]);
    const lines = [...d.push(all.subarray(0, 5)), ...d.push(all.subarray(5, 17)), ...d.push(all.subarray(17))];
    assert.deepEqual(lines, [
      { stream: 'stdout', text: 'one' },
      { stream: 'stderr', text: 'err' },
      { stream: 'stdout', text: 'two' },
    ]);
    assert.deepEqual(d.end(), [{ stream: 'stdout', text: 'three' }]);
    assert.deepEqual(d.end(), []);
  });

  it('keeps multi-byte UTF-8 characters split across frames intact', () => {
    const d = new DockerStreamDemuxer();
    const euro = Buffer.from('€\n');
    const lines = [...d.push(frame(1, euro.subarray(0, 1))), ...d.push(frame(1, euro.subarray(1)))];
    assert.deepEqual(lines, [{ stream: 'stdout', text: '€' }]);
  });

  it('keeps empty lines', () => {
    assert.deepEqual(new DockerStreamDemuxer().push(frame(1, 'a\n\nb\n')).map((l) => l.text), ['a', '', 'b']);
  });
});

describe('.dockerignore matching (unit)', () => {
  it('excludes matches and everything below excluded directories; "!" re-includes; last match wins', () => {
    const ignored = dockerignoreMatcher('# comment\nnode_modules\n*.log\n!keep.log\n/build/\ndocs/**/*.md\n');
    assert.equal(ignored('node_modules'), true);
    assert.equal(ignored('node_modules/x/index.js'), true);
    assert.equal(ignored('a.log'), true);
    assert.equal(ignored('keep.log'), false);
    assert.equal(ignored('build/out.bin'), true);
    assert.equal(ignored('docs/a/b.md'), true);
    assert.equal(ignored('src/main.py'), false);
    assert.equal(ignored('Dockerfile'), false);
  });
});
