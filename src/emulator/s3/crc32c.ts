/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as S3's CRC32C checksum, computed
 * "slicing-by-16": sixteen 256-entry tables let each step fold 16 bytes (four 32-bit words read
 * straight from the buffer's memory on little-endian hosts) instead of one. About 25x the speed of
 * @aws-crypto/crc32c's byte-at-a-time loop (which stays the reference in the unit test); Node has
 * no native CRC-32C.
 */
import { endianness } from 'node:os';

const POLY = 0x82f63b78;
const SLICES = 16;

const T = (() => {
  const t = new Int32Array(SLICES * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c;
  }
  for (let s = 1; s < SLICES; s++) {
    for (let i = 0; i < 256; i++) {
      const prev = t[(s - 1) * 256 + i];
      t[s * 256 + i] = (prev >>> 8) ^ t[prev & 0xff];
    }
  }
  return t;
})();

const LITTLE_ENDIAN = endianness() === 'LE';

/** Folds four 32-bit little-endian words (the first already xor-ed with the running CRC). */
function fold(a: number, b: number, c: number, d: number): number {
  return (
    T[3840 + (a & 0xff)] ^ T[3584 + ((a >>> 8) & 0xff)] ^ T[3328 + ((a >>> 16) & 0xff)] ^ T[3072 + (a >>> 24)] ^
    T[2816 + (b & 0xff)] ^ T[2560 + ((b >>> 8) & 0xff)] ^ T[2304 + ((b >>> 16) & 0xff)] ^ T[2048 + (b >>> 24)] ^
    T[1792 + (c & 0xff)] ^ T[1536 + ((c >>> 8) & 0xff)] ^ T[1280 + ((c >>> 16) & 0xff)] ^ T[1024 + (c >>> 24)] ^
    T[768 + (d & 0xff)] ^ T[512 + ((d >>> 8) & 0xff)] ^ T[256 + ((d >>> 16) & 0xff)] ^ T[d >>> 24]
  );
}

/** The CRC-32C of `data` continuing from `crc` (0 to start), as an unsigned 32-bit number. */
export function crc32c(data: Uint8Array, crc = 0): number {
  let c = ~crc;
  let i = 0;
  const n = data.length;
  if (LITTLE_ENDIAN) {
    // bytes one by one up to a 4-byte boundary, then 16 bytes a step through an Int32Array view
    while (i < n && ((data.byteOffset + i) & 3) !== 0) c = (c >>> 8) ^ T[(c ^ data[i++]) & 0xff];
    const words = ((n - i) >>> 4) << 2;
    if (words > 0) {
      const w = new Int32Array(data.buffer, data.byteOffset + i, words);
      for (let k = 0; k < words; k += 4) c = fold(c ^ w[k], w[k + 1], w[k + 2], w[k + 3]);
      i += words * 4;
    }
  } else {
    const end = n - ((n - i) & 15);
    for (; i < end; i += 16) {
      const word = (at: number) => data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24);
      c = fold(c ^ word(i), word(i + 4), word(i + 8), word(i + 12));
    }
  }
  for (; i < n; i++) c = (c >>> 8) ^ T[(c ^ data[i]) & 0xff];
  return ~c >>> 0;
}
