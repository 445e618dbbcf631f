/** The pure parts of the job environment: secret references, host access, endpoints, the credential broker, storage mapping. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CredentialBroker, CredentialRefused, REFRESH_BEFORE_MS } from '../../../../src/emulator/jobs-env/credentials';
import { GRANTS_FILE, readGrants, writeGrants } from '../../../../src/emulator/jobs-env/grant-file';
import { containerUrl, endpointEnvironment, endpointVariable } from '../../../../src/emulator/jobs-env/endpoints';
import { resolveLocal } from '../../../../src/emulator/jobs-env/secrets';
import { prepareStorage } from '../../../../src/emulator/jobs-env/storage';
import { toCreateOptions } from '../../../../src/emulator/runtime/docker-spec';
import { hostPathProblem, resolvePolicy } from '../../../../src/model/host-access';
import { parseSecretRef, secretLookupKeys } from '../../../../src/model/secret-refs';

const SM = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf';

describe('job environment (unit)', () => {
  it('parses valueFrom: SSM names and ARNs, Secrets Manager ARNs with json-key, stage and id', () => {
    assert.deepEqual(parseSecretRef('/a/b'), { service: 'ssm', parameter: '/a/b', name: '/a/b' });
    assert.equal((parseSecretRef('arn:aws:ssm:us-east-1:1:parameter/a/b') as { name: string }).name, '/a/b');
    assert.equal((parseSecretRef('arn:aws:ssm:us-east-1:1:parameter/plain') as { name: string }).name, 'plain');
    assert.deepEqual(parseSecretRef(`${SM}:password:AWSCURRENT:`), { service: 'secretsmanager', secretId: SM, name: 'db-AbCdEf', jsonKey: 'password', versionStage: 'AWSCURRENT', versionId: undefined });
    assert.deepEqual(secretLookupKeys(`${SM}:password::`), [`${SM}:password::`, SM, 'db-AbCdEf', 'db']);
  });

  it('resolves local secrets by the full valueFrom or a shorter key, json-key from JSON or a mapping; a missing one names valueFrom only', () => {
    const file = new Map<string, unknown>([
      ['/a/b', 'v1'],
      ['db', { password: 'p2', port: 5432 }],
      [`${SM}:user::`, 'exact'],
    ]);
    assert.deepEqual(resolveLocal([{ name: 'A', valueFrom: 'arn:aws:ssm:us-east-1:1:parameter/a/b' }, { name: 'P', valueFrom: `${SM}:password::` }, { name: 'U', valueFrom: `${SM}:user::` }, { name: 'N', valueFrom: `${SM}:port::` }], file), {
      A: 'v1',
      P: 'p2',
      U: 'exact',
      N: '5432',
    });
    assert.throws(() => resolveLocal([{ name: 'X', valueFrom: `${SM}:nokey::` }], file), /did not contain json key nokey/);
    assert.throws(() => resolveLocal([{ name: 'X', valueFrom: '/missing' }], file), (e: Error) => /^ResourceInitializationError: unable to pull secrets or registry auth: .*\/missing/.test(e.message) && !e.message.includes('p2'));
  });

  it('host access: inside the workspace or allowed only; a socket needs its exact entry', () => {
    const policy = resolvePolicy({ allowHostAccess: ['/data', 'rel'] }, '/ws');
    assert.equal(hostPathProblem('/ws/x', policy), undefined);
    assert.equal(hostPathProblem('/data/y', policy), undefined);
    assert.equal(hostPathProblem('/ws/rel/z', policy), undefined);
    assert.equal(hostPathProblem('/etc', policy)?.rule, 'host-path-outside-workspace');
    assert.equal(hostPathProblem('/ws/../etc', policy)?.rule, 'host-path-outside-workspace');
    assert.equal(hostPathProblem('/ws/app.sock', policy)?.rule, 'docker-socket-mount');
    assert.equal(hostPathProblem('/var/run/docker.sock', resolvePolicy({ allowHostAccess: ['/var/run'] }, '/ws'))?.rule, 'docker-socket-mount');
    assert.equal(hostPathProblem('/var/run/docker.sock', resolvePolicy({ allowHostAccess: ['/var/run/docker.sock'] }, '/ws')), undefined);
  });

  it('endpoint variables use the service id; loopback endpoints become the container gateway', () => {
    assert.equal(endpointVariable('s3'), 'AWS_ENDPOINT_URL_S3');
    assert.equal(endpointVariable('secretsmanager'), 'AWS_ENDPOINT_URL_SECRETS_MANAGER');
    assert.equal(endpointVariable('logs'), 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS');
    assert.equal(containerUrl('http://127.0.0.1:5000', '169.254.170.2'), 'http://169.254.170.2:5000');
    assert.deepEqual(endpointEnvironment({ s3: 'http://localhost:9000/', sts: 'https://sts.example' }, '169.254.170.2'), {
      AWS_ENDPOINT_URL_S3: 'http://169.254.170.2:9000',
      AWS_ENDPOINT_URL_STS: 'https://sts.example',
    });
  });

  it('the broker binds a token to its grant, renews before expiry and forgets keys when revoked', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const broker = new CredentialBroker('none', undefined, () => now);
    const a = await broker.grant('job-a', 1, 'arn:aws:iam::1:role/a');
    const b = await broker.grant('job-b', 1, 'arn:aws:iam::1:role/b');
    await assert.rejects(broker.credentials(a.id, b.token), CredentialRefused);
    await assert.rejects(broker.credentials(a.id, undefined), CredentialRefused);
    const first = await broker.credentials(a.id, a.token);
    assert.equal(first.roleArn, 'arn:aws:iam::1:role/a');
    assert.ok(broker.lookupKey(first.accessKeyId));
    assert.deepEqual(broker.sessionOfKey(first.accessKeyId), { roleArn: 'arn:aws:iam::1:role/a', sessionName: 'localbatch-job-a-1' });
    assert.equal(broker.sessionOfKey('LBLKNOTAJOBKEY000000'), undefined);
    assert.equal((await broker.credentials(a.id, a.token)).accessKeyId, first.accessKeyId, 'cached while fresh');
    now = first.expiration.getTime() - REFRESH_BEFORE_MS + 1;
    const renewed = await broker.credentials(a.id, a.token);
    assert.notEqual(renewed.accessKeyId, first.accessKeyId, 'renewed before expiry');
    assert.ok(renewed.expiration.getTime() > first.expiration.getTime());
    broker.revoke('job-a', 1);
    await assert.rejects(broker.credentials(a.id, a.token), CredentialRefused);
    assert.equal(broker.lookupKey(first.accessKeyId), undefined);
    assert.equal(broker.lookupKey(renewed.accessKeyId), undefined);
    assert.equal(broker.sessionOfKey(renewed.accessKeyId), undefined, 'a revoked key has no session');
    assert.equal(broker.liveGrants, 1);
  });

  it('grants survive a restart as hashes: the old token works again for live attempts only, never another job\'s, and no token is saved', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lb-grants-'));
    try {
      const before = new CredentialBroker('none', undefined);
      before.onChange = (grants) => writeGrants(dir, { port: 4711, grants });
      const a = await before.grant('job-a', 1, 'arn:aws:iam::1:role/a');
      const b = await before.grant('job-b', 2, 'arn:aws:iam::1:role/b');
      const file = readFileSync(path.join(dir, GRANTS_FILE), 'utf8');
      assert.ok(!file.includes(a.token) && !file.includes(b.token), 'no token on disk');
      assert.equal(statSync(path.join(dir, GRANTS_FILE)).mode & 0o777, 0o600);
      // The emulator restarts: a new broker from the file; job-b's attempt ended while it was down.
      const saved = readGrants(dir);
      assert.equal(saved.port, 4711);
      const after = new CredentialBroker('none', undefined);
      after.restore(saved.grants);
      after.retain(new Set(['job-a#1']));
      assert.equal((await after.credentials(a.id, a.token)).roleArn, 'arn:aws:iam::1:role/a', 'the old token works again');
      await assert.rejects(after.credentials(a.id, b.token), CredentialRefused, "another job's token is refused");
      await assert.rejects(after.credentials(b.id, b.token), CredentialRefused, 'an attempt that ended is revoked');
      assert.deepEqual(after.stored().map((g) => g.jobId), ['job-a']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('storage: volumes settings map EFS and host paths to workspace folders; refusals name the path', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'lb-storage-'));
    try {
      const efs = { containerPath: '/e', readOnly: false, volumeName: 'localbatch-efs-fs-1-x', efs: { fileSystemId: 'fs-1', rootDirectory: '/r' } };
      const host = { containerPath: '/h', readOnly: true, hostPath: '/mnt/fsx' };
      const out = prepareStorage({}, [efs, host], { volumes: { 'fs-1': './data', '/mnt/fsx': 'fsx' } }, root);
      assert.ok(out.ok);
      assert.deepEqual(out.mounts, [
        { hostPath: path.join(root, 'data', 'r'), containerPath: '/e', readOnly: false },
        { hostPath: path.join(root, 'fsx'), containerPath: '/h', readOnly: true },
      ]);
      assert.ok(existsSync(path.join(root, 'data', 'r')));
      const unmapped = prepareStorage({}, [efs], {}, root);
      assert.ok(unmapped.ok && unmapped.mounts[0].volumeName === 'localbatch-efs-fs-1-x', 'an unmapped EFS volume stays a named volume');
      const refused = prepareStorage({}, [host], {}, root);
      assert.ok(!refused.ok && /refused host access: .*\/mnt\/fsx/.test(refused.reason));
      const dev = prepareStorage({ linuxParameters: { devices: [{ hostPath: '/dev/fuse' }] } }, [], {}, root);
      assert.ok(!dev.ok && /\/dev\/fuse/.test(dev.reason));
      assert.ok(prepareStorage({ linuxParameters: { devices: [{ hostPath: '/dev/fuse' }] } }, [], { allowHostAccess: ['/dev/fuse'] }, root).ok);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('maps an S3 Files volume to a local S3 bucket folder (s3://bucket/prefix), a workspace folder, or keeps the named volume', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'lb-s3files-'));
    try {
      const arn = 'arn:aws:s3files:us-east-1:123456789012:file-system/fs-0abc';
      const m = { volumeName: 'localbatch-s3files-fs-0abc-x', s3files: { fileSystemArn: arn, rootDirectory: '/runs' }, containerPath: '/mnt/s3', readOnly: false };
      const bucketDir = path.join(root, 'bucket');
      const folders = (b: string) => (b === 'datasets' ? bucketDir : undefined);
      const toBucket = prepareStorage({}, [m], { volumes: { [arn]: 's3://datasets/team' } }, root, folders);
      assert.ok(toBucket.ok);
      assert.deepEqual(toBucket.mounts, [{ hostPath: path.join(bucketDir, 'team', 'runs'), containerPath: '/mnt/s3', readOnly: false }]);
      assert.ok(existsSync(path.join(bucketDir, 'team', 'runs')));
      const byId = prepareStorage({}, [m], { volumes: { 'fs-0abc:/runs': './s3files' } }, root, folders);
      assert.ok(byId.ok && byId.mounts[0].hostPath === path.join(root, 's3files'), 'keyed by id and root directory, to a workspace folder');
      const unmapped = prepareStorage({}, [m], {}, root, folders);
      assert.ok(unmapped.ok && unmapped.mounts[0].volumeName === m.volumeName, 'an unmapped S3 Files volume stays a named volume');
      const noBucket = prepareStorage({}, [m], { volumes: { [arn]: 's3://missing' } }, root, folders);
      assert.ok(!noBucket.ok && /the local S3 has no bucket missing/.test(noBucket.reason));
      const escape = prepareStorage({}, [m], { volumes: { [arn]: 's3://datasets/../../etc' } }, root, folders);
      assert.ok(!escape.ok && /outside the bucket/.test(escape.reason));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('maps named volumes and the network to Docker create options', () => {
    const o = toCreateOptions(
      { name: 'n', image: 'i', command: [], environment: {}, vcpus: 1, memoryMiB: 64, gpus: 0, labels: {}, logStreamName: 's', network: 'localbatch-ecs', mounts: [{ volumeName: 'v', containerPath: '/v', readOnly: true }] },
      { hostCpus: 2 },
    );
    assert.equal(o.HostConfig?.NetworkMode, 'localbatch-ecs');
    assert.deepEqual(o.HostConfig?.Mounts, [{ Type: 'volume', Source: 'v', Target: '/v', ReadOnly: true }]);
  });
});
