/**
 * Multipart parts written in place (part-layout.ts): parts of one size go into the upload's data
 * file, which becomes the object on completion; every other shape (a last part first, parts longer
 * than the first, a part uploaded again, a subset completed, parts left past the completed ones, a
 * completion that fails, a body cut off mid-part) still completes into exactly the bytes S3 would serve, through
 * @aws-sdk/client-s3.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import * as zlib from 'node:zlib';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type ChecksumAlgorithm,
} from '@aws-sdk/client-s3';
import { runProcess, startS3, type S3Harness } from '../../support/s3-harness';

const MiB = 1024 * 1024;

describe('S3 multipart parts laid out in place', function () {
  this.timeout(180_000);
  let h: S3Harness;
  let s3: S3Client;
  before(async () => {
    h = await startS3();
    s3 = h.client();
    await h.cli(['s3', 'mb', 's3://layout']);
  });
  after(async () => {
    s3?.destroy();
    await h?.close();
  });

  const uploadDir = (id: string) => join(h.work, 'state', 's3', 'uploads', id);

  async function create(key: string, algorithm?: ChecksumAlgorithm, type?: 'FULL_OBJECT' | 'COMPOSITE'): Promise<string> {
    const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'layout', Key: key, ChecksumAlgorithm: algorithm, ChecksumType: type }));
    return c.UploadId!;
  }

  async function put(key: string, id: string, n: number, body: Buffer, algorithm?: ChecksumAlgorithm): Promise<{ PartNumber: number; ETag: string; ChecksumCRC32?: string }> {
    const r = await s3.send(new UploadPartCommand({ Bucket: 'layout', Key: key, UploadId: id, PartNumber: n, Body: body, ChecksumAlgorithm: algorithm }));
    return { PartNumber: n, ETag: r.ETag!, ChecksumCRC32: r.ChecksumCRC32 };
  }

  async function complete(key: string, id: string, parts: Array<{ PartNumber: number; ETag: string; ChecksumCRC32?: string }>) {
    return s3.send(new CompleteMultipartUploadCommand({ Bucket: 'layout', Key: key, UploadId: id, MultipartUpload: { Parts: parts } }));
  }

  async function body(key: string): Promise<Buffer> {
    const got = await s3.send(new GetObjectCommand({ Bucket: 'layout', Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  }

  const partFiles = (id: string) => readdirSync(uploadDir(id)).filter((f) => /^\d+$/.test(f)).sort();

  it('writes parts of one size into the data file, in any order, and completes without part files', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(MiB + 17)];
    const id = await create('even.bin');
    // part 1 first sets the stride; then the rest at once, the short last one among them
    const first = await put('even.bin', id, 1, parts[0]);
    const rest = await Promise.all([4, 2, 3].map((n) => put('even.bin', id, n, parts[n - 1])));
    assert.ok(existsSync(join(uploadDir(id), 'data')), 'the parts went into the data file');
    assert.deepEqual(partFiles(id), [], 'no part has a file of its own');
    const listed = [first, ...rest].sort((a, b) => a.PartNumber - b.PartNumber);
    const done = await complete('even.bin', id, listed);
    assert.match(done.ETag!, /-4"$/);
    assert.ok((await body('even.bin')).equals(Buffer.concat(parts)));
    assert.equal(existsSync(uploadDir(id)), false);
  });

  it('a short last part sent first takes its own file and still completes in order', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(3 * MiB)];
    const id = await create('last-first.bin');
    const p3 = await put('last-first.bin', id, 3, parts[2]);
    const p1 = await put('last-first.bin', id, 1, parts[0]);
    const p2 = await put('last-first.bin', id, 2, parts[1]);
    assert.deepEqual(partFiles(id), ['3']);
    await complete('last-first.bin', id, [p1, p2, p3]);
    assert.ok((await body('last-first.bin')).equals(Buffer.concat(parts)));
  });

  it('parts longer than the first one, and a part uploaded again, complete into the right bytes', async () => {
    const parts = [randomBytes(5 * MiB + 3), randomBytes(6 * MiB), randomBytes(5 * MiB + 3)];
    const id = await create('uneven.bin');
    const p1 = await put('uneven.bin', id, 1, parts[0]);
    const p2 = await put('uneven.bin', id, 2, parts[1]);
    await put('uneven.bin', id, 3, randomBytes(5 * MiB + 3));
    // part 3 again, with other bytes: its place holds an acknowledged part, so it takes a file
    const p3 = await put('uneven.bin', id, 3, parts[2]);
    assert.deepEqual(partFiles(id), ['2', '3']);
    await complete('uneven.bin', id, [p1, p2, p3]);
    assert.ok((await body('uneven.bin')).equals(Buffer.concat(parts)));
  });

  it('completing a subset, or fewer parts than were laid out, serves just those parts', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(5 * MiB)];
    const gap = await create('gap.bin');
    const g = await Promise.all(parts.map((p, i) => put('gap.bin', gap, i + 1, p)));
    await complete('gap.bin', gap, [g[0], g[2]]);
    assert.ok((await body('gap.bin')).equals(Buffer.concat([parts[0], parts[2]])));
    const fewer = await create('fewer.bin');
    const f = await Promise.all(parts.map((p, i) => put('fewer.bin', fewer, i + 1, p)));
    await complete('fewer.bin', fewer, [f[0], f[1]]);
    assert.ok((await body('fewer.bin')).equals(Buffer.concat([parts[0], parts[1]])));
  });

  it('a completion that fails leaves the upload whole: completed again with all its parts, it serves them all', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(5 * MiB)];
    const id = await create('busy');
    const p = await Promise.all(parts.map((b, i) => put('busy', id, i + 1, b)));
    // `busy` is a folder holding another object, so the key cannot be stored as a file (a local limit)
    await s3.send(new PutObjectCommand({ Bucket: 'layout', Key: 'busy/inner.txt', Body: 'x' }));
    await assert.rejects(complete('busy', id, [p[0], p[1]]), /cannot be stored/);
    await s3.send(new DeleteObjectCommand({ Bucket: 'layout', Key: 'busy/inner.txt' }));
    await complete('busy', id, p);
    assert.ok((await body('busy')).equals(Buffer.concat(parts)));
  });

  it('a FULL_OBJECT CRC32 is computed over the completed bytes in place', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(2 * MiB + 5)];
    const id = await create('full.bin', 'CRC32', 'FULL_OBJECT');
    const listed = [await put('full.bin', id, 1, parts[0], 'CRC32'), await put('full.bin', id, 2, parts[1], 'CRC32')];
    assert.deepEqual(partFiles(id), []);
    const done = await complete('full.bin', id, listed);
    const want = Buffer.alloc(4);
    want.writeUInt32BE(zlib.crc32(Buffer.concat(parts)));
    assert.equal(done.ChecksumCRC32, want.toString('base64'));
    assert.equal(done.ChecksumType, 'FULL_OBJECT');
    assert.ok((await body('full.bin')).equals(Buffer.concat(parts)));
  });

  it('a part whose body is cut off leaves no trace; sent again it completes', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB)];
    const id = await create('cut.bin');
    const p1 = await put('cut.bin', id, 1, parts[0]);
    // a presigned UploadPart declaring 5 MiB whose connection is cut after 1 MiB
    const script = `
import boto3, sys
from botocore.config import Config
s3 = boto3.client('s3', endpoint_url=sys.argv[1], config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}))
print(s3.generate_presigned_url('upload_part', Params={'Bucket': 'layout', 'Key': 'cut.bin', 'UploadId': sys.argv[2], 'PartNumber': 2}, ExpiresIn=300))
`;
    const signed = await runProcess('python3', ['-c', script, h.url, id], h.env());
    assert.equal(signed.status, 0, signed.stderr);
    const url = new URL(signed.stdout.trim());
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'PUT', headers: { 'content-length': 5 * MiB } });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(randomBytes(MiB), () => setTimeout(() => req.destroy(), 200));
    });
    // (while the server still reads the cut body, this one takes a file of its own: right either way)
    const p2 = await put('cut.bin', id, 2, parts[1]);
    await complete('cut.bin', id, [p1, p2]);
    assert.ok((await body('cut.bin')).equals(Buffer.concat(parts)));
  });
});
