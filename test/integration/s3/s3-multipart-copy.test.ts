/**
 * UploadPartCopy and ListMultipartUploads, through @aws-sdk/client-s3 and the AWS CLI's s3api:
 * parts copied from an object (whole and by range) complete into the same bytes, with S3's ETags
 * and part checksums; bad ranges, missing sources and failed copy-source preconditions answer with
 * S3's errors; uploads in progress list by key, with prefix, delimiter and key/upload-id markers.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Crc32 } from '@aws-crypto/crc32';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { startS3, type S3Harness } from '../../support/s3-harness';

const MiB = 1024 * 1024;

function crc32(b: Buffer): string {
  const c = new Crc32();
  c.update(b);
  const out = Buffer.alloc(4);
  out.writeUInt32BE(c.digest() >>> 0);
  return out.toString('base64');
}

describe('S3 UploadPartCopy and ListMultipartUploads', function () {
  this.timeout(240_000);
  let h: S3Harness;
  let s3: S3Client;
  const data = randomBytes(12 * MiB + 123);
  before(async () => {
    h = await startS3();
    s3 = h.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'mpc' }));
    await s3.send(new PutObjectCommand({ Bucket: 'mpc', Key: 'src/data.bin', Body: data }));
  });
  after(async () => {
    s3?.destroy();
    await h?.close();
  });

  it('copies parts from an object, whole and by range, and completes into the same bytes', async () => {
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpc', Key: 'dst/joined.bin', ChecksumAlgorithm: 'CRC32' }));
    const cut = 5 * MiB;
    const p1 = await s3.send(new UploadPartCopyCommand({ Bucket: 'mpc', Key: 'dst/joined.bin', UploadId: up.UploadId, PartNumber: 1, CopySource: 'mpc/src/data.bin', CopySourceRange: `bytes=0-${cut - 1}` }));
    const p2 = await s3.send(new UploadPartCopyCommand({ Bucket: 'mpc', Key: 'dst/joined.bin', UploadId: up.UploadId, PartNumber: 2, CopySource: '/mpc/src/data.bin', CopySourceRange: `bytes=${cut}-${data.length - 1}` }));
    assert.equal(p1.CopyPartResult?.ETag, `"${createHash('md5').update(data.subarray(0, cut)).digest('hex')}"`);
    assert.equal(p2.CopyPartResult?.ETag, `"${createHash('md5').update(data.subarray(cut)).digest('hex')}"`);
    assert.equal(p1.CopyPartResult?.ChecksumCRC32, crc32(data.subarray(0, cut)));
    assert.ok(p1.CopyPartResult?.LastModified instanceof Date);
    await s3.send(new CompleteMultipartUploadCommand({
      Bucket: 'mpc',
      Key: 'dst/joined.bin',
      UploadId: up.UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.CopyPartResult!.ETag, ChecksumCRC32: p1.CopyPartResult!.ChecksumCRC32 }, { PartNumber: 2, ETag: p2.CopyPartResult!.ETag, ChecksumCRC32: p2.CopyPartResult!.ChecksumCRC32 }] },
    }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'mpc', Key: 'dst/joined.bin' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(data));
    assert.match(got.ETag!, /-2"$/);
  });

  it('copies a whole object as one part through the AWS CLI (s3api upload-part-copy)', async () => {
    const create = await h.cli(['s3api', 'create-multipart-upload', '--bucket', 'mpc', '--key', 'dst/cli.bin']);
    assert.equal(create.status, 0, create.stderr);
    const id = (JSON.parse(create.stdout) as { UploadId: string }).UploadId;
    const copy = await h.cli(['s3api', 'upload-part-copy', '--bucket', 'mpc', '--key', 'dst/cli.bin', '--upload-id', id, '--part-number', '1', '--copy-source', 'mpc/src/data.bin']);
    assert.equal(copy.status, 0, copy.stderr);
    const etag = (JSON.parse(copy.stdout) as { CopyPartResult: { ETag: string } }).CopyPartResult.ETag;
    assert.equal(etag, `"${createHash('md5').update(data).digest('hex')}"`);
    const done = await h.cli(['s3api', 'complete-multipart-upload', '--bucket', 'mpc', '--key', 'dst/cli.bin', '--upload-id', id, '--multipart-upload', JSON.stringify({ Parts: [{ PartNumber: 1, ETag: etag }] })]);
    assert.equal(done.status, 0, done.stderr);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'mpc', Key: 'dst/cli.bin' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(data));
  });

  it("answers bad ranges, missing sources and failed preconditions with S3's errors", async () => {
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpc', Key: 'dst/bad.bin' }));
    const base = { Bucket: 'mpc', Key: 'dst/bad.bin', UploadId: up.UploadId, PartNumber: 1 };
    await assert.rejects(s3.send(new UploadPartCopyCommand({ ...base, CopySource: 'mpc/src/data.bin', CopySourceRange: `bytes=0-${data.length}` })), { name: 'InvalidArgument' });
    await assert.rejects(s3.send(new UploadPartCopyCommand({ ...base, CopySource: 'mpc/src/data.bin', CopySourceRange: 'bytes=5-' })), { name: 'InvalidArgument' });
    await assert.rejects(s3.send(new UploadPartCopyCommand({ ...base, CopySource: 'mpc/src/none.bin' })), { name: 'NoSuchKey' });
    await assert.rejects(s3.send(new UploadPartCopyCommand({ ...base, CopySource: 'mpc/src/data.bin', CopySourceIfMatch: '"0000"' })), { name: 'PreconditionFailed' });
    await assert.rejects(s3.send(new UploadPartCopyCommand({ ...base, UploadId: 'AAAAAAAAAAAAAAAAAAAAAAAA', CopySource: 'mpc/src/data.bin' })), { name: 'NoSuchUpload' });
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'mpc', Key: 'dst/bad.bin', UploadId: up.UploadId }));
  });

  it('lists uploads in progress by key, with prefix, delimiter and markers; completed and aborted ones are gone', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'mpl' }));
    const ids: Record<string, string> = {};
    for (const key of ['b/2', 'a/1', 'b/1', 'c']) ids[key] = (await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpl', Key: key, ChecksumAlgorithm: key === 'c' ? 'SHA256' : undefined }))).UploadId!;
    const second = (await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpl', Key: 'a/1' }))).UploadId!;
    const all = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpl' }));
    assert.deepEqual(all.Uploads?.map((u) => [u.Key, u.UploadId]), [['a/1', ids['a/1']], ['a/1', second], ['b/1', ids['b/1']], ['b/2', ids['b/2']], ['c', ids.c]]);
    assert.equal(all.IsTruncated, false);
    assert.equal(all.Uploads?.find((u) => u.Key === 'c')?.ChecksumAlgorithm, 'SHA256');
    assert.ok(all.Uploads?.every((u) => u.Initiated instanceof Date && u.StorageClass === 'STANDARD'));
    const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpl', MaxUploads: 1 }));
    assert.equal(page.IsTruncated, true);
    assert.equal(page.NextKeyMarker, 'a/1');
    assert.equal(page.NextUploadIdMarker, ids['a/1']);
    const next = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpl', MaxUploads: 2, KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker }));
    assert.deepEqual(next.Uploads?.map((u) => u.UploadId), [second, ids['b/1']]);
    const grouped = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpl', Delimiter: '/' }));
    assert.deepEqual(grouped.CommonPrefixes?.map((p) => p.Prefix), ['a/', 'b/']);
    assert.deepEqual(grouped.Uploads?.map((u) => u.Key), ['c']);
    const cli = await h.cli(['s3api', 'list-multipart-uploads', '--bucket', 'mpl', '--prefix', 'b/']);
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual((JSON.parse(cli.stdout) as { Uploads: Array<{ Key: string }> }).Uploads.map((u) => u.Key), ['b/1', 'b/2']);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'mpl', Key: 'b/1', UploadId: ids['b/1'] }));
    const after = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpl', Prefix: 'b/' }));
    assert.deepEqual(after.Uploads?.map((u) => u.Key), ['b/2']);
    assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpc' }))).Uploads, undefined);
  });
});
