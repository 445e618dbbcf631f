/**
 * The local S3 through the real AWS CLI (`s3` and `s3api`): buckets, copy in and out, sync, ls,
 * rm, a 20 MB multipart upload, errors in AWS's codes, and the folder as the bucket.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startS3, type S3Harness } from '../../support/s3-harness';

describe('S3 through the AWS CLI', function () {
  this.timeout(240_000);
  let h: S3Harness;
  before(async () => {
    h = await startS3();
  });
  after(async () => h?.close());

  const ok = async (args: string[]) => {
    const r = await h.cli(args);
    assert.equal(r.status, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  it('makes, lists and removes buckets; copies files in and out; ls shows folders as prefixes', async () => {
    await ok(['s3', 'mb', 's3://cli-bucket']);
    assert.match(await ok(['s3', 'ls']), /cli-bucket/);
    const src = join(h.work, 'in.txt');
    writeFileSync(src, 'hello from the CLI');
    await ok(['s3', 'cp', src, 's3://cli-bucket/a/b/in.txt']);
    assert.match(await ok(['s3', 'ls', 's3://cli-bucket/']), /PRE a\//);
    assert.match(await ok(['s3', 'ls', 's3://cli-bucket/', '--recursive']), /18 a\/b\/in\.txt/);
    const out = join(h.work, 'out.txt');
    await ok(['s3', 'cp', 's3://cli-bucket/a/b/in.txt', out]);
    assert.equal(readFileSync(out, 'utf8'), 'hello from the CLI');
    const head = JSON.parse(await ok(['s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'a/b/in.txt'])) as { ETag: string; ContentType: string };
    assert.equal(head.ETag, `"${createHash('md5').update('hello from the CLI').digest('hex')}"`);
    assert.equal(head.ContentType, 'text/plain');
    const rb = await h.cli(['s3', 'rb', 's3://cli-bucket']);
    assert.notEqual(rb.status, 0);
    assert.match(rb.stderr, /BucketNotEmpty/);
    await ok(['s3', 'rm', 's3://cli-bucket/a/b/in.txt']);
    await ok(['s3', 'rb', 's3://cli-bucket']);
    assert.doesNotMatch(await ok(['s3', 'ls']), /cli-bucket/);
  });

  it('syncs a folder both ways, and a declared bucket is its folder', async () => {
    const src = join(h.work, 'tree');
    mkdirSync(join(src, 'sub'), { recursive: true });
    for (let i = 0; i < 5; i++) writeFileSync(join(src, i % 2 ? 'sub' : '', `f${i}.dat`), randomBytes(1000 + i));
    await ok(['s3', 'sync', src, 's3://declared/tree']);
    // the objects are the files of the declared folder, and nothing else is there
    assert.deepEqual(readdirSync(join(h.declaredDir, 'tree')).sort(), ['f0.dat', 'f2.dat', 'f4.dat', 'sub']);
    assert.deepEqual(readdirSync(h.declaredDir), ['tree']);
    // a file the user drops in is an object
    writeFileSync(join(h.declaredDir, 'tree', 'dropped.txt'), 'dropped in');
    const back = join(h.work, 'back');
    await ok(['s3', 'sync', 's3://declared/tree', back]);
    assert.equal(readFileSync(join(back, 'dropped.txt'), 'utf8'), 'dropped in');
    assert.deepEqual(readFileSync(join(back, 'sub', 'f3.dat')), readFileSync(join(src, 'sub', 'f3.dat')));
    await ok(['s3', 'rm', 's3://declared/tree', '--recursive']);
    assert.equal(existsSync(join(h.declaredDir, 'tree')), false);
  });

  it('uploads and downloads a 20 MB file as a multipart upload', async () => {
    await ok(['s3', 'mb', 's3://big']);
    const data = randomBytes(20 * 1024 * 1024);
    const src = join(h.work, 'big.bin');
    writeFileSync(src, data);
    await ok(['s3', 'cp', src, 's3://big/big.bin']);
    const head = JSON.parse(await ok(['s3api', 'head-object', '--bucket', 'big', '--key', 'big.bin'])) as { ETag: string; ContentLength: number };
    assert.equal(head.ContentLength, data.length);
    assert.match(head.ETag, /-\d+"$/, 'a multipart ETag ends in -<parts>');
    const out = join(h.work, 'big.out');
    await ok(['s3', 'cp', 's3://big/big.bin', out]);
    assert.ok(readFileSync(out).equals(data));
    // no upload left behind in the state directory
    assert.deepEqual(readdirSync(join(h.work, 'state', 's3', 'uploads')), []);
  });

  it('s3api: put/get with metadata, list-objects-v2 pages, copy, delete-objects and AWS error codes', async () => {
    await ok(['s3api', 'create-bucket', '--bucket', 'api-bucket']);
    const body = join(h.work, 'body.json');
    writeFileSync(body, '{"a":1}');
    await ok(['s3api', 'put-object', '--bucket', 'api-bucket', '--key', 'k1.json', '--body', body, '--content-type', 'application/json', '--metadata', 'owner=team-a']);
    const out = join(h.work, 'got.json');
    const got = JSON.parse(await ok(['s3api', 'get-object', '--bucket', 'api-bucket', '--key', 'k1.json', out])) as { ContentType: string; Metadata: Record<string, string> };
    assert.equal(got.ContentType, 'application/json');
    assert.deepEqual(got.Metadata, { owner: 'team-a' });
    for (let i = 0; i < 5; i++) await ok(['s3api', 'put-object', '--bucket', 'api-bucket', '--key', `p/${i}`, '--body', body]);
    const page = JSON.parse(await ok(['s3api', 'list-objects-v2', '--bucket', 'api-bucket', '--prefix', 'p/', '--max-keys', '2', '--no-paginate'])) as { Contents: Array<{ Key: string }>; IsTruncated: boolean; NextContinuationToken: string };
    assert.deepEqual(page.Contents.map((c) => c.Key), ['p/0', 'p/1']);
    assert.equal(page.IsTruncated, true);
    const next = JSON.parse(await ok(['s3api', 'list-objects-v2', '--bucket', 'api-bucket', '--prefix', 'p/', '--max-keys', '2', '--no-paginate', '--continuation-token', page.NextContinuationToken])) as { Contents: Array<{ Key: string }> };
    assert.deepEqual(next.Contents.map((c) => c.Key), ['p/2', 'p/3']);
    const all = JSON.parse(await ok(['s3api', 'list-objects-v2', '--bucket', 'api-bucket', '--delimiter', '/'])) as { Contents: Array<{ Key: string }>; CommonPrefixes: Array<{ Prefix: string }> };
    assert.deepEqual(all.Contents.map((c) => c.Key), ['k1.json']);
    assert.deepEqual(all.CommonPrefixes, [{ Prefix: 'p/' }]);
    await ok(['s3api', 'copy-object', '--bucket', 'api-bucket', '--key', 'copy.json', '--copy-source', 'api-bucket/k1.json']);
    const copied = JSON.parse(await ok(['s3api', 'head-object', '--bucket', 'api-bucket', '--key', 'copy.json'])) as { Metadata: Record<string, string> };
    assert.deepEqual(copied.Metadata, { owner: 'team-a' });
    const del = JSON.parse(await ok(['s3api', 'delete-objects', '--bucket', 'api-bucket', '--delete', JSON.stringify({ Objects: [{ Key: 'p/0' }, { Key: 'p/1' }] })])) as { Deleted: Array<{ Key: string }> };
    assert.deepEqual(del.Deleted.map((d) => d.Key).sort(), ['p/0', 'p/1']);
    const missing = await h.cli(['s3api', 'get-object', '--bucket', 'api-bucket', '--key', 'nope', out]);
    assert.match(missing.stderr, /NoSuchKey/);
    const noBucket = await h.cli(['s3api', 'list-objects-v2', '--bucket', 'no-such-bucket']);
    assert.match(noBucket.stderr, /NoSuchBucket/);
    const loc = JSON.parse(await ok(['s3api', 'get-bucket-location', '--bucket', 'api-bucket'])) as { LocationConstraint: string | null };
    assert.equal(loc.LocationConstraint ?? null, null);
  });

  it("answers a bucket setting it does not keep as NotImplemented, not as a listing; S3's checks of versionId, metadata directives and encodings; owners and part counts only where S3 gives them", async () => {
    await ok(['s3api', 'create-bucket', '--bucket', 'settings-bucket']);
    // (each of these used to answer 200 with the bucket's listing: get-bucket-encryption printed {"ServerSideEncryptionConfiguration": {}})
    for (const op of ['get-bucket-encryption', 'get-bucket-cors', 'get-bucket-lifecycle-configuration', 'get-bucket-website', 'get-bucket-logging', 'get-public-access-block', 'get-bucket-ownership-controls', 'get-bucket-accelerate-configuration', 'get-bucket-request-payment']) {
      const r = await h.cli(['s3api', op, '--bucket', 'settings-bucket']);
      assert.notEqual(r.status, 0, `${op}: ${r.stdout}`);
      assert.match(r.stderr, /NotImplemented/, op);
    }
    const body = join(h.work, 'small.txt');
    writeFileSync(body, 'x');
    await ok(['s3api', 'put-object', '--bucket', 'settings-bucket', '--key', 'k', '--body', body]);
    const version = await h.cli(['s3api', 'get-object', '--bucket', 'settings-bucket', '--key', 'k', '--version-id', 'abc', join(h.work, 'v.out')]);
    assert.match(version.stderr, /InvalidArgument.*Invalid version id specified/);
    await ok(['s3api', 'get-object', '--bucket', 'settings-bucket', '--key', 'k', '--version-id', 'null', join(h.work, 'v.out')]);
    const sourceVersion = await h.cli(['s3api', 'copy-object', '--bucket', 'settings-bucket', '--key', 'k2', '--copy-source', 'settings-bucket/k?versionId=abc']);
    assert.match(sourceVersion.stderr, /InvalidArgument.*Invalid version id specified/);
    // A listing with a parameter S3 does not know (a cache-buster) is still a listing, as S3 ignores it.
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const client = h.client();
    client.middlewareStack.add((next) => async (args) => {
      (args.request as { query: Record<string, string> }).query['cache-buster'] = '1';
      return next(args);
    }, { step: 'build' });
    assert.deepEqual((await client.send(new ListObjectsV2Command({ Bucket: 'settings-bucket' }))).Contents?.map((c) => c.Key), ['k']);
    client.destroy();
    const directive = await h.cli(['s3api', 'copy-object', '--bucket', 'settings-bucket', '--key', 'k2', '--copy-source', 'settings-bucket/k', '--metadata-directive', 'BOGUS']);
    assert.match(directive.stderr, /InvalidArgument.*Unknown metadata directive/);
    const encoding = await h.cli(['s3api', 'list-objects-v2', '--bucket', 'settings-bucket', '--encoding-type', 'xml']);
    assert.match(encoding.stderr, /InvalidArgument.*Invalid Encoding Method/);
    // ListObjectsV2 names owners only with --fetch-owner; ListObjects always.
    const v2 = JSON.parse(await ok(['s3api', 'list-objects-v2', '--bucket', 'settings-bucket'])) as { Contents: Array<{ Owner?: { ID: string } }> };
    assert.equal(v2.Contents[0]!.Owner, undefined);
    const owned = JSON.parse(await ok(['s3api', 'list-objects-v2', '--bucket', 'settings-bucket', '--fetch-owner'])) as { Contents: Array<{ Owner?: { ID: string } }> };
    const buckets = JSON.parse(await ok(['s3api', 'list-buckets'])) as { Owner: { ID: string } };
    assert.equal(owned.Contents[0]!.Owner!.ID, buckets.Owner.ID);
    const v1 = JSON.parse(await ok(['s3api', 'list-objects', '--bucket', 'settings-bucket'])) as { Contents: Array<{ Owner?: { ID: string } }> };
    assert.equal(v1.Contents[0]!.Owner!.ID, buckets.Owner.ID);
    // A multipart object's part count only to a request for a part.
    const big = join(h.work, 'parts.bin');
    writeFileSync(big, randomBytes(9 * 1024 * 1024));
    await ok(['s3', 'cp', big, 's3://settings-bucket/parts.bin']);
    const plain = JSON.parse(await ok(['s3api', 'head-object', '--bucket', 'settings-bucket', '--key', 'parts.bin'])) as { PartsCount?: number; ETag: string };
    assert.match(plain.ETag, /-2"$/);
    assert.equal(plain.PartsCount, undefined);
    const part = JSON.parse(await ok(['s3api', 'head-object', '--bucket', 'settings-bucket', '--key', 'parts.bin', '--part-number', '1'])) as { PartsCount?: number };
    assert.equal(part.PartsCount, 2);
  });

  it('refuses requests signed with a wrong secret (SignatureDoesNotMatch)', async () => {
    const env = { ...h.env(), AWS_SECRET_ACCESS_KEY: 'wrong-secret' };
    const { runProcess } = await import('../../support/s3-harness');
    const r = await runProcess('aws', ['s3api', 'list-buckets'], env);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /SignatureDoesNotMatch/);
  });
});
