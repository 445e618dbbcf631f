/**
 * A declared bucket whose folder is on another file system than the state directory (here tmpfs,
 * /dev/shm): an object written through the API is copied into place there (a rename cannot cross
 * file systems), and keeps its metadata: its ETag, content type and user metadata, for a small and
 * a big (8 MiB or more) object, PUT and multipart.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import { startS3, type S3Harness } from '../../support/s3-harness';

const SHM = '/dev/shm';

describe('S3 declared bucket on another file system than the state', function () {
  this.timeout(120_000);
  let h: S3Harness;
  let s3: S3Client;
  let folder: string;

  before(async () => {
    folder = mkdtempSync(join(SHM, 'localbatch-s3-other-fs-'));
    h = await startS3({ declaredDir: folder });
    assert.notEqual(statSync(folder).dev, statSync(tmpdir()).dev, `this test needs ${SHM} on another file system than ${tmpdir()}`);
    s3 = h.client();
  });
  after(async () => {
    s3?.destroy();
    await h?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  for (const [name, size] of [
    ['small', 1000],
    ['big', 9 * 1024 * 1024],
  ] as const) {
    it(`keeps a ${name} PutObject's ETag, content type and user metadata`, async () => {
      const body = randomBytes(size);
      const put = await s3.send(new PutObjectCommand({ Bucket: 'declared', Key: `put/${name}.bin`, Body: body, ContentType: 'application/x-test', Metadata: { sample: name } }));
      assert.equal(put.ETag, `"${createHash('md5').update(body).digest('hex')}"`);
      assert.deepEqual(readFileSync(join(folder, 'put', `${name}.bin`)), body);
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'declared', Key: `put/${name}.bin` }));
      assert.equal(head.ETag, put.ETag);
      assert.equal(head.ContentType, 'application/x-test');
      assert.deepEqual(head.Metadata, { sample: name });
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'declared', Prefix: `put/${name}` }));
      assert.equal(listed.Contents?.[0]?.ETag, put.ETag);
    });
  }

  it('keeps a multipart upload\'s ETag and content type', async () => {
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(3 * 1024 * 1024)];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'declared', Key: 'mpu/two.bin', ContentType: 'application/x-parts' }));
    const done = [];
    for (const [i, part] of parts.entries()) {
      const up = await s3.send(new UploadPartCommand({ Bucket: 'declared', Key: 'mpu/two.bin', UploadId, PartNumber: i + 1, Body: part }));
      done.push({ PartNumber: i + 1, ETag: up.ETag });
    }
    const complete = await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'declared', Key: 'mpu/two.bin', UploadId, MultipartUpload: { Parts: done } }));
    assert.match(complete.ETag ?? '', /^"[0-9a-f]{32}-2"$/);
    assert.deepEqual(readFileSync(join(folder, 'mpu', 'two.bin')), Buffer.concat(parts));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'declared', Key: 'mpu/two.bin' }));
    assert.equal(head.ETag, complete.ETag);
    assert.equal(head.ContentType, 'application/x-parts');
  });
});
