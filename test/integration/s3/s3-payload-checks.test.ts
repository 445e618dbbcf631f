/**
 * What the local S3 checks of an upload's bytes, for small bodies (hashed on the event loop) and big
 * ones (8 MiB and more: MD5 and the signed payload's SHA-256 on a worker thread, see
 * hashes-off-thread.ts), through the real SDK: the ETag is the body's MD5; a body changed after it
 * was signed is refused with XAmzContentSHA256Mismatch, a wrong Content-MD5 with BadDigest, and
 * neither leaves an object behind.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startS3, type S3Harness } from '../../support/s3-harness';

const MiB = 1024 * 1024;

/** A client whose requests' bodies get one byte flipped after they were signed (a corrupted upload). */
function tampering(h: S3Harness): S3Client {
  const client = h.client();
  client.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { body?: unknown };
      if (req.body instanceof Uint8Array && req.body.length > 0) {
        const copy = Buffer.from(req.body);
        copy[copy.length >> 1] ^= 0xff;
        req.body = copy;
      }
      return next(args);
    },
    { step: 'deserialize', name: 'flipAByteAfterSigning' },
  );
  return client;
}

async function absent(s3: S3Client, key: string): Promise<boolean> {
  return s3.send(new HeadObjectCommand({ Bucket: 'checks', Key: key })).then(
    () => false,
    (err: { name?: string }) => err.name === 'NotFound',
  );
}

describe('S3 upload checks, small and big bodies (integration)', function () {
  this.timeout(120_000);
  let h: S3Harness;
  let s3: S3Client;

  before(async () => {
    h = await startS3();
    s3 = h.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'checks' }));
  });

  after(async () => {
    s3?.destroy();
    await h?.close();
  });

  for (const [what, size] of [['1 KiB', 1024], ['9 MiB', 9 * MiB + 7]] as const) {
    it(`${what}: the ETag is the body's MD5, and the body reads back whole`, async () => {
      const data = randomBytes(size);
      const md5 = createHash('md5').update(data).digest('hex');
      const put = await s3.send(new PutObjectCommand({ Bucket: 'checks', Key: `ok-${size}`, Body: data }));
      assert.equal(put.ETag, `"${md5}"`);
      const got = await s3.send(new GetObjectCommand({ Bucket: 'checks', Key: `ok-${size}` }));
      assert.equal(got.ETag, `"${md5}"`);
      const back = Buffer.from(await got.Body!.transformToByteArray());
      assert.equal(createHash('md5').update(back).digest('hex'), md5);
    });

    it(`${what}: a body changed after signing is refused (XAmzContentSHA256Mismatch) and not stored`, async () => {
      const bad = tampering(h);
      try {
        await assert.rejects(bad.send(new PutObjectCommand({ Bucket: 'checks', Key: `tampered-${size}`, Body: randomBytes(size) })), (err: { name?: string; $metadata?: { httpStatusCode?: number } }) => {
          assert.equal(err.name, 'XAmzContentSHA256Mismatch');
          assert.equal(err.$metadata?.httpStatusCode, 400);
          return true;
        });
      } finally {
        bad.destroy();
      }
      assert.ok(await absent(s3, `tampered-${size}`), 'nothing stored');
    });

    it(`${what}: a Content-MD5 that does not match is refused (BadDigest) and not stored`, async () => {
      const other = createHash('md5').update('something else').digest('base64');
      await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'checks', Key: `md5-${size}`, Body: randomBytes(size), ContentMD5: other })), (err: { name?: string }) => err.name === 'BadDigest');
      assert.ok(await absent(s3, `md5-${size}`), 'nothing stored');
    });
  }

  it('a process whose uploads were hashed on the worker thread exits once it has nothing else to do', () => {
    // An idle hashing worker must not keep a CLI or a test run alive (it once did).
    const module = join(__dirname, '..', '..', '..', 'src', 'emulator', 's3', 'hashes-off-thread.ts');
    const script = `const { OffThreadHashes } = require(${JSON.stringify(module)});
(async () => { const h = new OffThreadHashes(true); await h.update([Buffer.alloc(1 << 20, 1)]); const d = await h.digest(); console.log(d.md5.toString('hex')); })();`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.signal, null, `the process did not exit by itself (killed: ${run.signal}); stderr: ${run.stderr}`);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), createHash('md5').update(Buffer.alloc(1 << 20, 1)).digest('hex'));
  });
});
