/**
 * A folder inside a bucket's folder that is a link leading out of it (made by the user): objects
 * are read through it, but nothing is written or deleted through it, so no file outside the
 * bucket's folder is changed: PutObject, DeleteObject and DeleteObjects refuse such a key, and the
 * file outside is left as it was. Real files and links, @aws-sdk/client-s3.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startS3, type S3Harness } from '../../support/s3-harness';

describe('S3: a folder link leading out of the bucket is read through, never written or deleted through (integration)', () => {
  let h: S3Harness;
  let s3: S3Client;
  let outside: string;
  before(async () => {
    h = await startS3();
    s3 = h.client();
    outside = join(h.work, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'precious.txt'), 'keep me');
    mkdirSync(h.declaredDir, { recursive: true });
    symlinkSync(outside, join(h.declaredDir, 'linked'));
  });
  after(async () => {
    s3.destroy();
    await h.close();
  });

  it('lists and reads through the link; PutObject, DeleteObject and DeleteObjects through it are refused and change nothing outside', async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'declared', Prefix: 'linked/' }));
    assert.deepEqual(listed.Contents?.map((c) => c.Key), ['linked/precious.txt']);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'declared', Key: 'linked/precious.txt' }));
    assert.equal(await got.Body!.transformToString(), 'keep me');
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'declared', Key: 'linked/new.txt', Body: 'x' })), /link leading out of the bucket/);
    await assert.rejects(s3.send(new DeleteObjectCommand({ Bucket: 'declared', Key: 'linked/precious.txt' })), /does not delete linked\/precious.txt/);
    const batch = await s3.send(new DeleteObjectsCommand({ Bucket: 'declared', Delete: { Objects: [{ Key: 'linked/precious.txt' }] } }));
    assert.deepEqual(batch.Errors?.map((e) => [e.Key, e.Code]), [['linked/precious.txt', 'InvalidArgument']]);
    assert.equal(readFileSync(join(outside, 'precious.txt'), 'utf8'), 'keep me');
    assert.equal(existsSync(join(outside, 'new.txt')), false);
  });
});
