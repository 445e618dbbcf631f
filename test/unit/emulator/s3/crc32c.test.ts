/**
 * The S3's own CRC32C (slicing-by-16, crc32c.ts) equals @aws-crypto/crc32c (the SDKs' byte-at-a-time
 * implementation) on random buffers of many sizes, fed whole and in uneven pieces at unaligned
 * offsets, and gives the standard check value for "123456789".
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Crc32c } from '@aws-crypto/crc32c';
import { hasher } from '../../../../src/emulator/s3/checksums';
import { crc32c } from '../../../../src/emulator/s3/crc32c';

function reference(data: Uint8Array): number {
  const c = new Crc32c();
  c.update(data);
  return c.digest() >>> 0;
}

describe('S3 CRC32C checksum', () => {
  it('matches the standard check value', async () => {
    assert.equal(crc32c(Buffer.from('123456789')).toString(16), 'e3069283');
    const h = hasher('CRC32C');
    h.update(Buffer.from('123456789'));
    assert.equal(Buffer.from(await h.digest(), 'base64').toString('hex'), 'e3069283');
  });

  it('matches @aws-crypto/crc32c on random buffers, whole and in uneven unaligned pieces', async () => {
    const sizes = [0, 1, 3, 4, 15, 16, 17, 31, 33, 64, 255, 1000, 4097, 65_536 + 5, 1024 * 1024 + 13];
    for (let round = 0; round < 20; round++) sizes.push(Math.floor(Math.random() * 200_000));
    for (const size of sizes) {
      // a view starting at an odd offset of a bigger buffer, so the word path meets unaligned data
      const backing = randomBytes(size + 7);
      const offset = 1 + (size % 5);
      const data = backing.subarray(offset, offset + size);
      const want = reference(data);
      assert.equal(crc32c(data), want, `size ${size} whole`);
      let crc = 0;
      const h = hasher('CRC32C');
      for (let at = 0; at < size; ) {
        const n = Math.min(size - at, 1 + ((at * 7919 + size) % 40_009));
        crc = crc32c(data.subarray(at, at + n), crc);
        h.update(data.subarray(at, at + n));
        at += n;
      }
      assert.equal(crc, want, `size ${size} in pieces`);
      const b = Buffer.alloc(4);
      b.writeUInt32BE(want);
      assert.equal(await h.digest(), b.toString('base64'), `size ${size} through hasher`);
    }
  });
});
