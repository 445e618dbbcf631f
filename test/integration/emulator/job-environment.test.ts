/**
 * What a real AWS Batch job finds locally, on real Docker with moto_server (STS, S3, SSM, Secrets
 * Manager) listening on the container network's gateway: job role credentials through the SDK's
 * unmodified default chain, tokens bound to one attempt, secrets, shared EFS volumes and host
 * access refused until localbatch.yaml allows it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { JobDetail, ResourceRequirement } from '@aws-sdk/client-batch';
import type Docker from 'dockerode';
import { ensureContainerNetwork } from '../../../src/emulator/jobs-env/network';
import { LocalService } from '../../../src/emulator/service';
import type { LocalSettingsFile } from '../../../src/model/types';
import { ensureProbeImage } from '../../support/aws-probe-image';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';
import { MOTO_CREDENTIALS, MOTO_REGION, startMoto, type Moto } from '../../support/moto';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/reader';
const RESOURCES: ResourceRequirement[] = [{ type: 'VCPU', value: '0.5' }, { type: 'MEMORY', value: '128' }];

describe('job environment: roles, secrets, storage, host access (integration)', function () {
  this.timeout(180_000);
  let docker: Docker;
  let moto: Moto;
  let probe: string;
  let workspace: string;
  const workspaces: string[] = [];
  const savedEnv: Record<string, string | undefined> = {};
  const services: LocalService[] = [];
  /** Everything the emulators reported through their log callback. */
  const logged: string[] = [];
  const fsId = `fs-${process.pid.toString(16).padStart(8, '0')}`;

  before(async function () {
    docker = await dockerForTests(this);
    const network = await ensureContainerNetwork(docker);
    moto = await startMoto(this, network.gateway);
    probe = await ensureProbeImage(docker);
    // The emulator's own AWS calls (AssumeRole, fetching secrets) use the SDK chain: moto's keys.
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE']) savedEnv[k] = process.env[k];
    process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
    delete process.env.AWS_PROFILE;
    const config = { region: MOTO_REGION, endpoint: moto.url, credentials: MOTO_CREDENTIALS };
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'inputs' }));
    await s3.send(new PutObjectCommand({ Bucket: 'inputs', Key: 'hello.txt', Body: 'hello from moto s3' }));
    await new SSMClient(config).send(new PutParameterCommand({ Name: '/app/db-password', Value: 'ssm-value-41', Type: 'SecureString' }));
    await new SecretsManagerClient(config).send(new CreateSecretCommand({ Name: 'app-creds', SecretString: JSON.stringify({ user: 'u-from-asm', password: 'asm-value-42' }) }));
  });

  after(async () => {
    for (const s of services) await s.close();
    await moto?.stop();
    for (const [k, v] of Object.entries(savedEnv)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    for (const v of (await docker?.listVolumes({ filters: { label: [`dev.localbatch.efs.file-system-id=${fsId}`] } }))?.Volumes ?? []) {
      await docker.getVolume(v.Name).remove().catch(() => undefined);
    }
    for (const w of workspaces) rmSync(w, { recursive: true, force: true });
  });

  async function serve(settings: LocalSettingsFile, secrets?: string): Promise<LocalService> {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'lb-jobenv-'));
    workspaces.push(workspace);
    if (secrets !== undefined) {
      mkdirSync(path.join(workspace, '.localbatch'), { recursive: true });
      writeFileSync(path.join(workspace, '.localbatch', 'secrets.yaml'), secrets);
    }
    const service = await LocalService.start({ stateDir: path.join(workspace, '.localbatch'), workspaceRoot: workspace, settings, log: (line) => logged.push(line) });
    services.push(service);
    return service;
  }

  const assumeSettings = (): LocalSettingsFile => ({
    aws: { jobRoles: 'assume', region: MOTO_REGION, endpoints: { sts: moto.url, s3: moto.url, ssm: moto.url, secretsmanager: moto.url } },
  });

  function define(service: LocalService, name: string, container: Record<string, unknown>): string {
    return service.host.engine.registerJobDefinition({
      jobDefinitionName: name,
      type: 'container',
      containerProperties: { image: probe, resourceRequirements: RESOURCES, ...container },
    }).jobDefinitionArn;
  }

  function submit(service: LocalService, def: string, extra: Record<string, unknown> = {}): string {
    return service.host.engine.submitJob({ jobName: 'j', jobQueue: 'local', jobDefinition: def, ...extra }).jobId;
  }

  async function until<T>(what: string, get: () => T | undefined, deadlineMs = 90_000): Promise<T> {
    const end = Date.now() + deadlineMs;
    for (;;) {
      const v = get();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const detail = (service: LocalService, id: string): JobDetail => service.host.engine.describeJobs([id])[0];
  const finished = (service: LocalService, id: string) =>
    until(`job ${id} to finish`, () => {
      const d = detail(service, id);
      return d.status === 'SUCCEEDED' || d.status === 'FAILED' ? d : undefined;
    });
  const output = (service: LocalService, d: JobDetail) => service.host.logs.events(d.container?.logStreamName ?? '').map((e) => e.message).join('\n');

  it('a job reads from S3 with its assumed role through the default chain; a job without a role gets no credentials', async () => {
    const service = await serve(assumeSettings());
    const reader = submit(service, define(service, 'reader', { jobRoleArn: ROLE_ARN, command: ['s3', 'inputs', 'hello.txt'] }));
    const anonymous = submit(service, define(service, 'anonymous', { command: ['creds'], environment: [{ name: 'AWS_EC2_METADATA_DISABLED', value: 'true' }] }));
    const r = await finished(service, reader);
    const out = output(service, r);
    assert.equal(r.status, 'SUCCEEDED', `${r.statusReason} ${r.container?.reason ?? ''}\n${out}`);
    assert.match(out, /^CALLER arn:aws:sts::123456789012:assumed-role\/reader\/localbatch-/m);
    assert.match(out, /^OBJECT hello from moto s3$/m);
    const a = await finished(service, anonymous);
    assert.equal(a.status, 'SUCCEEDED');
    assert.match(output(service, a), /^NO_CREDENTIALS$/m);
    assert.equal(service.host.jobEnvironment.broker.liveGrants, 0, 'every grant revoked once its attempt ended');
  });

  it("with jobRoles: profile, a job with a role gets the profile's own credentials (as a session token)", async () => {
    const service = await serve({ aws: { ...assumeSettings().aws, jobRoles: 'profile' } });
    const d = await finished(service, submit(service, define(service, 'profiled', { jobRoleArn: ROLE_ARN, command: ['s3', 'inputs', 'hello.txt'] })));
    const out = output(service, d);
    assert.equal(d.status, 'SUCCEEDED', `${d.statusReason} ${d.container?.reason ?? ''}\n${out}`);
    assert.match(out, /^OBJECT hello from moto s3$/m);
    assert.doesNotMatch(out, /assumed-role/);
  });

  it("one job's token is refused for another's credentials, and a token stops working when its attempt ends; nothing is written to disk", async () => {
    const service = await serve(assumeSettings());
    const def = define(service, 'waiter', { jobRoleArn: ROLE_ARN, command: ['wait', '60000'], linuxParameters: { initProcessEnabled: true } });
    const ids = [submit(service, def), submit(service, def)];
    const envOf = async (id: string) => {
      await until(`job ${id} to run`, () => (detail(service, id).status === 'RUNNING' ? true : undefined));
      const [c] = await docker.listContainers({ filters: { label: [`dev.localbatch.job-id=${id}`] } });
      const info = await docker.getContainer(c.Id).inspect();
      const env = Object.fromEntries(info.Config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
      return { uri: env.AWS_CONTAINER_CREDENTIALS_FULL_URI, token: env.AWS_CONTAINER_AUTHORIZATION_TOKEN };
    };
    const [a, b] = [await envOf(ids[0]), await envOf(ids[1])];
    assert.match(a.uri, /^http:\/\/169\.254\.170\.2:\d+\/v1\/credentials\/[0-9a-f]{32}$/);
    assert.notEqual(a.uri, b.uri);
    const get = (uri: string, token: string) => fetch(uri, { headers: { authorization: token } });
    assert.equal((await get(a.uri, b.token)).status, 403, "B's token must not read A's credentials");
    assert.equal((await get(a.uri, 'guess')).status, 403);
    const own = await get(a.uri, a.token);
    assert.equal(own.status, 200);
    const creds = (await own.json()) as { AccessKeyId: string; SecretAccessKey: string; Token: string; Expiration: string };
    assert.ok(Date.parse(creds.Expiration) > Date.now() + 20 * 60_000, 'expires well after now');
    // botocore's container provider accepts the same URI and answer (it allows 169.254.170.2 over http).
    // Asynchronously: the credentials server answers from this process.
    const py = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
      execFile('python3', ['-c', 'import botocore.session; c = botocore.session.get_session().get_credentials(); print("BOTOCORE", c.method, c.access_key)'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH, HOME: os.tmpdir(), AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONTAINER_CREDENTIALS_FULL_URI: a.uri, AWS_CONTAINER_AUTHORIZATION_TOKEN: a.token },
    }, (err, stdout, stderr) => resolve({ status: err ? 1 : 0, stdout, stderr })));
    if (py.status === 0) assert.equal(py.stdout.trim(), `BOTOCORE container-role ${creds.AccessKeyId}`);
    else if (process.env.CI) assert.fail(`botocore check failed: ${py.stderr}`);
    service.host.engine.terminateJob(ids[0], 'done');
    await finished(service, ids[0]);
    assert.equal((await get(a.uri, a.token)).status, 403, 'revoked when the attempt ended');
    service.host.engine.terminateJob(ids[1], 'done');
    await finished(service, ids[1]);
    await service.close();
    // Neither the state directory (state, logs, events) nor anything else under the workspace holds them.
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(workspace);
    assert.ok(files.some((f) => f.endsWith('state.json')), `state written: ${files.join(', ')}`);
    const texts: Array<[string, string]> = [...files.map((f): [string, string] => [f, readFileSync(f, 'utf8')]), ['the emulator log', logged.join('\n')]];
    for (const [where, text] of texts) {
      for (const secret of [creds.SecretAccessKey, creds.Token, a.token, b.token]) assert.ok(!text.includes(secret), `${where} holds a credential`);
    }
  });

  it('secrets come from .localbatch/secrets.yaml; a missing one fails the attempt before start with AWS reason', async () => {
    const secretsFile = ['/app/db-password: local-pw-7', 'app-creds:', '  user: local-user', '  password: local-pw-8', ''].join('\n');
    const service = await serve({}, secretsFile);
    const asm = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-creds-AbCdEf';
    const def = service.host.engine.registerJobDefinition({
      jobDefinitionName: 'secrets',
      type: 'container',
      containerProperties: {
        image: TEST_IMAGE,
        resourceRequirements: RESOURCES,
        // The expected values are split so that the command itself does not hold them.
        command: ['sh', '-c', 'test "$DB" = "local""-pw-7" && test "$USER_PW" = "local""-pw-8" && echo SECRETS_OK'],
        secrets: [
          { name: 'DB', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password' },
          { name: 'USER_PW', valueFrom: `${asm}:password::` },
        ],
      },
    }).jobDefinitionArn;
    const ok = await finished(service, submit(service, def));
    assert.equal(ok.status, 'SUCCEEDED', `${ok.statusReason} ${ok.container?.reason ?? ''}`);
    assert.match(output(service, ok), /^SECRETS_OK$/m);
    const described = JSON.stringify(ok);
    assert.ok(!described.includes('local-pw-7') && !described.includes('local-pw-8'), 'DescribeJobs shows no secret value');
    assert.match(described, /"valueFrom":"arn:aws:ssm:[^"]+parameter\/app\/db-password"/, 'container.secrets shows valueFrom, as AWS does');

    const missing = define(service, 'missing-secret', { image: TEST_IMAGE, command: ['true'], secrets: [{ name: 'X', valueFrom: '/app/absent' }] });
    const failed = await finished(service, submit(service, missing));
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.statusReason, 'Task failed to start');
    assert.match(failed.attempts?.[0]?.container?.reason ?? '', /^ResourceInitializationError: unable to pull secrets or registry auth: .*\/app\/absent/);
    assert.equal(failed.attempts?.[0]?.startedAt, undefined, 'no container started');
  });

  it('with aws.secrets: fetch, secrets come from SSM and Secrets Manager (json-key)', async () => {
    const service = await serve({ aws: { ...assumeSettings().aws, jobRoles: 'none', secrets: 'fetch' } });
    const def = define(service, 'fetched', {
      image: TEST_IMAGE,
      command: ['sh', '-c', 'test "$DB" = ssm-value-41 && test "$PW" = asm-value-42 && echo FETCHED_OK'],
      secrets: [
        { name: 'DB', valueFrom: '/app/db-password' },
        { name: 'PW', valueFrom: `arn:aws:secretsmanager:us-east-1:123456789012:secret:app-creds:password::` },
      ],
    });
    const d = await finished(service, submit(service, def));
    assert.equal(d.status, 'SUCCEEDED', `${d.statusReason} ${d.container?.reason ?? ''}\n${output(service, d)}`);
    assert.match(output(service, d), /^FETCHED_OK$/m);
    const gone = define(service, 'fetched-missing', { image: TEST_IMAGE, command: ['true'], secrets: [{ name: 'X', valueFrom: '/app/nope' }] });
    const f = await finished(service, submit(service, gone));
    assert.equal(f.statusReason, 'Task failed to start');
    assert.match(f.attempts?.[0]?.container?.reason ?? '', /unable to retrieve secrets from ssm: invalid parameters: \/app\/nope/);
  });

  it('with jobRoles: assume, secrets are fetched with the assumed executionRoleArn', async () => {
    const service = await serve({ aws: { ...assumeSettings().aws, secrets: 'fetch' } });
    const def = define(service, 'exec-role', {
      image: TEST_IMAGE,
      executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
      command: ['sh', '-c', 'test "$DB" = ssm-value-41 && echo EXEC_OK'],
      secrets: [{ name: 'DB', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password' }],
    });
    const d = await finished(service, submit(service, def));
    assert.equal(d.status, 'SUCCEEDED', `${d.statusReason} ${d.attempts?.[0]?.container?.reason ?? ''}`);
    assert.match(output(service, d), /^EXEC_OK$/m);
  });

  it('two jobs share an EFS volume: one writes, its dependent reads', async () => {
    const service = await serve({});
    const efs = (command: string) =>
      service.host.engine.registerJobDefinition({
        jobDefinitionName: `efs-${command.length}`,
        type: 'container',
        containerProperties: {
          image: TEST_IMAGE,
          resourceRequirements: RESOURCES,
          command: ['sh', '-c', command],
          volumes: [{ name: 'shared', efsVolumeConfiguration: { fileSystemId: fsId, rootDirectory: '/runs' } }],
          mountPoints: [{ sourceVolume: 'shared', containerPath: '/mnt/efs' }],
        },
      }).jobDefinitionArn;
    const writer = submit(service, efs('echo payload-$AWS_BATCH_JOB_ID > /mnt/efs/out.txt'));
    const reader = submit(service, efs('cat /mnt/efs/out.txt'), { dependsOn: [{ jobId: writer }] });
    const r = await finished(service, reader);
    assert.equal(r.status, 'SUCCEEDED', `${r.statusReason} ${r.container?.reason ?? ''}`);
    assert.match(output(service, r), new RegExp(`^payload-${writer}$`, 'm'));
    const vols = await docker.listVolumes({ filters: { label: [`dev.localbatch.efs.file-system-id=${fsId}`] } });
    assert.equal(vols.Volumes.length, 1, 'one named volume for the file system and root directory, kept after the jobs');
  });

  it('host paths outside the workspace, the Docker socket and privileged are refused until localbatch.yaml allows them', async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'lb-outside-'));
    try {
      writeFileSync(path.join(outside, 'data.txt'), 'outside-data');
      const hostDef = (service: LocalService) =>
        service.host.engine.registerJobDefinition({
          jobDefinitionName: 'host',
          type: 'container',
          containerProperties: {
            image: TEST_IMAGE,
            resourceRequirements: RESOURCES,
            command: ['cat', '/data/data.txt'],
            volumes: [{ name: 'd', host: { sourcePath: outside } }],
            mountPoints: [{ sourceVolume: 'd', containerPath: '/data', readOnly: true }],
          },
        }).jobDefinitionArn;
      const refused = await serve({});
      const f = await finished(refused, submit(refused, hostDef(refused)));
      assert.equal(f.status, 'FAILED');
      assert.equal(f.statusReason, 'Task failed to start');
      assert.match(f.attempts?.[0]?.container?.reason ?? '', new RegExp(`refused host access: .*${outside}.*allowHostAccess`));
      const sock = define(refused, 'sock', {
        image: TEST_IMAGE,
        command: ['true'],
        volumes: [{ name: 's', host: { sourcePath: '/var/run/docker.sock' } }],
        mountPoints: [{ sourceVolume: 's', containerPath: '/var/run/docker.sock' }],
      });
      assert.match((await finished(refused, submit(refused, sock))).attempts?.[0]?.container?.reason ?? '', /socket .*docker\.sock/);
      const priv = define(refused, 'priv', { image: TEST_IMAGE, command: ['true'], privileged: true });
      assert.match((await finished(refused, submit(refused, priv))).attempts?.[0]?.container?.reason ?? '', /privileged.*allowPrivileged/);

      const allowed = await serve({ allowHostAccess: [outside], allowPrivileged: true });
      const ok = await finished(allowed, submit(allowed, hostDef(allowed)));
      assert.equal(ok.status, 'SUCCEEDED', `${ok.statusReason} ${ok.attempts?.[0]?.container?.reason ?? ''} ${output(allowed, ok)}`);
      assert.match(output(allowed, ok), /^outside-data$/m);
      const p = await finished(allowed, submit(allowed, define(allowed, 'priv', { image: TEST_IMAGE, command: ['true'], privileged: true })));
      // Allowed, it reaches Docker (which may itself refuse privileged containers in a sandbox).
      assert.ok(p.status === 'SUCCEEDED' || !/refused host access/.test(p.attempts?.[0]?.container?.reason ?? ''), p.attempts?.[0]?.container?.reason);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a driver job submits a child job to the local Batch API with the credentials it was given (jobRoles: none)', async () => {
    const service = await serve({ aws: { jobRoles: 'none', region: MOTO_REGION } });
    const child = define(service, 'child', { image: TEST_IMAGE, command: ['echo', 'child ran'] });
    const driver = submit(service, define(service, 'driver', { jobRoleArn: ROLE_ARN, command: ['submit', child] }));
    const d = await finished(service, driver);
    const out = output(service, d);
    assert.equal(d.status, 'SUCCEEDED', `${d.statusReason} ${d.container?.reason ?? ''}\n${out}`);
    const childId = /^CHILD (\S+)$/m.exec(out)?.[1];
    assert.ok(childId, out);
    const c = await finished(service, childId);
    assert.equal(c.status, 'SUCCEEDED');
  });
});
