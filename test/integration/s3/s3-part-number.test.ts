/**
 * GetObject and HeadObject by partNumber through @aws-sdk/client-s3, as parallel downloaders use
 * them: a multipart object's part N is its bytes with Content-Range and PartsCount; past the last
 * part is 416 InvalidPartNumber; an object uploaded whole has only part 1; a Range with it is refused.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { startS3, type S3Harness } from '../../support/s3-harness';

const MiB = 1024 * 1024;
const status = (code: number, name: string) => (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === code && e.name === name;

describe('S3 GetObject / HeadObject by partNumber (integration)', function () {
  this.timeout(120_000);
  let h: S3Harness;
  let s3: S3Client;
  const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB + 3), randomBytes(1024)];
  before(async () => {
    h = await startS3();
    s3 = h.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'parts' }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'parts', Key: 'multi' }));
    const done = [];
    for (const [i, body] of parts.entries()) done.push({ PartNumber: i + 1, ETag: (await s3.send(new UploadPartCommand({ Bucket: 'parts', Key: 'multi', UploadId, PartNumber: i + 1, Body: body }))).ETag });
    const completed = await s3.send(new CompleteMultipartUploadCommand({ Bucket: 'parts', Key: 'multi', UploadId, MultipartUpload: { Parts: done } }));
    assert.equal(completed.Location, `${h.url}/parts/multi`, 'the object\'s URL');
    await s3.send(new PutObjectCommand({ Bucket: 'parts', Key: 'whole', Body: 'one piece' }));
  });
  after(async () => {
    s3?.destroy();
    await h?.close();
  });

  it('answers each part of a multipart object with its bytes, Content-Range and PartsCount', async () => {
    const total = parts.reduce((n, p) => n + p.length, 0);
    let start = 0;
    for (const [i, body] of parts.entries()) {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'parts', Key: 'multi', PartNumber: i + 1 }));
      assert.equal(got.PartsCount, 3);
      assert.equal(got.ContentRange, `bytes ${start}-${start + body.length - 1}/${total}`);
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body), `part ${i + 1}`);
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'parts', Key: 'multi', PartNumber: i + 1 }));
      assert.equal(head.ContentLength, body.length);
      start += body.length;
    }
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'parts', Key: 'multi', PartNumber: 4 })), status(416, 'InvalidPartNumber'));
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'parts', Key: 'multi', PartNumber: 1, Range: 'bytes=0-1' })), status(400, 'InvalidRequest'));
  });

  it('an object uploaded whole has part 1 only', async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: 'parts', Key: 'whole', PartNumber: 1 }));
    assert.equal(await got.Body!.transformToString(), 'one piece');
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'parts', Key: 'whole', PartNumber: 2 })), status(416, 'InvalidPartNumber'));
  });
});
