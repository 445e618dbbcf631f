import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { SseParser, subscribeEvents, toJobStateChange, type JobStateChangeEvent } from '../../../src/client/events';
import type { EmulatorEndpoint } from '../../../src/client/endpoint';
import { checkHealth } from '../../../src/client/signed-http';

const change = (jobId: string, status: string) => JSON.stringify({ 'detail-type': 'Batch Job State Change', source: 'aws.batch', detail: { jobId, status } });

describe('event stream client (unit)', () => {
  it('parses server-sent events split across chunks, with comments and CRLF', () => {
    const p = new SseParser();
    assert.deepEqual(p.feed(': ping\r\nevent: job\r\nda'), []);
    assert.deepEqual(p.feed('ta: {"a":\r\ndata: 1}\r'), []);
    assert.deepEqual(p.feed('\n\r\nid: 7\ndata: x\n\n'), [{ event: 'job', data: '{"a":\n1}', id: undefined }, { event: 'message', data: 'x', id: '7' }]);
  });

  it('keeps only job state changes', () => {
    assert.equal(toJobStateChange({ event: 'message', data: change('j1', 'RUNNING') })?.detail.status, 'RUNNING');
    assert.equal(toJobStateChange({ event: 'message', data: '{"hello":1}' }), undefined);
    assert.equal(toJobStateChange({ event: 'message', data: 'not json' }), undefined);
  });

  it('sends SigV4-signed requests the server can verify, and delivers events', async () => {
    const credentials = { accessKeyId: 'AKID', secretAccessKey: 'SECRET' };
    const verified: string[] = [];
    const server = http.createServer(async (req, res) => {
      const url = new URL(req.url!, 'http://h');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const auth = headers.authorization ?? '';
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)?.[1].split(';') ?? [];
      const unsigned = Object.fromEntries(signedHeaders.filter((h) => h !== 'authorization').map((h) => [h, headers[h]]));
      const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'batch', sha256: Sha256 });
      const amzDate = headers['x-amz-date'];
      const date = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
      delete unsigned['x-amz-date'];
      delete unsigned['x-amz-content-sha256'];
      const again = await signer.sign({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', path: url.pathname, query: {}, headers: unsigned }, { signingDate: date });
      if (again.headers.authorization !== auth) {
        res.writeHead(403).end();
        return;
      }
      verified.push(url.pathname);
      if (url.pathname === '/localbatch/v1/health') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${change('j1', 'RUNNING')}\n\n`);
      res.end(`data: ${change('j1', 'SUCCEEDED')}\n\n`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const endpoint: EmulatorEndpoint = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials };
      assert.deepEqual(await checkHealth(endpoint), { ok: true, status: 200, body: { status: 'ok' } });
      const events: JobStateChangeEvent[] = [];
      await new Promise<void>((resolve, reject) => {
        subscribeEvents(endpoint, { onEvent: (e) => events.push(e), onClose: (err) => (err ? reject(err) : resolve()) });
      });
      assert.deepEqual(events.map((e) => e.detail.status), ['RUNNING', 'SUCCEEDED']);
      assert.deepEqual(verified, ['/localbatch/v1/health', '/localbatch/v1/events']);
      const wrong = { ...endpoint, credentials: { accessKeyId: 'AKID', secretAccessKey: 'WRONG' } };
      assert.equal((await checkHealth(wrong)).status, 403);
    } finally {
      server.close();
    }
  });
});
