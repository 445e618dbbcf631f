/**
 * ListObjectsV2 of a bucket's folder: files dropped in (no metadata) listed page by page with the
 * MD5 of their content as ETag (hashed ahead of their page in the background), mixed with uploaded
 * objects; a file changed after its ETag was computed (in place, or replaced with its old mtime)
 * is listed with its new ETag, also after a SIGKILL and restart (the ETag index is only a cache);
 * and prefixes, delimiters, StartAfter, continuation tokens, MaxKeys and EncodingType paged
 * exactly as moto_server's S3 pages them (an independent oracle), ListObjects (version 1) too. A
 * continuation page built ahead of its request is not answered after a write through the API or
 * a change in its folder.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type ListObjectsCommandInput, type ListObjectsV2CommandInput } from '@aws-sdk/client-s3';
import { MOTO_CREDENTIALS, startMoto, type Moto } from '../../support/moto';
import { killServed, serveS3, type ServedS3 } from '../../support/s3-process';
import { startS3, type S3Harness } from '../../support/s3-harness';

const md5 = (b: Buffer | string) => `"${createHash('md5').update(b).digest('hex')}"`;
const settle = () => new Promise((r) => setTimeout(r, 120));

interface Listed {
  readonly key: string;
  readonly etag: string;
  readonly size: number;
}

async function listAll(s3: S3Client, input: ListObjectsV2CommandInput): Promise<{ pages: number; objects: Listed[] }> {
  const objects: Listed[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await s3.send(new ListObjectsV2Command({ ...input, ContinuationToken: token }));
    for (const c of page.Contents ?? []) objects.push({ key: c.Key!, etag: c.ETag!, size: c.Size! });
    token = page.NextContinuationToken;
    pages++;
  } while (token);
  return { pages, objects };
}

/** What a listing of `dir` must show: every file under it, its size and MD5. */
function expected(dir: string, keys: readonly string[]): Listed[] {
  return keys.map((key) => {
    const body = readFileSync(join(dir, key));
    return { key, etag: md5(body), size: body.length };
  });
}

/** A whole second a minute ago: an mtime a replaced file can be given exactly. */
const PAST = Math.floor(Date.now() / 1000) - 60;

/** Files `drop/<n>` of 8 bytes each (same size: a change in place keeps size and inode), last modified at PAST. */
function drop(dir: string, count: number): string[] {
  const keys = Array.from({ length: count }, (_, i) => `drop/${String(i).padStart(5, '0')}`);
  mkdirSync(join(dir, 'drop'), { recursive: true });
  for (const [i, k] of keys.entries()) {
    writeFileSync(join(dir, k), `v1-${String(i).padStart(5, '0')}`);
    utimesSync(join(dir, k), PAST, PAST);
  }
  return keys;
}

