/**
 * Conditional writes and deletes (S3 user guide, "Prevent object overwrites with conditional
 * writes"; the If-Match / If-None-Match members of PutObject, CopyObject, CompleteMultipartUpload,
 * DeleteObject and DeleteObjects' ETag): checked against the object there when the write commits,
 * with no other write to the key in between, so two writers cannot both win.
 * - `If-None-Match: *`: the key must hold no object (412 PreconditionFailed otherwise);
 * - `If-Match: <etag>`: the object must have that ETag (412 otherwise); a write to a key with no
 *   object answers 404 NoSuchKey, a delete of one succeeds (204), as the API reference says.
 */
import { S3Error } from './errors';
import type { ObjectInfo } from './objects';

/** A conditional write's precondition on the object there now (none: undefined); throws when it fails. */
export type WriteCondition = (current: ObjectInfo | undefined) => void;

const failed = (condition: string) => new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', { Condition: condition });
const bare = (etag: string) => etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');

/** The condition If-Match / If-None-Match give a write (`of: 'delete'` for a delete), or none. */
export function writeCondition(ifMatch: string | undefined, ifNoneMatch: string | undefined, key: string, of: 'write' | 'delete' = 'write'): WriteCondition | undefined {
  if (ifMatch === undefined && ifNoneMatch === undefined) return undefined;
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw new S3Error('NotImplemented', 501, 'A header you provided implies functionality that is not implemented: If-None-Match takes only * on a write', { Header: 'If-None-Match' });
  }
  return (current) => {
    if (ifNoneMatch !== undefined && current) throw failed('If-None-Match');
    if (ifMatch === undefined) return;
    if (!current) {
      if (of === 'delete') return;
      throw new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key });
    }
    const tags = ifMatch.split(',').map(bare);
    if (!tags.includes('*') && !tags.includes(bare(current.etag))) throw failed('If-Match');
  };
}
