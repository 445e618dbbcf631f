/**
 * The CRC32 the S3 computes (Node's zlib.crc32 when present) equals the AWS SDK's own @aws-crypto
 * implementation, fed in arbitrary pieces, and the check value of the standard ("123456789").
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Crc32 } from '@aws-crypto/crc32';
import { hasher } from '../../../../src/emulator/s3/checksums';

function sdkCrc32(data: Buffer): string {
  const c = new Crc32();
  c.update(data);
  const b = Buffer.alloc(4);
  b.writeUInt32BE(c.digest() >>> 0);
  return b.toString('base64');
}

describe('S3 CRC32 checksum', () => {
  it('matches the standard check value', async () => {
    const h = hasher('CRC32');
    h.update(Buffer.from('123456789'));
    assert.equal(Buffer.from(await h.digest(), 'base64').toString('hex'), 'cbf43926');
  });

  it('matches @aws-crypto/crc32 over data fed in uneven pieces', async () => {
    for (const size of [0, 1, 1000, 70_001, 1024 * 1024 + 7]) {
      const data = randomBytes(size);
      const h = hasher('CRC32');
      for (let at = 0; at < size; ) {
        const n = Math.min(size - at, 1 + ((at * 7919) % 65_537));
        h.update(data.subarray(at, at + n));
        at += n;
      }
      assert.equal(await h.digest(), sdkCrc32(data), `size ${size}`);
    }
  });
});
