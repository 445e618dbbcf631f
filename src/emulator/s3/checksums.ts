/**
 * S3's flexible checksums, computed as bodies stream: CRC32 with Node's own zlib.crc32 (native,
 * built into Node since 20.15; 40x the speed of a JS table loop) or @aws-crypto/crc32 on an older
 * Node, CRC32C (crc32c.ts: slicing-by-16 in JS, checked against @aws-crypto/crc32c, the SDKs' own
 * byte-at-a-time implementation), CRC64NVME (@aws-sdk/crc64-nvme), SHA1
 * and SHA256 (node:crypto). Values are base64 of the big-endian digest, as in the
 * `x-amz-checksum-*` headers and trailers. Only the checksum a request names is computed.
 */
import { Crc32 } from '@aws-crypto/crc32';
import * as zlib from 'node:zlib';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { createHash } from 'node:crypto';
import { crc32c } from './crc32c';
import { invalidArgument } from './errors';

export const ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof ALGORITHMS)[number];
export type ChecksumType = 'COMPOSITE' | 'FULL_OBJECT';

export interface Hasher {
  update(data: Uint8Array): void;
  /** base64 of the digest. */
  digest(): Promise<string>;
}

export function hasher(alg: ChecksumAlgorithm): Hasher {
  if (alg === 'CRC32' && nativeCrc32) {
    const crc = nativeCrc32;
    let v = 0;
    return {
      update: (d) => void (v = crc(d, v)),
      digest: () => Promise.resolve(u32(v)),
    };
  }
  if (alg === 'CRC32C') {
    let v = 0;
    return {
      update: (d) => void (v = crc32c(d, v)),
      digest: () => Promise.resolve(u32(v)),
    };
  }
  switch (alg) {
    case 'CRC32': {
      const c = new Crc32();
      return {
        update: (d) => void c.update(d),
        digest: () => Promise.resolve(u32(c.digest())),
      };
    }
    case 'CRC64NVME': {
      const c = new Crc64Nvme();
      return {
        update: (d) => c.update(d),
        digest: async () => Buffer.from(await c.digest()).toString('base64'),
      };
    }
    default: {
      const h = createHash(alg === 'SHA1' ? 'sha1' : 'sha256');
      return {
        update: (d) => void h.update(d),
        digest: () => Promise.resolve(h.digest('base64')),
      };
    }
  }
}

/** zlib.crc32 (Node >= 20.15, 22.2): the same CRC-32 (IEEE) as S3's CRC32. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

function u32(n: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('base64');
}

export function headerOf(alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`;
}

export function parseAlgorithm(value: unknown, name = 'x-amz-checksum-algorithm'): ChecksumAlgorithm | undefined {
  if (value === undefined || value === '') return undefined;
  const v = String(value).toUpperCase();
  if (!(ALGORITHMS as readonly string[]).includes(v)) throw invalidArgument(`Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]`, name, String(value));
  return v as ChecksumAlgorithm;
}

/** The default type of a multipart upload's checksum: FULL_OBJECT for CRC64NVME, else COMPOSITE. */
export function defaultType(alg: ChecksumAlgorithm): ChecksumType {
  return alg === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE';
}

/** A composite checksum: the checksum of the parts' raw checksums, with `-<parts>`. */
export async function composite(alg: ChecksumAlgorithm, parts: readonly string[]): Promise<string> {
  const h = hasher(alg);
  for (const p of parts) h.update(Buffer.from(p, 'base64'));
  return `${await h.digest()}-${parts.length}`;
}
