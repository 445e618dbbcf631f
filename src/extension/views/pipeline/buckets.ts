/** The Buckets group of the Local view: ListBuckets, then ListObjectsV2 (Delimiter "/") per folder. */
import { ListBucketsCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import type { EmulatorConnection } from '../../emulator/manager';
import { bucketRow, folderRow, listingNodes, MAX_LISTED, objectRow, parentPrefix, prefixOf, type ListedObject } from './bucketRows';
import { pipelineClients } from './clients';
import { noteNode, type NodeOf, type PipelineNode, type RowText } from './nodes';

export async function bucketChildren(conn: EmulatorConnection, node: NodeOf<'group'> | NodeOf<'bucket'> | NodeOf<'folder'>): Promise<PipelineNode[]> {
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
  let truncated: boolean;
  do {
    const page: ListObjectsV2CommandOutput = await s3.send(new ListObjectsV2Command({ Bucket: node.bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }));
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) prefixes.push(p.Prefix);
    objects.push(...(page.Contents ?? []));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
    truncated = token !== undefined && prefixes.length + objects.length >= MAX_LISTED;
  } while (token && !truncated);
  const nodes = listingNodes(node.bucket, prefix, prefixes, objects);
  if (truncated) nodes.push(noteNode(node.id, `Only the first ${prefixes.length + objects.length} entries are shown; list the rest with aws s3 ls s3://${node.bucket}/${prefix}`));
  if (nodes.length === 0) nodes.push(noteNode(node.id, prefix ? 'Empty folder' : 'Empty bucket: drop files into its folder, or aws s3 cp FILE s3://' + node.bucket + '/'));
  return nodes;
}

export function bucketRowOf(node: NodeOf<'bucket'> | NodeOf<'folder'> | NodeOf<'object'>, now: number): RowText {
  if (node.type === 'bucket') return bucketRow(node);
  if (node.type === 'folder') return folderRow(node, parentPrefix(node.prefix));
  return objectRow(node, parentPrefix(node.key), now);
}
