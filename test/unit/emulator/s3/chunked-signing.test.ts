/**
 * SigV4 streaming signatures against the worked example of AWS's "Transferring Payload in Multiple
 * Chunks" page (PUT /examplebucket/chunkObject.txt, 66,560 bytes of 'a' in 64 KiB chunks): the seed
 * signature of the headers and each chunk signature are checked by our verifier and decoder.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { verifyStreamingSigV4 } from '../../../../src/emulator/edge/stream-auth';
import { ChunkedDecoder } from '../../../../src/emulator/s3/chunked';
import { keySegments } from '../../../../src/emulator/s3/names';

const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const SIGS = ['ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648', '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497', 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9'];
const HEADERS = {
  host: 's3.amazonaws.com',
  'x-amz-date': '20130524T000000Z',
  'x-amz-storage-class': 'REDUCED_REDUNDANCY',
  authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${SEED}`,
  'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'content-encoding': 'aws-chunked',
  'x-amz-decoded-content-length': '66560',
  'content-length': '66824',
};
const NOW = Date.UTC(2013, 4, 24, 0, 1);

function body(sigs: string[]): Buffer {
  const a = Buffer.alloc(65536, 'a');
  const b = Buffer.alloc(1024, 'a');
  return Buffer.concat([Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`), a, Buffer.from(`\r\n400;chunk-signature=${sigs[1]}\r\n`), b, Buffer.from(`\r\n0;chunk-signature=${sigs[2]}\r\n\r\n`)]);
}

async function decode(auth: ReturnType<typeof verifyStreamingSigV4>, raw: Buffer): Promise<number> {
  let size = 0;
  await pipeline(Readable.from([raw.subarray(0, 1000), raw.subarray(1000, 40000), raw.subarray(40000)]), new ChunkedDecoder(auth.chunkSigner), new Writable({ write: (c: Buffer, _e, done) => ((size += c.length), done()) }));
  return size;
}

describe('S3 streaming SigV4 (AWS worked example)', () => {
  const head = { method: 'PUT', rawPath: '/examplebucket/chunkObject.txt', rawQuery: '', headers: HEADERS };

  it('accepts the seed signature and every chunk signature; decodes 66,560 bytes', async () => {
    const auth = verifyStreamingSigV4(head, CREDS, ['s3'], NOW);
    assert.equal(auth.payloadHash, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    assert.equal(body(SIGS).length, 66824);
    assert.equal(await decode(auth, body(SIGS)), 66560);
  });

  it('refuses a changed header, a wrong chunk signature, and chunks out of order', async () => {
    assert.throws(() => verifyStreamingSigV4({ ...head, headers: { ...HEADERS, 'x-amz-storage-class': 'STANDARD' } }, CREDS, ['s3'], NOW), /signature we calculated/);
    const auth = verifyStreamingSigV4(head, CREDS, ['s3'], NOW);
    await assert.rejects(decode(auth, body([SIGS[0], SIGS[0], SIGS[2]])), /SignatureDoesNotMatch|signature/);
    await assert.rejects(decode(auth, body([SIGS[1], SIGS[0], SIGS[2]])), /signature/);
  });

  it('does not reuse a cached signing key for another secret of the same key id', () => {
    verifyStreamingSigV4(head, CREDS, ['s3'], NOW);
    assert.throws(() => verifyStreamingSigV4(head, { ...CREDS, secretAccessKey: `${CREDS.secretAccessKey}x` }, ['s3'], NOW), /signature we calculated/);
    verifyStreamingSigV4(head, CREDS, ['s3'], NOW);
  });
});

describe('S3 keys as paths (local limits)', () => {
  it('splits keys into folder segments and refuses the ones that would leave the folder', () => {
    assert.deepEqual(keySegments('a/b/c.txt'), ['a', 'b', 'c.txt']);
    assert.deepEqual(keySegments('folder/'), ['folder']);
    for (const bad of ['../x', 'a/../../x', './x', '/abs', 'a//b', 'nul\0', 'k'.repeat(1025), `${'s'.repeat(256)}/x`]) {
      assert.throws(() => keySegments(bad), /cannot be stored|too long/, JSON.stringify(bad.slice(0, 20)));
    }
  });
});
