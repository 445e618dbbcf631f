import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startHarness, rawFetch, signedFetch, type ApiHarness } from '../../support/api-harness';

describe('API authentication over HTTP (integration)', () => {
  let h: ApiHarness;
  before(async () => (h = await startHarness({ DescribeJobQueues: () => ({ jobQueues: [] }) })));
  after(async () => h.close());

  const describeQueues = (creds = h.credentials, date?: Date) =>
    signedFetch(h.server.url, creds, { method: 'POST', path: '/v1/describejobqueues', body: '{}', headers: { 'content-type': 'application/json' }, date });

  function assertRefused(res: { status: number; headers: Headers; body: string }, type: string): void {
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), type);
    assert.equal(JSON.parse(res.body).__type, type);
  }

  it('accepts a signed request', async () => {
    assert.equal((await describeQueues()).status, 200);
  });

  it('refuses unsigned, wrong-secret, unknown-key and expired requests with 403', async () => {
    assertRefused(await rawFetch(`${h.server.url}/v1/describejobqueues`, { method: 'POST', body: '{}' }), 'MissingAuthenticationTokenException');
    assertRefused(await describeQueues({ ...h.credentials, secretAccessKey: 'not-the-secret' }), 'InvalidSignatureException');
    assertRefused(await describeQueues({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: h.credentials.secretAccessKey }), 'UnrecognizedClientException');
    assertRefused(await describeQueues(h.credentials, new Date(Date.now() - 20 * 60_000)), 'InvalidSignatureException');
    assertRefused(await rawFetch(`${h.server.url}/localbatch/v1/health`, {}), 'MissingAuthenticationTokenException');
    assertRefused(await rawFetch(`${h.server.url}/`, { method: 'POST', headers: { 'x-amz-target': 'Logs_20140328.GetLogEvents' }, body: '{}' }), 'MissingAuthenticationTokenException');
    assert.equal(h.calls.length, 1);
  });

  it('never writes the secret or a signature to the log', async () => {
    await describeQueues({ ...h.credentials, secretAccessKey: 'not-the-secret' });
    const joined = h.logLines.join('\n');
    assert.ok(!joined.includes(h.credentials.secretAccessKey));
    assert.doesNotMatch(joined, /Signature=|[0-9a-f]{64}/);
    assert.ok(h.logLines.some((l) => l.includes('refused (InvalidSignatureException)')));
  });
});

describe('Live events over SSE (integration)', () => {
  let h: ApiHarness;
  before(async () => (h = await startHarness({}, { heartbeatMs: 50 })));
  after(async () => h.close());

  it('streams a pushed event unchanged, sends heartbeats, and unsubscribes on disconnect', async () => {
    const { Sha256 } = await import('@aws-crypto/sha256-js');
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const url = new URL(h.server.url);
    const signer = new SignatureV4({ credentials: h.credentials, region: 'us-east-1', service: 'localbatch', sha256: Sha256 });
    const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/localbatch/v1/events', headers: { host: url.host } });

    const text = await new Promise<string>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('no event within 5 s')), 5000);
      const req = request({ host: url.hostname, port: url.port, path: '/localbatch/v1/events', headers: signed.headers }, (res) => {
        assert.equal(res.statusCode, 200);
        assert.match(String(res.headers['content-type']), /^text\/event-stream/);
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          if (buf.includes(': localbatch events') && h.events.subscriberCount === 1 && !buf.includes('data:')) {
            h.events.emit({
              version: '0',
              id: 'e-1',
              'detail-type': 'Batch Job State Change',
              source: 'aws.batch',
              account: '123456789012',
              time: '2026-01-01T00:00:00Z',
              region: 'us-east-1',
              resources: ['arn:aws:batch:us-east-1:123456789012:job/j-1'],
              detail: { jobId: 'j-1', status: 'RUNNING' },
            });
          }
          if (buf.includes('data:') && buf.includes(': heartbeat')) {
            clearTimeout(deadline);
            req.destroy();
            resolve(buf);
          }
        });
      });
      req.on('error', (err) => (err.message.includes('aborted') ? undefined : reject(err)));
      req.end();
    });
    const data = text.split('\n').find((l) => l.startsWith('data: '))!;
    const event = JSON.parse(data.slice('data: '.length));
    assert.equal(event['detail-type'], 'Batch Job State Change');
    assert.equal(event.source, 'aws.batch');
    assert.equal(event.account, '123456789012');
    assert.equal(event.region, 'us-east-1');
    assert.equal(event.time, '2026-01-01T00:00:00Z');
    assert.deepEqual(event.resources, ['arn:aws:batch:us-east-1:123456789012:job/j-1']);
    assert.deepEqual(event.detail, { jobId: 'j-1', status: 'RUNNING' });

    for (let i = 0; i < 100 && h.events.subscriberCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.events.subscriberCount, 0);
  });
});
