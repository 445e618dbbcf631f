import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startHarness, type ApiHarness } from '../../support/api-harness';

/** Writes `data` on a raw connection and collects everything until the server closes it (or the deadline). */
function rawExchange(port: number, data: string, deadlineMs: number): Promise<{ text: string; closedBy: 'server' | 'deadline' }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedBy: 'deadline' });
    }, deadlineMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedBy: 'server' });
    });
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
    socket.write(data);
  });
}

describe('API against slow and broken HTTP clients (integration)', () => {
  let h: ApiHarness;
  before(async () => (h = await startHarness({}, { timeouts: { headersMs: 400, requestMs: 800, idleMs: 1500 } })));
  after(async () => h.close());

  it('answers an unparseable request with an AWS-shaped 400 and a request id', async () => {
    const { text, closedBy } = await rawExchange(h.server.port, 'NONSENSE\r\n\r\n', 3000);
    assert.equal(closedBy, 'server');
    assert.match(text, /^HTTP\/1\.1 400/);
    assert.match(text, /x-amzn-requestid: [0-9a-f-]{36}/i);
    assert.match(text, /"__type":"ClientException"/);
  });

  it('cuts off a client that never finishes its headers', async () => {
    const { text, closedBy } = await rawExchange(h.server.port, 'POST /v1/submitjob HTTP/1.1\r\nHost: x\r\n', 4000);
    assert.equal(closedBy, 'server');
    assert.match(text, /^HTTP\/1\.1 408/);
  });

  it('cuts off a client that never finishes its body', async () => {
    const { text, closedBy } = await rawExchange(h.server.port, 'POST /v1/submitjob HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a"', 4000);
    assert.equal(closedBy, 'server');
    assert.match(text, /^HTTP\/1\.1 408/);
  });
});

describe('API against slow clients beside a streaming service (integration)', () => {
  let h: ApiHarness;
  // A service that streams (as S3 does) turns node's whole-request timeout off; every other request keeps it.
  const streaming = { name: 'stream', signingNames: ['stream'], handleStream: async () => undefined };
  before(async () => (h = await startHarness({}, { timeouts: { headersMs: 400, requestMs: 800, idleMs: 5000 }, services: [streaming] })));
  after(async () => h.close());

  it('still cuts off a Batch client that never finishes its body, with a 408 before the idle timeout', async () => {
    const { text, closedBy } = await rawExchange(h.server.port, 'POST /v1/submitjob HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a"', 4000);
    assert.equal(closedBy, 'server');
    assert.match(text, /^HTTP\/1\.1 408/);
  });
});
