/**
 * The S3's XML writer (xml.ts) gives exactly what fast-xml-parser's XMLBuilder (its reference, with
 * the options the S3 used before) gives for the shapes the S3 answers with: nested objects, lists,
 * empty elements, numbers, booleans, characters to escape, and a ListObjectsV2 page of 1,000 keys.
 */
import assert from 'node:assert/strict';
import { XMLBuilder } from 'fast-xml-parser';
import { toXml } from '../../../../src/emulator/s3/xml';

const reference = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, processEntities: true });
const viaReference = (root: string, content: Record<string, unknown>) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n${reference.build({ [root]: { '@_xmlns': 'http://s3.amazonaws.com/doc/2006-03-01/', ...content } }) as string}`;

describe('S3 XML writer', () => {
  it('matches XMLBuilder on every shape the S3 writes', () => {
    const shapes: Array<[string, Record<string, unknown>]> = [
      ['Error', { Code: 'NoSuchKey', Message: `a & b < c > d "e" 'f'`, Key: 'k/é€😀' }],
      ['NotificationConfiguration', { EventBridgeConfiguration: '' }],
      ['NotificationConfiguration', {}],
      ['DeleteResult', { Deleted: [], Error: [{ Key: 'a', Code: 'X', Message: 'm' }] }],
      ['ListPartsResult', { PartNumberMarker: 0, IsTruncated: false, Part: [{ PartNumber: 1, Size: 5 }], Initiator: { ID: 'i', DisplayName: 'd' }, Skipped: undefined }],
      ['Nested', { A: { B: { C: {} } }, L: ['x', 'y'], Nothing: null }],
    ];
    const contents = Array.from({ length: 1000 }, (_, i) => ({ Key: `list/${String(i).padStart(6, '0')}&<`, LastModified: new Date(i * 1000).toISOString(), ETag: '"9dd4e461268c8034f5c8564e155c67a6"', Size: i, StorageClass: 'STANDARD' }));
    shapes.push(['ListBucketResult', { IsTruncated: true, Contents: contents, Name: 'b', Prefix: 'list/', MaxKeys: 1000, CommonPrefixes: [{ Prefix: 'p/' }], KeyCount: 1001, NextContinuationToken: 'abc' }]);
    for (const [root, content] of shapes) assert.equal(toXml(root, content), viaReference(root, content), root);
  });
});
