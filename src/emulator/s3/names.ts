/**
 * Bucket names as S3 allows them, and object keys as localbatch can store them: a key is a path
 * inside the bucket's folder (`a/b.txt` is the file `b.txt` in the subfolder `a`), so keys that
 * would escape the folder or cannot be file names are refused (a local limit; S3 itself allows them).
 */
import { S3Error } from './errors';

/** S3's limit on a key: 1,024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;
/** Most file systems' limit on one path segment. */
export const MAX_SEGMENT_BYTES = 255;
/** A user-metadata header set may hold at most 2 KB (S3's limit on x-amz-meta-*). */
export const MAX_USER_METADATA_BYTES = 2048;
/** S3's limit on a single PUT. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;
/** S3's limits on multipart uploads. */
export const MIN_PART_BYTES = 5 * 1024 ** 2;
export const MAX_PART_BYTES = 5 * 1024 ** 3;
export const MAX_PARTS = 10_000;
export const MAX_OBJECT_BYTES = 5 * 1024 ** 4;

/** Names the bucket folders never show: files being written when a rename cannot stay on one file system. */
export const TEMP_PREFIX = '.localbatch-partial-';

export function checkBucketName(name: string): void {
  const bad = (why: string) => new S3Error('InvalidBucketName', 400, `The specified bucket is not valid: ${why}.`, { BucketName: name });
  if (name.length < 3 || name.length > 63) throw bad('bucket names must be between 3 and 63 characters long');
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) throw bad('bucket names use lowercase letters, numbers, dots and hyphens, and begin and end with a letter or number');
  if (name.includes('..')) throw bad('bucket names must not contain two adjacent periods');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) throw bad('bucket names must not be formatted as an IP address');
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) throw bad('the name uses a prefix or suffix S3 reserves');
}

/**
 * A key S3 accepts that localbatch cannot keep as a file ('..' segments, '//', a NUL...). No object
 * can have such a key here, so reads and deletes answer as S3 does for a missing key; only writes
 * are refused with this error.
 */
export class UnstorableKeyError extends S3Error {}

/** The key's path segments, or a refusal saying why this key cannot be a file in the folder. */
export function keySegments(key: string): string[] {
  const bytes = Buffer.byteLength(key);
  if (bytes === 0) throw new S3Error('InvalidArgument', 400, 'An object key must not be empty.');
  if (bytes > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', 400, 'Your key is too long', { Size: String(bytes), MaxSizeAllowed: String(MAX_KEY_BYTES) });
  const local = (why: string) =>
    new UnstorableKeyError(
      'InvalidArgument',
      400,
      `localbatch stores each object as a file in the bucket's folder, so this key cannot be stored: ${why}. ` +
        'S3 itself accepts it; this is a local limit (see the README, S3). Use a key without it.',
      { ArgumentName: 'key', ArgumentValue: key.slice(0, 200) },
    );
  if (key.includes('\0')) throw local('it contains a NUL character');
  if (key.startsWith('/')) throw local("it begins with '/' (an absolute path)");
  const folderMarker = key.endsWith('/');
  const segments = (folderMarker ? key.slice(0, -1) : key).split('/');
  for (const seg of segments) {
    if (seg === '') throw local("it has an empty path segment ('//')");
    if (seg === '.' || seg === '..') throw local(`it has a '${seg}' path segment`);
    if (Buffer.byteLength(seg) > MAX_SEGMENT_BYTES) throw local(`a path segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
    if (seg.startsWith(TEMP_PREFIX)) throw local(`a path segment begins with ${TEMP_PREFIX}, which localbatch reserves`);
  }
  return segments;
}

/** Keys in S3's order: UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Below the surrogates, UTF-16 order is code point order, which is UTF-8 byte order.
    if (x < 0xd800 && y < 0xd800) return x - y;
    return Buffer.compare(Buffer.from(a.slice(i)), Buffer.from(b.slice(i)));
  }
  return a.length - b.length;
}
