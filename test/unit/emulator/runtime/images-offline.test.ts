import assert from 'node:assert/strict';
import { dockerfileBaseImages } from '../../../../src/emulator/runtime/dockerfile';
import { ecrRegistryAuth, ecrRegistryOf } from '../../../../src/emulator/runtime/ecr-auth';
import { isSeedImage, missingImageHint } from '../../../../src/emulator/runtime/pull';

describe('Dockerfile base images (unit)', () => {
  it('lists external FROM images, skipping scratch and earlier stages, with ARG defaults and build args', () => {
    const text = [
      '# syntax comment',
      'ARG BASE=debian:12',
      'ARG TAG',
      'FROM --platform=linux/amd64 ${BASE} AS build',
      'RUN make \\',
      '  all',
      'FROM build AS test',
      'FROM scratch',
      'from python:${TAG:-3.12}-slim',
      'COPY --from=build /out /out',
      'FROM $UNKNOWN',
    ].join('\n');
    assert.deepEqual(dockerfileBaseImages(text), ['debian:12', 'python:3.12-slim']);
    assert.deepEqual(dockerfileBaseImages(text, { BASE: 'ubuntu:24.04', TAG: '3.11' }), ['ubuntu:24.04', 'python:3.11-slim']);
    assert.deepEqual(dockerfileBaseImages('FROM busybox:latest\nFROM busybox:latest\n'), ['busybox:latest']);
  });
});

describe('Missing images and the seed image (unit)', () => {
  it('knows the names `images seed` provides and says what to do', () => {
    for (const n of ['busybox', 'busybox:latest', 'docker.io/library/busybox:latest', 'library/busybox']) assert.equal(isSeedImage(n), true, n);
    for (const n of ['busybox:1.36', 'my/busybox', 'alpine']) assert.equal(isSeedImage(n), false, n);
    assert.match(missingImageHint('busybox:latest'), /localbatch images seed/);
    const hint = missingImageHint('app:1');
    assert.doesNotMatch(hint, /images seed/);
    assert.match(hint, /docker pull app:1/);
    assert.match(hint, /images: in localbatch\.yaml/);
    assert.match(hint, /imageOverrides: \{ "app:1": "<local image>" \}/);
  });
});

describe('ECR pull credentials (unit)', () => {
  it('recognises ECR registries', () => {
    assert.deepEqual(ecrRegistryOf('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1'), { host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', account: '123456789012', region: 'eu-west-1' });
    assert.equal(ecrRegistryOf('docker.io/library/busybox'), undefined);
    assert.equal(ecrRegistryOf('busybox'), undefined);
    assert.equal(ecrRegistryOf('12345.dkr.ecr.eu-west-1.amazonaws.com/x'), undefined);
  });

  it('asks ECR (a fake client here) with the settings once per registry, and answers other images with nothing', async () => {
    const configs: unknown[] = [];
    let calls = 0;
    const token = Buffer.from('AWS:secret-password').toString('base64');
    const auth = ecrRegistryAuth({
      aws: { profile: 'dev', endpoints: { ecr: 'http://127.0.0.1:5000' } },
      registryOverride: '127.0.0.1:5001',
      client: (config) => {
        configs.push(config);
        return { send: async () => (calls++, { authorizationData: [{ authorizationToken: token, expiresAt: new Date(Date.now() + 3600_000) }] }), destroy: () => undefined } as never;
      },
    });
    assert.equal(await auth('busybox:latest'), undefined);
    const image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1';
    const a = await auth(image);
    const b = await auth(image);
    assert.deepEqual(a, { ref: '127.0.0.1:5001/team/app:1', authconfig: { username: 'AWS', password: 'secret-password', serveraddress: '127.0.0.1:5001' } });
    assert.deepEqual(b, a);
    assert.equal(calls, 1, 'the token is cached until it nears expiry');
    assert.deepEqual(configs, [{ region: 'eu-west-1', profile: 'dev', endpoint: 'http://127.0.0.1:5000', maxAttempts: 2 }]);
  });

  it('fails with a message naming the registry, the profile and the fix', async () => {
    const auth = ecrRegistryAuth({ aws: { profile: 'nope' }, client: () => ({ send: async () => { throw new Error('Could not load credentials'); }, destroy: () => undefined }) as never });
    await assert.rejects(auth('123456789012.dkr.ecr.us-east-1.amazonaws.com/app'), /123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com with profile nope \(Could not load credentials\).*aws\.profile.*imageOverrides/);
  });
});
