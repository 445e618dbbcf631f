/**
 * Buckets in the Local view, as data: a listing (ListObjectsV2 with Delimiter "/") as folder and
 * object nodes, their rows, and where an opened object is downloaded (under the extension's
 * storage, never outside it). Pure.
 */
import * as path from 'node:path';
import type { NodeOf, PipelineNode, RowText } from './nodes';
import { clockText } from './nodes';

export interface ListedObject {
  readonly Key?: string;
  readonly Size?: number;
  readonly LastModified?: Date | string;
}

/**
 * Entries (folders and objects) a folder shows before its "Load more…" row, and how many each Load
 * more adds: what a side bar shows many times over, and a fraction of a 1,000-key listing's cost.
 */
export const OBJECTS_PAGE = 200;

const iso = (d: Date | string | undefined): string | undefined => (d === undefined ? undefined : typeof d === 'string' ? d : d.toISOString());

/** Folders (common prefixes) then objects under `prefix`, each sorted by name; the folder's own marker object is left out. */
export function listingNodes(bucket: string, prefix: string, prefixes: readonly string[], objects: readonly ListedObject[]): PipelineNode[] {
  const folders = [...new Set(prefixes)].filter((p) => p.startsWith(prefix) && p !== prefix).sort();
  const files = objects.filter((o): o is ListedObject & { Key: string } => typeof o.Key === 'string' && o.Key !== prefix && o.Key.startsWith(prefix)).sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
  return [
    ...folders.map((p): PipelineNode => ({ kind: 'pipeline', type: 'folder', id: `s3:${bucket}/${p}`, bucket, prefix: p })),
    ...files.map((o): PipelineNode => ({ kind: 'pipeline', type: 'object', id: `s3:${bucket}/${o.Key}`, bucket, key: o.Key, size: o.Size, lastModified: iso(o.LastModified) })),
  ];
}

/** `0 B`, `999 B`, `1.5 KB`, `20.0 MB` (powers of 1024). */
export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** The part of `key` below `prefix` (the row's label). */
export function nameBelow(key: string, prefix: string): string {
  return key.startsWith(prefix) ? key.slice(prefix.length) : key;
}

export function bucketRow(n: NodeOf<'bucket'>): RowText {
  return { label: n.bucket, icon: 'archive', collapsible: 'collapsed', contextValue: 'pipelineBucket', tooltip: `s3://${n.bucket}` };
}

export function folderRow(n: NodeOf<'folder'>, parentPrefix: string): RowText {
  return { label: nameBelow(n.prefix, parentPrefix), icon: 'folder', collapsible: 'collapsed', contextValue: 'pipelineFolder', tooltip: `s3://${n.bucket}/${n.prefix}` };
}

export function objectRow(n: NodeOf<'object'>, parentPrefix: string, now: number): RowText {
  const when = clockText(n.lastModified, now);
  return {
    label: nameBelow(n.key, parentPrefix),
    description: [formatBytes(n.size), when].filter(Boolean).join(' · '),
    tooltip: `s3://${n.bucket}/${n.key}${n.size !== undefined ? `\n${n.size} bytes` : ''}${n.lastModified ? `\nLast modified: ${n.lastModified}` : ''}\nClick to open read-only; Download and Open for binary or large objects.`,
    icon: 'file',
    collapsible: 'none',
    contextValue: 'pipelineObject',
    command: { id: 'localbatch.openObject', title: 'Open Object' },
  };
}

/** The prefix a folder or bucket node lists ("" for a bucket). */
export function prefixOf(n: NodeOf<'bucket'> | NodeOf<'folder'>): string {
  return n.type === 'folder' ? n.prefix : '';
}

/** The folder prefix an object or folder sits in (for its label). */
export function parentPrefix(key: string): string {
  const trimmed = key.endsWith('/') ? key.slice(0, -1) : key;
  const i = trimmed.lastIndexOf('/');
  return i < 0 ? '' : trimmed.slice(0, i + 1);
}

/**
 * Where an object is downloaded to open it: `<storage>/s3/<bucket>/<key>`, refused when the key
 * would lead outside that folder (`..` segments, absolute parts, NUL) or names a folder.
 */
export function downloadPath(storageDir: string, bucket: string, key: string): string {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new Error(`'${bucket}' is not a bucket name localbatch opens`);
  if (key === '' || key.endsWith('/') || key.includes('\0')) throw new Error(`s3://${bucket}/${key} cannot be saved as a file; download it with aws s3 cp`);
  const root = path.resolve(storageDir, 's3', bucket);
  const file = path.resolve(root, ...key.split('/').filter((s) => s !== ''));
  if (!file.startsWith(root + path.sep) || key.split('/').some((s) => s === '..' || s === '.')) throw new Error(`s3://${bucket}/${key} would be saved outside the download folder; download it with aws s3 cp`);
  return file;
}

/** Whether bytes should open as text: no NUL in the first 8 KB and valid UTF-8. */
export function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return false;
  try {
    // stream: a multi-byte character cut at the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: bytes.length > head.length });
    return true;
  } catch {
    return false;
  }
}