describe('S3 ListObjectsV2 of a folder of dropped-in files', function () {
  this.timeout(240_000);
  let h: S3Harness;
  let s3: S3Client;
  before(async () => {
    h = await startS3();
    s3 = h.client();
  });
  after(async () => {
    s3?.destroy();
    await h?.close();
  });

  it('lists dropped-in files (nested, empty, over 1 MiB) and uploaded objects page by page with their MD5 ETags', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'mixed' }));
    const dir = join(h.work, 'state', 's3', 'buckets', 'mixed');
    const dropped: string[] = [];
    for (let i = 0; i < 2300; i++) {
      const key = i % 3 === 0 ? `a/${i}.txt` : i % 3 === 1 ? `b/c/${i}.txt` : `top-${i}`;
      mkdirSync(dirname(join(dir, key)), { recursive: true });
      writeFileSync(join(dir, key), i % 500 === 0 ? '' : `content of ${i} `.repeat(1 + (i % 7)));
      dropped.push(key);
    }
    writeFileSync(join(dir, 'a', 'big.bin'), Buffer.alloc(1536 * 1024, 7));
    dropped.push('a/big.bin');
    const uploaded: string[] = [];
    for (let i = 0; i < 30; i++) {
      const key = `a/up-${i}`;
      const put = await s3.send(new PutObjectCommand({ Bucket: 'mixed', Key: key, Body: `uploaded ${i}`, Metadata: { n: String(i) } }));
      assert.equal(put.ETag, md5(`uploaded ${i}`));
      uploaded.push(key);
    }
    const keys = [...dropped, ...uploaded].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    await settle();
    const first = await listAll(s3, { Bucket: 'mixed' });
    assert.equal(first.pages, 3);
    assert.deepEqual(first.objects, expected(dir, keys));
    const again = await listAll(s3, { Bucket: 'mixed', MaxKeys: 333 });
    assert.equal(again.pages, Math.ceil(keys.length / 333));
    assert.deepEqual(again.objects, expected(dir, keys));
    const underA = await listAll(s3, { Bucket: 'mixed', Prefix: 'a/', MaxKeys: 250 });
    assert.deepEqual(underA.objects, expected(dir, keys.filter((k) => k.startsWith('a/'))));
  });

  it('lists a file changed after its ETag was computed ahead of its page with its new ETag', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'changing' }));
    const dir = join(h.work, 'state', 's3', 'buckets', 'changing');
    const keys = drop(dir, 1500);
    await settle();
    const page1 = await s3.send(new ListObjectsV2Command({ Bucket: 'changing' }));
    assert.deepEqual(page1.Contents!.map((c) => ({ key: c.Key, etag: c.ETag, size: c.Size })), expected(dir, keys.slice(0, 1000)));
    // page 2's files are hashed in the background now; give it time to finish, then change two of them
    await new Promise((r) => setTimeout(r, 1000));
    const inPlace = join(dir, keys[1200]);
    writeFileSync(inPlace, 'v2-in-pl');
    const replaced = join(dir, keys[1300]);
    writeFileSync(`${replaced}.new`, 'v2-repla');
    // a new inode with the old file's size and mtime: only the inode tells the change
    utimesSync(`${replaced}.new`, PAST, PAST);
    assert.equal(statSync(`${replaced}.new`).mtimeMs, statSync(replaced).mtimeMs);
    renameSync(`${replaced}.new`, replaced);
    const page2 = await s3.send(new ListObjectsV2Command({ Bucket: 'changing', ContinuationToken: page1.NextContinuationToken }));
    assert.equal(page2.IsTruncated, false);
    const got = page2.Contents!.map((c) => ({ key: c.Key, etag: c.ETag, size: c.Size }));
    assert.deepEqual(got, expected(dir, keys.slice(1000)));
    assert.equal(got[200].etag, md5('v2-in-pl'));
    assert.equal(got[300].etag, md5('v2-repla'));
  });

  it('answers a continuation page with writes through the API and a file dropped in or removed since the page before', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'ahead' }));
    const dir = join(h.work, 'state', 's3', 'buckets', 'ahead');
    const keys = drop(dir, 300);
    // a folder among page 2's keys: a marker object put for it changes no folder's entries
    const inner = `${keys[160]}x/inner`;
    mkdirSync(join(dir, dirname(inner)));
    writeFileSync(join(dir, inner), 'inner');
    const marker = `${keys[160]}x/`;
    await settle();
    const page1 = await s3.send(new ListObjectsV2Command({ Bucket: 'ahead', MaxKeys: 100 }));
    assert.deepEqual(page1.Contents!.map((c) => ({ key: c.Key, etag: c.ETag, size: c.Size })), expected(dir, keys.slice(0, 100)));
    // page 2 is read ahead meanwhile; then a folder marker is put among its keys through the API
    await settle();
    await s3.send(new PutObjectCommand({ Bucket: 'ahead', Key: marker, Body: '' }));
    const page2 = await s3.send(new ListObjectsV2Command({ Bucket: 'ahead', MaxKeys: 100, ContinuationToken: page1.NextContinuationToken }));
    const got2 = page2.Contents!.map((c) => ({ key: c.Key, etag: c.ETag, size: c.Size }));
    const want2 = [...expected(dir, keys.slice(100, 161)), { key: marker, etag: md5(''), size: 0 }, ...expected(dir, [inner, ...keys.slice(161, 198)])];
    assert.deepEqual(got2, want2);
    // page 3 is read ahead meanwhile; then one of its objects is written through the API, a file
    // is dropped into its range and another removed
    await settle();
    await s3.send(new PutObjectCommand({ Bucket: 'ahead', Key: keys[240], Body: 'v2-put' }));
    writeFileSync(join(dir, `${keys[250]}-new`), 'dropped');
    rmSync(join(dir, keys[260]));
    const page3 = await s3.send(new ListObjectsV2Command({ Bucket: 'ahead', MaxKeys: 100, ContinuationToken: page2.NextContinuationToken }));
    const now = [...keys.slice(198, 251), `${keys[250]}-new`, ...keys.slice(251).filter((k) => k !== keys[260])];
    const got3 = page3.Contents!.map((c) => ({ key: c.Key, etag: c.ETag, size: c.Size }));
    assert.deepEqual(got3, expected(dir, now.slice(0, 100)));
    assert.equal(got3[42].etag, md5('v2-put'));
    const page4 = await s3.send(new ListObjectsV2Command({ Bucket: 'ahead', MaxKeys: 100, ContinuationToken: page3.NextContinuationToken }));
    assert.deepEqual(page4.Contents!.map((c) => ({ key: c.Key, etag: c.ETag, size: c.Size })), expected(dir, now.slice(100)));
    assert.equal(page4.IsTruncated, false);
  });
});

