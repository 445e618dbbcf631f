/**
 * Files of 8 MiB or more dropped into a bucket's folder: their ETag comes from their size, mtime and
 * inode, in the multipart form (`"<hex>-<parts>"`, the parts the AWS CLI would upload them in), so
 * listing, HEAD and GET answer without reading them first. A sparse file of 1 TiB is the check: read
 * through, it would take minutes, past this test's timeout. A smaller file keeps the MD5 of its
 * content; touching a big file, or rewriting it with its times kept, changes its ETag; If-Match and
 * If-None-Match take the ETag listed.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startS3, type S3Harness } from '../../support/s3-harness';

const MiB = 1024 * 1024;
const TiB = 1024 * 1024 * MiB;
/** A whole second a minute ago: the files' mtimes are set, so their ETags are settled at once. */
const PAST = Math.floor(Date.now() / 1000) - 60;

describe('S3 files of 8 MiB or more dropped into a folder', function () {
  this.timeout(60_000);
  let h: S3Harness;
  let s3: S3Client;
  let dir: string;
  const nine = randomBytes(9 * MiB);
  const under = randomBytes(8 * MiB - 1);

  before(async () => {
    h = await startS3();
    s3 = h.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'big-drops' }));
    dir = join(h.work, 'state', 's3', 'buckets', 'big-drops', 'in');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'huge.bin'), '');
    truncateSync(join(dir, 'huge.bin'), TiB);
    writeFileSync(join(dir, 'nine.bin'), nine);
    writeFileSync(join(dir, 'under.bin'), under);
    writeFileSync(join(dir, 'exact.bin'), '');
    truncateSync(join(dir, 'exact.bin'), 8 * MiB);
    for (const f of ['huge.bin', 'nine.bin', 'under.bin', 'exact.bin']) utimesSync(join(dir, f), PAST, PAST);
  });
  after(async () => {
    s3?.destroy();
    await h?.close();
  });

  const listed = async () => Object.fromEntries(((await s3.send(new ListObjectsV2Command({ Bucket: 'big-drops', Prefix: 'in/' }))).Contents ?? []).map((c) => [c.Key!, { etag: c.ETag!, size: c.Size! }]));

  it('lists them without reading them, with multipart-form ETags, and a file under 8 MiB with its MD5', async function () {
    this.timeout(20_000);
    const got = await listed();
    assert.equal(got['in/huge.bin'].size, TiB);
    // 1 TiB in 8 MiB parts is 131,072 of them: over 10,000, the CLI's part size doubles to 128 MiB
    assert.match(got['in/huge.bin'].etag, /^"[0-9a-f]{32}-8192"$/);
    assert.match(got['in/nine.bin'].etag, /^"[0-9a-f]{32}-2"$/);
    assert.notEqual(got['in/nine.bin'].etag, `"${createHash('md5').update(nine).digest('hex')}"`);
    assert.equal(got['in/under.bin'].etag, `"${createHash('md5').update(under).digest('hex')}"`);
    assert.match(got['in/exact.bin'].etag, /^"[0-9a-f]{32}-1"$/);
  });

  it('answers HEAD and a ranged GET of the 1 TiB file at once, with the ETag listed, and honours If-Match', async function () {
    this.timeout(20_000);
    const { etag } = (await listed())['in/huge.bin'];
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'big-drops', Key: 'in/huge.bin' }));
    assert.equal(head.ETag, etag);
    assert.equal(head.ContentLength, TiB);
    const tail = await s3.send(new GetObjectCommand({ Bucket: 'big-drops', Key: 'in/huge.bin', Range: `bytes=${TiB - 4}-`, IfMatch: etag }));
    assert.equal(tail.ETag, etag);
    assert.deepEqual(Buffer.from(await tail.Body!.transformToByteArray()), Buffer.alloc(4));
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'big-drops', Key: 'in/huge.bin', Range: 'bytes=0-3', IfMatch: '"0123456789abcdef0123456789abcdef-8192"' })), { name: 'PreconditionFailed' });
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'big-drops', Key: 'in/huge.bin', IfNoneMatch: etag })), (err: { $metadata?: { httpStatusCode?: number } }) => err.$metadata?.httpStatusCode === 304);
    const whole = await s3.send(new GetObjectCommand({ Bucket: 'big-drops', Key: 'in/nine.bin' }));
    assert.deepEqual(Buffer.from(await whole.Body!.transformToByteArray()), nine);
  });

  it('changes a big file\'s ETag when the file is touched, and not otherwise', async () => {
    const before = (await listed())['in/nine.bin'].etag;
    assert.equal((await listed())['in/nine.bin'].etag, before);
    utimesSync(join(dir, 'nine.bin'), PAST - 60, PAST - 60);
    const after = await listed();
    assert.match(after['in/nine.bin'].etag, /^"[0-9a-f]{32}-2"$/);
    assert.notEqual(after['in/nine.bin'].etag, before);
  });

  it('changes it when the bytes are rewritten in place with the size and mtime kept (as cp -p over the file does)', async () => {
    const before = (await listed())['in/nine.bin'].etag;
    const { mtime, ino } = statSync(join(dir, 'nine.bin'));
    writeFileSync(join(dir, 'nine.bin'), randomBytes(9 * MiB));
    utimesSync(join(dir, 'nine.bin'), mtime, mtime);
    const now = statSync(join(dir, 'nine.bin'));
    assert.deepEqual([now.ino, now.size, now.mtimeMs], [ino, 9 * MiB, mtime.getTime()]);
    assert.notEqual((await listed())['in/nine.bin'].etag, before);
  });

  it('gives an object put through the API, then touched by hand, a multipart-form ETag in place of its MD5', async () => {
    const body = randomBytes(9 * MiB);
    const put = await s3.send(new PutObjectCommand({ Bucket: 'big-drops', Key: 'in/uploaded.bin', Body: body }));
    assert.equal(put.ETag, `"${createHash('md5').update(body).digest('hex')}"`);
    assert.equal((await listed())['in/uploaded.bin'].etag, put.ETag);
    utimesSync(join(dir, 'uploaded.bin'), PAST, PAST);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'big-drops', Key: 'in/uploaded.bin' }));
    assert.match(head.ETag ?? '', /^"[0-9a-f]{32}-2"$/);
    assert.equal((await listed())['in/uploaded.bin'].etag, head.ETag);
  });
});
