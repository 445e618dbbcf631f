import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { StreamAuth } from '../../../../src/emulator/edge/stream-auth';
import { OffThreadHashes, uploadsHashing } from '../../../../src/emulator/s3/hashes-off-thread';
import { ingest } from '../../../../src/emulator/s3/ingest';

// A body of unknown length (chunked transfer encoding) is hashed on the worker thread, which each
// upload holds until it is digested or dropped: an upload that ends any way at all must let go, or
// the process can never exit.
const auth = { payloadHash: 'UNSIGNED-PAYLOAD' } as StreamAuth;

function request(): PassThrough & IncomingMessage {
  const req = new PassThrough() as PassThrough & IncomingMessage;
  req.headers = { 'transfer-encoding': 'chunked' };
  return req;
}

describe('ingest (S3 request bodies, unit)', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'lb-ingest-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes a body of unknown length, hashed off the event loop, and lets the worker go', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const req = request();
    const done = ingest(req, auth, join(dir, 'tmp'), 1 << 30);
    req.end(body);
    const got = await done;
    assert.equal(got.size, body.length);
    assert.equal(got.md5Hex, createHash('md5').update(body).digest('hex'));
    assert.deepEqual(await readFile(join(dir, 'tmp')), body);
    assert.equal(uploadsHashing(), 0);
  });

  it('lets the worker go when the file cannot be opened', async () => {
    const req = request();
    await assert.rejects(ingest(req, auth, join(dir, 'no-such-folder', 'tmp'), 1 << 30), { code: 'ENOENT' });
    assert.equal(uploadsHashing(), 0);
  });

  it('lets the worker go when the client goes away mid-body', async () => {
    const req = request();
    const done = ingest(req, auth, join(dir, 'tmp'), 1 << 30);
    req.write(Buffer.alloc(2 * 1024 * 1024, 1));
    // (as Node's HTTP server does when the connection closes mid-body)
    req.emit('aborted');
    req.destroy();
    await assert.rejects(done, { code: 'IncompleteBody' });
    assert.equal(uploadsHashing(), 0);
  });

  it('ends an upload dropped while more than 16 MiB of it wait for the worker (a client gone mid-body)', async () => {
    const hashes = new OffThreadHashes(true);
    // over the limit in flight: update() waits for the worker to take some in
    const waiting = hashes.update([Buffer.alloc(40 * 1024 * 1024, 5)]);
    hashes.drop();
    await assert.rejects(waiting, /dropped/);
    await assert.rejects(hashes.digest(), /dropped/);
    assert.equal(uploadsHashing(), 0);
  });
});