describe('S3 ListObjectsV2 ETag index across a SIGKILL', function () {
  this.timeout(240_000);
  let work: string;
  let served: ServedS3 | undefined;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'localbatch-s3-list-kill-'));
    mkdirSync(join(work, 'state'));
  });
  after(() => {
    served?.child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  async function serve(): Promise<S3Client> {
    served = await serveS3(join(work, 'state'));
    return served.client;
  }

  const kill = async (_s3: S3Client) => {
    if (served) await killServed(served);
  };

  it('never serves an ETag the index kept for a file changed while the server was down, nor one from a torn index', async () => {
    let s3 = await serve();
    await s3.send(new CreateBucketCommand({ Bucket: 'kept' }));
    const dir = join(work, 'state', 's3', 'buckets', 'kept');
    const keys = drop(dir, 1200);
    await settle();
    assert.deepEqual((await listAll(s3, { Bucket: 'kept' })).objects, expected(dir, keys));
    // the index is written once changes have stopped for a second
    const index = join(work, 'state', 's3', 'index', 'kept.json');
    for (let i = 0; i < 100 && !existsSync(index); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(existsSync(index), 'the ETag index was written');
    await kill(s3);
    writeFileSync(join(dir, keys[5]), 'v2-kille');
    writeFileSync(join(dir, keys[1100]), 'v2-kille');
    s3 = await serve();
    try {
      const listed = (await listAll(s3, { Bucket: 'kept' })).objects;
      assert.deepEqual(listed, expected(dir, keys));
      assert.equal(listed[5].etag, md5('v2-kille'));
    } finally {
      await kill(s3);
    }
    writeFileSync(index, '{"drop/00007": {"size": 9, "mtimeMs"');
    s3 = await serve();
    try {
      assert.deepEqual((await listAll(s3, { Bucket: 'kept', MaxKeys: 500 })).objects, expected(dir, keys));
    } finally {
      await kill(s3);
    }
  });
});

describe('S3 ListObjectsV2 paging as moto_server pages it', function () {
  this.timeout(240_000);
  let h: S3Harness;
  let moto: Moto;
  let ours: S3Client;
  let theirs: S3Client;
  before(async function () {
    moto = await startMoto(this);
    h = await startS3();
    ours = h.client();
    theirs = new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials: MOTO_CREDENTIALS });
  });
  after(async () => {
    ours?.destroy();
    theirs?.destroy();
    await h?.close();
    await moto?.stop();
  });

  it('answers prefix, delimiter, StartAfter, MaxKeys, continuation and EncodingType pages alike', async () => {
    const keys = ['a.txt', 'a/1', 'a/2', 'a/b/1', 'a/b/2', 'a/b/c/1', 'a/c', 'ab', 'b/1', 'b/2/x', 'b/3', 'c d/e f', 'c d/g', 'ü/1', 'ü/2', 'z+1', 'z%2', 'zz/', 'zz/in'];
    for (const client of [ours, theirs]) {
      await client.send(new CreateBucketCommand({ Bucket: 'oracle' }));
      for (const key of keys) await client.send(new PutObjectCommand({ Bucket: 'oracle', Key: key, Body: key.endsWith('/') ? '' : `body of ${key}` }));
    }
    const cases: Array<Omit<ListObjectsV2CommandInput, 'Bucket'>> = [];
    for (const Prefix of [undefined, 'a', 'a/', 'a/b/', 'c d/', 'nothing'])
      for (const Delimiter of [undefined, '/', 'b'])
        for (const MaxKeys of [undefined, 1, 2, 3]) cases.push({ Prefix, Delimiter, MaxKeys });
    for (const StartAfter of ['a/', 'a/b', 'a/b/2', 'b', 'zz']) cases.push({ StartAfter }, { StartAfter, Delimiter: '/', MaxKeys: 2 });
    // StartAfter equal to the prefix, ending in the delimiter: not a common prefix, so nothing is skipped
    cases.push({ Prefix: 'a/', Delimiter: '/', StartAfter: 'a/' }, { Prefix: 'zz/', Delimiter: '/', StartAfter: 'zz/' });
    cases.push({ EncodingType: 'url' }, { EncodingType: 'url', Delimiter: '/', MaxKeys: 2 }, { EncodingType: 'url', Prefix: 'c d/' });
    for (const c of cases) {
      const pages = async (client: S3Client) => {
        const out = [];
        let token: string | undefined;
        do {
          const p = await client.send(new ListObjectsV2Command({ Bucket: 'oracle', ...c, ContinuationToken: token }));
          out.push({
            keys: (p.Contents ?? []).map((o) => [o.Key, o.ETag, o.Size]),
            prefixes: (p.CommonPrefixes ?? []).map((o) => o.Prefix),
            count: p.KeyCount,
            truncated: p.IsTruncated,
            prefix: p.Prefix ?? '',
            delimiter: p.Delimiter,
            // moto echoes StartAfter on the first page only; AWS documents "If StartAfter was sent with the request, it is included in the response"
            startAfter: token ? undefined : p.StartAfter,
            encoding: p.EncodingType,
          });
          token = p.NextContinuationToken;
        } while (token);
        return out;
      };
      assert.deepEqual(await pages(ours), await pages(theirs), JSON.stringify(c));
    }
  });

  it('answers ListObjects (version 1) pages, paged by NextMarker or the last key, as moto_server pages version 2', async () => {
    // (moto_server's own version 1 is no oracle: with a delimiter it repeats every common prefix on
    // each page, and its NextMarker is a token of its own)
    const keys = ['a.txt', 'a/1', 'a/2', 'a/b/1', 'a/b/2', 'a/c', 'ab', 'b/1', 'b/2/x', 'b/3', 'c d/e f', 'ü/1', 'z+1'];
    for (const client of [ours, theirs]) {
      await client.send(new CreateBucketCommand({ Bucket: 'oracle-v1' }));
      for (const key of keys) await client.send(new PutObjectCommand({ Bucket: 'oracle-v1', Key: key, Body: `body of ${key}` }));
    }
    const cases: Array<Omit<ListObjectsCommandInput, 'Bucket'>> = [];
    for (const Prefix of [undefined, 'a', 'a/']) for (const Delimiter of [undefined, '/']) for (const MaxKeys of [undefined, 1, 2, 3]) cases.push({ Prefix, Delimiter, MaxKeys });
    cases.push({ Marker: 'a/b' }, { Marker: 'a/', Delimiter: '/', MaxKeys: 2 }, { Prefix: 'a/', Marker: 'a/', Delimiter: '/' }, { Prefix: 'a/', Delimiter: '/', MaxKeys: 1 });
    const page = (p: { Contents?: Array<{ Key?: string; ETag?: string; Size?: number }>; CommonPrefixes?: Array<{ Prefix?: string }>; IsTruncated?: boolean }) => ({
      keys: (p.Contents ?? []).map((o) => [o.Key, o.ETag, o.Size]),
      prefixes: (p.CommonPrefixes ?? []).map((o) => o.Prefix),
      truncated: p.IsTruncated,
    });
    for (const c of cases) {
      const v1 = [];
      let marker = c.Marker;
      for (;;) {
        const p = await ours.send(new ListObjectsCommand({ Bucket: 'oracle-v1', ...c, Marker: marker }));
        v1.push(page(p));
        // AWS returns NextMarker only with a delimiter: without one, the next marker is the last key
        assert.equal(p.NextMarker, c.Delimiter && p.IsTruncated ? [...(p.Contents ?? []).map((o) => o.Key), ...(p.CommonPrefixes ?? []).map((o) => o.Prefix)].sort().at(-1) : undefined);
        if (!p.IsTruncated) break;
        marker = p.NextMarker ?? p.Contents!.at(-1)!.Key;
      }
      const v2 = [];
      let token: string | undefined;
      do {
        const p = await theirs.send(new ListObjectsV2Command({ Bucket: 'oracle-v1', Prefix: c.Prefix, Delimiter: c.Delimiter, MaxKeys: c.MaxKeys, StartAfter: c.Marker, ContinuationToken: token }));
        v2.push(page(p));
        token = p.NextContinuationToken;
      } while (token);
      assert.deepEqual(v1, v2, JSON.stringify(c));
    }
  });
});
