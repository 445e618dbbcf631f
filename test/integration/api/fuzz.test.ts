import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { signedFetch, startHarness, type ApiHarness } from '../../support/api-harness';

const DEADLINE_MS = 5000;

interface Probe {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  signed: boolean;
}

/** Sends the request exactly as given (raw path), resolving with the status or rejecting at the deadline. */
function send(baseUrl: string, p: Probe, headers: Record<string, string>): Promise<number> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    // Frame the body explicitly: node sends a GET/HEAD/DELETE body unframed otherwise, which is a
    // broken request on the client's side rather than a server fault.
    const framed = { ...headers, 'content-length': String(Buffer.byteLength(p.body)) };
    const req = request({ host: url.hostname, port: url.port, method: p.method, path: p.path, headers: framed, timeout: DEADLINE_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => {
      req.destroy();
      reject(new Error(`no answer within ${DEADLINE_MS} ms to ${p.method} ${p.path}`));
    });
    // Every probe's body is small, so the server has no reason to drop a connection: a reset or a
    // hang-up without an answer (ECONNRESET, EPIPE, "socket hang up") fails the property.
    req.on('error', (err: NodeJS.ErrnoException) => reject(new Error(`${p.method} ${p.path}: no answer, the connection failed (${err.code ?? err.message})`)));
    req.end(p.body);
  });
}

async function signHeaders(baseUrl: string, creds: { accessKeyId: string; secretAccessKey: string }, p: Probe): Promise<Record<string, string>> {
  const url = new URL(baseUrl);
  const q = p.path.indexOf('?');
  const query: Record<string, string> = {};
  if (q >= 0) for (const [k, v] of new URLSearchParams(p.path.slice(q + 1))) query[k] = v;
  const service = p.path === '/' && p.headers['x-amz-target'] ? 'logs' : p.path.startsWith('/localbatch/') ? 'localbatch' : 'batch';
  const signer = new SignatureV4({ credentials: creds, region: 'us-east-1', service, sha256: Sha256 });
  const signed = await signer.sign({
    method: p.method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: q >= 0 ? p.path.slice(0, q) : p.path,
    query,
    headers: { ...p.headers, host: url.host },
    body: p.body,
  });
  return signed.headers as Record<string, string>;
}

const pathChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789/%?&=._-~:+*{}[]'.split(''));
const printable = fc.stringMatching(/^[!-~][ -~]{0,30}$/);
const randomProbe: fc.Arbitrary<Probe> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  path: fc.oneof(
    fc.constantFrom('/', '/v1/submitjob', '/v1/describejobs', '/v1/listjobs', '/v1/tags/arn%3Aaws%3Abatch', '/v1/tags/%ZZ', '/v1/tags/', '/localbatch/v1/health', '/localbatch/v1/nope', '/v1/', '//v1//submitjob'),
    fc.array(pathChar, { maxLength: 40 }).map((cs) => `/${cs.join('')}`),
    fc.tuple(fc.constantFrom('/v1/', '/v1/tags/', '/localbatch/v1/'), fc.array(pathChar, { maxLength: 20 })).map(([a, cs]) => a + cs.join('')),
  ),
  headers: fc.record(
    {
      'x-amz-target': fc.oneof(fc.constantFrom('Logs_20140328.GetLogEvents', 'Logs_20140328.FilterLogEvents', 'Logs_20140328.DescribeLogStreams', 'Logs_20140328.Nope', 'Other.Op'), printable),
      'content-type': fc.constantFrom('application/json', 'application/x-amz-json-1.1', 'text/plain'),
      authorization: printable,
      'x-amz-date': fc.oneof(printable, fc.constant('20200101T000000Z')),
    },
    { requiredKeys: [] },
  ),
  body: fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.json({ maxDepth: 3 }),
    fc.constantFrom('{"logGroupName":"/aws/batch/job","logStreamName":"s","limit":0}', '{"logGroupName":"/aws/batch/job","nextToken":"f/99"}', '{"jobName":', 'null', '[]'),
    fc.record({ logGroupName: fc.constantFrom('/aws/batch/job', 'x'), logStreamName: fc.string({ maxLength: 5 }), limit: fc.integer(), nextToken: fc.string({ maxLength: 8 }), startFromHead: fc.boolean(), filterPattern: fc.string({ maxLength: 10 }) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  ),
  signed: fc.boolean(),
});

