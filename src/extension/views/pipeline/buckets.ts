/** The Buckets group of the Local view: ListBuckets, then ListObjectsV2 (Delimiter "/") per folder, a page at a time. */
import { ListBucketsCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import type { EmulatorConnection } from '../../emulator/manager';
import type { MoreNode } from '../jobNodes';
import { bucketRow, folderRow, listingNodes, objectRow, OBJECTS_PAGE, parentPrefix, prefixOf, type ListedObject } from './bucketRows';
import { pipelineClients } from './clients';
import { noteNode, type NodeOf, type PipelineNode, type RowText } from './nodes';

/** ListObjectsV2 returns at most 1,000 keys a call. */
const MAX_KEYS = 1000;

/**
 * A node's children: the buckets, or a folder's first `limit` entries (folders and objects, in S3's
 * order) and a "Load more…" row when S3 has more; each Load more lists `OBJECTS_PAGE` more.
 */
export async function bucketChildren(conn: EmulatorConnection, node: NodeOf<'group'> | NodeOf<'bucket'> | NodeOf<'folder'>, limit: number = OBJECTS_PAGE): Promise<Array<PipelineNode | MoreNode>> {
  const { s3 } = pipelineClients(conn);
  if (node.type === 'group') {
    const out = await s3.send(new ListBucketsCommand({}));
    const names = (out.Buckets ?? []).map((b) => b.Name).filter((n): n is string => typeof n === 'string').sort();
    if (names.length === 0) return [noteNode(node.id, 'No buckets: declare one under buckets: in localbatch.yaml, or aws s3 mb s3://NAME')];
    return names.map((bucket): PipelineNode => ({ kind: 'pipeline', type: 'bucket', id: `s3:${bucket}`, bucket }));
  }
  const prefix = prefixOf(node);
  const prefixes: string[] = [];
  const objects: ListedObject[] = [];
  let token: string | undefined;
  do {
    // S3 counts a common prefix as one key against MaxKeys.
    const maxKeys = Math.min(MAX_KEYS, limit - prefixes.length - objects.length);
    const page: ListObjectsV2CommandOutput = await s3.send(new ListObjectsV2Command({ Bucket: node.bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token, MaxKeys: maxKeys }));
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) prefixes.push(p.Prefix);
    objects.push(...(page.Contents ?? []));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token && prefixes.length + objects.length < limit);
  const nodes: Array<PipelineNode | MoreNode> = listingNodes(node.bucket, prefix, prefixes, objects);
  if (token) nodes.push({ kind: 'more', id: `more:${node.id}`, view: 'local', listKey: node.id, description: `first ${prefixes.length + objects.length} shown` });
  if (nodes.length === 0) nodes.push(noteNode(node.id, prefix ? 'Empty folder' : 'Empty bucket: drop files into its folder, or aws s3 cp FILE s3://' + node.bucket + '/'));
  return nodes;
}

export function bucketRowOf(node: NodeOf<'bucket'> | NodeOf<'folder'> | NodeOf<'object'>, now: number): RowText {
  if (node.type === 'bucket') return bucketRow(node);
  if (node.type === 'folder') return folderRow(node, parentPrefix(node.prefix));
  return objectRow(node, parentPrefix(node.key), now);
}
