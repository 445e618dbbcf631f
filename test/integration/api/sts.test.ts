/**
 * STS GetCallerIdentity on a real `localbatch serve` (scripted runtime): the AWS CLI and the SDK get
 * the emulator's account and its `localbatch` user; any other STS action is refused in STS's own
 * error shape, saying how to send it to AWS. (A job's own identity, its role assumed: s3-job.test.ts.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { signedFetch } from '../../support/api-harness';
import { startServe, type ServeChild } from '../../support/serve-process';

describe('STS GetCallerIdentity on the emulator endpoint (integration)', function () {
  this.timeout(120_000);
  let dir: string;
  let serve: (ServeChild & { endpoint: EmulatorEndpoint }) | undefined;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'localbatch-sts-'));
    serve = await startServe(['--runtime', 'scripted', '--port', '0'], dir, path.join(dir, 'state'));
  });
  after(async () => {
    if (serve) {
      serve.child.kill('SIGTERM');
      await serve.exit;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => {
    const e = serve!.endpoint;
    const env = { ...process.env, AWS_ACCESS_KEY_ID: e.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: e.credentials.secretAccessKey, AWS_DEFAULT_REGION: e.region, AWS_PAGER: '' };
    return spawnSync('aws', ['--endpoint-url', e.url, '--output', 'json', 'sts', ...args], { env, encoding: 'utf8', timeout: 60_000 });
  };

  it('the AWS CLI and the SDK get the account, the localbatch user and a stable user id', async () => {
    const r = cli('get-caller-identity');
    assert.equal(r.status, 0, r.stderr);
    const who = JSON.parse(r.stdout) as { Account: string; Arn: string; UserId: string };
    assert.equal(who.Account, '000000000000');
    assert.equal(who.Arn, 'arn:aws:iam::000000000000:user/localbatch');
    assert.match(who.UserId, /^AIDA[A-Z2-7]{17}$/);
    const account = cli('get-caller-identity', '--query', 'Account', '--output', 'text');
    assert.equal(account.stdout.trim(), '000000000000');
    const e = serve!.endpoint;
    const sts = new STSClient({ endpoint: e.url, region: e.region, credentials: e.credentials, maxAttempts: 1 });
    try {
      const sdk = await sts.send(new GetCallerIdentityCommand({}));
      assert.deepEqual({ Account: sdk.Account, Arn: sdk.Arn, UserId: sdk.UserId }, who);
    } finally {
      sts.destroy();
    }
  });

  it('refuses other actions, a request without one, and a bad signature, as STS does', async () => {
    const r = cli('assume-role', '--role-arn', 'arn:aws:iam::000000000000:role/x', '--role-session-name', 'ss');
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stderr, /\(InvalidAction\) when calling the AssumeRole operation: localbatch's STS serves GetCallerIdentity only, not AssumeRole\. .*AWS_ENDPOINT_URL_STS=/);
    const e = serve!.endpoint;
    const none = await signedFetch(e.url, e.credentials, { method: 'POST', path: '/', body: 'Version=2011-06-15', service: 'sts', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(none.status, 400);
    assert.match(none.body, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>[^<]*not a request without an Action/);
    const forged = await signedFetch(e.url, { accessKeyId: e.credentials.accessKeyId, secretAccessKey: 'wrong' }, { method: 'POST', path: '/', body: 'Action=GetCallerIdentity&Version=2011-06-15', service: 'sts', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(forged.status, 403);
    assert.doesNotMatch(forged.body, /user\/localbatch/);
    assert.match(forged.body, /<Code>SignatureDoesNotMatch<\/Code>/);
    // An access key the emulator does not know: STS's code for it, as the AWS CLI shows it.
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: e.region, AWS_PAGER: '' };
    const stranger = spawnSync('aws', ['--endpoint-url', e.url, 'sts', 'get-caller-identity'], { env, encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(stranger.status, 0);
    assert.match(stranger.stderr, /\(InvalidClientTokenId\) when calling the GetCallerIdentity operation: The security token included in the request is invalid/);
  });

  it('refuses an unsigned query request in the shape of the service its Version names (STS, SNS), and anything else as S3 does', async () => {
    const unsigned = async (method: string, pathAndQuery: string, body?: string) => {
      const r = await fetch(`${serve!.endpoint.url}${pathAndQuery}`, { method, ...(body !== undefined ? { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}) });
      return { status: r.status, body: await r.text() };
    };
    const sts = await unsigned('POST', '/', 'Action=GetCallerIdentity&Version=2011-06-15');
    assert.equal(sts.status, 403);
    assert.match(sts.body, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code>/);
    assert.match((await unsigned('GET', '/?Action=GetCallerIdentity&Version=2011-06-15')).body, /sts\.amazonaws\.com.*<Code>MissingAuthenticationToken<\/Code>/);
    const sns = await unsigned('POST', '/', 'Action=ListTopics&Version=2010-03-31');
    assert.equal(sns.status, 403);
    assert.match(sns.body, /^<ErrorResponse xmlns="http:\/\/sns\.amazonaws\.com\/doc\/2010-03-31\/">.*<Code>MissingAuthenticationToken<\/Code>/);
    // No API version named: an anonymous request to the S3 endpoint, refused as S3 refuses it.
    for (const r of [await unsigned('POST', '/', 'Action=ListTopics'), await unsigned('GET', '/bucket/key')]) {
      assert.equal(r.status, 403);
      assert.match(r.body, /<Error><Code>AccessDenied<\/Code>/);
    }
  });
});
