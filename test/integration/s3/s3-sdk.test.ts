/**
 * The local S3 through @aws-sdk/client-s3 at its default checksum settings (aws-chunked uploads
 * with CRC32 trailers for streams, response checksum validation), boto3, presigned URLs, and the
 * keys localbatch refuses (path traversal, NUL, oversize).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketNotificationConfigurationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { runProcess, startS3, type S3Harness } from '../../support/s3-harness';

describe('S3 through the JavaScript SDK and boto3', function () {
  this.timeout(180_000);
  let h: S3Harness;
  let s3: S3Client;
  before(async () => {
    h = await startS3();
    s3 = h.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'sdk' }));
  });
  after(async () => {
    s3?.destroy();
    await h?.close();
  });

  it('puts a Buffer and a stream at default checksums, gets them back with checksum validation', async () => {
    const data = randomBytes(300_000);
    const put = await s3.send(new PutObjectCommand({ Bucket: 'sdk', Key: 'buf.bin', Body: data, Metadata: { a: 'b' } }));
    assert.ok(put.ChecksumCRC32, 'the SDK sent a CRC32 and the server answered it');
    const stream = Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]);
    await s3.send(new PutObjectCommand({ Bucket: 'sdk', Key: 'stream.bin', Body: stream, ContentLength: data.length }));
    for (const key of ['buf.bin', 'stream.bin']) {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'sdk', Key: key, ChecksumMode: 'ENABLED' }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(data), key);
      assert.ok(got.ChecksumCRC32);
    }
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'sdk', Key: 'buf.bin' }));
    assert.deepEqual(head.Metadata, { a: 'b' });
  });

  it('writes of one key at once leave one of them whole: its body with its own metadata and ETag', async () => {
    for (let round = 0; round < 10; round++) {
      const bodies = Array.from({ length: 24 }, (_, i) => randomBytes(20_000 + i * 1000));
      await Promise.all(
        bodies.map((Body, i) =>
          i % 6 === 5
            ? s3.send(new DeleteObjectCommand({ Bucket: 'sdk', Key: 'race.bin' }))
            : s3.send(new PutObjectCommand({ Bucket: 'sdk', Key: 'race.bin', Body, ContentType: `application/x-${i}`, Metadata: { writer: String(i) } })),
        ),
      );
      let got;
      try {
        got = await s3.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'race.bin' }));
      } catch (err) {
        assert.equal((err as Error).name, 'NoSuchKey', 'a delete may be the last write; anything else is wrong');
        continue;
      }
      const body = Buffer.from(await got.Body!.transformToByteArray());
      const writer = Number(got.Metadata?.writer);
      assert.ok(bodies[writer]?.equals(body), `round ${round}: the body is writer ${writer}'s`);
      assert.equal(got.ContentType, `application/x-${writer}`);
      assert.equal(got.ETag, `"${createHash('md5').update(body).digest('hex')}"`);
    }
  });

  it('accepts every flexible checksum algorithm and refuses a wrong one (BadDigest)', async () => {
    for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
      const out = await s3.send(new PutObjectCommand({ Bucket: 'sdk', Key: `alg/${alg}`, Body: `body ${alg}`, ChecksumAlgorithm: alg }));
      assert.ok((out as unknown as Record<string, unknown>)[`Checksum${alg}`], alg);
    }
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'sdk', Key: 'alg/bad', Body: 'x', ChecksumCRC32: 'AAAAAA==' })), (e: Error) => e.name === 'BadDigest');
  });

  it('serves ranges and conditional gets', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'sdk', Key: 'r.txt', Body: '0123456789' }));
    const part = await s3.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'r.txt', Range: 'bytes=2-4' }));
    assert.equal(await part.Body!.transformToString(), '234');
    assert.equal(part.ContentRange, 'bytes 2-4/10');
    const tail = await s3.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'r.txt', Range: 'bytes=-3' }));
    assert.equal(await tail.Body!.transformToString(), '789');
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'r.txt', Range: 'bytes=20-' })), (e: Error) => e.name === 'InvalidRange');
    // An empty object has no first byte (416, as S3 answers); its last bytes are the whole of it, nothing (200).
    await s3.send(new PutObjectCommand({ Bucket: 'sdk', Key: 'empty.txt', Body: '' }));
    for (const r of ['bytes=0-', 'bytes=0-0']) {
      await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'empty.txt', Range: r })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.name === 'InvalidRange' && e.$metadata?.httpStatusCode === 416);
    }
    const emptyTail = await s3.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'empty.txt', Range: 'bytes=-5' }));
    assert.deepEqual([emptyTail.$metadata.httpStatusCode, emptyTail.ContentRange, emptyTail.ContentLength, await emptyTail.Body!.transformToString()], [200, undefined, 0, '']);
    const etag = (await s3.send(new HeadObjectCommand({ Bucket: 'sdk', Key: 'r.txt' }))).ETag!;
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'r.txt', IfNoneMatch: etag })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === 304);
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'r.txt', IfMatch: '"nope"' })), (e: Error) => e.name === 'PreconditionFailed');
    const future = new Date(Date.now() + 3600_000);
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'r.txt', IfModifiedSince: future })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === 304);
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'r.txt', IfUnmodifiedSince: new Date(Date.now() - 3600_000) })), (e: Error) => e.name === 'PreconditionFailed');
  });

  it('multipart with CRC32 parts: create, upload parts, list parts, complete; copy; virtual-hosted addressing', async () => {
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'sdk', Key: 'mp.bin', ChecksumAlgorithm: 'CRC32' }));
    const a = randomBytes(5 * 1024 * 1024);
    const b = randomBytes(1234);
    const p1 = await s3.send(new UploadPartCommand({ Bucket: 'sdk', Key: 'mp.bin', UploadId: created.UploadId, PartNumber: 1, Body: a, ChecksumAlgorithm: 'CRC32' }));
    const p2 = await s3.send(new UploadPartCommand({ Bucket: 'sdk', Key: 'mp.bin', UploadId: created.UploadId, PartNumber: 2, Body: b, ChecksumAlgorithm: 'CRC32' }));
    const listed = await s3.send(new ListPartsCommand({ Bucket: 'sdk', Key: 'mp.bin', UploadId: created.UploadId }));
    assert.deepEqual(listed.Parts?.map((p) => p.Size), [a.length, b.length]);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'sdk',
        Key: 'mp.bin',
        UploadId: created.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag, ChecksumCRC32: p1.ChecksumCRC32 }, { PartNumber: 2, ETag: p2.ETag, ChecksumCRC32: p2.ChecksumCRC32 }] },
      }),
    );
    assert.match(done.ETag!, /-2"$/);
    assert.match(done.ChecksumCRC32!, /-2$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'sdk', Key: 'mp.bin' }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([a, b])));
    await s3.send(new CopyObjectCommand({ Bucket: 'sdk', Key: 'mp-copy.bin', CopySource: 'sdk/mp.bin' }));
    const vhost = h.client({ forcePathStyle: false, endpoint: h.url.replace('127.0.0.1', 'localhost') });
    // bucket.localhost resolves to loopback on this machine only if the resolver says so: send it to 127.0.0.1 with the Host header
    const { port } = new URL(h.url);
    const { fetchVirtualHosted } = await import('../../support/s3-vhost');
    const res = await fetchVirtualHosted(h, `sdk.localhost:${port}`, '/mp-copy.bin');
    assert.equal(res.status, 200);
    assert.equal(res.length, a.length + b.length);
    vhost.destroy();
  });

  it('presigned GET and PUT URLs work with a plain HTTP client, and expire', async () => {
    const { presign } = await import('../../support/s3-presign');
    const putUrl = await presign(h, 'put_object', 'sdk', 'pre/signed.txt', 60);
    const put = await fetch(putUrl, { method: 'PUT', body: 'via presigned' });
    assert.equal(put.status, 200, await put.text());
    const getUrl = await presign(h, 'get_object', 'sdk', 'pre/signed.txt', 60);
    assert.equal(await (await fetch(getUrl)).text(), 'via presigned');
    const tampered = getUrl.replace('pre%2Fsigned.txt', 'pre%2Fother.txt').replace('pre/signed.txt', 'pre/other.txt');
    const bad = await fetch(tampered);
    assert.equal(bad.status, 403);
    assert.match(await bad.text(), /SignatureDoesNotMatch/);
    const expired = await presign(h, 'get_object', 'sdk', 'pre/signed.txt', 1);
    await new Promise((r) => setTimeout(r, 2100));
    const late = await fetch(expired);
    assert.equal(late.status, 403);
    assert.match(await late.text(), /AccessDenied/);
    // The AWS CLI v1's `s3 presign` signs with Signature Version 2 unless told s3v4: refused as S3
    // refuses SigV2, saying what to do; with s3v4 configured its URL works.
    const v2 = await h.cli(['s3', 'presign', 's3://sdk/pre/signed.txt']);
    assert.equal(v2.status, 0, v2.stderr);
    if (/[?&]AWSAccessKeyId=/.test(v2.stdout)) {
      const refused = await fetch(v2.stdout.trim());
      const text = await refused.text();
      assert.equal(refused.status, 400, text);
      assert.match(text, /<Code>InvalidRequest<\/Code><Message>The authorization mechanism you have provided is not supported\. Please use AWS4-HMAC-SHA256\. .*signature_version s3v4/);
    } else console.log(`      (this AWS CLI presigns with SigV4 by default: ${v2.stdout.slice(0, 80)}…)`);
    const config = join(h.work, 's3v4.config');
    writeFileSync(config, '[default]\ns3 =\n    signature_version = s3v4\n');
    const v4 = await runProcess('aws', ['s3', 'presign', 's3://sdk/pre/signed.txt'], { ...h.env(), AWS_CONFIG_FILE: config });
    assert.equal(v4.status, 0, v4.stderr);
    assert.equal(await (await fetch(v4.stdout.trim())).text(), 'via presigned');
    const header = await fetch(`${h.url}/sdk/pre/signed.txt`, { headers: { authorization: 'AWS LBLKAAAAAAAAAAAAAAAA:c2lnbmF0dXJl' } });
    assert.equal(header.status, 400);
    assert.match(await header.text(), /<Code>InvalidRequest<\/Code>/);
    // Without any signature (a browser, curl): refused as S3 refuses it, in S3's XML.
    for (const url of [`${h.url}/sdk/pre/signed.txt`, `${h.url}/sdk?list-type=2`, `${h.url}/`]) {
      const anonymous = await fetch(url);
      assert.equal(anonymous.status, 403, url);
      assert.match(anonymous.headers.get('content-type') ?? '', /xml/, url);
      assert.match(await anonymous.text(), /<Code>AccessDenied<\/Code>/, url);
    }
  });

  it('refuses keys that would leave the folder, NUL and oversize keys; writes nothing outside', async () => {
    for (const key of ['../escape.txt', 'a/../../escape.txt', 'a//b', 'nul\0.txt', `${'k'.repeat(1025)}`]) {
      await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'sdk', Key: key, Body: 'x' })), (e: Error) => ['InvalidArgument', 'KeyTooLongError'].includes(e.name), JSON.stringify(key));
    }
    assert.equal(existsSync(join(h.work, 'state', 's3', 'escape.txt')), false);
    assert.equal(existsSync(join(h.work, 'state', 's3', 'buckets', 'escape.txt')), false);
    assert.equal(existsSync(join(h.work, 'escape.txt')), false);
    const keys = (await s3.send(new ListObjectsV2Command({ Bucket: 'sdk' }))).Contents!.map((c) => c.Key);
    assert.ok(!keys.some((k) => k!.includes('escape')));
  });

  it('publishes Object Created / Object Deleted for buckets with EventBridge on, and the CloudTrail PutObject event', async () => {
    h.events.length = 0;
    await s3.send(new PutObjectCommand({ Bucket: 'sdk', Key: 'quiet.txt', Body: 'x' }));
    assert.deepEqual(h.events.map((e) => e['detail-type']), ['AWS API Call via CloudTrail']);
    assert.deepEqual((h.events[0].detail as { requestParameters: unknown }).requestParameters, { bucketName: 'sdk', key: 'quiet.txt', Host: 'localhost' });
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'sdk', NotificationConfiguration: { EventBridgeConfiguration: {} } }));
    const conf = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'sdk' }));
    assert.ok(conf.EventBridgeConfiguration);
    h.events.length = 0;
    await s3.send(new PutObjectCommand({ Bucket: 'sdk', Key: 'loud.txt', Body: 'hello' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'sdk', Key: 'loud.txt' }));
    const created = h.events.find((e) => e['detail-type'] === 'Object Created')!;
    assert.equal(created.source, 'aws.s3');
    assert.deepEqual(created.resources, ['arn:aws:s3:::sdk']);
    assert.deepEqual((created.detail as { bucket: unknown }).bucket, { name: 'sdk' });
    assert.equal((created.detail as { object: { key: string; size: number } }).object.size, 5);
    assert.equal((created.detail as { reason: string }).reason, 'PutObject');
    const deleted = h.events.find((e) => e['detail-type'] === 'Object Deleted')!;
    assert.equal((deleted.detail as { 'deletion-type': string })['deletion-type'], 'Permanently Deleted');
  });

  it('boto3 at its default settings: upload_file (multipart), download_file, put/get, list', async () => {
    const src = join(h.work, 'boto-src.bin');
    writeFileSync(src, randomBytes(12 * 1024 * 1024));
    const script = `
import boto3, hashlib, os, sys
s3 = boto3.client('s3')
s3.create_bucket(Bucket='boto')
s3.upload_file(sys.argv[1], 'boto', 'big/file.bin')
s3.download_file('boto', 'big/file.bin', sys.argv[1] + '.out')
a = hashlib.md5(open(sys.argv[1], 'rb').read()).hexdigest(); b = hashlib.md5(open(sys.argv[1] + '.out', 'rb').read()).hexdigest()
assert a == b, (a, b)
s3.put_object(Bucket='boto', Key='small.txt', Body=b'small body', ChecksumAlgorithm='SHA256')
assert s3.get_object(Bucket='boto', Key='small.txt', ChecksumMode='ENABLED')['Body'].read() == b'small body'
keys = [o['Key'] for o in s3.list_objects_v2(Bucket='boto')['Contents']]
print('KEYS', ','.join(keys))
`;
    const r = await runProcess('python3', ['-c', script, src], h.env());
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /KEYS big\/file\.bin,small\.txt/);
    assert.deepEqual(readdirSync(join(h.work, 'state', 's3', 'buckets', 'boto')).sort(), ['big', 'small.txt']);
  });
});
