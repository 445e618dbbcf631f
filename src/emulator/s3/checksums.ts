/**
 * S3's flexible checksums, computed as bodies stream: CRC32 and CRC32C (@aws-crypto, the SDKs' own
 * implementations), CRC64NVME (@aws-sdk/crc64-nvme), SHA1 and SHA256 (node:crypto). Values are
 * base64 of the big-endian digest, as in the `x-amz-checksum-*` headers and trailers.
 */
import { Crc32 } from '@aws-crypto/crc32';
import { Crc32c } from '@aws-crypto/crc32c';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { createHash } from 'node:crypto';
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
  switch (alg) {
    case 'CRC32':
    case 'CRC32C': {
      const c = alg === 'CRC32' ? new Crc32() : new Crc32c();
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
