/**
 * Conditional writes and deletes through @aws-sdk/client-s3 (S3 user guide, "Prevent object
 * overwrites with conditional writes"): If-None-Match: * and If-Match on PutObject, CopyObject and
 * CompleteMultipartUpload, If-Match on DeleteObject and an ETag in DeleteObjects. A failed condition
 * answers 412 and changes nothing; concurrent conditional creates of one key: exactly one wins.
 */
import assert from 'node:assert/strict';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startS3, type S3Harness } from '../../support/s3-harness';

const status = (code: number, name?: string) => (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === code && (name === undefined || e.name === name);

describe('S3 conditional writes and deletes (integration)', function () {
  this.timeout(120_000);
  let h: S3Harness;
  let s3: S3Client;
  const body = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: 'cond-writes', Key: key }))).Body!.transformToString();
  before(async () => {
    h = await startS3();
    s3 = h.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'cond-writes' }));
  });
  after(async () => {
    s3?.destroy();
    await h?.close();
  });

  it('PutObject: If-Match replaces only the ETag given (404 where no object is), If-None-Match: * creates only', async () => {
    const first = await s3.send(new PutObjectCommand({ Bucket: 'cond-writes', Key: 'k', Body: 'one' }));
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'cond-writes', Key: 'k', Body: 'two', IfMatch: '"0123456789abcdef0123456789abcdef"' })), status(412, 'PreconditionFailed'));
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'cond-writes', Key: 'k', Body: 'two', IfNoneMatch: '*' })), status(412, 'PreconditionFailed'));
    assert.equal(await body('k'), 'one');
    await s3.send(new PutObjectCommand({ Bucket: 'cond-writes', Key: 'k', Body: 'two', IfMatch: first.ETag }));
    assert.equal(await body('k'), 'two');
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'cond-writes', Key: 'absent', Body: 'x', IfMatch: first.ETag })), status(404, 'NoSuchKey'));
  });

  it('of ten concurrent If-None-Match: * PUTs of one new key, exactly one is stored', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => s3.send(new PutObjectCommand({ Bucket: 'cond-writes', Key: 'lock', Body: `writer ${i}`, IfNoneMatch: '*' }))));
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
    assert.equal(await body('lock'), `writer ${won[0]}`);
  });

  it('CopyObject and CompleteMultipartUpload honour If-None-Match: * on their destination; the upload stays for another try', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'cond-writes', Key: 'src', Body: 'source' }));
    await s3.send(new PutObjectCommand({ Bucket: 'cond-writes', Key: 'dst', Body: 'there' }));
    await assert.rejects(s3.send(new CopyObjectCommand({ Bucket: 'cond-writes', Key: 'dst', CopySource: 'cond-writes/src', IfNoneMatch: '*' })), status(412, 'PreconditionFailed'));
    assert.equal(await body('dst'), 'there');
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'cond-writes', Key: 'dst' }));
    const part = await s3.send(new UploadPartCommand({ Bucket: 'cond-writes', Key: 'dst', UploadId, PartNumber: 1, Body: 'multipart' }));
    const complete = (extra: { IfNoneMatch?: string }) => s3.send(new CompleteMultipartUploadCommand({ Bucket: 'cond-writes', Key: 'dst', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] }, ...extra }));
    await assert.rejects(complete({ IfNoneMatch: '*' }), status(412, 'PreconditionFailed'));
    assert.equal(await body('dst'), 'there');
    await complete({});
    assert.equal(await body('dst'), 'multipart');
  });

  it('DeleteObject with If-Match deletes only that ETag (no object: 204); DeleteObjects reports a wrong ETag per key', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'cond-writes', Key: 'd', Body: 'keep?' }));
    await assert.rejects(s3.send(new DeleteObjectCommand({ Bucket: 'cond-writes', Key: 'd', IfMatch: '"ffffffffffffffffffffffffffffffff"' })), status(412, 'PreconditionFailed'));
    assert.equal(await body('d'), 'keep?');
    const out = await s3.send(new DeleteObjectsCommand({ Bucket: 'cond-writes', Delete: { Objects: [{ Key: 'd', ETag: '"ffffffffffffffffffffffffffffffff"' }] } }));
    assert.deepEqual(out.Errors?.map((e) => [e.Key, e.Code]), [['d', 'PreconditionFailed']]);
    await s3.send(new DeleteObjectCommand({ Bucket: 'cond-writes', Key: 'd', IfMatch: put.ETag }));
    await assert.rejects(body('d'), status(404, 'NoSuchKey'));
    await s3.send(new DeleteObjectCommand({ Bucket: 'cond-writes', Key: 'd', IfMatch: put.ETag }));
    // (and a DeleteObjects of no key is malformed, as on S3)
    await assert.rejects(s3.send(new DeleteObjectsCommand({ Bucket: 'cond-writes', Delete: { Objects: [] } })), status(400, 'MalformedXML'));
  });
});
