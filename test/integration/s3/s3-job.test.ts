/**
 * Jobs reach the local S3 with no settings, on real Docker: a job with a role runs the real AWS SDK
 * for JavaScript (default chain, default checksums) against AWS_ENDPOINT_URL_S3, reading one
 * declared bucket's folder and writing to another's; a busybox job downloads with wget through a
 * presigned URL on the jobs' gateway; a job's STS GetCallerIdentity names its role.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { LocalService } from '../../../src/emulator/service';
import { ensureProbeImage } from '../../support/aws-probe-image';
import { dockerForTests, TEST_IMAGE } from '../../support/docker';
import { runProcess } from '../../support/s3-harness';
import { runJobToEnd } from '../../support/service-job';

describe('S3 from inside a job container (integration)', function () {
  this.timeout(240_000);
  let docker: Docker;
  let probe: string;
  let workspace: string;
  let service: LocalService;

  before(async function () {
    docker = await dockerForTests(this);
    probe = await ensureProbeImage(docker);
    workspace = mkdtempSync(path.join(os.tmpdir(), 'lb-s3job-'));
    mkdirSync(path.join(workspace, 'data', 'raw'), { recursive: true });
    writeFileSync(path.join(workspace, 'data', 'raw', 'input.txt'), 'dropped into the folder');
    service = await LocalService.start({
      stateDir: path.join(workspace, '.localbatch'),
      workspaceRoot: workspace,
      settings: { buckets: { raw: './data/raw', results: './data/results' } },
      log: () => undefined,
    });
  });

  after(async () => {
    await service?.close({ terminateAll: true, graceMs: 5000 });
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  const run = (container: Record<string, unknown>) => runJobToEnd(service, container);

  it('a job with the SDK reads a declared bucket and writes to another, with no S3 settings', async () => {
    const { d, out } = await run({ image: probe, jobRoleArn: 'arn:aws:iam::123456789012:role/worker', command: ['s3copy', 'raw', 'input.txt', 'results/out/result.txt'] });
    assert.equal(d.status, 'SUCCEEDED', out);
    assert.match(out, /COPIED 23/);
    assert.equal(readFileSync(path.join(workspace, 'data', 'results', 'out', 'result.txt'), 'utf8'), 'DROPPED INTO THE FOLDER');
  });

  it("a job's STS GetCallerIdentity answers its role assumed, in its attempt's session (the SDK's default chain and AWS_ENDPOINT_URL)", async () => {
    const { d, out } = await run({ image: probe, jobRoleArn: 'arn:aws:iam::123456789012:role/team/worker', command: ['s3', 'raw', 'input.txt'] });
    assert.equal(d.status, 'SUCCEEDED', out);
    assert.match(out, new RegExp(`^CALLER arn:aws:sts::123456789012:assumed-role/worker/localbatch-${d.jobId}-1$`, 'm'));
    assert.match(out, /^OBJECT dropped into the folder$/m);
  });

  it('busybox wget downloads through a presigned URL on the jobs gateway (busybox wget cannot PUT)', async () => {
    const url = service.containerServer!.url;
    const env = { ...process.env, AWS_ACCESS_KEY_ID: service.endpoint.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: service.endpoint.credentials.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1' };
    const presign = async (method: string, bucket: string, key: string) => {
      const script = `
import boto3, sys
from botocore.config import Config
s3 = boto3.client('s3', endpoint_url=sys.argv[1], config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}))
print(s3.generate_presigned_url(sys.argv[2], Params={'Bucket': sys.argv[3], 'Key': sys.argv[4]}, ExpiresIn=600))
`;
      const r = await runProcess('python3', ['-c', script, url, method, bucket, key], env);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    const get = await presign('get_object', 'raw', 'input.txt');
    const { d, out } = await run({ image: TEST_IMAGE, command: ['sh', '-c', `wget -q -O - "${get}"`] });
    assert.equal(d.status, 'SUCCEEDED', out);
    assert.match(out, /dropped into the folder/);
  });
});
