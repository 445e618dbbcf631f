/**
 * Wrong JSON types deep inside a Batch request, sent raw (the SDKs check types before sending;
 * other clients do not), on a real `localbatch serve`: a 400 ClientException naming the member,
 * never a 500, and nothing malformed is stored, so the AWS CLI's listings keep working, also after
 * a restart (a user walk found a stored definition with `image: 5` breaking them for everyone).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { signedFetch } from '../../support/api-harness';
import { killServe, startServe, type ServeChild } from '../../support/serve-process';

describe('Batch requests with wrong nested types on a real serve (integration)', function () {
  this.timeout(120_000);
  let dir: string;
  let serve: (ServeChild & { endpoint: EmulatorEndpoint }) | undefined;
  const start = async () => (serve = await startServe(['--runtime', 'scripted', '--port', '0'], dir, path.join(dir, 'state')));

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-nested-'));
    await start();
  });
  after(async () => {
    if (serve) await killServe(serve);
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (op: string, body: unknown) => signedFetch(serve!.endpoint.url, serve!.endpoint.credentials, { method: 'POST', path: `/v1/${op}`, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const cli = (...args: string[]) => {
    const e = serve!.endpoint;
    const env = { ...process.env, AWS_ACCESS_KEY_ID: e.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: e.credentials.secretAccessKey, AWS_DEFAULT_REGION: e.region, AWS_PAGER: '' };
    return spawnSync('aws', ['--endpoint-url', e.url, '--output', 'json', 'batch', ...args], { env, encoding: 'utf8', timeout: 60_000 });
  };

  it('refuses them with a 400 naming the member; the listings keep working, also after a restart', async () => {
    const bad = await post('registerjobdefinition', { jobDefinitionName: 'x', type: 'container', containerProperties: { image: 5, command: 5, resourceRequirements: 'x' } });
    assert.equal(bad.status, 400, bad.body);
    assert.match(bad.body, /"__type":"ClientException".*containerProperties\.image must be a string, not number 5/);
    for (const [op, body, member] of [
      ['submitjob', { jobName: 'j', jobQueue: 'q', jobDefinition: 'd', containerOverrides: { command: 'echo' } }, 'containerOverrides.command'],
      ['submitjob', { jobName: 'j', jobQueue: 'q', jobDefinition: 'd', retryStrategy: { evaluateOnExit: [null] } }, 'retryStrategy.evaluateOnExit\\[0\\]'],
      ['registerjobdefinition', { jobDefinitionName: 'y', type: 'container', retryStrategy: { evaluateOnExit: 5 } }, 'retryStrategy.evaluateOnExit'],
    ] as const) {
      const r = await post(op, body);
      assert.equal(r.status, 400, `${op}: ${r.body}`);
      assert.match(r.body, new RegExp(`ClientException.*${member} must be`), r.body);
    }
    const listed = cli('describe-job-definitions');
    assert.equal(listed.status, 0, listed.stderr);
    assert.deepEqual((JSON.parse(listed.stdout) as { jobDefinitions: unknown[] }).jobDefinitions, []);
    await killServe(serve!);
    await start();
    assert.equal(cli('describe-job-definitions').status, 0);
  });
});