/** Signed requests to real operations with random inputs, so the parsers behind authentication are hit. */
const logsInput = fc.record(
  { logGroupName: fc.constantFrom('/aws/batch/job', 'x'), logStreamName: fc.constantFrom('s', 'nope'), logStreamNames: fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }), limit: fc.integer({ min: -2, max: 20000 }), nextToken: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('f/00000000000000000001', 'b/00000000000000000000')), startFromHead: fc.boolean(), filterPattern: fc.string({ maxLength: 10 }), startTime: fc.integer(), descending: fc.boolean(), orderBy: fc.constantFrom('LogStreamName', 'LastEventTime', 'x') },
  { requiredKeys: [] },
);
const wellFormedProbe: fc.Arbitrary<Probe> = fc.oneof(
  fc.record({
    method: fc.constant('POST'),
    path: fc.constantFrom('/v1/submitjob', '/v1/describejobs', '/v1/listjobs'),
    headers: fc.constant({ 'content-type': 'application/json' }),
    body: fc.oneof(fc.constant(''), fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }).map((o) => JSON.stringify(o))),
    signed: fc.constant(true),
  }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/'),
    headers: fc.constantFrom('GetLogEvents', 'FilterLogEvents', 'DescribeLogStreams', 'DescribeLogGroups', 'PutLogEvents').map((op) => ({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${op}` })),
    body: logsInput.map((o) => JSON.stringify(o)),
    signed: fc.constant(true),
  }),
);
const probe = fc.oneof(randomProbe, wellFormedProbe);

describe('API fuzz: random requests never crash, 500 or hang the server (integration)', () => {
  let h: ApiHarness;
  before(async () => {
    h = await startHarness({ DescribeJobs: (input) => ({ jobs: [], input }), SubmitJob: () => ({ jobId: 'j', jobName: 'n', jobArn: 'a' }) });
    h.logStore.append('s', [{ timestamp: 1, message: 'x' }]);
  });
  after(async () => h.close());

  it('answers every random request, signed or not, with a non-500 status before the deadline', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(probe, async (p) => {
        const headers = p.signed ? await signHeaders(h.server.url, h.credentials, p) : { ...p.headers };
        if (p.signed) delete headers.host;
        const status = await send(h.server.url, p, headers);
        assert.ok(status >= 200 && status < 500, `${p.method} ${p.path} answered ${status}`);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }),
      { numRuns: 250 },
    );
    // Signed probes must get past authentication, so the parsers behind it are fuzzed too.
    assert.ok([200, 400, 404].every((s) => (statuses.get(s) ?? 0) > 0), JSON.stringify([...statuses]));
    const health = await signedFetch(h.server.url, h.credentials, { method: 'GET', path: '/localbatch/v1/health', service: 'localbatch' });
    assert.equal(health.status, 200);
    assert.ok(!h.logLines.some((l) => l.includes('internal error')), h.logLines.join('\n'));
  });

  it('keeps serving while a slow client holds a half-sent request', async () => {
    const url = new URL(h.server.url);
    const slow = connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    slow.write('POST /v1/submitjob HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"jobName"');
    try {
      const started = Date.now();
      const res = await signedFetch(h.server.url, h.credentials, { method: 'GET', path: '/localbatch/v1/health', service: 'localbatch' });
      assert.equal(res.status, 200);
      assert.ok(Date.now() - started < DEADLINE_MS);
    } finally {
      slow.destroy();
    }
  });
});
