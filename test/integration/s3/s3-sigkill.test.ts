/**
 * An acknowledged CreateBucket and PutObject, uploaded parts of a multipart upload and its
 * completion survive a SIGKILL of the server right after the answer: the restarted server serves the same bytes and
 * metadata.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { killServed, serveS3 } from '../../support/s3-process';

const serve = serveS3;
const kill = killServed;

describe('S3 durability across SIGKILL', function () {
  this.timeout(120_000);
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'localbatch-s3-kill-'));
    mkdirSync(join(work, 'state'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('keeps acknowledged buckets and objects', async () => {
    const state = join(work, 'state');
    const data = randomBytes(3 * 1024 * 1024);
    let s = await serve(state);
    await s.client.send(new CreateBucketCommand({ Bucket: 'kept' }));
    await s.client.send(new PutObjectCommand({ Bucket: 'kept', Key: 'a/b.bin', Body: data, ContentType: 'application/x-test', Metadata: { m: 'v' } }));
    await kill(s);
    s = await serve(state);
    try {
      const head = await s.client.send(new HeadObjectCommand({ Bucket: 'kept', Key: 'a/b.bin' }));
      assert.equal(head.ContentType, 'application/x-test');
      assert.deepEqual(head.Metadata, { m: 'v' });
      const got = await s.client.send(new GetObjectCommand({ Bucket: 'kept', Key: 'a/b.bin' }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(data));
      // and again, killed right after the put of a declared bucket's object
      await s.client.send(new PutObjectCommand({ Bucket: 'declared', Key: 'x.txt', Body: 'declared body' }));
    } finally {
      await kill(s);
    }
    s = await serve(state);
    try {
      const got = await s.client.send(new GetObjectCommand({ Bucket: 'declared', Key: 'x.txt' }));
      assert.equal(await got.Body!.transformToString(), 'declared body');
    } finally {
      await kill(s);
    }
  });

  it('keeps acknowledged parts (written in place) and a completed multipart upload', async () => {
    const state = join(work, 'state');
    const MiB = 1024 * 1024;
    const parts = [randomBytes(6 * MiB), randomBytes(6 * MiB), randomBytes(5 * MiB + 3)];
    let s = await serve(state);
    await s.client.send(new CreateBucketCommand({ Bucket: 'parts' }));
    const { UploadId } = await s.client.send(new CreateMultipartUploadCommand({ Bucket: 'parts', Key: 'mp.bin' }));
    const send = async (n: number) => ({ PartNumber: n, ETag: (await s.client.send(new UploadPartCommand({ Bucket: 'parts', Key: 'mp.bin', UploadId, PartNumber: n, Body: parts[n - 1] }))).ETag });
    const p1 = await send(1);
    await kill(s);
    // restarted, the upload's stride (6 MiB) is read back from part 1's record: the shorter last
    // part sent next does not change it, and parts 3 and 2 both land in place
    s = await serve(state);
    let listed;
    try {
      const p3 = await send(3);
      const p2 = await send(2);
      assert.deepEqual(readdirSync(join(state, 's3', 'uploads', UploadId!)).filter((f) => /^\d+$/.test(f)), []);
      listed = [p1, p2, p3];
    } finally {
      await kill(s);
    }
    s = await serve(state);
    try {
      await s.client.send(new CompleteMultipartUploadCommand({ Bucket: 'parts', Key: 'mp.bin', UploadId, MultipartUpload: { Parts: listed } }));
    } finally {
      await kill(s);
    }
    s = await serve(state);
    try {
      const got = await s.client.send(new GetObjectCommand({ Bucket: 'parts', Key: 'mp.bin' }));
      assert.match(got.ETag!, /-3"$/);
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(parts)));
    } finally {
      await kill(s);
    }
  });
});
