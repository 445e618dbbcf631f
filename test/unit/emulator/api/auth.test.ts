import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { verifySigV4, type SignedRequest } from '../../../../src/emulator/edge/auth';
import { credentialsPath, loadOrCreateCredentials, parseCredentialsFile, type ApiCredentials } from '../../../../src/emulator/edge/credentials';
import { AuthError } from '../../../../src/emulator/edge/errors';

const CREDS: ApiCredentials = { accessKeyId: 'LBLKAAAAAAAAAAAAAAAA', secretAccessKey: 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0' };
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

async function signed(
  opts: { creds?: ApiCredentials; date?: number; service?: string; body?: string; path?: string; query?: Record<string, string> } = {},
): Promise<SignedRequest> {
  const signer = new SignatureV4({ credentials: opts.creds ?? CREDS, region: 'eu-west-1', service: opts.service ?? 'batch', sha256: Sha256 });
  const body = opts.body ?? '{"jobQueues":["local"]}';
  const path = opts.path ?? '/v1/describejobqueues';
  const req = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', path, query: opts.query ?? {}, headers: { host: '127.0.0.1:4000', 'content-type': 'application/json' }, body },
    { signingDate: new Date(opts.date ?? NOW) },
  );
  const rawQuery = new URLSearchParams(opts.query ?? {}).toString().replace(/\+/g, '%20');
  return { method: 'POST', rawPath: path, rawQuery, headers: req.headers as SignedRequest['headers'], body: Buffer.from(body) };
}

async function refusal(req: SignedRequest, now = NOW, services = ['batch']): Promise<string> {
  try {
    await verifySigV4(req, CREDS, services, now);
  } catch (err) {
    assert.ok(err instanceof AuthError);
    assert.equal(err.status, 403);
    return err.type;
  }
  assert.fail('request was accepted');
}

describe('SigV4 verification (unit)', () => {
  it('accepts a request signed with the key, any region, and reports the caller', async () => {
    const caller = await verifySigV4(await signed(), CREDS, ['batch'], NOW);
    assert.deepEqual(caller, { accessKeyId: CREDS.accessKeyId, region: 'eu-west-1', service: 'batch' });
  });

  it('accepts encoded paths and query strings as clients sign them', async () => {
    const req = await signed({ path: `/v1/tags/${encodeURIComponent('arn:aws:batch:x:1:job/a b')}`, query: { tagKeys: 'k 1' }, body: '' });
    await verifySigV4(req, CREDS, ['batch'], NOW);
  });

  it('refuses missing, incomplete, unknown-key, wrong-secret, tampered, wrong-service and stale requests', async () => {
    const ok = await signed();
    assert.equal(await refusal({ ...ok, headers: { ...ok.headers, authorization: undefined } }), 'MissingAuthenticationTokenException');
    assert.equal(await refusal({ ...ok, headers: { ...ok.headers, authorization: 'AWS4-HMAC-SHA256 Credential=x' } }), 'IncompleteSignatureException');
    assert.equal(await refusal(await signed({ creds: { ...CREDS, accessKeyId: 'AKIAOTHER' } })), 'UnrecognizedClientException');
    assert.equal(await refusal(await signed({ creds: { ...CREDS, secretAccessKey: 'wrong' } })), 'InvalidSignatureException');
    assert.equal(await refusal({ ...ok, body: Buffer.from('{"jobQueues":["other"]}') }), 'InvalidSignatureException');
    assert.equal(await refusal(await signed({ service: 's3' })), 'InvalidSignatureException');
    assert.equal(await refusal(await signed({ date: NOW - 20 * 60_000 })), 'InvalidSignatureException');
    assert.equal(await refusal(await signed({ date: NOW + 20 * 60_000 })), 'InvalidSignatureException');
    await verifySigV4(await signed({ date: NOW - 14 * 60_000 }), CREDS, ['batch'], NOW);
  });

  it('accepts a presigned GET and refuses it once expired', async () => {
    const signer = new SignatureV4({ credentials: CREDS, region: 'us-east-1', service: 'localbatch', sha256: Sha256 });
    const pre = await signer.presign(
      { method: 'GET', protocol: 'http:', hostname: '127.0.0.1', path: '/localbatch/v1/events', query: {}, headers: { host: '127.0.0.1:4000' } },
      { signingDate: new Date(NOW), expiresIn: 60 },
    );
    const rawQuery = new URLSearchParams(pre.query as Record<string, string>).toString();
    const req: SignedRequest = { method: 'GET', rawPath: '/localbatch/v1/events', rawQuery, headers: { host: '127.0.0.1:4000' }, body: Buffer.alloc(0) };
    await verifySigV4(req, CREDS, ['localbatch'], NOW + 30_000);
    assert.equal(await refusal(req, NOW + 61_000, ['localbatch']), 'InvalidSignatureException');
  });

  it('never puts the secret or the signature into an error message', async () => {
    const req = await signed({ creds: { ...CREDS, secretAccessKey: 'wrong' } });
    const sig = /Signature=(\w+)/.exec(String(req.headers.authorization))![1];
    try {
      await verifySigV4(req, CREDS, ['batch'], NOW);
    } catch (err) {
      assert.doesNotMatch(String((err as Error).message), new RegExp(`${sig}|${CREDS.secretAccessKey}`));
    }
  });
});

describe('API credentials file (unit)', () => {
  let dir: string;
  beforeEach(() => (dir = join(mkdtempSync(join(tmpdir(), 'lb-creds-')), 'state')));
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('creates a 0600 shared-credentials file in a 0700 dir and reuses it', () => {
    const first = loadOrCreateCredentials(dir, 'eu-central-1');
    assert.match(first.accessKeyId, /^LBLK[A-Z2-7]{16}$/);
    assert.equal(first.secretAccessKey.length, 40);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const file = credentialsPath(dir);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^\[localbatch\]$/m);
    assert.match(text, /^region = eu-central-1$/m);
    assert.deepEqual(parseCredentialsFile(text), first);
    assert.deepEqual(loadOrCreateCredentials(dir), first);
  });

  it('reads only the localbatch profile', () => {
    const text = '[default]\naws_access_key_id = A\naws_secret_access_key = B\n[localbatch]\naws_access_key_id=C\n';
    assert.equal(parseCredentialsFile(text), undefined);
  });
});
